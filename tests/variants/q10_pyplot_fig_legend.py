"""Q10 right but different: plt.figure() + plt.plot, a figure-level legend — full marks."""
from td_keras_reference import *  # noqa: F403

import matplotlib.pyplot as plt


def plot_accuracy(history):
    """Q10: pyplot state machine, fig.legend."""
    fig = plt.figure(figsize=(6, 4))
    plt.plot(history.history["accuracy"], "b-")
    plt.plot(history.history["val_accuracy"], "r--")
    plt.xlabel("epoch")
    fig.legend(["training accuracy", "validation accuracy"])
    return fig
