"""Q3 right but different: Sequential() + .add() with no input shape (unbuilt) — full marks, a note."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: keras 2 habit, the model is built on its first call."""
    model = keras.Sequential()
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
