"""Reference solution of the lab "Images et réseaux convolutifs" (instructor only)."""

from __future__ import annotations

import os

import dataset_utils
import keras
import numpy as np

ANSWERS = {
    "q3": (
        "LeNet and the dense network have about the same number of parameters, but LeNet "
        "usually reaches a better test accuracy: its convolutions share weights across "
        "positions and keep the 2-D neighbourhood of pixels, which the dense network ignores."
    ),
    "q7": (
        "Fine-tuning the whole network with a small learning rate usually adds a little "
        "accuracy after transfer learning; a large rate destroys the pretrained features."
    ),
    "q8": (
        "The small CNN trained from scratch learns, but with few images it stays well below "
        "the network that reuses pretrained ResNet50 features (transfer learning)."
    ),
}

N_DIGITS = 10
PIXEL_MAX = 255.0
BINARY_LOSS = "binary_crossentropy"


def _compile_classifier(model: keras.Model) -> keras.Model:
    """Compile a multi-class classifier on one-hot labels."""
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _as_images(x: np.ndarray) -> np.ndarray:
    """Return uint8 images (n, h, w) as float32 (n, h, w, 1) in [0, 1]."""
    return (x[..., np.newaxis] / np.float32(PIXEL_MAX)).astype(np.float32)


def _one_hot(y: np.ndarray) -> np.ndarray:
    """Return integer digit labels (n,) as float32 one-hot (n, 10)."""
    return keras.utils.to_categorical(y, N_DIGITS).astype(np.float32)


def prepare_mnist_images() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Q1: MNIST as (n, 28, 28, 1) float32 images in [0, 1] with one-hot float32 labels."""
    (x_train, y_train), (x_test, y_test) = dataset_utils.load_mnist()
    return _as_images(x_train), _as_images(x_test), _one_hot(y_train), _one_hot(y_test)


def build_shallow_cnn(input_shape: tuple[int, ...], n_classes: int) -> keras.Model:
    """Q2: one Conv2D, one MaxPooling2D, Flatten and a softmax Dense output."""
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(32, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )
    return _compile_classifier(model)


def build_lenet(input_shape: tuple[int, ...], n_classes: int) -> keras.Model:
    """Q3: LeNet (two 5×5 convolutions with 2×2 max pooling, then 120, 84 and softmax units)."""
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(6, (5, 5), padding="valid", activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(16, (5, 5), padding="valid", activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(120, activation="relu"),
            keras.layers.Dense(84, activation="relu"),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )
    return _compile_classifier(model)


def build_dense_like_lenet(input_shape: tuple[int, ...], n_classes: int) -> keras.Model:
    """Q4: Flatten, one hidden ReLU Dense layer, softmax; as many parameters as LeNet."""
    target = build_lenet(input_shape, n_classes).count_params()
    n_inputs = int(np.prod(input_shape))
    units = max(1, round((target - n_classes) / (n_inputs + 1 + n_classes)))
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )
    return _compile_classifier(model)


def load_for_resnet(
    path: str | os.PathLike, target_size: tuple[int, int] = (224, 224)
) -> np.ndarray:
    """Q5: one image file as a float32 batch (1, h, w, 3) preprocessed for ResNet50."""
    image = keras.utils.load_img(path, target_size=target_size)
    batch = keras.utils.img_to_array(image, dtype="float32")[np.newaxis]
    return keras.applications.resnet50.preprocess_input(batch)


def build_transfer_model(base_model: keras.Model) -> keras.Model:
    """Q6: the frozen base, Flatten and one sigmoid unit, compiled for binary classification."""
    base_model.trainable = False
    inputs = keras.Input(shape=base_model.input_shape[1:])
    features = base_model(inputs, training=False)
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Flatten()(features))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=BINARY_LOSS, metrics=["accuracy"])
    return model


def unfreeze_for_fine_tuning(
    model: keras.Model, base_model: keras.Model, learning_rate: float = 1e-5
) -> keras.Model:
    """Q7: make the whole base trainable and recompile with Adam(learning_rate)."""
    base_model.trainable = True
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=BINARY_LOSS,
        metrics=["accuracy"],
    )
    return model


def build_small_binary_cnn(input_shape: tuple[int, ...]) -> keras.Model:
    """Q8: a small CNN from scratch ending with Dense(1, sigmoid) and binary cross-entropy."""
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(16, (3, 3), padding="same", activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(32, (3, 3), padding="same", activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss=BINARY_LOSS, metrics=["accuracy"])
    return model
