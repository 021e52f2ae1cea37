"""Q1 one mistake: pixels left in [0, 255]."""
from td_convnets_reference import *  # noqa: F403

import dataset_utils
import keras
import numpy as np


def prepare_mnist_images():
    """Q1: float32 but not divided by 255."""
    (x_train, y_train), (x_test, y_test) = dataset_utils.load_mnist()
    x_train = x_train[..., np.newaxis].astype("float32")
    x_test = x_test[..., np.newaxis].astype("float32")
    return (x_train, x_test, keras.utils.to_categorical(y_train, 10).astype("float32"),
            keras.utils.to_categorical(y_test, 10).astype("float32"))
