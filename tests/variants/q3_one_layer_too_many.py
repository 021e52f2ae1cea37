"""Q3 one mistake: n_hidden + 1 hidden layers — fails q3 on the number of Dense layers."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: off by one in the loop."""
    layers = [keras.Input(shape=(input_dim,))]
    layers += [keras.layers.Dense(128, activation="relu") for _ in range(n_hidden + 1)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
