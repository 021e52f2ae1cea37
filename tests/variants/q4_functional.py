"""Q4 right but different: functional API, an Activation layer, the width computed another way
(floor instead of round) — within 5 % for every argument set: full marks."""
from td_keras_reference import *  # noqa: F403

import keras


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Q4: one hidden layer with about as many parameters as three of 128 units."""
    target = (input_dim + 1) * 128 + 2 * (128 + 1) * 128 + (128 + 1) * n_classes
    units = (target - n_classes) // (input_dim + 1 + n_classes)
    inputs = keras.Input(shape=(input_dim,))
    hidden = keras.layers.Activation("relu")(keras.layers.Dense(units)(inputs))
    outputs = keras.layers.Dense(n_classes, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model
