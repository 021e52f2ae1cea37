"""Q8 one mistake: returns the bare keras model, not a scikit-learn classifier — fails q8."""
from td_keras_reference import *  # noqa: F403

import keras


def build_sklearn_classifier(input_dim: int, n_classes: int, epochs: int, batch_size: int):
    """Q8: no wrapper at all."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
