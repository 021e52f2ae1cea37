"""Q7 right but different: .add(), Dropout(0.1) on the input as well — full marks."""
from td_keras_reference import *  # noqa: F403

import keras
from keras.layers import Dense, Dropout


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q7: dropout on the input and after every hidden layer."""
    model = keras.Sequential()
    model.add(keras.Input(shape=(input_dim,)))
    model.add(Dropout(0.1))
    for _ in range(n_hidden):
        model.add(Dense(128, activation="relu"))
        model.add(Dropout(rate=0.1))
    model.add(Dense(n_classes, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
