"""Q3 right: input_shape= on the first layer, activations as layers, MaxPool2D, a string optimizer."""
from td_convnets_reference import *  # noqa: F403

import keras


def build_lenet(input_shape, n_classes):
    """Q3: the same LeNet, spelled differently."""
    layers = keras.layers
    model = keras.Sequential([
        layers.Conv2D(6, 5, input_shape=input_shape), layers.Activation("relu"),
        layers.MaxPool2D(), layers.Conv2D(16, kernel_size=(5, 5)), layers.ReLU(),
        layers.MaxPool2D(pool_size=(2, 2)), layers.Flatten(),
        layers.Dense(120), layers.Activation("relu"), layers.Dense(84, activation="relu"),
        layers.Dense(n_classes), layers.Softmax(),
    ])
    model.compile(optimizer="sgd", loss=keras.losses.CategoricalCrossentropy(),
                  metrics=["acc"])
    return model
