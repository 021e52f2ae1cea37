"""Q3 one mistake: padding='same' keeps 28x28 after the first convolution."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_lenet(input_shape, n_classes):
    """Q3: 'same' padding."""
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Conv2D(6, 5, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 5, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(120, activation="relu"),
        keras.layers.Dense(84, activation="relu"),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
