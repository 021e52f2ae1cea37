"""Autograder for the Keras multi-layer perceptron lab."""

__version__ = "0.1.0"
