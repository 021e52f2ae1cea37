"""Q1 right but different: shapes hard-coded as lists, task names capitalised — full marks."""
from td_keras_reference import *  # noqa: F403


def describe_datasets() -> dict:
    """Q1: the shapes written by hand."""
    return {
        "mnist": {"x_train": [60000, 784], "y_train": [60000, 10], "x_test": [10000, 784],
                  "y_test": [10000, 10], "task": "Classification"},
        "boston": {"x_train": [404, 13], "y_train": [404, 1], "x_test": [102, 13],
                   "y_test": [102, 1], "task": "Regression"},
    }
