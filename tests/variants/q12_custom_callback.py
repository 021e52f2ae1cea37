"""Q12 right but different: a hand-written Callback that calls model.save — full marks."""
from td_keras_reference import *  # noqa: F403

import math

import keras


class SaveBestEveryOtherEpoch(keras.callbacks.Callback):
    """Save at epochs 2, 4, 6… when val_loss beats every saved model."""

    def __init__(self, filepath: str) -> None:
        super().__init__()
        self.filepath = filepath
        self.best = math.inf

    def on_epoch_end(self, epoch, logs=None):
        """Consider saving at the end of every second epoch."""
        loss = (logs or {}).get("val_loss")
        if (epoch + 1) % 2 == 0 and loss is not None and loss < self.best:
            self.best = loss
            self.model.save(self.filepath)


def make_checkpoint_callback(filepath: str):
    """Q12: a custom callback."""
    return SaveBestEveryOtherEpoch(filepath)
