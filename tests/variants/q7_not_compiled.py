"""Q7 one mistake (carried over): not compiled — loses q7's compile criterion."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q7: right layers, forgot model.compile."""
    layers = [keras.Input(shape=(input_dim,))]
    for _ in range(n_hidden):
        layers += [keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.1)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    return keras.Sequential(layers)
