"""Q4 one mistake: two hidden layers of 140 units (params within 5 %) — fails q4 on the layer count."""
from td_keras_reference import *  # noqa: F403

import keras


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Q4: two hidden layers instead of one."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(140, activation="relu"),
                              keras.layers.Dense(140, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
