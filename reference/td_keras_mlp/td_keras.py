"""Reference solution of the lab "TD keras & perceptron multi-couches" (instructor only)."""

from __future__ import annotations

import keras
import matplotlib

matplotlib.use("Agg")
import dataset_utils  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

ANSWERS = {
    "q1": "MNIST: classification into 10 digits; Boston housing: regression of a house price.",
    "q4": "The 3-hidden-layer model usually reaches a better accuracy for the same budget.",
}

HIDDEN_UNITS = 128


def describe_datasets() -> dict:
    """Q1: shapes of both datasets and the kind of task."""
    description = {}
    for name, prepare, task in (
        ("mnist", dataset_utils.prepare_mnist, "classification"),
        ("boston", dataset_utils.prepare_boston, "regression"),
    ):
        x_train, x_test, y_train, y_test = prepare()
        description[name] = {
            "x_train": x_train.shape,
            "y_train": y_train.shape,
            "x_test": x_test.shape,
            "y_test": y_test.shape,
            "task": task,
        }
    return description


def _compile_classifier(model: keras.Model) -> keras.Model:
    """Compile a multi-class classifier on one-hot labels."""
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _mlp(
    input_dim: int,
    n_classes: int,
    n_hidden: int,
    units: int = HIDDEN_UNITS,
    l1: float | None = None,
    dropout: float | None = None,
) -> keras.Model:
    """Build (uncompiled) an MLP with optional L1 penalty and dropout."""
    regularizer = keras.regularizers.l1(l1) if l1 is not None else None
    layers: list[keras.layers.Layer] = [keras.Input(shape=(input_dim,))]
    for _ in range(n_hidden):
        layers.append(keras.layers.Dense(units, activation="relu", kernel_regularizer=regularizer))
        if dropout is not None:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(
        keras.layers.Dense(n_classes, activation="softmax", kernel_regularizer=regularizer)
    )
    return keras.Sequential(layers)


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """Q2: a softmax layer without hidden layer."""
    return _compile_classifier(_mlp(input_dim, n_classes, 0))


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3: n_hidden hidden layers of 128 ReLU units."""
    return _compile_classifier(_mlp(input_dim, n_classes, n_hidden))


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Q4: one hidden layer with as many parameters as build_mlp(..., 3)."""
    target = _mlp(input_dim, n_classes, 3).count_params()
    units = round((target - n_classes) / (input_dim + 1 + n_classes))
    return _compile_classifier(_mlp(input_dim, n_classes, 1, units=units))


def fit_with_validation(model, x, y, epochs: int, batch_size: int):
    """Q5: hold out 30 % of the training data for validation."""
    return model.fit(
        x, y, epochs=epochs, batch_size=batch_size, validation_split=0.3, verbose=0
    )


def build_mlp_l1(input_dim: int, n_classes: int, n_hidden: int, l1: float) -> keras.Model:
    """Q6: L1 penalty on the weights of every Dense layer."""
    return _compile_classifier(_mlp(input_dim, n_classes, n_hidden, l1=l1))


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q7: dropout of rate 0.1 after every hidden layer."""
    return _compile_classifier(_mlp(input_dim, n_classes, n_hidden, dropout=0.1))


def _sklearn_network(input_dim: int, n_classes: int, optimizer: str = "adam") -> keras.Model:
    """Build a two-hidden-layer network for the scikit-learn wrappers."""
    model = _mlp(input_dim, n_classes, 2)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _build_for_wrapper(X, y, input_dim: int, n_classes: int, optimizer: str = "adam"):
    """Model function for keras.wrappers (receives X and one-hot y first)."""
    return _sklearn_network(input_dim, n_classes, optimizer)


def build_sklearn_classifier(input_dim: int, n_classes: int, epochs: int, batch_size: int):
    """Q8: the network wrapped as a scikit-learn classifier."""
    return keras.wrappers.SKLearnClassifier(
        model=_build_for_wrapper,
        model_kwargs={"input_dim": input_dim, "n_classes": n_classes},
        fit_kwargs={"epochs": epochs, "batch_size": batch_size, "verbose": 0},
    )


def select_optimizer(x, y, epochs: int, cv: int):
    """Q9: cross-validate the same network under rmsprop and sgd."""
    input_dim, n_classes = x.shape[1], len(set(y.tolist()))
    clf = keras.wrappers.SKLearnClassifier(
        model=_build_for_wrapper, model_kwargs={"input_dim": input_dim, "n_classes": n_classes}
    )
    grid = {
        "model_kwargs": [
            {"input_dim": input_dim, "n_classes": n_classes, "optimizer": name}
            for name in ("rmsprop", "sgd")
        ]
    }
    search = GridSearchCV(clf, grid, cv=cv)
    # fit settings go to search.fit: clone() drops SKLearnClassifier's fit_kwargs (keras bug).
    return search.fit(x, y, epochs=epochs, verbose=0)


def plot_accuracy(history):
    """Q10: training and validation accuracy per epoch."""
    fig, ax = plt.subplots()
    epochs = range(1, len(history.history["accuracy"]) + 1)
    ax.plot(epochs, history.history["accuracy"], label="train")
    ax.plot(epochs, history.history["val_accuracy"], label="validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.legend()
    return fig


def make_tensorboard_callback(log_dir: str):
    """Q11: TensorBoard logs of loss and accuracy per epoch."""
    return keras.callbacks.TensorBoard(log_dir=log_dir)


class EveryOtherEpochCheckpoint(keras.callbacks.ModelCheckpoint):
    """ModelCheckpoint that considers saving only at epochs 2, 4, 6, …"""

    def __init__(self, filepath: str, every: int = 2, **kwargs):
        super().__init__(filepath, monitor="val_loss", save_best_only=True, **kwargs)
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        """Let ModelCheckpoint decide only at the end of every `every`-th epoch."""
        if (epoch + 1) % self.every == 0:
            super().on_epoch_end(epoch, logs)


def make_checkpoint_callback(filepath: str):
    """Q12: save every second epoch, only when val_loss beats every saved model."""
    return EveryOtherEpochCheckpoint(filepath)


def make_early_stopping_callback():
    """Q13: stop when val_loss has not decreased for 5 epochs."""
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=5)


def _regression_network(X, y, n_hidden: int = 1, units: int = 32, optimizer: str = "adam"):
    """Model function for keras.wrappers.SKLearnRegressor."""
    layers = [keras.Input(shape=(X.shape[1],))]
    layers += [keras.layers.Dense(units, activation="relu") for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(1))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def select_boston_model(x, y, epochs: int, cv: int):
    """Q14: cross-validate depth, width and optimizer of a regressor."""
    grid = {
        "model_kwargs": [
            {"n_hidden": depth, "units": width, "optimizer": optimizer}
            for depth in (1, 2)
            for width in (16, 64)
            for optimizer in ("adam", "rmsprop")
        ]
    }
    search = GridSearchCV(
        keras.wrappers.SKLearnRegressor(model=_regression_network),
        grid,
        cv=cv,
        scoring="neg_mean_squared_error",
    )
    return search.fit(x, y, epochs=epochs, verbose=0)
