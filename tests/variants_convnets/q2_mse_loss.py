"""Q2 one mistake: compiled with the mean squared error."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_shallow_cnn(input_shape, n_classes):
    """Q2: mse loss."""
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Conv2D(32, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    return model
