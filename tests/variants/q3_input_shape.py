"""Q3 right but different: Sequential list with input_shape= on the first layer — full marks."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: keras 2 style input_shape on the first Dense."""
    sizes = [128] * n_hidden + [n_classes]
    layers = []
    for i, units in enumerate(sizes):
        activation = "softmax" if i == len(sizes) - 1 else "relu"
        extra = {"input_shape": (input_dim,)} if i == 0 else {}
        layers.append(keras.layers.Dense(units, activation=activation, **extra))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
