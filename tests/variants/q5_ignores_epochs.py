"""Q5 one mistake: epochs hard-coded to 10 — fails q5 on the epochs trained."""
from td_keras_reference import *  # noqa: F403


def fit_with_validation(model, x, y, epochs: int, batch_size: int):
    """Q5: a fixed number of epochs."""
    return model.fit(x, y, epochs=10, batch_size=batch_size, validation_split=0.3, verbose=0)
