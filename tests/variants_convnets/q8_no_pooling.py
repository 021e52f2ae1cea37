"""Q8 one mistake: no pooling layer."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_small_binary_cnn(input_shape):
    """Q8: Conv2D then Flatten."""
    model = keras.Sequential([
        keras.Input(shape=input_shape), keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
