"""What crosses from observe to judge, per kind: models, fits, figures, searches, callback runs.

Declared once, as TypedDicts; `first_problem` checks a student's observation against them where it
enters the judge, so that checks read fields of the declared types, and a malformed claim is that
argument set's error, named by its path ("builds[0].model.params — expected int, got str").
Keys not declared here are an assignment's own and are not checked.
"""

import types
import typing
from typing import Any, NamedTuple, NotRequired, Required, TypedDict, Union


class Regularizer(TypedDict):
    """A kernel or bias regularizer's coefficients."""

    l1: float | None
    l2: float | None


class Loss(TypedDict):
    """A loss or metric, by its canonical name."""

    name: str
    from_logits: bool


class Compile(TypedDict):
    """What a model was compiled with."""

    optimizer: str
    learning_rate: float | None
    loss: Loss | None
    metrics: list[str]


class Layer(TypedDict, total=False):
    """One layer (activation layers folded into the layer before)."""

    kind: Required[str]
    params: int
    units: int
    activation: str
    use_bias: bool
    rate: float | None
    kernel_regularizer: Regularizer | None
    bias_regularizer: Regularizer | None
    output_shape: list[int | None] | None  # without the batch axis
    filters: int | list[int] | None
    kernel_size: int | list[int] | None
    strides: int | list[int] | None
    pool_size: int | list[int] | None
    padding: str


class ModelRun(TypedDict, total=False):
    """What a model did on a small batch, and whether one training step changed its weights."""

    batch: Required[int]
    output_shape: Required[list[int] | None]
    rows_sum_to_one: Required[bool]
    trained: bool | None
    train_error: str
    changed_params: int  # parameters (trainable or not) the training step changed
    changed_by_group: dict[str, int]  # the same, within a given base ({"base": …})
    constant_output: bool  # the same output for every input of the batch
    constant_value: list[float]


class Weights(TypedDict):
    """Parameters counted from the variables: those a training step updates, and the others."""

    trainable: int
    non_trainable: int


class Base(TypedDict, total=False):
    """How a model uses a base network it was given."""

    used: Required[bool]
    params: int
    trainable: int
    added_layers: list[Layer]


class Model(TypedDict, total=False):
    """A described model; only `is_model` and `type` when the object is not a keras Model."""

    is_model: Required[bool]
    type: Required[str]
    layers: list[Layer]
    params: int
    compile: Compile | None
    notes: list[str]
    run: ModelRun
    weights: Weights
    base: Base


class Build(TypedDict):
    """One call of a model-building function: its arguments and the model it returned."""

    args: dict[str, Any]
    varies: list[str]  # the arguments that differ between the calls of a set
    model: Model


class FitCall(TypedDict):
    """The arguments of one `model.fit` call made by the student's code (any value they passed)."""

    samples: int | None
    batch_size: Any
    epochs: Any
    validation_split: Any
    validation_samples: Any


class Learning(TypedDict, total=False):
    """A short real fit: its test accuracy, or the error it raised."""

    test_accuracy: float
    train_samples: int
    epochs: int
    error: str


class Axes(TypedDict, total=False):
    """One matplotlib Axes: its lines, labels and legend."""

    lines: list[dict[str, Any]]
    legend: list[str] | None
    title: str
    xlabel: str
    ylabel: str


class Figure(TypedDict, total=False):
    """A returned figure."""

    is_figure: Required[bool]
    axes: list[Axes]
    figure_legends: list[list[str]]
    png: str


class Callback(TypedDict):
    """A returned callback."""

    is_callback: bool
    type: str


class CallbackRun(TypedDict, total=False):
    """A callback driven through scripted epochs."""

    epochs_planned: Required[int]
    val_losses: list[float]
    saved_epochs: list[int]
    stopped_after: int | None


class Scalar(TypedDict):
    """A scalar series found in TensorBoard event files."""

    run: str
    tag: str
    steps: list[int]


class Estimator(TypedDict, total=False):
    """A scikit-learn estimator: its class and methods."""

    type: Required[str]
    module: str
    methods: list[str]


class Search(TypedDict, total=False):
    """A model-selection search: its kind, folds and scoring."""

    is_search: Required[bool]
    type: str
    fitted: bool
    n_splits: int | None
    scoring: str | None
    estimator: Estimator | None


class Candidate(TypedDict, total=False):
    """One candidate of a search, rebuilt by the grader."""

    params: str
    network: Model | None
    error: str


class Array(TypedDict, total=False):
    """A returned array: its shape, type, value range and form."""

    is_array: Required[bool]
    type: str
    shape: list[int]
    dtype: str
    finite: bool
    min: float | None
    max: float | None
    mean: float | None
    one_hot: bool
    labels_digest: str
    matches: str | None  # which of the observer's named forms it equals


class Observed(TypedDict, total=False):
    """The data of one argument set: the keys a kind of question fills in."""

    builds: list[Build]
    learning: Learning
    fit_calls: list[FitCall]
    is_history: bool
    figure: Figure
    callback: Callback
    run: CallbackRun
    scalars: list[Scalar]
    estimator: Estimator
    network: Model | None
    search: Search
    candidates: list[Candidate]
    arrays: dict[str, Array]


