"""Q2 one mistake: compiled with the 'mse' loss — fails q2 on the loss."""
from td_keras_reference import *  # noqa: F403

import keras


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """Q2: a regression loss on one-hot labels."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    return model
