"""Q13 one mistake: monitors the training 'loss' — fails q13 (never stops)."""
from td_keras_reference import *  # noqa: F403

import keras


def make_early_stopping_callback():
    """Q13: watches the training loss."""
    return keras.callbacks.EarlyStopping(monitor="loss", patience=5)
