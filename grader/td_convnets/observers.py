"""Observers of the 8 questions: call the student's function on small data, describe the result.

Runs only in a sandboxed child process (imports keras). The grader brings its own data (the
shipped MNIST subset, the example images, stripes it draws) and its own small base networks:
nothing is downloaded, no ImageNet weights.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader.contract import Observer
from grader.observe.arrays import describe_array
from grader.observe.builds import observe_builds
from grader.observe.context import ObserveContext

ARRAYS = ("x_train", "x_test", "y_train", "y_test")
RESNET_MEAN_RGB = np.array([123.68, 116.779, 103.939], dtype="float32")
STRIPES_TRAIN, STRIPES_TEST = 64, 32
# 15 epochs: a small CNN without pooling reached 0.62–1.0 test accuracy over five seeds after 6
# epochs (the verdict hung on the shuffle order), 1.0 at every seed after 15.
STRIPES_EPOCHS, STRIPES_BATCH = 15, 16


def load_raw_mnist(assignment_dir: Path) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Return the shipped subset as keras.datasets.mnist.load_data() returns MNIST."""
    with np.load(assignment_dir / "data" / "mnist_subset.npz") as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])


def install_data(ctx: ObserveContext) -> None:
    """Serve MNIST from the shipped subset, through keras.datasets and through dataset_utils."""
    import keras
    from keras.src.datasets import mnist as keras_mnist

    def load_data(path: str = "mnist.npz") -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """The grader's stand-in for keras.datasets.mnist.load_data: no download."""
        return load_raw_mnist(ctx.assignment_dir)

    keras_mnist.load_data = load_data
    keras.datasets.mnist.load_data = load_data
    spec = importlib.util.spec_from_file_location("dataset_utils",
                                                  ctx.assignment_dir / "dataset_utils.py")
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.load_mnist = lambda mass_network=None: load_data()
    sys.modules["dataset_utils"] = module


def lenet(input_shape: tuple[int, ...], n_classes: int) -> Any:
    """Build the contract's LeNet (the grader's own, to count its parameters)."""
    import keras

    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=input_shape), layers.Conv2D(6, 5, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(16, 5, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dense(120, activation="relu"), layers.Dense(84, activation="relu"),
        layers.Dense(n_classes, activation="softmax")])


