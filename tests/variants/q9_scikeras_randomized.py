"""Q9 right but different: scikeras KerasClassifier in a RandomizedSearchCV — full marks."""
from td_keras_reference import *  # noqa: F403

import keras
from scikeras.wrappers import KerasClassifier
from sklearn.model_selection import RandomizedSearchCV


def _network(meta: dict, optimizer: str = "adam") -> keras.Model:
    """Two hidden layers; scikeras gives the input size and classes in meta."""
    model = keras.Sequential([keras.Input(shape=(meta["n_features_in_"],)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(meta["n_classes_"], activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def select_optimizer(x, y, epochs: int, cv: int):
    """Q9: two candidates drawn from two optimizers."""
    clf = KerasClassifier(model=_network, epochs=epochs, verbose=0)
    search = RandomizedSearchCV(clf, {"model__optimizer": ["rmsprop", "sgd"]}, n_iter=2, cv=cv,
                                random_state=0)
    return search.fit(x, y)
