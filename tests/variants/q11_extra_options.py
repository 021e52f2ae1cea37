"""Q11 right but different: TensorBoard with histograms, no graph, epoch updates — full marks."""
from td_keras_reference import *  # noqa: F403

from keras.callbacks import TensorBoard


def make_tensorboard_callback(log_dir: str):
    """Q11: extra options."""
    return TensorBoard(log_dir=log_dir, histogram_freq=1, write_graph=False,
                       update_freq="epoch", profile_batch=0)
