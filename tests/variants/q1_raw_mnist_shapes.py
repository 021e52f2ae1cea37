"""Q1 one mistake: MNIST shapes as keras.datasets gives them (images, integer labels) — fails q1."""
from td_keras_reference import *  # noqa: F403


def describe_datasets() -> dict:
    """Q1: MNIST described from keras.datasets.mnist.load_data() instead of dataset_utils."""
    return {
        "mnist": {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28),
                  "y_test": (10000,), "task": "classification"},
        "boston": {"x_train": (404, 13), "y_train": (404, 1), "x_test": (102, 13),
                   "y_test": (102, 1), "task": "regression"},
    }
