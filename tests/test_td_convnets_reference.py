"""The td_convnets reference meets every fact of its contract, on real keras and the shipped data.

No grader engine: the reference, the lab's `dataset_utils` and the starter are imported from their
files, as a student's folder would import them, and checked with keras directly.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT_DIR = ROOT / "assignments" / "td_convnets"
DATA_DIR = ASSIGNMENT_DIR / "data"
REFERENCE_PATH = ROOT / "reference" / "td_convnets" / "td_convnets.py"
STARTER_PATH = ASSIGNMENT_DIR / "td_convnets.py"
RESNET_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)
QUESTIONS = (
    "prepare_mnist_images",
    "build_shallow_cnn",
    "build_lenet",
    "build_dense_like_lenet",
    "load_for_resnet",
    "build_transfer_model",
    "unfreeze_for_fine_tuning",
    "build_small_binary_cnn",
)
LENET_28_SHAPES = [(24, 24, 6), (12, 12, 6), (8, 8, 16), (4, 4, 16), (256,), (120,), (84,), (10,)]
# (32, 32, 3) and 5 classes: 32-4=28, /2=14, 14-4=10, /2=5, 5*5*16=400
LENET_32_SHAPES = [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (5,)]
LENET_32_PARAMS = (5 * 5 * 3 * 6 + 6) + (5 * 5 * 6 * 16 + 16) + (400 * 120 + 120) + (
    120 * 84 + 84
) + (84 * 5 + 5)
ARGUMENT_SETS = [((28, 28, 1), 10), ((32, 32, 3), 5)]


def load_module(name: str, path: Path) -> ModuleType:
    """Import the file at `path` as module `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dataset_utils() -> ModuleType:
    """Return the lab's dataset_utils, imported from its file."""
    return load_module("td_convnets_dataset_utils", ASSIGNMENT_DIR / "dataset_utils.py")


@pytest.fixture(scope="module")
def datasets_dir(
    tmp_path_factory: pytest.TempPathFactory, dataset_utils: ModuleType
) -> Iterator[Path]:
    """Point TD_KERAS_DATASETS at a folder whose mnist.npz is the shipped subset."""
    folder = tmp_path_factory.mktemp("datasets")
    shutil.copyfile(DATA_DIR / "mnist_subset.npz", folder / "mnist.npz")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TD_KERAS_DATASETS", str(folder))
        yield folder


@pytest.fixture(scope="module")
def reference(dataset_utils: ModuleType) -> Iterator[ModuleType]:
    """Import the reference with the lab's dataset_utils as its `dataset_utils`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(__import__("sys").modules, "dataset_utils", dataset_utils)
        yield load_module("td_convnets_reference", REFERENCE_PATH)


@pytest.fixture(scope="module")
def raw_mnist() -> dict[str, np.ndarray]:
    """Return the shipped MNIST subset as stored."""
    with np.load(DATA_DIR / "mnist_subset.npz") as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="module")
def mnist_images(reference: ModuleType, datasets_dir: Path) -> tuple[np.ndarray, ...]:
    """Return q1's answer on the shipped subset."""
    return reference.prepare_mnist_images()


@pytest.fixture(scope="module")
def stripes(dataset_utils: ModuleType) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return the shipped two-class stripe images."""
    return dataset_utils.load_stripes()


def n_weights(variables: list) -> int:
    """Return the number of scalars in `variables`."""
    return sum(int(np.prod(variable.shape)) for variable in variables)


def layer_kinds(model: keras.Model) -> list[str]:
    """Return the class names of the model's layers."""
    return [type(layer).__name__ for layer in model.layers]


def output_shapes(model: keras.Model) -> list[tuple[int, ...]]:
    """Return each layer's output shape without the batch dimension."""
    return [tuple(layer.output.shape[1:]) for layer in model.layers]


def small_base(input_shape: tuple[int, int, int] = (16, 16, 3)) -> keras.Model:
    """Build a small convolutional base with a batch normalisation (424 parameters, 8 moving)."""
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)  # 3*3*3*4 + 4 = 112
    x = keras.layers.BatchNormalization()(x)  # gamma, beta 8 trainable; mean, variance 8 moving
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(8, 3, activation="relu")(x)  # 3*3*4*8 + 8 = 296; output (5, 5, 8)
    return keras.Model(inputs, x, name="small_base")


def two_class_batch(n: int, shape: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return `n` random images of `shape` and balanced 0/1 labels."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, *shape), dtype=np.float32)
    y = (np.arange(n) % 2).astype(np.float32)
    return x, y


# ---- shipped data and dataset_utils


def test_shipped_data_is_small_and_mnist_subset_is_real_mnist(raw_mnist: dict) -> None:
    total = sum(path.stat().st_size for path in DATA_DIR.rglob("*") if path.is_file())
    assert total < 300_000
    assert raw_mnist["x_train"].shape == (300, 28, 28)
    assert raw_mnist["x_test"].shape == (100, 28, 28)
    assert raw_mnist["x_train"].dtype == np.uint8
    assert raw_mnist["y_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert set(raw_mnist["y_train"].tolist()) == set(range(10))
    assert set(raw_mnist["y_test"].tolist()) == set(range(10))


def test_make_subset_regenerates_the_committed_images(tmp_path: Path) -> None:
    make_subset = load_module("td_convnets_make_subset", DATA_DIR / "make_subset.py")
    written = make_subset.write_images(tmp_path)
    assert len(written) == 2 + 2 * 16
    for path in written:
        committed = DATA_DIR / path.relative_to(tmp_path)
        assert np.array_equal(np.asarray(Image.open(path)), np.asarray(Image.open(committed)))


def test_load_mnist_reads_the_copy_named_by_the_environment(
    dataset_utils: ModuleType, datasets_dir: Path, raw_mnist: dict
) -> None:
    (x_train, y_train), (x_test, y_test) = dataset_utils.load_mnist()
    assert np.array_equal(x_train, raw_mnist["x_train"])
    assert np.array_equal(y_test, raw_mnist["y_test"])


def test_load_mnist_without_a_copy_says_where_it_looked(
    dataset_utils: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TD_KERAS_DATASETS", str(tmp_path))
    with pytest.raises(dataset_utils.DatasetUnavailableError) as error:
        dataset_utils.load_mnist(mass_network=True)
    assert str(tmp_path / "mnist.npz") in str(error.value)
    assert "TD_KERAS_DATASETS" in str(error.value)


def test_load_stripes_gives_two_balanced_classes(stripes: tuple) -> None:
    x, y, names = stripes
    assert names == ["horizontal", "vertical"]
    assert x.shape == (32, 32, 32, 3) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert np.bincount(y).tolist() == [16, 16]


def test_load_image_folder_names_a_folder_without_classes(
    dataset_utils: ModuleType, tmp_path: Path
) -> None:
    with pytest.raises(dataset_utils.DatasetUnavailableError, match="no class sub-folder"):
        dataset_utils.load_image_folder(tmp_path)
    (tmp_path / "cats").mkdir()
    with pytest.raises(dataset_utils.DatasetUnavailableError, match="no image in cats"):
        dataset_utils.load_image_folder(tmp_path)


# ---- q1


def test_q1_images_are_float32_in_unit_range_with_one_channel(
    mnist_images: tuple, raw_mnist: dict
) -> None:
    x_train, x_test, y_train, y_test = mnist_images
    assert x_train.shape == (300, 28, 28, 1) and x_test.shape == (100, 28, 28, 1)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert np.array_equal(np.rint(x_train[..., 0] * 255).astype(np.uint8), raw_mnist["x_train"])


def test_q1_labels_are_float32_one_hot_of_the_digits(mnist_images: tuple, raw_mnist: dict) -> None:
    _, _, y_train, y_test = mnist_images
    assert y_train.shape == (300, 10) and y_test.shape == (100, 10)
    assert y_train.dtype == np.float32 and y_test.dtype == np.float32
    assert set(np.unique(y_train).tolist()) == {0.0, 1.0}
    assert np.all(y_train.sum(axis=1) == 1.0)
    assert np.array_equal(y_train.argmax(axis=1), raw_mnist["y_train"])
    assert np.array_equal(y_test.argmax(axis=1), raw_mnist["y_test"])


# ---- q2 to q4


@pytest.mark.parametrize(("input_shape", "n_classes"), ARGUMENT_SETS)
def test_q2_shallow_cnn_has_one_conv_pool_flatten_softmax(
    reference: ModuleType, input_shape: tuple, n_classes: int
) -> None:
    model = reference.build_shallow_cnn(input_shape, n_classes)
    assert layer_kinds(model) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert model.layers[0].get_config()["activation"] == "relu"
    assert model.layers[-1].get_config()["activation"] == "softmax"
    assert output_shapes(model)[-1] == (n_classes,)
    assert model.loss == "categorical_crossentropy"
    assert model.get_compile_config()["metrics"] == ["accuracy"]


def test_q3_lenet_has_the_contract_shapes_and_44426_parameters(reference: ModuleType) -> None:
    model = reference.build_lenet((28, 28, 1), 10)
    assert layer_kinds(model) == [
        "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense", "Dense"
    ]
    assert output_shapes(model) == LENET_28_SHAPES
    assert model.count_params() == 44_426
    conv1, pool1, conv2, _, _, dense1, dense2, output = model.layers
    assert (conv1.filters, conv1.kernel_size, conv1.padding) == (6, (5, 5), "valid")
    assert (conv2.filters, conv2.kernel_size, conv2.padding) == (16, (5, 5), "valid")
    assert pool1.pool_size == (2, 2)
    assert [layer.get_config()["activation"] for layer in (conv1, conv2, dense1, dense2)] == [
        "relu"
    ] * 4
    assert output.get_config()["activation"] == "softmax"
    assert model.loss == "categorical_crossentropy"


def test_q3_lenet_follows_other_arguments(reference: ModuleType) -> None:
    model = reference.build_lenet((32, 32, 3), 5)
    assert output_shapes(model) == LENET_32_SHAPES
    assert model.count_params() == LENET_32_PARAMS == 61_581


@pytest.mark.parametrize(("input_shape", "n_classes"), ARGUMENT_SETS)
def test_q4_dense_network_is_within_5_percent_of_lenet(
    reference: ModuleType, input_shape: tuple, n_classes: int
) -> None:
    model = reference.build_dense_like_lenet(input_shape, n_classes)
    lenet_params = {10: 44_426, 5: LENET_32_PARAMS}[n_classes]
    assert layer_kinds(model) == ["Flatten", "Dense", "Dense"]
    assert model.layers[1].get_config()["activation"] == "relu"
    assert model.layers[2].get_config()["activation"] == "softmax"
    assert output_shapes(model)[-1] == (n_classes,)
    assert abs(model.count_params() - lenet_params) <= 0.05 * lenet_params
    assert model.loss == "categorical_crossentropy"


# ---- q5


def resized_rgb(path: Path, target_size: tuple[int, int]) -> np.ndarray:
    """Read `path` with Pillow as RGB float32, resized to (h, w) as load_img does (nearest)."""
    with Image.open(path) as image:
        rgb = image.convert("RGB").resize(
            (target_size[1], target_size[0]), Image.Resampling.NEAREST
        )
        return np.asarray(rgb, dtype=np.float32)


@pytest.mark.parametrize("target_size", [(224, 224), (48, 64)])
def test_q5_is_resnet_preprocessing_of_the_resized_image(
    reference: ModuleType, dataset_utils: ModuleType, target_size: tuple[int, int]
) -> None:
    path = dataset_utils.example_image_path()
    batch = reference.load_for_resnet(path, target_size=target_size)
    assert batch.shape == (1, *target_size, 3) and batch.dtype == np.float32
    rgb = resized_rgb(path, target_size)
    caffe = rgb[..., ::-1] - RESNET_MEAN_BGR  # BGR, ImageNet mean subtracted, not scaled
    assert np.allclose(batch[0], caffe, atol=1e-4)
    expected = keras.applications.resnet50.preprocess_input(rgb[np.newaxis].copy())
    assert np.array_equal(batch, expected)
    assert not np.allclose(batch[0], rgb / 255.0)


def test_q5_default_size_and_grey_image_give_three_channels(
    reference: ModuleType, dataset_utils: ModuleType
) -> None:
    batch = reference.load_for_resnet(str(dataset_utils.example_image_path(gray=True)))
    assert batch.shape == (1, 224, 224, 3) and batch.dtype == np.float32
    rgb = resized_rgb(dataset_utils.example_image_path(gray=True), (224, 224))
    assert np.allclose(batch[0], rgb[..., ::-1] - RESNET_MEAN_BGR, atol=1e-4)


# ---- q6 and q7


@pytest.fixture(scope="module")
def transfer(reference: ModuleType) -> tuple[keras.Model, keras.Model, dict[str, np.ndarray]]:
    """Return (q6 model, its small base, the base's weights before any fit)."""
    keras.utils.set_random_seed(0)
    base = small_base()
    before = {variable.path: variable.numpy() for variable in base.weights}
    return reference.build_transfer_model(base), base, before


def test_q6_only_the_new_output_layer_is_trainable(transfer: tuple) -> None:
    model, base, _ = transfer
    assert n_weights(model.trainable_weights) == 5 * 5 * 8 + 1
    assert n_weights(model.non_trainable_weights) == base.count_params() == 112 + 16 + 296
    assert model.layers[-1].units == 1
    assert model.layers[-1].get_config()["activation"] == "sigmoid"
    assert output_shapes(model)[-1] == (1,)
    assert model.loss == "binary_crossentropy"
    assert model.get_compile_config()["metrics"] == ["accuracy"]


def test_q6_fitting_changes_the_head_and_not_the_base(transfer: tuple) -> None:
    model, base, before = transfer
    head_before = [variable.numpy() for variable in model.layers[-1].weights]
    x, y = two_class_batch(16, (16, 16, 3), seed=1)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert all(np.array_equal(before[v.path], v.numpy()) for v in base.weights)
    assert not np.array_equal(head_before[0], model.layers[-1].weights[0].numpy())


def test_q7_everything_but_moving_statistics_trains_at_the_given_rate(
    reference: ModuleType, transfer: tuple
) -> None:
    model, base, _ = transfer
    tuned = reference.unfreeze_for_fine_tuning(model, base, learning_rate=3e-4)
    assert n_weights(tuned.trainable_weights) == 112 + 8 + 296 + 5 * 5 * 8 + 1
    assert n_weights(tuned.non_trainable_weights) == 8  # BatchNormalization mean and variance
    assert isinstance(tuned.optimizer, keras.optimizers.Adam)
    assert float(tuned.optimizer.learning_rate) == pytest.approx(3e-4, rel=1e-6)
    assert tuned.loss == "binary_crossentropy"
    kernel_before = base.layers[1].kernel.numpy()
    x, y = two_class_batch(16, (16, 16, 3), seed=2)
    tuned.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert not np.array_equal(kernel_before, base.layers[1].kernel.numpy())


def test_q6_q7_on_resnet50_without_weights(reference: ModuleType) -> None:
    base = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    moving = n_weights(
        [v for layer in base.layers if isinstance(layer, keras.layers.BatchNormalization)
         for v in (layer.moving_mean, layer.moving_variance)]
    )
    model = reference.build_transfer_model(base)
    assert n_weights(model.trainable_weights) == 2048 + 1  # output (1, 1, 2048) flattened
    assert n_weights(model.non_trainable_weights) == base.count_params() == 23_587_712
    tuned = reference.unfreeze_for_fine_tuning(model, base)
    assert n_weights(tuned.non_trainable_weights) == moving == 53_120
    assert n_weights(tuned.trainable_weights) == 23_587_712 - 53_120 + 2049
    assert float(tuned.optimizer.learning_rate) == pytest.approx(1e-5, rel=1e-6)


# ---- q8


def test_q8_small_cnn_ends_with_one_sigmoid_unit(reference: ModuleType) -> None:
    for input_shape in [(32, 32, 3), (20, 24, 3)]:
        model = reference.build_small_binary_cnn(input_shape)
        kinds = layer_kinds(model)
        assert "Conv2D" in kinds and "MaxPooling2D" in kinds
        assert model.layers[-1].units == 1
        assert model.layers[-1].get_config()["activation"] == "sigmoid"
        assert model.loss == "binary_crossentropy"
        assert output_shapes(model)[-1] == (1,)


def test_q8_small_cnn_learns_the_shipped_stripes(reference: ModuleType, stripes: tuple) -> None:
    x, y, _ = stripes
    keras.utils.set_random_seed(0)
    model = reference.build_small_binary_cnn(x.shape[1:])
    history = model.fit(x, y.astype(np.float32), epochs=8, batch_size=8, verbose=0).history
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert history["accuracy"][-1] >= 0.8


def softmax_over_one_unit(input_shape: tuple[int, ...]) -> keras.Model:
    """Build the course correction's q8: a CNN ending with Dense(1, softmax)."""
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(8, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis")
def test_q8_softmax_over_one_unit_always_outputs_one_and_cannot_learn(stripes: tuple) -> None:
    x, y, _ = stripes
    keras.utils.set_random_seed(0)
    model = softmax_over_one_unit(x.shape[1:])
    with pytest.warns(UserWarning, match="softmax operation will always return the value 1"):
        history = model.fit(x, y.astype(np.float32), epochs=3, batch_size=8, verbose=0).history
    assert history["accuracy"] == [0.5, 0.5, 0.5]  # "always 1" is right on the positive half only
    outputs = model.predict(x, verbose=0)  # after training as before: one value for every image
    assert np.all(outputs == outputs[0, 0])
    assert outputs[0, 0] == pytest.approx(1.0, abs=1e-6)  # 1.0 up to float32 rounding


# ---- starter and free-text answers


@pytest.fixture(scope="module")
def starter() -> ModuleType:
    """Import the student starter from its file."""
    return load_module("td_convnets_starter", STARTER_PATH)


def stub_arguments(path: Path) -> dict[str, tuple]:
    """Return plausible arguments for each stub."""
    return {
        "prepare_mnist_images": (),
        "build_shallow_cnn": ((28, 28, 1), 10),
        "build_lenet": ((28, 28, 1), 10),
        "build_dense_like_lenet": ((28, 28, 1), 10),
        "load_for_resnet": (path,),
        "build_transfer_model": (small_base(),),
        "unfreeze_for_fine_tuning": (None, small_base(), 1e-4),
        "build_small_binary_cnn": ((32, 32, 3),),
    }


def test_starter_stubs_raise_not_implemented(starter: ModuleType, dataset_utils: ModuleType) -> None:
    assert starter.ANSWERS == {}
    for name, arguments in stub_arguments(dataset_utils.example_image_path()).items():
        with pytest.raises(NotImplementedError):
            getattr(starter, name)(*arguments)


@pytest.mark.parametrize("name", QUESTIONS)
def test_starter_and_reference_have_the_same_signatures(
    starter: ModuleType, reference: ModuleType, name: str
) -> None:
    def parameters(function: Callable) -> list[tuple[str, object]]:
        return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]

    assert parameters(getattr(starter, name)) == parameters(getattr(reference, name))
    assert getattr(starter, name).__doc__.startswith(f"Q{QUESTIONS.index(name) + 1} ")


def test_reference_answers_the_free_text_questions(reference: ModuleType) -> None:
    assert sorted(reference.ANSWERS) == ["q3", "q7", "q8"]
    assert all(answer.strip() for answer in reference.ANSWERS.values())
