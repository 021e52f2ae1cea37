"""Q7 one mistake (carried over): sigmoid hidden layers — loses q7's architecture criterion."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q7: right dropout, sigmoid activations."""
    layers = [keras.Input(shape=(input_dim,))]
    for _ in range(n_hidden):
        layers += [keras.layers.Dense(128, activation="sigmoid"), keras.layers.Dropout(0.1)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
