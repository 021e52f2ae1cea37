"""Q1 one mistake: only MNIST is described, no 'boston' entry — fails q1 on the keys."""
from td_keras_reference import *  # noqa: F403

import dataset_utils


def describe_datasets() -> dict:
    """Q1: MNIST only."""
    x_train, x_test, y_train, y_test = dataset_utils.prepare_mnist()
    return {"mnist": {"x_train": x_train.shape, "y_train": y_train.shape,
                      "x_test": x_test.shape, "y_test": y_test.shape,
                      "task": "classification"}}
