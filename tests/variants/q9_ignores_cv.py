"""Q9 one mistake: cv hard-coded to 3 folds — fails q9 on the folds."""
from td_keras_reference import *  # noqa: F403

import keras
from scikeras.wrappers import KerasClassifier
from sklearn.model_selection import GridSearchCV


def _network(meta: dict, optimizer: str = "adam") -> keras.Model:
    """Two hidden layers."""
    model = keras.Sequential([keras.Input(shape=(meta["n_features_in_"],)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(meta["n_classes_"], activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def select_optimizer(x, y, epochs: int, cv: int):
    """Q9: the cv argument is ignored."""
    clf = KerasClassifier(model=_network, epochs=epochs, verbose=0)
    return GridSearchCV(clf, {"model__optimizer": ["rmsprop", "sgd"]}, cv=3).fit(x, y)
