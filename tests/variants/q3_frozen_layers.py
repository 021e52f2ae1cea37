"""Q3 one mistake: every layer has trainable=False, so training changes nothing — fails q3."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: frozen layers."""
    layers = [keras.Input(shape=(input_dim,))]
    layers += [keras.layers.Dense(128, activation="relu", trainable=False)
               for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax", trainable=False))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
