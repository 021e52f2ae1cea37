"""Q8 one mistake: epochs not given at construction (fit trains 1 epoch) — fails q8 on epochs."""
from td_keras_reference import *  # noqa: F403

import keras
from scikeras.wrappers import KerasClassifier


def _network(input_dim: int, n_classes: int) -> keras.Model:
    """Two hidden layers, integer labels."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_sklearn_classifier(input_dim: int, n_classes: int, epochs: int, batch_size: int):
    """Q8: forgot epochs=epochs."""
    return KerasClassifier(model=_network, model__input_dim=input_dim,
                           model__n_classes=n_classes, batch_size=batch_size, verbose=0)
