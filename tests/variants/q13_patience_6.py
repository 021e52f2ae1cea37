"""Q13 one mistake: patience=6 — fails q13 (never stops on the scripted losses)."""
from td_keras_reference import *  # noqa: F403

import keras


def make_early_stopping_callback():
    """Q13: one epoch too patient."""
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=6)
