"""Q3 right but different: functional API, activations as functions, ReLU layers — full marks."""
from td_keras_reference import *  # noqa: F403

import keras


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: functional model."""
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for _ in range(n_hidden):
        x = keras.layers.ReLU()(keras.layers.Dense(128)(x))
    outputs = keras.layers.Dense(n_classes, activation=keras.activations.softmax)(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="sgd", loss=keras.losses.categorical_crossentropy,
                  metrics=["accuracy"])
    return model
