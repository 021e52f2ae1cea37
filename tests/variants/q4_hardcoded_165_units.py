"""Q4 one mistake: 165 ReLU units hard-coded — within 5 % for 784 inputs and 10 classes (131,185
params), far off for any other input_dim and n_classes: loses the wide-layer criterion."""
from td_keras_reference import *  # noqa: F403

import keras


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Q4: one hidden layer of 165 units."""
    inputs = keras.Input(shape=(input_dim,))
    hidden = keras.layers.Activation("relu")(keras.layers.Dense(165)(inputs))
    outputs = keras.layers.Dense(n_classes, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model
