"""The recurrent-networks lab's reference solution."""

import keras
import numpy as np


def make_windows(series, width):
    """Cut a series into windows of `width` values (x, shaped for a recurrent layer) and the
    value that follows each one (y)."""
    x = np.stack([series[i:i + width] for i in range(len(series) - width)])
    return x[..., None].astype("float32"), np.asarray(series[width:], dtype="float32")


def build_lstm_regressor(width):
    """An LSTM of 32 units reading windows of `width` values, one linear output."""
    model = keras.Sequential([keras.Input((width, 1)), keras.layers.LSTM(32),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def build_stacked_gru(width):
    """Two GRUs of 16 units, the first handing its whole sequence to the second."""
    model = keras.Sequential([keras.Input((width, 1)),
                              keras.layers.GRU(16, return_sequences=True),
                              keras.layers.GRU(16), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def build_text_classifier(vocab_size, length):
    """Token ids → a 32-dimensional Embedding → a Bidirectional LSTM of 16 units → one sigmoid."""
    model = keras.Sequential([keras.Input((length,), dtype="int32"),
                              keras.layers.Embedding(vocab_size, 32),
                              keras.layers.Bidirectional(keras.layers.LSTM(16)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def make_early_stopping(patience):
    """Stop after `patience` epochs without a better val_loss, keeping the best weights."""
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                         restore_best_weights=True)
