"""Q12 one mistake: saves at every second epoch whatever val_loss is — fails q12."""
from td_keras_reference import *  # noqa: F403

import keras


class EveryOtherEpoch(keras.callbacks.ModelCheckpoint):
    """ModelCheckpoint at epochs 2, 4, 6… without save_best_only."""

    def on_epoch_end(self, epoch, logs=None):
        """Save at even epochs."""
        if (epoch + 1) % 2 == 0:
            super().on_epoch_end(epoch, logs)


def make_checkpoint_callback(filepath: str):
    """Q12: forgot save_best_only=True."""
    return EveryOtherEpoch(filepath, monitor="val_loss")
