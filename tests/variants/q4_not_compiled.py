"""Q4 one mistake (carried over): the wide model is not compiled — loses q4's output criterion."""
from td_keras_reference import *  # noqa: F403

import keras


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Q4: right layer, forgot model.compile."""
    target = (input_dim + 1) * 128 + 2 * (128 + 1) * 128 + (128 + 1) * n_classes
    units = round((target - n_classes) / (input_dim + 1 + n_classes))
    return keras.Sequential([keras.Input(shape=(input_dim,)),
                             keras.layers.Dense(units, activation="relu"),
                             keras.layers.Dense(n_classes, activation="softmax")])
