"""Describe a keras model as plain data, from its layers' configs and variables."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from grader.observe.failures import StudentCodeError
from grader.observe.probe_input import PROBE_DTYPES, ProbeInput  # noqa: F401 - re-exported

RUN_BATCH = 4  # samples in the batch every built model is called and trained on
ACTIVATION_LAYERS = {"Activation": None, "ReLU": "relu", "Softmax": "softmax"}
LOSS_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
}
METRIC_ALIASES = {"acc": "accuracy", "mse": "mean_squared_error", "mae": "mean_absolute_error"}
ACTIVATION_ALIASES = {"softmax_v2": "softmax", "identity": "linear", "none": "linear"}
CONV_FIELDS = ("filters", "kernel_size", "strides", "padding")
POOL_FIELDS = ("pool_size", "strides", "padding")
NOISE_SETTINGS = frozenset({"name", "trainable", "dtype", "dtype_policy", "seed", "build_config",
                            "registered_name", "module", "quantization_config",
                            "backward_layer"})  # keras makes it from the wrapped layer
NOISE_SUFFIXES = ("_initializer", "_constraint")
WRAPPED_ATTRIBUTES = {"layer": "forward_layer"}  # Bidirectional keeps its wrapped layer there
MAX_DEPTH = 3  # wrappers within wrappers described this deep (a student's own nesting is bounded)
MAX_INNER_LAYERS = 32  # a network used as a layer has its layers described up to this many
MAX_SETTINGS = 64  # settings read from one layer's config (a subclass may return anything)
MAX_TEXT = 200  # characters kept of a setting given as text
CONSTANT_TOLERANCE = 1e-6  # outputs closer than this across a batch are "the same output"
Shape = int | Sequence[int]


def as_shape(input_shape: Shape) -> tuple[int, ...]:
    """Return an input shape without its batch axis: 32 -> (32,), [20, 20, 3] -> (20, 20, 3)."""
    if isinstance(input_shape, int):
        return (input_shape,)
    return tuple(int(d) for d in input_shape)


def snake_case(name: str) -> str:
    """Turn 'CategoricalCrossentropy' into 'categorical_crossentropy'."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def keras_class_name(obj: Any) -> str:
    """Return the name of the first keras class in the object's MRO (student subclasses map to it)."""
    for cls in type(obj).__mro__:
        if cls.__module__.startswith("keras"):
            return cls.__name__
    return type(obj).__name__


def activation_name(fn: Any) -> str:
    """Return the name of an activation given as a function, a layer or a string."""
    if fn is None:
        return "linear"
    if isinstance(fn, str):
        name = fn
    elif isinstance(fn, keras.layers.Layer):
        name = ACTIVATION_LAYERS.get(keras_class_name(fn)) or snake_case(keras_class_name(fn))
        if keras_class_name(fn) == "Activation":
            name = activation_name(fn.activation)
    else:
        name = getattr(fn, "__name__", type(fn).__name__)
    name = name.lower()
    return ACTIVATION_ALIASES.get(name, name)


def describe_regularizer(reg: Any) -> dict[str, Any] | None:
    """Return {'class', 'l1', 'l2'} for a regularizer, None when there is none."""
    if reg is None:
        return None
    try:
        config = reg.get_config()
    except Exception:  # noqa: BLE001 - a hand-written regularizer may have no config
        config = {}
    return {
        "class": keras_class_name(reg),
        "l1": _rounded(config.get("l1", 0.0)),
        "l2": _rounded(config.get("l2", 0.0)),
    }


def _rounded(value: Any) -> float | None:
    """Round a float32-stored coefficient to 7 significant digits."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return float(f"{number:.7g}") if math.isfinite(number) else None


def _count_weights(layer: keras.layers.Layer) -> int:
    """Count a layer's parameters from its variables, not from its (overridable) methods."""
    variables = keras.layers.Layer.weights.fget(layer)
    return int(sum(math.prod(int(d) for d in v.shape) for v in variables))


def _ints(value: Any) -> list[int] | int | None:
    """Return a size or a tuple of sizes as JSON: an int, or a list of ints."""
    if isinstance(value, int | np.integer):
        return int(value)
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        return None


