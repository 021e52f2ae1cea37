"""Q8 right: Dense(2, softmax) with categorical cross-entropy, AveragePooling2D, functional."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_small_binary_cnn(input_shape):
    """Q8: two softmax units."""
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(16, 3, activation="relu", padding="same")(inputs)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(16, activation="relu")(x)
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
