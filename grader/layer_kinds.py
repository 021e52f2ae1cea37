"""The one table of layer kinds: which of a layer's settings a student chooses, in what order a
layer table shows them. Pure, no keras; a lab extends it in assignment.toml (`[layer_kinds]`).

A layer's settings themselves come from keras (`get_config()`, grader/observe/keras_models.py):
every setting is observed whatever the kind; this table only says which ones are the student's
choices (checked one by one where a rubric asks `settings_of`) and shown in the layer table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# family (a kind, or a part of one: "Conv" is Conv1D, Conv2D…, "Pooling" every pooling layer)
LAYER_KINDS: dict[str, tuple[str, ...]] = {
    "Conv": ("filters", "kernel_size", "strides", "padding", "activation"),
    "Pooling": ("pool_size", "strides", "padding"),
    "Dense": ("units", "activation"),
    "LSTM": ("units", "return_sequences"),
    "GRU": ("units", "return_sequences"),
    "SimpleRNN": ("units", "return_sequences"),
    "Embedding": ("input_dim", "output_dim"),
    "Bidirectional": ("layer", "merge_mode"),
    "TimeDistributed": ("layer",),
}
# the columns every layer table shows when a layer has them, in this order
TABLE_COLUMNS = ("kind", "filters", "kernel_size", "pool_size", "strides", "padding", "units",
                 "activation", "rate", "kernel_regularizer")
LAST_COLUMNS = ("output_shape", "params")
Kinds = Mapping[str, tuple[str, ...]]


def family_of(kind: str, kinds: Kinds = LAYER_KINDS) -> str | None:
    """Return the family of the table a layer kind belongs to ('Conv2D' → 'Conv'), or None."""
    if kind in kinds:
        return kind
    if kind.startswith("Global"):
        return None
    return next((family for family in kinds if family in kind), None)


def settings_of(kind: str, kinds: Kinds = LAYER_KINDS) -> tuple[str, ...]:
    """Return the settings a student chooses for a layer of this kind (none when unknown)."""
    family = family_of(kind, kinds)
    return kinds[family] if family is not None else ()


def extended(extra: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Return the table with a lab's own kinds (or its settings for a known kind) laid over."""
    return {**LAYER_KINDS, **{kind: tuple(names) for kind, names in extra.items()}}


def shown_settings(layer: Mapping[str, Any], kinds: Kinds, mentioned: Iterable[str] = ()
                   ) -> tuple[str, ...]:
    """Return the settings a layer table shows of a layer: the usual columns, its kind's
    settings and those the question's criteria mention, when the layer has them."""
    wanted = (*TABLE_COLUMNS, *settings_of(str(layer.get("kind", "")), kinds), *mentioned,
              *LAST_COLUMNS)
    return tuple(name for name in dict.fromkeys(wanted) if setting_value(layer, name) is not None)


def column_order(columns: Iterable[str]) -> list[str]:
    """Order a table's columns: the usual ones first, then the others by name, shape and
    parameters last."""
    first, last = TABLE_COLUMNS, LAST_COLUMNS

    def rank(column: str) -> tuple[int, int, str]:
        if column in first:
            return (0, first.index(column), "")
        if column in last:
            return (2, last.index(column), "")
        return (1, 0, column)

    return sorted(set(columns), key=rank)


MISSING = object()  # a setting the layer does not have (None is one keras gives)


def setting_value(layer: Mapping[str, Any], path: str) -> Any:
    """Return a layer's setting by name, or by a path into a wrapped layer ('layer.units');
    None when the layer has no such setting."""
    value = _lookup(layer, path)
    return None if value is MISSING else value


def has_setting(layer: Mapping[str, Any], path: str) -> bool:
    """Whether a layer has this setting (a None value counts: keras says it has none)."""
    return _lookup(layer, path) is not MISSING


def _lookup(layer: Mapping[str, Any], path: str) -> Any:
    """Follow a dotted path through a layer and the layers it wraps; MISSING where it ends."""
    value: Any = layer
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return MISSING
        value = value[part]
    return value