def output_shape(layer: keras.layers.Layer) -> list[int | None] | None:
    """Return a layer's output shape without the batch axis, None when it has no single output."""
    try:
        shape = layer.output.shape
    except Exception:  # noqa: BLE001 - subclassed models' layers have no symbolic output
        return None
    try:
        return [None if d is None else int(d) for d in tuple(shape)[1:]]
    except (TypeError, ValueError):
        return None


def describe_layer(layer: keras.layers.Layer, depth: int = 0) -> dict[str, Any]:
    """Return the comparable facts of one layer: every setting keras gives in its config (the
    noise left out), the wrapped layers described the same way, and its output shape (batch axis
    dropped); Dense, convolution and pooling settings read from the layer itself."""
    kind = layer_kind(layer)
    info: dict[str, Any] = {"kind": kind, **config_settings(layer, depth)}  # kind first to read
    info.update(kind=kind, params=_count_weights(layer), output_shape=output_shape(layer))
    if isinstance(layer, keras.Model):  # a network used as a layer (a transfer-learning base)
        info["kind"] = "Model"
        inner = list(getattr(layer, "layers", ()))
        if depth < MAX_DEPTH and len(inner) <= MAX_INNER_LAYERS:
            info["layers"] = fold_activation_layers([describe_layer(x, depth + 1) for x in inner])
    elif kind in ACTIVATION_LAYERS:
        info["kind"] = "Activation"
        info["activation"] = activation_name(layer)
    elif kind == "Dense":
        kernel = getattr(layer, "kernel", None)
        info.update(
            units=int(layer.units),
            activation=activation_name(layer.activation),
            use_bias=bool(layer.use_bias),
            input_dim=int(kernel.shape[0]) if kernel is not None else None,
            kernel_regularizer=describe_regularizer(layer.kernel_regularizer),
            bias_regularizer=describe_regularizer(layer.bias_regularizer),
        )
    elif kind == "Dropout":
        info["rate"] = _rounded(layer.rate)
    elif kind.startswith("Conv") or kind.startswith("SeparableConv"):
        info.update({name: _ints(getattr(layer, name, None)) for name in CONV_FIELDS[:-1]})
        info.update(padding=str(getattr(layer, "padding", "")),
                    activation=activation_name(getattr(layer, "activation", None)))
    elif "Pooling" in kind and not kind.startswith("Global"):
        info.update({name: _ints(getattr(layer, name, None)) for name in POOL_FIELDS[:-1]})
        info["padding"] = str(getattr(layer, "padding", ""))
    return info


def layer_kind(layer: keras.layers.Layer) -> str:
    """Return a layer's kind: its keras class (a student's subclass of Dense is a Dense), or its
    own class name for a layer written from keras.layers.Layer."""
    kind = keras_class_name(layer)
    return type(layer).__name__ if kind == "Layer" else kind


def config_settings(layer: keras.layers.Layer, depth: int = 0) -> dict[str, Any]:
    """Return a layer's settings from its get_config(), as JSON: names, initialisers, seeds,
    constraints and dtype policies left out, a wrapped layer described like any layer."""
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - a subclassed layer may have no config
        return {}
    if not isinstance(config, dict):
        return {}
    settings: dict[str, Any] = {}
    for key, value in list(config.items())[:MAX_SETTINGS]:
        if not isinstance(key, str) or key in NOISE_SETTINGS or key.endswith(NOISE_SUFFIXES):
            continue
        settings[key] = _setting(layer, key, value, depth)
    return settings


def _setting(layer: keras.layers.Layer, key: str, value: Any, depth: int) -> Any:
    """One setting of a config as JSON: activations and regularizers by name, a wrapped layer
    described, other keras objects by their class."""
    own = getattr(layer, WRAPPED_ATTRIBUTES.get(key, key), None) or getattr(layer, key, None)
    if isinstance(own, keras.layers.Layer) and own is not layer:
        return describe_layer(own, depth + 1) if depth < MAX_DEPTH else {"kind": layer_kind(own)}
    if key.endswith("activation") and value is not None:
        return activation_name(own if callable(own) else value)
    if key.endswith("regularizer"):
        return describe_regularizer(own) if value is not None else None
    return _plain(value)


