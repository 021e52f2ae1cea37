"""Q2 one mistake: a hidden layer of 128 ReLU units ("no hidden layer" is the question) — fails q2."""
from td_keras_reference import *  # noqa: F403

import keras


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """Q2: one hidden layer too many."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
