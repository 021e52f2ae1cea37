"""Q10 one mistake: plots the loss curves instead of the accuracy — fails q10 on both curves."""
from td_keras_reference import *  # noqa: F403

import matplotlib.pyplot as plt


def plot_accuracy(history):
    """Q10: the wrong History keys."""
    fig, ax = plt.subplots()
    ax.plot(history.history["loss"], label="train")
    ax.plot(history.history["val_loss"], label="validation")
    ax.legend()
    return fig
