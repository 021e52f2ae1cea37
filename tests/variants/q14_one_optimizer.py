"""Q14 one mistake: every candidate uses 'adam' — fails q14 on the optimizers compared."""
from td_keras_reference import *  # noqa: F403

import keras
from scikeras.wrappers import KerasRegressor
from sklearn.model_selection import GridSearchCV


def _regressor(meta: dict, n_hidden: int = 1, units: int = 16, optimizer: str = "adam"):
    """A regression MLP of the given depth and width."""
    layers = [keras.Input(shape=(meta["n_features_in_"],))]
    layers += [keras.layers.Dense(units, activation="relu") for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(1))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss="mean_squared_error")
    return model


def select_boston_model(x, y, epochs: int, cv: int):
    """Q14: depth and width vary, the optimizer does not."""
    grid = [
        {"model__n_hidden": [1], "model__units": [16]},
        {"model__n_hidden": [2], "model__units": [32]},
    ]
    search = GridSearchCV(KerasRegressor(model=_regressor, epochs=epochs, verbose=0), grid,
                          cv=cv, scoring="neg_mean_squared_error")
    return search.fit(x, y)
