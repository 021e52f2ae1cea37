"""Q2 one mistake: the convolution uses a sigmoid."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_shallow_cnn(input_shape, n_classes):
    """Q2: sigmoid instead of ReLU in the Conv2D."""
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Conv2D(32, (3, 3), activation="sigmoid"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
