"""Q6 right but different: L1L2(l1=c) objects, functional API — full marks."""
from td_keras_reference import *  # noqa: F403

import keras
from keras.regularizers import L1L2


def build_mlp_l1(input_dim: int, n_classes: int, n_hidden: int, l1: float) -> keras.Model:
    """Q6: L1L2 with only an l1 term."""
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for _ in range(n_hidden):
        x = keras.layers.Dense(128, activation="relu", kernel_regularizer=L1L2(l1=l1))(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", kernel_regularizer=L1L2(l1=l1))(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
