"""Q2 one mistake: sigmoid output layer — fails q2 on the output activation."""
from td_keras_reference import *  # noqa: F403

import keras


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """Q2: sigmoid instead of softmax."""
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(n_classes, activation="sigmoid")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
