"""Q2 right but different: functional API, Dense then a Softmax layer, metric 'acc' — full marks."""
from td_keras_reference import *  # noqa: F403

import keras


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """Q2: functional model with a separate Softmax layer."""
    inputs = keras.Input(shape=(input_dim,))
    outputs = keras.layers.Softmax()(keras.layers.Dense(n_classes)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["acc"])
    return model
