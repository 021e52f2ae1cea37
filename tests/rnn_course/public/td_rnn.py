"""Recurrent networks: implement each function (the lab's sheet says what each must do)."""

import keras  # noqa: F401
import numpy as np  # noqa: F401


def make_windows(series, width):
    """Q1: windows of `width` values (x, shaped (n, width, 1)) and the value after each (y)."""
    raise NotImplementedError


def build_lstm_regressor(width):
    """Q2: an LSTM of 32 units, one linear output, compiled for regression."""
    raise NotImplementedError


def build_stacked_gru(width):
    """Q3: two GRUs of 16 units stacked, one linear output, compiled for regression."""
    raise NotImplementedError


def build_text_classifier(vocab_size, length):
    """Q4: Embedding (32 dimensions), Bidirectional LSTM (16 units), one sigmoid output."""
    raise NotImplementedError


def make_early_stopping(patience):
    """Q5: an EarlyStopping on val_loss with this patience, keeping the best weights."""
    raise NotImplementedError
