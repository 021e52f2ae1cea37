"""Q6 one mistake: the model is built on a copy of the base (clone_model), not on base_model."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_transfer_model(base_model):
    """Q6: a fresh copy, frozen: the given base is never used."""
    base = keras.models.clone_model(base_model)
    base.trainable = False
    model = keras.Sequential([base, keras.layers.Flatten(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