ECHOES = ("samples", "epochs_asked", "batch_size_asked", "cv_asked", "params_target",
          "builds[].args", "builds[].varies", "run.val_losses", "run.epochs_planned")
"""Fields an observer writes from the job's own arguments, not from what the student's code did.

They are never evidence: before any check reads a student's observation, `with_trusted_echoes`
replaces them with the reference's observation of the same set, so a check cannot take its
expected side from the claim. An assignment adds its own in its rubric's `ECHOES`."""


def with_trusted_echoes(actual: dict[str, Any], expected: dict[str, Any],
                        echoes: tuple[str, ...] = ECHOES) -> dict[str, Any]:
    """Return the student's data with every echo field taken from the reference's (or dropped)."""
    data = dict(actual)
    for path in echoes:
        head, _, rest = path.partition(".")
        if head.endswith("[]"):
            key = head[:-2]
            mine, theirs = data.get(key), expected.get(key)
            if isinstance(mine, list):
                data[key] = [_replaced(item, theirs[i] if isinstance(theirs, list)
                                       and i < len(theirs) else None, rest)
                             for i, item in enumerate(mine)]
        elif rest:
            data[head] = _replaced(data.get(head), expected.get(head), rest)
            if data[head] is None:
                del data[head]
        else:
            _copy_field(data, expected, head)
    return data


def _replaced(mine: Any, theirs: Any, key: str) -> Any:
    """Return `mine` (a dict) with `key` taken from `theirs` (dropped when theirs has none)."""
    if not isinstance(mine, dict):
        return mine
    copy = dict(mine)
    _copy_field(copy, theirs if isinstance(theirs, dict) else {}, key)
    return copy


def _copy_field(target: dict[str, Any], source: dict[str, Any], key: str) -> None:
    """Set target[key] to source[key], or remove it when source has no such key."""
    if key in source:
        target[key] = source[key]
    else:
        target.pop(key, None)


class Problem(NamedTuple):
    """Where a claim departs from its declaration: the path, what was expected, what came."""

    path: str
    expected: str  # a JSON type, e.g. "int or null"; "" when the key is missing
    got: str


JSON_NAMES = {int: "int", float: "number", str: "str", bool: "bool", list: "list", dict: "object",
              type(None): "null"}


def first_problem(value: Any, declared: Any = Observed, path: str = "") -> Problem | None:
    """Return where and how `value` departs from its declaration, or None when it conforms."""
    origin = typing.get_origin(declared)
    if declared is Any:
        return None
    if origin in (Union, types.UnionType):
        options = typing.get_args(declared)
        if any(first_problem(value, option, path) is None for option in options):
            return None
        return _mismatch(path, " or ".join(_name(o) for o in options), value)
    if isinstance(declared, type) and typing.is_typeddict(declared):
        return _typed_dict_problem(value, declared, path)
    if origin is list:
        if not isinstance(value, list):
            return _mismatch(path, _name(declared), value)
        (item,) = typing.get_args(declared)
        return next((p for i, v in enumerate(value)
                     if (p := first_problem(v, item, f"{path}[{i}]")) is not None), None)
    if origin is dict:
        if not isinstance(value, dict):
            return _mismatch(path, "object", value)
        _, item = typing.get_args(declared)
        return next((p for k, v in value.items()
                     if (p := first_problem(v, item, f"{path}.{k}")) is not None), None)
    if declared is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif declared is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, declared)
    return None if ok else _mismatch(path, _name(declared), value)


def _typed_dict_problem(value: Any, declared: type, path: str) -> Problem | None:
    """Check a JSON object against a TypedDict: required keys present, declared keys typed."""
    if not isinstance(value, dict):
        return _mismatch(path, "object", value)
    hints = typing.get_type_hints(declared)
    for key in sorted(declared.__required_keys__):
        if key not in value:
            return Problem(_join(path, key), "", "")
    for key, hint in hints.items():
        if key in value:
            problem = first_problem(value[key], _unwrap(hint), _join(path, key))
            if problem is not None:
                return problem
    return None


def _unwrap(hint: Any) -> Any:
    """Remove Required/NotRequired around a type."""
    while typing.get_origin(hint) in (Required, NotRequired):
        (hint,) = typing.get_args(hint)
    return hint


def _join(path: str, key: str) -> str:
    """Return 'builds[0].model' from 'builds[0]' and 'model'."""
    return f"{path}.{key}" if path else key


def _name(declared: Any) -> str:
    """Name a type as JSON would."""
    if isinstance(declared, type) and typing.is_typeddict(declared):
        return "object"
    origin = typing.get_origin(declared)
    if origin is not None:
        return JSON_NAMES.get(origin, str(origin))
    return JSON_NAMES.get(declared, getattr(declared, "__name__", str(declared)))


def _mismatch(path: str, expected: str, value: Any) -> Problem:
    """Say what was expected at a path and what came instead."""
    return Problem(path or "data", expected, JSON_NAMES.get(type(value), type(value).__name__))
