"""Q3 one mistake: the model is returned without compile()."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_lenet(input_shape, n_classes):
    """Q3: not compiled."""
    return keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Conv2D(6, 5, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 5, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(120, activation="relu"),
        keras.layers.Dense(84, activation="relu"),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
