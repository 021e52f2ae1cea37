"""Q5 one mistake: no validation data at all — fails q5 on the held-out share."""
from td_keras_reference import *  # noqa: F403


def fit_with_validation(model, x, y, epochs: int, batch_size: int):
    """Q5: forgot validation_split."""
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
