"""Q4 one mistake: one hidden layer of 64 units (50,890 params) — fails q4 on the parameter count."""
from td_keras_reference import *  # noqa: F403

import keras


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Q4: far too few parameters."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
