"""Bruno's lab: the functional API and one helper that stacks the layers."""

from __future__ import annotations

import keras
from keras import layers
from sklearn.model_selection import GridSearchCV

from dataset_utils import prepare_boston, prepare_mnist

LOSS = "categorical_crossentropy"


def describe_datasets() -> dict:
    """Shapes of every array, and the task."""
    out = {}
    for key, loader in [("mnist", prepare_mnist), ("boston", prepare_boston)]:
        arrays = loader()
        names = ["x_train", "x_test", "y_train", "y_test"]
        out[key] = {name: tuple(array.shape) for name, array in zip(names, arrays)}
    out["mnist"]["task"] = "classification"
    out["boston"]["task"] = "regression"
    return out


def _stack(input_dim: int, n_classes: int, sizes: list[int], l1: float = 0.0,
           rate: float = 0.0) -> keras.Model:
    """Input -> hidden Dense layers of the given sizes -> softmax output."""
    penalty = keras.regularizers.L1(l1) if l1 else None
    inputs = keras.Input((input_dim,))
    h = inputs
    for size in sizes:
        h = layers.Dense(size, activation="relu", kernel_regularizer=penalty)(h)
        if rate:
            h = layers.Dropout(rate)(h)
    outputs = layers.Dense(n_classes, activation="softmax", kernel_regularizer=penalty)(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=LOSS, metrics=["accuracy"])
    return model


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """No hidden layer."""
    return _stack(input_dim, n_classes, [])


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """n_hidden layers of 128."""
    return _stack(input_dim, n_classes, [128] * n_hidden)


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Solve for the width that gives as many parameters as three layers of 128."""
    budget = build_mlp(input_dim, n_classes, 3).count_params()
    best = min(range(1, 5000),
               key=lambda w: abs(w * (input_dim + 1) + n_classes * (w + 1) - budget))
    return _stack(input_dim, n_classes, [best])


def fit_with_validation(model, x, y, epochs: int, batch_size: int):
    """30 % of the data for validation."""
    return model.fit(x=x, y=y, validation_split=0.3, epochs=epochs, batch_size=batch_size,
                     verbose=0)


def build_mlp_l1(input_dim: int, n_classes: int, n_hidden: int, l1: float) -> keras.Model:
    """L1 on every Dense layer."""
    return _stack(input_dim, n_classes, [128] * n_hidden, l1=l1)


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Dropout 0.1 after each hidden layer."""
    return _stack(input_dim, n_classes, [128] * n_hidden, rate=0.1)


def _wrapped(X, y, input_dim, n_classes, optimizer="adam"):
    model = _stack(input_dim, n_classes, [128, 128])
    model.compile(optimizer=optimizer, loss=LOSS, metrics=["accuracy"])
    return model


def build_sklearn_classifier(input_dim: int, n_classes: int, epochs: int, batch_size: int):
    """A scikit-learn classifier around the two-hidden-layer network."""
    from scikeras.wrappers import KerasClassifier

    def network():
        model = _stack(input_dim, n_classes, [128, 128])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    return KerasClassifier(model=network, epochs=epochs, batch_size=batch_size, verbose=0)


def select_optimizer(x, y, epochs: int, cv: int):
    """Grid over the two optimizers."""
    from scikeras.wrappers import KerasClassifier

    dims = {"input_dim": x.shape[1], "n_classes": len(set(y.tolist()))}

    def network(optimizer):
        model = _stack(dims["input_dim"], dims["n_classes"], [64])
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    search = GridSearchCV(KerasClassifier(model=network, optimizer="sgd", epochs=epochs,
                                          verbose=0),
                          param_grid={"optimizer": ["rmsprop", "sgd"]}, cv=cv)
    return search.fit(x, y)


def plot_accuracy(history):
    """Two curves and a legend."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    for key, label in (("accuracy", "train"), ("val_accuracy", "val")):
        axes.plot(history.history[key], label=label)
    axes.legend(loc="lower right")
    return figure


def make_tensorboard_callback(log_dir: str):
    """Logs for TensorBoard."""
    return keras.callbacks.TensorBoard(log_dir)


class EveryOther(keras.callbacks.ModelCheckpoint):
    """Only look at even epochs."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch % 2:
            super().on_epoch_end(epoch, logs)


def make_checkpoint_callback(filepath: str):
    """Best val_loss, every second epoch."""
    return EveryOther(filepath=filepath, monitor="val_loss", save_best_only=True)


def make_early_stopping_callback():
    """Patience 5 on val_loss."""
    return keras.callbacks.EarlyStopping(patience=5, monitor="val_loss")


def select_boston_model(x, y, epochs: int, cv: int):
    """Depth x width x optimizer, with scikeras."""
    from scikeras.wrappers import KerasRegressor

    def regressor(depth, width, optimizer):
        inputs = keras.Input((x.shape[1],))
        h = inputs
        for _ in range(depth):
            h = layers.Dense(width, activation="relu")(h)
        model = keras.Model(inputs, layers.Dense(1)(h))
        model.compile(optimizer=optimizer, loss="mean_squared_error")
        return model

    grid = {"model__depth": [1, 3], "model__width": [8, 32], "optimizer": ["adam", "rmsprop"]}
    search = GridSearchCV(KerasRegressor(model=regressor, model__depth=1, model__width=8,
                                         optimizer="adam", epochs=epochs, verbose=0),
                          grid, cv=cv, scoring="neg_mean_squared_error")
    return search.fit(x, y)
