"""Q3 right: LeNet with the functional API."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_lenet(input_shape, n_classes):
    """Q3: functional LeNet."""
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(6, (5, 5), activation="relu", padding="valid")(inputs)
    x = keras.layers.MaxPooling2D(pool_size=(2, 2), strides=(2, 2))(x)
    x = keras.layers.Conv2D(16, (5, 5), activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(120, activation="relu")(x)
    x = keras.layers.Dense(84, activation="relu")(x)
    model = keras.Model(inputs, keras.layers.Dense(n_classes, activation="softmax")(x))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
