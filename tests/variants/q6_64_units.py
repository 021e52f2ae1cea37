"""Q6 one mistake (carried over): hidden layers of 64 units — loses q6's architecture criterion."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp_l1(input_dim: int, n_classes: int, n_hidden: int, l1: float) -> keras.Model:
    """Q6: L1 everywhere, but 64 units."""
    reg = keras.regularizers.l1(l1)
    layers = [keras.Input(shape=(input_dim,))]
    layers += [keras.layers.Dense(64, activation="relu", kernel_regularizer=reg)
               for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax", kernel_regularizer=reg))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
