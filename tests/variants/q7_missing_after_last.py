"""Q7 one mistake: Dropout only between hidden layers, none after the last — fails q7 there."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q7: Dropout only between hidden layers."""
    layers = [keras.Input(shape=(input_dim,))]
    for i in range(n_hidden):
        layers.append(keras.layers.Dense(128, activation="relu"))
        if i < n_hidden - 1:
            layers.append(keras.layers.Dropout(0.1))
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
