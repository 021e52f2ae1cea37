"""Q5 right but different: a manual 70/30 split passed as validation_data, positional args — full marks."""
from td_keras_reference import *  # noqa: F403


def fit_with_validation(model, x, y, epochs: int, batch_size: int):
    """Q5: hold out the last 30 % by hand."""
    n_train = int(len(x) * 0.7)
    return model.fit(x[:n_train], y[:n_train], batch_size, epochs, verbose=0,
                     validation_data=(x[n_train:], y[n_train:]))
