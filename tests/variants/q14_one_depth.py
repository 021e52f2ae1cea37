"""Q14 one mistake: every candidate has one hidden layer — fails q14 on the depths compared."""
from td_keras_reference import *  # noqa: F403

import keras
from scikeras.wrappers import KerasRegressor
from sklearn.model_selection import GridSearchCV


def _regressor(meta: dict, units: int = 16, optimizer: str = "adam"):
    """A one-hidden-layer regression MLP."""
    model = keras.Sequential([keras.Input(shape=(meta["n_features_in_"],)),
                              keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mean_squared_error")
    return model


def select_boston_model(x, y, epochs: int, cv: int):
    """Q14: width and optimizer vary, the depth does not."""
    grid = [
        {"model__units": [16], "model__optimizer": ["adam"]},
        {"model__units": [32], "model__optimizer": ["rmsprop"]},
    ]
    search = GridSearchCV(KerasRegressor(model=_regressor, epochs=epochs, verbose=0), grid,
                          cv=cv, scoring="neg_mean_squared_error")
    return search.fit(x, y)
