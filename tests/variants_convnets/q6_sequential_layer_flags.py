"""Q6 right: a Sequential around the base, frozen layer by layer."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_transfer_model(base_model):
    """Q6: every layer's flag set, Sequential."""
    for layer in base_model.layers:
        layer.trainable = False
    model = keras.Sequential([base_model, keras.layers.Flatten(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
