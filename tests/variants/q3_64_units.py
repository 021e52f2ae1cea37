"""Q3 one mistake: hidden layers of 64 units — fails q3 on every hidden layer's units."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: 64 units instead of 128."""
    layers = [keras.Input(shape=(input_dim,))]
    layers += [keras.layers.Dense(64, activation="relu") for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