def _plain(value: Any) -> Any:
    """A config value as JSON: numbers, text, lists; a serialised object by its class."""
    if value is None or isinstance(value, bool | str):
        return value if not isinstance(value, str) else value[:MAX_TEXT]
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _rounded(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value[:MAX_SETTINGS]] if all(
            not isinstance(v, list | tuple | dict) for v in value) else None
    if isinstance(value, dict):
        name = value.get("class_name")
        return str(name)[:MAX_TEXT] if isinstance(name, str) else None
    return str(value)[:MAX_TEXT]


def fold_activation_layers(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge an Activation layer into the linear Dense or convolution layer before it (two
    spellings, one model)."""
    folded: list[dict[str, Any]] = []
    for layer in layers:
        previous = folded[-1] if folded else None
        if (
            layer["kind"] == "Activation"
            and previous is not None
            and previous["kind"] != "Activation"
            and previous.get("activation") == "linear"
        ):
            folded[-1] = {**previous, "activation": layer["activation"],
                          "output_shape": layer.get("output_shape")}
        else:
            folded.append(layer)
    return folded


def normalize_name(value: Any, aliases: dict[str, str]) -> dict[str, Any]:
    """Return {'name', 'from_logits'} for a loss or metric given as string, function or object."""
    from_logits = False
    if isinstance(value, str):
        name = value
    elif isinstance(value, dict):  # serialized form from get_compile_config()
        config = value.get("config") or {}
        name = value.get("class_name") or config.get("name") or "unknown"
        from_logits = bool(config.get("from_logits", False))
    elif callable(value) and not hasattr(value, "get_config"):
        name = getattr(value, "__name__", type(value).__name__)
    else:
        try:
            config = value.get_config()
        except Exception:  # noqa: BLE001 - student objects may not serialize
            config = {}
        name = keras_class_name(value)
        if name in ("LossFunctionWrapper", "MeanMetricWrapper"):
            name = config.get("name") or name
        from_logits = bool(config.get("from_logits", False))
    name = snake_case(name) if any(c.isupper() for c in name) else name.lower()
    return {"name": aliases.get(name, name), "from_logits": from_logits}


def describe_compile(model: keras.Model) -> dict[str, Any] | None:
    """Return the optimizer, loss and metrics the model was compiled with, or None."""
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return None
    config = model.get_compile_config() or {}
    optimizer = model.optimizer
    try:
        learning_rate = _rounded(keras.ops.convert_to_numpy(optimizer.learning_rate))
    except Exception:  # noqa: BLE001 - schedules have no single value
        learning_rate = None
    metrics = config.get("metrics") or []
    if isinstance(metrics, dict | str):
        metrics = [metrics]
    return {
        "optimizer": keras_class_name(optimizer).lower(),
        "learning_rate": learning_rate,
        "loss": normalize_name(model.loss, LOSS_ALIASES) if model.loss is not None else None,
        "metrics": sorted(normalize_name(m, METRIC_ALIASES)["name"] for m in metrics),
    }


def run_batch(input_shape: Shape, probe: ProbeInput = ProbeInput()) -> np.ndarray:
    """Return the fixed batch every model is called on: RUN_BATCH samples in [low, high) of the
    probe input's dtype (floats in [0, 1) by default, integers for token ids)."""
    shape = (RUN_BATCH, *as_shape(input_shape))
    state = np.random.RandomState(0)
    if probe.dtype.startswith("int"):
        return state.randint(int(probe.low), max(int(probe.high), int(probe.low) + 1),
                             size=shape).astype(probe.dtype)
    return (probe.low + (probe.high - probe.low) * state.rand(*shape)).astype(probe.dtype)


def _variables(model: keras.Model) -> list[Any]:
    """Return the model's trainable variables, read through keras, not the student's overrides."""
    return list(keras.layers.Layer.trainable_variables.fget(model))


def _size(variable: Any) -> int:
    """Return the number of parameters a variable holds."""
    return int(math.prod(int(d) for d in variable.shape))


def weight_counts(model: keras.Model) -> dict[str, int]:
    """Count the parameters the optimizer trains and the others, from the model's variables
    (what a training step updates), whatever the layers' `trainable` flags say."""
    trainable = _variables(model)
    every = list(keras.layers.Layer.weights.fget(model))
    ids = {id(v) for v in trainable}
    return {"trainable": sum(_size(v) for v in trainable),
            "non_trainable": sum(_size(v) for v in every if id(v) not in ids)}


def training_targets(output: np.ndarray, settings: dict[str, Any] | None) -> np.ndarray:
    """Return targets shaped like the output, for the compiled loss, whatever its rank (one per
    sample, or per time step): 0/1 for one output unit, labels for sparse losses, else one-hot."""
    positions, width = output.shape[:-1], output.shape[-1]
    labels = np.arange(math.prod(positions)).reshape(positions)
    if width == 1:
        return (labels % 2).astype("float32")[..., None]
    labels = labels % max(width, 1)
    if "sparse" in ((settings or {}).get("loss") or {}).get("name", ""):
        return labels.astype("int64")
    return np.eye(width, dtype="float32")[labels]


def training_step(model: keras.Model, x: np.ndarray, y: np.ndarray,
                  groups: dict[str, set[int]] | None = None) -> dict[str, Any]:
    """Train one step on (x, y), say whether the weights changed, then put them back.

    `changed_params` counts the parameters (trainable or not) whose values changed; `groups`
    ({name: ids of variables}) splits that count, e.g. {"base": …} for a pretrained base.
    """
    weights = list(keras.layers.Layer.weights.fget(model))
    weights_before = [keras.ops.convert_to_numpy(v).copy() for v in weights]
    trainable = {id(v) for v in _variables(model)}
    eager = None
    try:
        eager = model.run_eagerly
        model.run_eagerly = True  # one step: tracing a graph would cost more than running it
        model.train_on_batch(x, y)
    except Exception as exc:  # noqa: BLE001 - the loss may not fit the model: a failed check
        return {"trained": False, "train_error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        if eager is not None:
            model.run_eagerly = eager
        model.train_function = None  # the next fit builds its own (traced) step
    moved = [w for w, b in zip(weights, weights_before, strict=True)
             if not np.array_equal(keras.ops.convert_to_numpy(w), b)]
    for variable, value in zip(weights, weights_before, strict=True):
        variable.assign(value)
    info: dict[str, Any] = {"trained": any(id(w) in trainable for w in moved), "train_error": "",
                            "changed_params": sum(_size(w) for w in moved)}
    if groups:
        info["changed_by_group"] = {name: sum(_size(w) for w in moved if id(w) in ids)
                                    for name, ids in sorted(groups.items())}
    return info


def constant_output(values: np.ndarray) -> bool:
    """Whether every sample of the batch gave the same output (the model ignores its input)."""
    if values.ndim < 2 or values.shape[0] < 2 or not np.isfinite(values).all():
        return False
    return bool(np.abs(values - values[:1]).max() <= CONSTANT_TOLERANCE)


def describe_run(model: keras.Model, input_shape: Shape, settings: dict[str, Any] | None,
                 groups: dict[str, set[int]] | None = None, probe: ProbeInput = ProbeInput()
                 ) -> dict[str, Any]:
    """Call the model on a small batch (the question's probe input) and, when compiled, train it
    one step (weights restored), whatever the rank of its output.

    A model whose call raises is the student's error: raised as StudentCodeError, with their frames.
    """
    x = run_batch(input_shape, probe)
    try:
        output = model(x, training=False)
    except BaseException as exc:  # noqa: BLE001 - the student's call() or layers raised
        shape = ", ".join(str(d) for d in x.shape)
        raise StudentCodeError(exc, f"model(x) with x of shape ({shape})") from exc
    info: dict[str, Any] = {"batch": RUN_BATCH, "output_shape": None, "rows_sum_to_one": False}
    try:
        values = np.asarray(keras.ops.convert_to_numpy(output), dtype="float64")
    except Exception:  # noqa: BLE001 - several outputs, or not a tensor: no shape to report
        return {**info, "trained": False, "train_error": f"output of type {type(output).__name__}"}
    info["output_shape"] = [int(d) for d in values.shape]
    finite = bool(np.isfinite(values).all())
    info["rows_sum_to_one"] = bool(finite and values.ndim == 2 and (values >= 0).all()
                                   and np.allclose(values.sum(axis=1), 1.0, atol=1e-3))
    info["constant_output"] = constant_output(values)
    if info["constant_output"]:
        info["constant_value"] = [round(float(v), 4) for v in values[0].ravel()[:10]]
    if settings is None:
        info.update(trained=None, train_error="")
    elif values.ndim < 2:
        info.update(trained=False, train_error=f"output of shape {tuple(values.shape)}")
    else:
        info.update(training_step(model, x, training_targets(values, settings), groups))
    return info


def _layer_names(layer: Any) -> set[str]:
    """Return the names of a layer and of every layer nested in it (an iterative walk)."""
    names: set[str] = set()
    pending = [layer]
    while pending:
        current = pending.pop()
        names.add(current.name)
        pending.extend(getattr(current, "layers", None) or ())
    return names


def _variable_key(variable: Any) -> str:
    """Return a variable's last two path parts ('dense_1/kernel'): its layer and its name."""
    return "/".join(str(getattr(variable, "path", "")).split("/")[-2:])


def match_base_variables(model: keras.Model, base: Any) -> dict[int, Any] | None:
    """Find, among a model's variables, those that hold the given base's weights (same layer and
    variable name when keras kept them, same shape, same values); None when one is missing.

    The model was rebuilt from the student's file: its variables are not the base's objects, so
    the base's weights are recognised by value, in order."""
    free = list(keras.layers.Layer.weights.fget(model))
    matched: dict[int, Any] = {}
    for wanted in keras.layers.Layer.weights.fget(base):
        values = keras.ops.convert_to_numpy(wanted)
        candidates = [v for v in free if tuple(v.shape) == tuple(wanted.shape)
                      and np.array_equal(keras.ops.convert_to_numpy(v), values)]
        if not candidates:
            return None
        named = [v for v in candidates if _variable_key(v) == _variable_key(wanted)]
        chosen = (named or candidates)[0]
        free.remove(chosen)
        matched[id(chosen)] = chosen
    return matched


def describe_base(model: keras.Model, base: Any) -> tuple[dict[str, Any], dict[str, set[int]]]:
    """Describe how a model uses a given base network: whether it holds the base's weights, how
    many of them it trains, and the layers it adds; return that and the base's variable ids."""
    if not isinstance(base, keras.layers.Layer):
        return {"used": False}, {}
    base_weights = list(keras.layers.Layer.weights.fget(base))
    matched = match_base_variables(model, base) if base_weights else None
    ids = set(matched or {})
    trainable = [v for v in _variables(model) if id(v) in ids]
    inside = _layer_names(base)
    added = [describe_layer(layer) for layer in model.layers
             if layer.name not in inside and keras_class_name(layer) != "InputLayer"]
    return {
        "used": matched is not None,
        "params": sum(_size(v) for v in base_weights),
        "trainable": sum(_size(v) for v in trainable),
        "added_layers": fold_activation_layers(added),
    }, {"base": ids}


def describe_model(model: Any, input_shape: Shape | None = None, run: bool = True,
                   base: Any = None, probe: ProbeInput = ProbeInput()) -> dict[str, Any]:
    """Describe a model: its layers (activations folded, with output shapes), parameter counts
    (trainable or not) and compile settings, and (when `run`) what it does on a small batch.

    `input_shape` is the shape of one sample (an int for flat inputs); `base`, a network the
    model is built on (transfer learning): how the model uses it is described too; `probe`, what
    the model is called and trained on (the question's, e.g. token ids).
    """
    if not isinstance(model, keras.Model):
        return {"is_model": False, "type": type(model).__name__}
    notes = []
    if not model.built and input_shape is not None:
        shape = (None, *as_shape(input_shape))
        try:
            model.build(shape)  # floats: a model taking token ids says so with an Input layer
        except BaseException as exc:  # noqa: BLE001 - a subclass's build() is student code
            raise StudentCodeError(exc, f"model.build({shape})") from exc
        notes.append("model_built_by_grader")
    layers = [
        describe_layer(layer)
        for layer in model.layers
        if keras_class_name(layer) not in ("InputLayer",)
    ]
    settings = describe_compile(model)
    description = {
        "is_model": True,
        "type": keras_class_name(model),
        "layers": fold_activation_layers(layers),
        "params": sum(layer["params"] for layer in layers),
        "weights": weight_counts(model),
        "compile": settings,
        "notes": notes,
    }
    groups: dict[str, set[int]] = {}
    if base is not None:
        description["base"], groups = describe_base(model, base)
    if run and input_shape is not None:
        description["run"] = describe_run(model, input_shape, settings, groups, probe)
    return description
