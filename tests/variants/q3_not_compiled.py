"""Q3 one mistake: the model is never compiled — fails q3 on compilation."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: forgot model.compile."""
    layers = [keras.Input(shape=(input_dim,))]
    layers += [keras.layers.Dense(128, activation="relu") for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    return keras.Sequential(layers)
