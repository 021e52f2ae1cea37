"""Q3 right but different: .add(), input_dim=, Dense + Activation layers, objects — full marks."""
from td_keras_reference import *  # noqa: F403

import keras
from keras.layers import Activation, Dense


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: built layer by layer, activations as separate layers."""
    model = keras.Sequential()
    for i in range(n_hidden):
        model.add(Dense(128, input_dim=input_dim) if i == 0 else Dense(128))
        model.add(Activation("relu"))
    model.add(Dense(n_classes, input_dim=input_dim) if n_hidden == 0 else Dense(n_classes))
    model.add(Activation(keras.activations.softmax))
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.CategoricalCrossentropy(),
                  metrics=[keras.metrics.CategoricalAccuracy()])
    return model
