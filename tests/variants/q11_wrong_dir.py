"""Q11 one mistake: TensorBoard logging to './logs' instead of log_dir — fails q11."""
from td_keras_reference import *  # noqa: F403

import keras


def make_tensorboard_callback(log_dir: str):
    """Q11: the log_dir argument is ignored."""
    return keras.callbacks.TensorBoard(log_dir="./logs")
