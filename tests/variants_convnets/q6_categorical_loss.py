"""Q6 one mistake: categorical cross-entropy for one sigmoid unit."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_transfer_model(base_model):
    """Q6: the wrong loss."""
    base_model.trainable = False
    model = keras.Sequential([base_model, keras.layers.Flatten(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
