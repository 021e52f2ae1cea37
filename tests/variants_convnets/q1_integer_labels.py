"""Q1 one mistake: labels left as integers (no one-hot encoding)."""
from td_convnets_reference import *  # noqa: F403

import dataset_utils
import numpy as np


def prepare_mnist_images():
    """Q1: y as integer labels."""
    (x_train, y_train), (x_test, y_test) = dataset_utils.load_mnist()
    x_train = (x_train[..., np.newaxis] / 255).astype("float32")
    x_test = (x_test[..., np.newaxis] / 255).astype("float32")
    return x_train, x_test, y_train.astype("float32"), y_test.astype("float32")
