# %%
# Dora's notebook (each "# %%" starts a cell). Exploration cells train and print.
import keras
import numpy as np
from dataset_utils import prepare_boston, prepare_mnist
from sklearn.model_selection import GridSearchCV

# %%
x_train, x_test, y_train, y_test = prepare_mnist()
print(x_train.shape, y_train.shape, x_test.min(), x_test.max())

# %%
def describe_datasets():
    info = dict()
    mn = prepare_mnist()
    bo = prepare_boston()
    keys = ("x_train", "x_test", "y_train", "y_test")
    info["mnist"] = dict(zip(keys, [a.shape for a in mn]))
    info["boston"] = dict(zip(keys, [a.shape for a in bo]))
    info["mnist"]["task"], info["boston"]["task"] = "classification", "regression"
    return info


describe_datasets()

# %%
def compile_it(model, optimizer="adam"):
    model.compile(optimizer=keras.optimizers.get(optimizer),
                  loss=keras.losses.CategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model


def build_linear_classifier(input_dim, n_classes):
    model = keras.models.Sequential(name="linear")
    model.add(keras.layers.InputLayer(shape=(input_dim,)))
    model.add(keras.layers.Dense(units=n_classes))
    model.add(keras.layers.Activation("softmax"))
    return compile_it(model)

# %%
model = build_linear_classifier(784, 10)
history = model.fit(x_train[:2000], y_train[:2000], epochs=5, verbose=0)
print(history.history["accuracy"][-1])

# %%
def build_mlp(input_dim, n_classes, n_hidden):
    model = keras.models.Sequential(name=f"mlp{n_hidden}")
    model.add(keras.layers.InputLayer(shape=(input_dim,)))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(units=128))
        model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dense(units=n_classes))
    model.add(keras.layers.Activation("softmax"))
    return compile_it(model)

# %%
for depth in range(4):
    scores = build_mlp(784, 10, depth).fit(x_train[:2000], y_train[:2000], epochs=3, verbose=0)
    print(depth, scores.history["accuracy"][-1])

# %%
def build_wide_mlp(input_dim, n_classes):
    wanted = build_mlp(input_dim, n_classes, 3).count_params()
    units = 1
    while (units + 1) * (input_dim + 1) + n_classes * (units + 2) <= wanted:
        units += 1
    model = keras.models.Sequential(name="wide")
    model.add(keras.layers.InputLayer(shape=(input_dim,)))
    model.add(keras.layers.Dense(units=units, activation="relu"))
    model.add(keras.layers.Dense(units=n_classes, activation="softmax"))
    return compile_it(model)

# %%
def fit_with_validation(model, x, y, epochs, batch_size):
    h = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=0.30,
                  shuffle=True, verbose=0)
    return h

# %%
def build_mlp_l1(input_dim, n_classes, n_hidden, l1):
    model = keras.models.Sequential(name="l1")
    model.add(keras.layers.InputLayer(shape=(input_dim,)))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(units=128, activation="relu",
                                     kernel_regularizer=keras.regularizers.L1(l1=l1)))
    model.add(keras.layers.Dense(units=n_classes, activation="softmax",
                                 kernel_regularizer=keras.regularizers.L1(l1=l1)))
    return compile_it(model)


def build_mlp_dropout(input_dim, n_classes, n_hidden):
    model = keras.models.Sequential(name="dropout")
    model.add(keras.layers.InputLayer(shape=(input_dim,)))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(units=128, activation="relu"))
        model.add(keras.layers.Dropout(rate=0.1))
    model.add(keras.layers.Dense(units=n_classes, activation="softmax"))
    return compile_it(model)

# %%
def _net_for_sklearn(X, y, input_dim, n_classes, optimizer="adam"):
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=(input_dim,)))
    model.add(keras.layers.Dense(units=100, activation="relu"))
    model.add(keras.layers.Dense(units=50, activation="relu"))
    model.add(keras.layers.Dense(units=n_classes, activation="softmax"))
    return compile_it(model, optimizer)


def build_sklearn_classifier(input_dim, n_classes, epochs, batch_size):
    return keras.wrappers.SKLearnClassifier(
        _net_for_sklearn, model_kwargs={"input_dim": input_dim, "n_classes": n_classes},
        fit_kwargs={"epochs": epochs, "batch_size": batch_size, "verbose": 0})


def select_optimizer(x, y, epochs, cv):
    base = {"input_dim": x.shape[1], "n_classes": np.unique(y).size}
    candidates = [dict(base, optimizer=name) for name in ["rmsprop", "sgd"]]
    gs = GridSearchCV(keras.wrappers.SKLearnClassifier(_net_for_sklearn, model_kwargs=base),
                      param_grid=dict(model_kwargs=candidates), cv=cv, n_jobs=1)
    return gs.fit(x, y, epochs=epochs, verbose=0)

# %%
def plot_accuracy(history):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 3))
    ax = fig.add_subplot()
    ax.plot(history.epoch, history.history["accuracy"], marker="o", label="train accuracy")
    ax.plot(history.epoch, history.history["val_accuracy"], marker="x", label="val accuracy")
    ax.legend()
    return fig

# %%
def make_tensorboard_callback(log_dir):
    return keras.callbacks.TensorBoard(log_dir=log_dir, write_graph=False)


def make_checkpoint_callback(filepath):
    best = {"loss": float("inf")}

    def maybe_save(epoch, logs):
        if epoch % 2 == 1 and logs.get("val_loss", best["loss"]) < best["loss"]:
            best["loss"] = logs["val_loss"]
            checkpoint.model.save(filepath)

    checkpoint = keras.callbacks.LambdaCallback(on_epoch_end=maybe_save)
    return checkpoint


def make_early_stopping_callback():
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, mode="min")

# %%
def _boston_regressor(X, y, hidden_layers=1, hidden_units=32, optimizer="adam"):
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=(X.shape[1],)))
    for _ in range(hidden_layers):
        model.add(keras.layers.Dense(units=hidden_units, activation="relu"))
    model.add(keras.layers.Dense(units=1))
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model


def select_boston_model(x, y, epochs, cv):
    grid = [{"hidden_layers": d, "hidden_units": w, "optimizer": o}
            for d in (1, 2) for w in (32, 128) for o in ("adam", "adagrad")]
    gs = GridSearchCV(keras.wrappers.SKLearnRegressor(_boston_regressor),
                      {"model_kwargs": grid}, cv=cv, scoring="neg_mean_squared_error")
    return gs.fit(x, y, epochs=epochs, verbose=0)

# %%
xb_train, xb_test, yb_train, yb_test = prepare_boston()
search = select_boston_model(xb_train[:100], yb_train[:100], epochs=2, cv=2)
print(search.best_params_)
