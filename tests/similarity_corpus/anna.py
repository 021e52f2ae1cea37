"""TD keras -- Anna's solution (written with Sequential.add, one function at a time)."""

import keras
import matplotlib
import numpy as np
from sklearn.model_selection import GridSearchCV

import dataset_utils

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402

ANSWERS = {"q4": "the deep one is better with the same number of weights"}


def describe_datasets():
    # load both datasets and write down the shapes
    result = {}
    xtr, xte, ytr, yte = dataset_utils.prepare_mnist()
    result["mnist"] = {"x_train": xtr.shape, "y_train": ytr.shape, "x_test": xte.shape,
                       "y_test": yte.shape, "task": "multi-class classification"}
    xtr, xte, ytr, yte = dataset_utils.prepare_boston()
    result["boston"] = {"x_train": xtr.shape, "y_train": ytr.shape, "x_test": xte.shape,
                        "y_test": yte.shape, "task": "regression"}
    return result


def build_linear_classifier(input_dim, n_classes):
    net = keras.Sequential()
    net.add(keras.Input(shape=(input_dim,)))
    net.add(keras.layers.Dense(n_classes, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return net


def build_mlp(input_dim, n_classes, n_hidden):
    net = keras.Sequential()
    net.add(keras.Input(shape=(input_dim,)))
    i = 0
    while i < n_hidden:
        # tanh trains more smoothly than relu here
        net.add(keras.layers.Dense(128, activation="tanh"))
        i = i + 1
    net.add(keras.layers.Dense(n_classes, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return net


def build_wide_mlp(input_dim, n_classes):
    deep_params = (input_dim * 128 + 128) + 2 * (128 * 128 + 128) + (128 * n_classes + n_classes)
    width = int(np.round((deep_params - n_classes) / (input_dim + 1 + n_classes)))
    net = keras.Sequential()
    net.add(keras.Input(shape=(input_dim,)))
    net.add(keras.layers.Dense(width, activation="relu"))
    net.add(keras.layers.Dense(n_classes, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return net


def fit_with_validation(model, x, y, epochs, batch_size):
    hist = model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_split=0.3,
                     verbose=0)
    return hist


def build_mlp_l1(input_dim, n_classes, n_hidden, l1):
    net = keras.Sequential()
    net.add(keras.Input(shape=(input_dim,)))
    for i in range(n_hidden):
        net.add(keras.layers.Dense(128, activation="relu",
                                   kernel_regularizer=keras.regularizers.L1(l1)))
    net.add(keras.layers.Dense(n_classes, activation="softmax",
                               kernel_regularizer=keras.regularizers.L1(l1)))
    net.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return net


def build_mlp_dropout(input_dim, n_classes, n_hidden):
    net = keras.Sequential()
    net.add(keras.Input(shape=(input_dim,)))
    for i in range(n_hidden):
        net.add(keras.layers.Dense(128, activation="relu"))
        net.add(keras.layers.Dropout(0.1))
    net.add(keras.layers.Dense(n_classes, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return net


def make_classifier_net(X, y, input_dim, n_classes, optimizer="adam"):
    net = keras.Sequential()
    net.add(keras.Input(shape=(input_dim,)))
    net.add(keras.layers.Dense(128, activation="relu"))
    net.add(keras.layers.Dense(128, activation="relu"))
    net.add(keras.layers.Dense(n_classes, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return net


def build_sklearn_classifier(input_dim, n_classes, epochs, batch_size):
    clf = keras.wrappers.SKLearnClassifier(
        model=make_classifier_net,
        model_kwargs=dict(input_dim=input_dim, n_classes=n_classes),
        fit_kwargs=dict(epochs=epochs, batch_size=batch_size, verbose=0))
    return clf


def select_optimizer(x, y, epochs, cv):
    n_features = x.shape[1]
    n_labels = int(np.max(y)) + 1
    clf = keras.wrappers.SKLearnClassifier(
        model=make_classifier_net,
        model_kwargs=dict(input_dim=n_features, n_classes=n_labels))
    options = []
    for opt in ["rmsprop", "sgd"]:
        options.append(dict(input_dim=n_features, n_classes=n_labels, optimizer=opt))
    search = GridSearchCV(clf, {"model_kwargs": options}, cv=cv)
    search.fit(x, y, epochs=epochs, verbose=0)
    return search


def plot_accuracy(history):
    fig = plt.figure()
    plt.plot(history.history["accuracy"], label="training accuracy")
    plt.plot(history.history["val_accuracy"], label="validation accuracy")
    plt.xlabel("epoch")
    plt.legend()
    return fig


def make_tensorboard_callback(log_dir):
    cb = keras.callbacks.TensorBoard(log_dir=log_dir, update_freq="epoch")
    return cb


class SaveEveryTwo(keras.callbacks.Callback):
    def __init__(self, filepath):
        super().__init__()
        self.filepath = filepath
        self.lowest = np.inf

    def on_epoch_end(self, epoch, logs=None):
        if epoch % 2 == 1 and logs["val_loss"] < self.lowest:
            self.lowest = logs["val_loss"]
            self.model.save(self.filepath)


def make_checkpoint_callback(filepath):
    return SaveEveryTwo(filepath)


def make_early_stopping_callback():
    cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5)
    return cb


def make_regressor_net(X, y, layers=1, neurons=32, optimizer="adam"):
    net = keras.Sequential()
    net.add(keras.Input(shape=(X.shape[1],)))
    for i in range(layers):
        net.add(keras.layers.Dense(neurons, activation="relu"))
    net.add(keras.layers.Dense(1))
    net.compile(loss="mse", optimizer=optimizer)
    return net


def select_boston_model(x, y, epochs, cv):
    options = []
    for layers in [1, 2]:
        for neurons in [16, 64]:
            for opt in ["adam", "sgd"]:
                options.append(dict(layers=layers, neurons=neurons, optimizer=opt))
    reg = keras.wrappers.SKLearnRegressor(model=make_regressor_net)
    search = GridSearchCV(reg, {"model_kwargs": options}, cv=cv,
                          scoring="neg_mean_squared_error")
    search.fit(x, y, epochs=epochs, verbose=0)
    return search
