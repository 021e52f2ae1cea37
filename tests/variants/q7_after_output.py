"""Q7 one mistake: a Dropout after the output layer too — fails q7 on the stray Dropout."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q7: Dropout after every Dense, output included."""
    layers = [keras.Input(shape=(input_dim,))]
    for _ in range(n_hidden):
        layers += [keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.1)]
    layers += [keras.layers.Dense(n_classes, activation="softmax"), keras.layers.Dropout(0.1)]
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
