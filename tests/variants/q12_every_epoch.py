"""Q12 one mistake: a plain ModelCheckpoint(save_best_only=True) saves at any epoch — fails q12."""
from td_keras_reference import *  # noqa: F403

import keras


def make_checkpoint_callback(filepath: str):
    """Q12: every epoch, best only."""
    return keras.callbacks.ModelCheckpoint(filepath, monitor="val_loss", save_best_only=True)
