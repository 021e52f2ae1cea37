"""Q2 one mistake: the model is never compiled — fails q2 (loss check; the rest is skipped)."""
from td_keras_reference import *  # noqa: F403

import keras


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """Q2: forgot model.compile."""
    return keras.Sequential([keras.Input(shape=(input_dim,)),
                             keras.layers.Dense(n_classes, activation="softmax")])
