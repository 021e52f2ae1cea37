"""Q6 right: a model from base_model.input to a head on base_model.output."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_transfer_model(base_model):
    """Q6: keras.Model(base_model.input, ...)."""
    base_model.trainable = False
    x = keras.layers.Flatten()(base_model.output)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=base_model.input, outputs=outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
