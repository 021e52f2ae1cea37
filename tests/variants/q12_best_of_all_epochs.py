"""Q12 one mistake: compares with the best val_loss of all epochs, not of saved models — fails q12."""
from td_keras_reference import *  # noqa: F403

import math

import keras


class SaveEveryOtherEpoch(keras.callbacks.Callback):
    """Tracks the best val_loss at every epoch, saves only at even epochs."""

    def __init__(self, filepath: str) -> None:
        super().__init__()
        self.filepath = filepath
        self.best = math.inf

    def on_epoch_end(self, epoch, logs=None):
        """The best is updated even when nothing is saved."""
        loss = logs["val_loss"]
        improved = loss < self.best
        self.best = min(self.best, loss)
        if improved and (epoch + 1) % 2 == 0:
            self.model.save(self.filepath)


def make_checkpoint_callback(filepath: str):
    """Q12: the wrong comparison."""
    return SaveEveryOtherEpoch(filepath)
