"""Q5 one mistake: validation_split=0.2 — fails q5 on the held-out share."""
from td_keras_reference import *  # noqa: F403


def fit_with_validation(model, x, y, epochs: int, batch_size: int):
    """Q5: 20 % instead of 30 %."""
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=0.2, verbose=0)
