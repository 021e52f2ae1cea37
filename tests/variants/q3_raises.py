"""Q3 error: build_mlp raises IndexError when n_hidden=0 — q3 is an 'error' naming the line."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: assumes at least one hidden layer."""
    sizes = [128] * n_hidden
    first = keras.layers.Dense(sizes[0], activation="relu")
    rest = [keras.layers.Dense(units, activation="relu") for units in sizes[1:]]
    model = keras.Sequential([keras.Input(shape=(input_dim,)), first, *rest,
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
