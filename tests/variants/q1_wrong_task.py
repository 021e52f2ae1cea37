"""Q1 one mistake: Boston housing described as a classification task — fails q1 on the task."""
from td_keras_reference import *  # noqa: F403

import dataset_utils


def describe_datasets() -> dict:
    """Q1: every dataset called a classification."""
    description = {}
    for name, prepare in (("mnist", dataset_utils.prepare_mnist),
                          ("boston", dataset_utils.prepare_boston)):
        x_train, x_test, y_train, y_test = prepare()
        description[name] = {"x_train": x_train.shape, "y_train": y_train.shape,
                             "x_test": x_test.shape, "y_test": y_test.shape,
                             "task": "classification"}
    return description
