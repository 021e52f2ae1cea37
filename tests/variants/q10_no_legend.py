"""Q10 one mistake: no legend — fails q10 on the legend."""
from td_keras_reference import *  # noqa: F403

import matplotlib.pyplot as plt


def plot_accuracy(history):
    """Q10: curves without a legend."""
    fig, ax = plt.subplots()
    ax.plot(history.history["accuracy"])
    ax.plot(history.history["val_accuracy"])
    return fig
