"""Q8 one mistake: the wrapped network has one hidden layer — fails q8 on the hidden layers."""
from td_keras_reference import *  # noqa: F403

import keras


def _network(X, y, input_dim: int, n_classes: int) -> keras.Model:
    """One hidden layer only."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def build_sklearn_classifier(input_dim: int, n_classes: int, epochs: int, batch_size: int):
    """Q8: keras.wrappers around a too shallow network."""
    return keras.wrappers.SKLearnClassifier(
        model=_network, model_kwargs={"input_dim": input_dim, "n_classes": n_classes},
        fit_kwargs={"epochs": epochs, "batch_size": batch_size, "verbose": 0})
