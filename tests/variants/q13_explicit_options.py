"""Q13 right but different: EarlyStopping with mode='min', restore_best_weights=True — full marks."""
from td_keras_reference import *  # noqa: F403

from keras.callbacks import EarlyStopping


def make_early_stopping_callback():
    """Q13: every option spelled out."""
    return EarlyStopping(monitor="val_loss", patience=5, mode="min", min_delta=0,
                         restore_best_weights=True, verbose=0)
