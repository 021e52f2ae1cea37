"""Q3 one mistake: 784 inputs and 10 classes hard-coded, input_dim and n_classes ignored — right
for the contract's own call, wrong for every other argument set."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: the arguments are not used."""
    layers = [keras.Input(shape=(784,))]
    layers += [keras.layers.Dense(128, activation="relu") for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
