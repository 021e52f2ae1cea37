"""Q7 right: layer flags set one by one, keras.optimizers.get for the optimizer."""
from td_convnets_reference import *  # noqa: F403

import keras


def unfreeze_for_fine_tuning(model, base_model, learning_rate=1e-5):
    """Q7: another spelling."""
    base_model.trainable = True
    for layer in base_model.layers:
        layer.trainable = True
    optimizer = keras.optimizers.get({"class_name": "adam",
                                      "config": {"learning_rate": learning_rate}})
    model.compile(optimizer=optimizer, loss=keras.losses.BinaryCrossentropy(),
                  metrics=["accuracy"])
    return model
