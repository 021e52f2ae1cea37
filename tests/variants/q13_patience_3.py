"""Q13 one mistake: patience=3 — fails q13 (stops after epoch 6 instead of 8)."""
from td_keras_reference import *  # noqa: F403

import keras


def make_early_stopping_callback():
    """Q13: too impatient."""
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=3)
