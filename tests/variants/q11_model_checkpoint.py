"""Q11 one mistake: returns a ModelCheckpoint, which writes no TensorBoard logs — fails q11."""
from td_keras_reference import *  # noqa: F403

import os

import keras


def make_tensorboard_callback(log_dir: str):
    """Q11: the wrong callback."""
    os.makedirs(log_dir, exist_ok=True)
    return keras.callbacks.ModelCheckpoint(os.path.join(log_dir, "model.keras"))
