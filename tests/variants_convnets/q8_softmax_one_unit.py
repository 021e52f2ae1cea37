"""Q8 one mistake (the course's own correction): Dense(1, softmax), which always outputs 1."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_small_binary_cnn(input_shape):
    """Q8: softmax over one unit."""
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Conv2D(16, (3, 3), activation="relu"), keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(), keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
