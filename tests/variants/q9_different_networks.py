"""Q9 one mistake: sgd gets a wider network than rmsprop — fails q9 on 'same network'."""
from td_keras_reference import *  # noqa: F403

import keras
from scikeras.wrappers import KerasClassifier
from sklearn.model_selection import GridSearchCV


def _network(meta: dict, optimizer: str = "adam", units: int = 128) -> keras.Model:
    """Two hidden layers of `units`."""
    model = keras.Sequential([keras.Input(shape=(meta["n_features_in_"],)),
                              keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(meta["n_classes_"], activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def select_optimizer(x, y, epochs: int, cv: int):
    """Q9: each optimizer with its own width."""
    clf = KerasClassifier(model=_network, epochs=epochs, verbose=0)
    grid = [{"model__optimizer": ["rmsprop"], "model__units": [128]},
            {"model__optimizer": ["sgd"], "model__units": [256]}]
    return GridSearchCV(clf, grid, cv=cv).fit(x, y)