def make_base(kind: str, input_shape: tuple[int, ...]) -> Any:
    """Build one of the grader's small convolutional bases (functional, like keras.applications'
    networks; no classification top, no weights to download): 'convbn' (with batch
    normalisation) or 'plain'."""
    import keras

    layers = keras.layers
    inputs = keras.Input(shape=input_shape)
    if kind == "plain":
        x = layers.Conv2D(4, 3, activation="relu")(inputs)
        x = layers.MaxPooling2D(2)(x)
        return keras.Model(inputs, layers.Conv2D(8, 3, activation="relu")(x), name="plain_base")
    x = layers.Conv2D(8, 3, use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(8, 3, activation="relu")(x)
    return keras.Model(inputs, x, name="convbn_base")


def transfer_model(base: Any, input_shape: tuple[int, ...]) -> Any:
    """Build the grader's own q6 model on a base (frozen), so that q7 does not depend on q6."""
    import keras

    base.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Flatten()(base(inputs, training=False))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def stripes(input_shape: tuple[int, ...], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw n noisy striped images (label 0 horizontal, 1 vertical) of the given shape."""
    rng = np.random.RandomState(seed)
    height, width, channels = input_shape
    labels = np.arange(n) % 2
    images = np.empty((n, height, width, channels), dtype="float32")
    for i, label in enumerate(labels):
        period, phase = rng.randint(3, 6), rng.randint(0, 6)
        axis = np.arange(width if label else height)
        line = ((axis + phase) // max(period // 2, 1)) % 2
        plane = np.tile(line, (height, 1)) if label else np.tile(line[:, None], (1, width))
        colour = rng.uniform(0.5, 1.0, channels)
        images[i] = plane[..., None] * colour + rng.normal(0, 0.1, (height, width, channels))
    return np.clip(images, 0, 1).astype("float32"), labels


def targets_for(labels: np.ndarray, width: int, loss: str) -> np.ndarray:
    """Shape 0/1 labels for the model's output: a column for one unit, one-hot for two units."""
    if width == 1:
        return labels.astype("float32").reshape(-1, 1)
    if "sparse" in loss:
        return labels.astype("int64")
    return np.eye(width, dtype="float32")[labels]


def learn_stripes(ctx: ObserveContext, model: Any, input_shape: tuple[int, ...],
                  info: dict[str, Any]) -> dict[str, Any]:
    """Fit the model briefly on drawn stripes; return its test accuracy (or the error)."""
    import keras

    x, y = stripes(input_shape, STRIPES_TRAIN, 1)
    x_test, y_test = stripes(input_shape, STRIPES_TEST, 2)
    width = info["run"]["output_shape"][-1]
    loss = ((info["compile"] or {}).get("loss") or {}).get("name", "")
    keras.utils.set_random_seed(0)
    try:
        ctx.progress(f"training your model on {STRIPES_TRAIN} striped images")
        model.fit(x, targets_for(y, width, loss), epochs=STRIPES_EPOCHS,
                  batch_size=STRIPES_BATCH, verbose=0)
        out = np.asarray(model.predict(x_test, verbose=0))
        predicted = (out[:, 0] > 0.5).astype(int) if width == 1 else out.argmax(axis=1)
        return {"test_accuracy": round(float((predicted == y_test).mean()), 4),
                "train_samples": STRIPES_TRAIN, "epochs": STRIPES_EPOCHS}
    except Exception as exc:  # noqa: BLE001 - training failures are the student's to read
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def observe_q1(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q1: the four arrays prepared from MNIST (served from the shipped subset), described here
    from the arrays the student's process sent."""
    result = ctx.call(module.prepare_mnist_images)
    parts = list(result) if isinstance(result, tuple | list) and len(result) == 4 else [result] * 4
    return {"arrays": {name: describe_array(value) for name, value in zip(ARRAYS, parts,
                                                                         strict=True)}}


def observe_q2(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q2: the shallow CNN (args: input_shape, n_classes)."""
    return observe_builds(ctx, module.build_shallow_cnn, args, "input_shape")


def observe_q3(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q3: LeNet (args: input_shape, n_classes)."""
    return observe_builds(ctx, module.build_lenet, args, "input_shape")


def observe_q4(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q4: the dense network, and the parameter count of the grader's own LeNet for the set."""
    data = observe_builds(ctx, module.build_dense_like_lenet, args, "input_shape")
    data["params_target"] = int(lenet(tuple(args["input_shape"]), args["n_classes"]).count_params())
    return data


def observe_q5(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q5: one shipped image loaded for ResNet50 (args: image, target_size), and which known
    preprocessing the returned batch equals (the candidates computed here)."""
    import keras

    path = ctx.assignment_dir / "data" / "images" / args["image"]
    size = tuple(args["target_size"])
    batch = ctx.call(module.load_for_resnet, str(path), target_size=size,
                     label=f"load_for_resnet('{args['image']}', target_size={size})")
    raw = keras.utils.img_to_array(keras.utils.load_img(path, target_size=size),
                                   dtype="float32")[np.newaxis]
    candidates = {
        "preprocess_input": keras.applications.resnet50.preprocess_input(raw.copy()),
        "divided_by_255": raw / 255.0,
        "raw_pixels": raw.copy(),
        "rgb_minus_mean": raw - RESNET_MEAN_RGB,
        "bgr_without_mean": raw[..., ::-1].copy(),
        "scaled_to_minus1_1": raw / 127.5 - 1.0,
    }
    return {"arrays": {"batch": describe_array(batch, candidates)}}


def observe_q6(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q6: the transfer model built on the grader's base (args: base, input_shape); the base's
    weights are recognised in the returned model by their values."""
    shape = tuple(args["input_shape"])
    base = make_base(args["base"], shape)
    handed = ctx.hand(base)
    returned = ctx.call(module.build_transfer_model, handed.remote,
                        label="build_transfer_model(base_model)")
    model, _ = ctx.describe_model(returned, shape, base=base, handed_base=handed)
    return {"builds": [{"args": args, "varies": [], "model": model}]}


def observe_q7(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q7: the grader's own frozen transfer model, unfrozen by the student's function (args:
    base, input_shape, learning_rate)."""
    shape = tuple(args["input_shape"])
    base = make_base(args["base"], shape)
    model = transfer_model(base, shape)
    handed_model = ctx.hand(model)
    base_remote = ctx.call(handed_model.remote.method("get_layer"), base.name,
                           label="the base inside the grader's model")
    rate = args["learning_rate"]
    tuned = ctx.call(module.unfreeze_for_fine_tuning, handed_model.remote, base_remote,
                     learning_rate=rate,
                     label=f"unfreeze_for_fine_tuning(model, base_model, learning_rate={rate})")
    description, _ = ctx.describe_model(tuned, shape, base=base)
    return {"builds": [{"args": args, "varies": [], "model": description}]}


def observe_q8(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q8: the small binary CNN, and what it learns from drawn stripes (args: input_shape): the
    fit is the observer's, on the model rebuilt from the student's file."""
    shape = tuple(args["input_shape"])
    returned = ctx.call(module.build_small_binary_cnn, shape)
    info, model = ctx.describe_model(returned, shape)
    data: dict[str, Any] = {"builds": [{"args": args, "varies": [], "model": info}]}
    run = info.get("run") or {}
    if info.get("is_model") and info["compile"] and len(run.get("output_shape") or []) == 2 \
            and model is not None:
        data["learning"] = learn_stripes(ctx, model, shape, info)
    return data


OBSERVERS: dict[str, Observer] = {f"q{i}": globals()[f"observe_q{i}"] for i in range(1, 9)}
