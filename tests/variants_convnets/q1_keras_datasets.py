"""Q1 right: keras.datasets.mnist.load_data(), reshape, astype and np.eye, as the course does."""
from td_convnets_reference import *  # noqa: F403

import keras
import numpy as np


def prepare_mnist_images():
    """Q1: the course's notebook's way."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    eye = np.eye(10, dtype="float32")
    return x_train, x_test, eye[y_train], eye[y_test]
