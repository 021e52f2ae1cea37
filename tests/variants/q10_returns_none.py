"""Q10 one mistake: draws the right figure but returns None — fails q10 on the return value."""
from td_keras_reference import *  # noqa: F403

import matplotlib.pyplot as plt


def plot_accuracy(history):
    """Q10: plt.show() habit, nothing returned."""
    plt.plot(history.history["accuracy"], label="train")
    plt.plot(history.history["val_accuracy"], label="validation")
    plt.legend()
    plt.show()
