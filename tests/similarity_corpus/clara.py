# Clara B. -- TD keras. Everything is built from lists of layers.
from keras import Input, Sequential, callbacks, regularizers
from keras.layers import Dense, Dropout
from keras.wrappers import SKLearnClassifier, SKLearnRegressor
from sklearn.model_selection import RandomizedSearchCV

import dataset_utils as du


def describe_datasets():
    d = {}
    for nm, task in (("mnist", "classification"), ("boston", "regression")):
        xa, xb, ya, yb = getattr(du, "prepare_" + nm)()
        d[nm] = dict(x_train=xa.shape, x_test=xb.shape, y_train=ya.shape, y_test=yb.shape,
                     task=task)
    return d


def hidden(n, units=128, **kw):
    return [Dense(units, activation="relu", **kw) for _ in range(n)]


def build_linear_classifier(input_dim, n_classes):
    m = Sequential([Input((input_dim,)), Dense(n_classes, activation="softmax")])
    m.compile("rmsprop", "categorical_crossentropy", ["accuracy"])
    return m


def build_mlp(input_dim, n_classes, n_hidden):
    m = Sequential([Input((input_dim,)), *hidden(n_hidden), Dense(n_classes, activation="softmax")])
    m.compile("rmsprop", "categorical_crossentropy", ["accuracy"])
    return m


def build_wide_mlp(input_dim, n_classes):
    target = build_mlp(input_dim, n_classes, 3).count_params()
    u = (target - n_classes) // (input_dim + n_classes + 1)
    m = Sequential([Input((input_dim,)), *hidden(1, u), Dense(n_classes, activation="softmax")])
    m.compile("rmsprop", "categorical_crossentropy", ["accuracy"])
    return m


def fit_with_validation(model, x, y, epochs, batch_size):
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0,
                     validation_split=3 / 10)


def build_mlp_l1(input_dim, n_classes, n_hidden, l1):
    reg = regularizers.l1(l1)
    m = Sequential([Input((input_dim,)), *hidden(n_hidden, kernel_regularizer=reg),
                    Dense(n_classes, activation="softmax", kernel_regularizer=reg)])
    m.compile("rmsprop", "categorical_crossentropy", ["accuracy"])
    return m


def build_mlp_dropout(input_dim, n_classes, n_hidden):
    stack = [Input((input_dim,)), Dropout(0.1)]
    for layer in hidden(n_hidden):
        stack += [layer, Dropout(0.1)]
    m = Sequential(stack + [Dense(n_classes, activation="softmax")])
    m.compile("rmsprop", "categorical_crossentropy", ["accuracy"])
    return m


def two_layer_net(X, y, input_dim, n_classes, optimizer="adam"):
    m = Sequential([Input((input_dim,)), *hidden(2), Dense(n_classes, activation="softmax")])
    m.compile(optimizer, "categorical_crossentropy", ["accuracy"])
    return m


def build_sklearn_classifier(input_dim, n_classes, epochs, batch_size):
    kw = {"input_dim": input_dim, "n_classes": n_classes}
    return SKLearnClassifier(two_layer_net, model_kwargs=kw,
                             fit_kwargs={"epochs": epochs, "batch_size": batch_size,
                                         "verbose": 0})


def select_optimizer(x, y, epochs, cv):
    kw = {"input_dim": x.shape[-1], "n_classes": int(y.max() + 1)}
    grid = {"model_kwargs": [{**kw, "optimizer": o} for o in ("rmsprop", "sgd")]}
    rs = RandomizedSearchCV(SKLearnClassifier(two_layer_net, model_kwargs=kw), grid,
                            n_iter=2, cv=cv, random_state=0)
    rs.fit(x, y, epochs=epochs, verbose=0)
    return rs


def plot_accuracy(history):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    h = history.history
    fig, ax = plt.subplots()
    ax.plot(range(1, 1 + len(h["accuracy"])), h["accuracy"], "b-", label="acc")
    ax.plot(range(1, 1 + len(h["val_accuracy"])), h["val_accuracy"], "r--", label="val_acc")
    ax.set_title("accuracy")
    fig.legend()
    return fig


def make_tensorboard_callback(log_dir):
    return callbacks.TensorBoard(log_dir=log_dir, histogram_freq=0)


class Every2(callbacks.Callback):
    def __init__(self, path):
        super().__init__()
        self.path, self.best = path, None

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("val_loss")
        if (epoch + 1) % 2 or loss is None:
            return
        if self.best is None or loss < self.best:
            self.best = loss
            self.model.save(self.path, overwrite=True)


def make_checkpoint_callback(filepath):
    return Every2(filepath)


def make_early_stopping_callback():
    return callbacks.EarlyStopping("val_loss", patience=5, verbose=0)


def boston_net(X, y, n_layers=1, n_units=16, optimizer="adam"):
    m = Sequential([Input((X.shape[1],)), *hidden(n_layers, n_units), Dense(1)])
    m.compile(optimizer, "mse")
    return m


def select_boston_model(x, y, epochs, cv):
    grid = {"model_kwargs": [dict(n_layers=a, n_units=b, optimizer=c)
                             for a in (1, 2) for b in (16, 48) for c in ("adam", "sgd")]}
    rs = RandomizedSearchCV(SKLearnRegressor(boston_net), grid, n_iter=8, cv=cv,
                            scoring="neg_mean_squared_error", random_state=1)
    rs.fit(x, y, epochs=epochs, verbose=0)
    return rs
