"""Describe a keras model as plain data, from its layers' configs and variables."""

from __future__ import annotations

import math
import re
from typing import Any

import keras

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


def describe_layer(layer: keras.layers.Layer) -> dict[str, Any]:
    """Return the comparable facts of one layer."""
    kind = keras_class_name(layer)
    info: dict[str, Any] = {"kind": kind, "params": _count_weights(layer)}
    if kind in ACTIVATION_LAYERS:
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
    return info


def fold_activation_layers(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge an Activation layer into the linear Dense layer before it (two spellings, one model)."""
    folded: list[dict[str, Any]] = []
    for layer in layers:
        previous = folded[-1] if folded else None
        if (
            layer["kind"] == "Activation"
            and previous is not None
            and previous["kind"] == "Dense"
            and previous["activation"] == "linear"
        ):
            folded[-1] = {**previous, "activation": layer["activation"]}
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


def describe_model(model: Any, input_dim: int | None = None) -> dict[str, Any]:
    """Describe a model: its layers (activations folded), parameter count and compile settings."""
    if not isinstance(model, keras.Model):
        return {"is_model": False, "type": type(model).__name__}
    notes = []
    if not model.built and input_dim is not None:
        model.build((None, input_dim))
        notes.append("model_built_by_grader")
    layers = [
        describe_layer(layer)
        for layer in model.layers
        if keras_class_name(layer) not in ("InputLayer",)
    ]
    return {
        "is_model": True,
        "type": keras_class_name(model),
        "layers": fold_activation_layers(layers),
        "params": sum(layer["params"] for layer in layers),
        "compile": describe_compile(model),
        "notes": notes,
    }
