"""Q2 right: functional API, MaxPool2D, other filters, kernel and pool sizes (the student's choice)."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_shallow_cnn(input_shape, n_classes):
    """Q2: Input -> Conv2D(8, 5) -> MaxPool2D(3) -> Flatten -> Dense softmax."""
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(8, (5, 5), activation="relu")(inputs)
    x = keras.layers.MaxPool2D(pool_size=3)(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
