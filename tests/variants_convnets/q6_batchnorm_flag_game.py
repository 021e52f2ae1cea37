"""Q6 one mistake: base_model.trainable is False, but its BatchNormalization layers are set
trainable again: the model still trains their weights (its flag says frozen)."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_transfer_model(base_model):
    """Q6: flags that say frozen, weights that train."""
    base_model.trainable = False
    for layer in base_model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = True
    inputs = keras.Input(shape=base_model.input_shape[1:])
    x = keras.layers.Flatten()(base_model(inputs, training=False))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
