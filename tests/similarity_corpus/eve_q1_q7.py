"""Eve's own answers to q1-q7 (her q8-q14 come from Anna's, renamed: see the corpus builder)."""

import keras
import numpy as np

import dataset_utils

ANSWERS = {}
CLASSIFICATION, REGRESSION = "classification", "regression"


def shapes_of(loader):
    x_tr, x_te, y_tr, y_te = loader()
    return {"x_train": np.shape(x_tr), "x_test": np.shape(x_te), "y_train": np.shape(y_tr),
            "y_test": np.shape(y_te)}


def describe_datasets():
    mnist = shapes_of(dataset_utils.prepare_mnist)
    mnist["task"] = CLASSIFICATION
    boston = shapes_of(dataset_utils.prepare_boston)
    boston["task"] = REGRESSION
    return {"boston": boston, "mnist": mnist}


def finish(inputs, outputs):
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def build_linear_classifier(input_dim, n_classes):
    inputs = keras.layers.Input(shape=(input_dim,))
    return finish(inputs, keras.layers.Dense(n_classes, activation="softmax")(inputs))


def build_mlp(input_dim, n_classes, n_hidden):
    inputs = keras.layers.Input(shape=(input_dim,))
    x = inputs
    for layer_number in range(n_hidden):
        x = keras.layers.Dense(128, activation="relu", name=f"hidden_{layer_number}")(x)
    return finish(inputs, keras.layers.Dense(n_classes, activation="softmax")(x))


def build_wide_mlp(input_dim, n_classes):
    goal = build_mlp(input_dim, n_classes, 3).count_params()
    per_unit = input_dim + 1 + n_classes
    units = max(1, round((goal - n_classes) / per_unit))
    inputs = keras.layers.Input(shape=(input_dim,))
    x = keras.layers.Dense(units, activation="relu")(inputs)
    return finish(inputs, keras.layers.Dense(n_classes, activation="softmax")(x))


def fit_with_validation(model, x, y, epochs, batch_size):
    return model.fit(x, y, batch_size, epochs, 0, validation_split=.3)  # fit's own order


def build_mlp_l1(input_dim, n_classes, n_hidden, l1):
    inputs = keras.layers.Input(shape=(input_dim,))
    x = inputs
    for _ in range(n_hidden):
        x = keras.layers.Dense(128, "relu", kernel_regularizer=keras.regularizers.l1(l1))(x)
    out = keras.layers.Dense(n_classes, "softmax", kernel_regularizer=keras.regularizers.l1(l1))
    return finish(inputs, out(x))


def build_mlp_dropout(input_dim, n_classes, n_hidden):
    inputs = keras.layers.Input(shape=(input_dim,))
    x = keras.layers.Dropout(0.1)(inputs)
    for _ in range(n_hidden):
        x = keras.layers.Dropout(0.1)(keras.layers.Dense(128, activation="relu")(x))
    return finish(inputs, keras.layers.Dense(n_classes, activation="softmax")(x))
