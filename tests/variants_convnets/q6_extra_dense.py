"""Q6 one mistake: a hidden Dense(64) between Flatten and the output."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_transfer_model(base_model):
    """Q6: one layer too many."""
    base_model.trainable = False
    model = keras.Sequential([base_model, keras.layers.Flatten(),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
