"""Q3 model that cannot run: a subclassed model's call() has a typo — q3 is an 'error' that
shows the student's own line, although the layers look right."""
from td_keras_reference import *  # noqa: F403

import keras


class MLP(keras.Model):
    """Hidden ReLU layers, then a softmax output; call() uses an undefined name."""

    def __init__(self, n_classes: int, n_hidden: int) -> None:
        super().__init__()
        self.hidden = [keras.layers.Dense(128, activation="relu") for _ in range(n_hidden)]
        self.out = keras.layers.Dense(n_classes, activation="softmax")

    def call(self, x):
        for layer in self.hiden:  # the typo is the point
            x = layer(x)
        return self.out(x)


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: right layers, broken call."""
    model = MLP(n_classes, n_hidden)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
