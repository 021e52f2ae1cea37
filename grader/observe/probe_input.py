"""A question's probe input: what its models are called and trained on. Pure, no keras.

A lab declares it in `assignment.toml` (`probe = { dtype = "int32", high = "vocab_size" }`,
checked when the table loads) or in its observer's code. A bound may name one of the call's
arguments, read per call (`resolve_probe`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PROBE_DTYPES = ("float32", "float64", "int32", "int64")
PROBE_KEYS = ("dtype", "low", "high")
BOUNDS = {"low": 0.0, "high": 1.0}  # and their defaults
CALLS = "calls"  # an argument set's list of calls, each its own arguments over the set's
EXAMPLE = '{ dtype = "int32", high = "vocab_size" }'


@dataclass(frozen=True)
class ProbeInput:
    """What a question's models are called and trained on: values of a dtype in [low, high)
    (integer token ids for an Embedding: dtype "int32", high = the vocabulary's size)."""

    dtype: str = "float32"
    low: float = 0.0
    high: float = 1.0

    @classmethod
    def from_json(cls, value: Any) -> ProbeInput:
        """Read a probe input sent as JSON ({"dtype", "low", "high"}); the default for None."""
        if not isinstance(value, dict):
            return cls()
        dtype = str(value.get("dtype", "float32"))
        if dtype not in PROBE_DTYPES:
            raise ValueError(f"probe input dtype {dtype!r}: expected one of {PROBE_DTYPES}")
        return cls(dtype, float(value.get("low", 0.0)), float(value.get("high", 1.0)))

    def as_json(self) -> dict[str, Any]:
        """The probe input as JSON, to send to a probe."""
        return {"dtype": self.dtype, "low": self.low, "high": self.high}


def calls_of(args: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each call's arguments: an entry of args["calls"] over the set's others (one when none)."""
    common = {k: v for k, v in args.items() if k != CALLS}
    return [{**common, **extra} for extra in args.get(CALLS) or [{}]]


def resolve_probe(declared: Mapping[str, Any] | None, call: Mapping[str, Any]
                  ) -> dict[str, Any] | None:
    """The probe input of one call: a declaration's named bounds replaced by the call's values
    (None when nothing is declared)."""
    if not declared:
        return None
    resolved = dict(declared)
    for key in BOUNDS:
        if isinstance(declared.get(key), str):
            problem = _named_bound_problem(declared[key], call)
            if problem:
                raise ValueError(f"the question's probe input: {key} — {problem}")
            resolved[key] = call[declared[key]]
    return resolved


def declaration_problem(value: Any, calls: Sequence[Mapping[str, Any]]) -> tuple[str, str] | None:
    """What is wrong with a declared probe input, as (the key, expected vs got), given the calls
    its question makes; None when it is right."""
    if not isinstance(value, dict):
        return "", f"expected a table such as {EXAMPLE}, got {value!r}"
    for key in value:
        if key not in PROBE_KEYS:
            return key, f"unknown key (known: {', '.join(PROBE_KEYS)})"
    if value.get("dtype", "float32") not in PROBE_DTYPES:
        return "dtype", (f"expected one of {', '.join(repr(d) for d in PROBE_DTYPES)}, "
                         f"got {value['dtype']!r}")
    for key in BOUNDS:
        problem = _bound_problem(value[key], calls) if key in value else None
        if problem:
            return key, problem
    return _order_problem(value, calls)


def _bound_problem(bound: Any, calls: Sequence[Mapping[str, Any]]) -> str | None:
    """Whether a bound is a number, or names a numeric argument of every call."""
    if isinstance(bound, str):
        return next(filter(None, (_named_bound_problem(bound, call) for call in calls)), None)
    if not _is_number(bound):
        return f"expected a number or the name of an argument, got {bound!r}"
    return None


def _named_bound_problem(name: str, call: Mapping[str, Any]) -> str | None:
    """Whether a call has the argument a bound names, holding a number."""
    if name not in call:
        return (f"expected the name of an argument of every call, got {name!r} (a call's "
                f"arguments: {', '.join(sorted(call)) or 'none'})")
    if not _is_number(call[name]):
        return f"expected an argument holding a number, got {name} = {call[name]!r}"
    return None


def _order_problem(value: Mapping[str, Any], calls: Sequence[Mapping[str, Any]]
                   ) -> tuple[str, str] | None:
    """Whether low is below high in every call."""
    for call in calls:
        low, high = (_bound_value(value, key, call) for key in BOUNDS)
        if low >= high:
            return "high", f"expected more than low ({low:g}), got {high:g}"
    return None


def _bound_value(value: Mapping[str, Any], key: str, call: Mapping[str, Any]) -> float:
    """A checked bound's value in one call (its default when not declared)."""
    bound = value.get(key, BOUNDS[key])
    return float(call[bound] if isinstance(bound, str) else bound)


def _is_number(value: Any) -> bool:
    """Whether a value is an int or a float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
