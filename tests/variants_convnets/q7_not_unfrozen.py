"""Q7 one mistake: recompiled, but the base is left frozen."""
from td_convnets_reference import *  # noqa: F403

import keras


def unfreeze_for_fine_tuning(model, base_model, learning_rate=1e-5):
    """Q7: forgets base_model.trainable = True."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model
