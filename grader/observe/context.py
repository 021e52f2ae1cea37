"""What an observer needs: where the job's files are, and how to reach the student's code.

Observers run in the trusted observer process. The student's functions run in the executor;
`ctx.call(module.build_mlp, …)` asks it to call one and returns what came back: plain data, an
array, a `FitHistory`, or a `Remote` handle (a model among them). `ctx.model` rebuilds a model
from the file the executor saved, in this process (`safe_mode=True`); `ctx.hand` gives the
student's code a model of the grader's own; `ctx.probe` asks a question about an object that
cannot leave the student's process (a claim).
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.observe.fits import HandedModel, fit_received
from grader.observe.probe_input import resolve_probe

if TYPE_CHECKING:
    from grader.observe.remote import ExecutorClient, Remote


@dataclass(frozen=True)
class ModelSeen:
    """A model returned by the student's code, as the observer could take it."""

    model: Any | None  # rebuilt here from its keras file; None when keras could not
    notes: tuple[str, ...] = ()
    reason: str = ""  # why it could not be rebuilt here (then it is described there)


@dataclass(frozen=True)
class ObserveContext:
    """The folders of one observation, the progress file, and the way to the executor."""

    workdir: Path  # the executor's copy of the submission
    assignment_dir: Path
    scratch: Path  # a folder the student's code writes in and the observer reads
    progress_file: Path | None = None
    executor: ExecutorClient | None = None
    declared_probe: Mapping[str, Any] | None = None  # the question's probe input, as its
    # assignment.toml declares it (the job carries it): the default of describe_model's `probe`
    set_args: Mapping[str, Any] = field(default_factory=dict)  # the set being observed

    def for_set(self, args: Mapping[str, Any]) -> ObserveContext:
        """This context, observing the argument set `args`."""
        return replace(self, set_args=dict(args))

    def declared_probe_for(self, call: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """The question's declared probe input for a call (the set's arguments by default),
        its named bounds read there; None when the question declares none."""
        return resolve_probe(self.declared_probe, self.set_args if call is None else call)

    # --- the student's code -----------------------------------------------------------------

    def call(self, fn: Callable[..., Any], *args: Any, label: str = "", **kwargs: Any) -> Any:
        """Call a function of the submission (or a method of a remote object) in the executor."""
        from grader.observe.remote import RemoteCallable

        where = label or f"{getattr(fn, '__name__', 'function')}({format_args(args, kwargs)})"
        self.progress(where)
        if not isinstance(fn, RemoteCallable):
            return fn(*args, **kwargs)  # the grader's own code
        return self._client.request(
            "call", where, target=fn.target, name=fn.name,
            args=[self._client.encode(a) for a in args],
            kwargs={k: self._client.encode(v) for k, v in kwargs.items()})

    def get(self, remote: Remote, name: str, label: str = "", missing_ok: bool = False) -> Any:
        """Read an attribute of an object in the student's process (its code may run); with
        `missing_ok`, None when the object has no such attribute."""
        where = label or f"{remote.type}.{name}"
        self.progress(where)
        return self._client.request("get", where, target=remote.handle.id, name=name,
                                    missing_ok=missing_ok)

    def probe(self, name: str, *args: Any, label: str = "", **kwargs: Any) -> Any:
        """Ask the executor one of the grader's questions about its objects (a claim)."""
        self.progress(label or f"describing {name}")
        return self._client.request(
            "probe", label or name, name=name, args=[self._client.encode(a) for a in args],
            kwargs={k: self._client.encode(v) for k, v in kwargs.items()})

    def folder(self, relative: str) -> Path:
        """Return a folder in the student's scratch space, made by the executor (the student's
        code writes there; the observer reads what it leaves)."""
        self._client.request("folder", f"making {relative}", path=relative)
        return self.scratch / relative

    def seed(self) -> None:
        """Seed both processes the same way before an argument set."""
        import keras

        self._client.request("seed")
        keras.utils.set_random_seed(0)

    # --- models -------------------------------------------------------------------------------

    def hand(self, model: Any, observe_fit: bool = False) -> HandedModel:
        """Give the student's code a model of the grader's; with `observe_fit`, every fit it
        makes is done here, on `model`, with the arguments received."""
        name = self._client.outbox.new_name("model", "keras")
        model.save(self._client.outbox.path / name)
        remote = self._client.request("hand", "handing a model", file=name,
                                      observe_fit=observe_fit)
        handed = HandedModel(remote, model)
        if observe_fit:
            self._client.fit_handlers[remote.handle.id] = (
                lambda _handle, kwargs: fit_received(self._client, self.progress, handed, kwargs))
        return handed

    def model(self, value: Any, input_shape: Any = None) -> ModelSeen:
        """Rebuild a model the student's code returned from its keras file, in this process."""
        from grader.observe.exchange import ExchangeError, read_untrusted_file
        from grader.observe.remote import Remote

        if not isinstance(value, Remote) or not value.is_model:
            return ModelSeen(None, reason="not a model")
        notes: tuple[str, ...] = ()
        if not value.handle.built and input_shape is not None:
            shape = list(input_shape) if isinstance(input_shape, tuple | list) else [input_shape]
            value = self._client.request("build", f"model.build({tuple([None, *shape])})",
                                         target=value.handle.id, args=[shape])
            notes = ("model_built_by_grader",)
        if not value.handle.model_file:
            return ModelSeen(None, notes, value.handle.model_error or "not built")
        try:
            path = read_untrusted_file(self._client.inbox, value.handle.model_file,
                                       self._client.private)
            return ModelSeen(load_model_safely(path), notes)
        except (ExchangeError, Exception) as exc:  # noqa: BLE001 - keras refuses it here
            return ModelSeen(None, notes, f"{type(exc).__name__}: {exc}"[:300])

    def describe_model(self, value: Any, input_shape: Any = None, run: bool = True,
                       base: Any = None, handed_base: HandedModel | None = None,
                       probe: dict[str, Any] | None = None) -> tuple[dict[str, Any], Any]:
        """Describe a returned model; return the description and the rebuilt model (or None).

        A model keras can rebuild here (its classes are keras's) is described and run here; one
        that holds the student's own classes is described by a probe in the executor (a claim).
        `probe` is what the model is called and trained on, as {"dtype", "low", "high"} (token
        ids: {"dtype": "int32", "high": vocabulary size}); without it, the question's declared
        one (its named bounds read in the set's arguments), else floats in [0, 1).
        """
        from grader.observe.keras_models import ProbeInput, describe_model
        from grader.observe.remote import Remote

        if not isinstance(value, Remote) or not value.is_model:
            return {"is_model": False, "type": _type_name(value)}, None
        probe = probe if probe is not None else self.declared_probe_for()
        seen = self.model(value, input_shape)
        if seen.model is not None:
            description = describe_model(seen.model, input_shape, run=run, base=base,
                                         probe=ProbeInput.from_json(probe))
            description["notes"] = sorted(set(description.get("notes", [])) | set(seen.notes))
            return description, seen.model
        description = self.probe("model", value, list(as_shape_list(input_shape)), run,
                                 handed_base.remote if handed_base else None,
                                 ProbeInput.from_json(probe).as_json(),
                                 label=f"describing your {value.type}")
        if isinstance(description, dict):
            description["notes"] = sorted(set(description.get("notes") or []) | set(seen.notes)
                                          | {"described_by_submission"})
        return description, None

    # --- bookkeeping --------------------------------------------------------------------------

    @property
    def _client(self) -> ExecutorClient:
        if self.executor is None:
            raise RuntimeError("this context reaches no executor")
        return self.executor

    def progress(self, where: str) -> None:
        """Say which call is running (the supervisor shows it when a budget stops the job)."""
        if self.progress_file is not None:  # whole or absent
            temporary = self.progress_file.with_name(f".progress-{os.getpid()}")
            temporary.write_text(where, encoding="utf-8")
            os.replace(temporary, self.progress_file)


def load_model_safely(path: Path) -> Any:
    """Load a keras file the student's process wrote: keras's own classes only, no code."""
    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keras.saving.load_model(path, compile=True, safe_mode=True)


def as_shape_list(input_shape: Any) -> list[int]:
    """Return an input shape as a list of ints ([] when none)."""
    if input_shape is None:
        return []
    if isinstance(input_shape, int):
        return [input_shape]
    return [int(d) for d in input_shape]


def _type_name(value: Any) -> str:
    """Name the type of a returned value as the student wrote it."""
    from grader.observe.remote import Remote

    return value.type if isinstance(value, Remote) else type(value).__name__


def format_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """Show call arguments as the student would write them (arrays as their shape)."""
    parts = [short_repr(a) for a in args] + [f"{k}={short_repr(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def short_repr(value: Any) -> str:
    """Return a short readable form of an argument."""
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, str | int | float):
        return f"<array {tuple(int(d) for d in shape)}>"
    if hasattr(value, "history") and hasattr(value, "params"):
        return "<History>"
    if hasattr(value, "handle") and hasattr(value, "is_model"):  # a remote object
        return "<model>" if value.is_model else f"<{value.type}>"
    if isinstance(value, HandedModel):
        return "<model>"
    if hasattr(value, "layers") and hasattr(value, "count_params"):
        return "<model>"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def jsonable(value: Any, depth: int = 0) -> Any:
    """Convert a returned value to JSON-safe data (tuples and shapes to lists, numbers to Python)."""
    from grader.observe.remote import Remote

    if depth > 6:
        return {"repr": short_repr(value)}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return value if not (isinstance(value, float) and not math.isfinite(value)) else repr(value)
    if isinstance(value, Remote):
        return {"repr": f"<{value.type}>", "type": value.type}
    if hasattr(value, "as_list") and callable(value.as_list):  # TensorShape
        try:
            return [None if d is None else int(d) for d in value.as_list()]
        except ValueError:
            return {"repr": repr(value)}
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return jsonable(value.item(), depth + 1)
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, depth + 1) for v in value]
    return {"repr": short_repr(value), "type": type(value).__name__}


def dumps(data: Any) -> str:
    """Serialise observation data, refusing anything that is not plain JSON."""
    return json.dumps(data, allow_nan=False, sort_keys=True)
