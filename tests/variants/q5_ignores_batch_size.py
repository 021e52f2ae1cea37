"""Q5 one mistake: the batch_size argument is ignored (keras's default 32) — fails q5 on steps."""
from td_keras_reference import *  # noqa: F403


def fit_with_validation(model, x, y, epochs: int, batch_size: int):
    """Q5: forgot batch_size."""
    return model.fit(x, y, epochs=epochs, validation_split=0.3, verbose=0)
