"""Q4 one mistake: two hidden layers."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_dense_like_lenet(input_shape, n_classes):
    """Q4: Dense(50) and Dense(40) hidden."""
    model = keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                              keras.layers.Dense(50, activation="relu"),
                              keras.layers.Dense(40, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
