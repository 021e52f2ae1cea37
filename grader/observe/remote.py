"""The observer's side of the executor: ask it to call, probe or take things; read its answers.

Everything the executor answers is decoded under limits (`grader.observe.exchange`) and is a
claim, except what the observer establishes itself: the models it rebuilds from their files,
the fits it performs for models it handed over, the files it reads.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.model import Failure, Status
from grader.observe.channel import Channel, ChannelError
from grader.observe.exchange import (
    TAG,
    ExchangeError,
    FitHistory,
    Folder,
    Handle,
    Limits,
    count,
    decode_float,
    encode_float,
    is_plain_key,
    load_array,
    read_untrusted_file,
    tag_of,
    write_array,
)

CLAIMABLE = (Status.NOT_IMPLEMENTED, Status.ERROR, Status.MEMORY)


class StudentRaised(Exception):
    """The student's code raised (or failed) while answering a request; carries its failure."""

    def __init__(self, failure: Failure, status: Status) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.status = status


class ProtocolError(Exception):
    """The executor answered out of turn or with something that is not an answer."""


@dataclass(frozen=True)
class Remote:
    """An object that stays in the student's process."""

    handle: Handle

    @property
    def type(self) -> str:
        """The object's class name."""
        return self.handle.type

    @property
    def is_model(self) -> bool:
        """Whether it is a keras Model."""
        return self.handle.is_model

    def method(self, name: str) -> RemoteCallable:
        """Return one of the object's methods, to call through the executor."""
        return RemoteCallable(self.handle.id, name)


@dataclass(frozen=True)
class RemoteCallable:
    """A function of the submission (target None) or a method of a remote object."""

    target: int | None
    name: str

    @property
    def __name__(self) -> str:  # noqa: PLW3201 - read like a function's name in labels
        return self.name


class RemoteModule:
    """The submission as the observer sees it: `module.build_mlp` is a remote function."""

    def __init__(self, functions: tuple[str, ...]) -> None:
        self._functions = functions

    def __getattr__(self, name: str) -> RemoteCallable:
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteCallable(None, name)

    def has(self, name: str) -> bool:
        """Whether the submission defines this function (as its import said)."""
        return name in self._functions


FitHandler = Callable[[int, dict[str, Any]], dict[str, Any]]


@dataclass
class ExecutorClient:
    """Requests to the executor and the decoding of its answers."""

    channel: Channel
    inbox: Path  # the executor's exchange folder (read, untrusted)
    outbox: Folder  # this side's exchange folder (written)
    private: Path  # where the executor's files are copied before they are read
    fit_handlers: dict[int, FitHandler] = field(default_factory=dict)

    def request(self, op: str, label: str = "", **fields: Any) -> Any:
        """Send one request and return its decoded answer; serve the fits it asks for meanwhile."""
        number = secrets.token_hex(8)
        self.channel.send({"op": op, "id": number, "label": label, **fields})
        while True:
            reply = self.channel.receive()
            if reply.get("op") == "fit":
                self.channel.send(self.serve_fit(reply))
                continue
            if reply.get("id") != number:
                raise ProtocolError("an answer to no request the grader made")
            if "raised" in reply:
                raise StudentRaised(*self.failure_of(reply))
            if "ok" not in reply:
                raise ProtocolError("an answer without a value")
            return self.decode(reply["ok"], Limits())

    def serve_fit(self, message: dict[str, Any]) -> dict[str, Any]:
        """Fit a handed model as the student's code asked (the observer's own model)."""
        base = {"op": "fitted", "id": message.get("id")}
        handler = self.fit_handlers.get(message.get("handed"))  # type: ignore[arg-type]
        if handler is None:
            raise ProtocolError("a fit of a model the grader did not hand over")
        limits = Limits()
        kwargs = {str(k): self.decode(v, limits) for k, v in (message.get("kwargs") or {}).items()}
        try:
            return base | {"ok": handler(message["handed"], kwargs)}
        except (TypeError, ValueError) as exc:  # arguments keras refuses: the student's error
            return base | {"raised": f"{type(exc).__name__}: {exc}"[:500]}

    def failure_of(self, reply: dict[str, Any]) -> tuple[Failure, Status]:
        """Read the failure the executor reports (a claim about the student's own code)."""
        try:
            failure = Failure.from_dict(reply["raised"])
            status = Status(reply.get("status"))
        except (TypeError, ValueError, AttributeError, KeyError):
            return Failure("observe", "UnreadableResult", "an unreadable failure"), Status.ERROR
        if not all(isinstance(getattr(failure, f), str) for f in ("phase", "type", "message")):
            return Failure("observe", "UnreadableResult", "an unreadable failure"), Status.ERROR
        return failure, status if status in CLAIMABLE else Status.ERROR

    # --- decoding the executor's values ---------------------------------------------------

    def decode(self, value: Any, limits: Limits, depth: int = 0) -> Any:
        """Return a value the executor sent, checked against the agreed forms."""
        count(limits, depth)
        tag = tag_of(value)
        if tag is None:
            if isinstance(value, list):
                return [self.decode(v, limits, depth + 1) for v in value]
            if isinstance(value, dict):
                return {k: self.decode(v, limits, depth + 1) for k, v in value.items()}
            return value
        try:
            return self.decode_tagged(tag, value, limits, depth)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ExchangeError(f"a malformed {tag!r} value ({type(exc).__name__})") from exc

    def decode_tagged(self, tag: str, value: dict[str, Any], limits: Limits, depth: int) -> Any:
        """Decode one tagged value."""
        if tag == "tuple":
            return tuple(self.decode(v, limits, depth + 1) for v in list(value["items"]))
        if tag == "dict":
            pairs = [(self.decode(k, limits, depth + 1), self.decode(v, limits, depth + 1))
                     for k, v in list(value["items"])]
            return {k: v for k, v in pairs if isinstance(k, str | int | float | bool | tuple)}
        if tag == "float":
            return decode_float(value["value"])
        if tag == "array":
            return load_array(read_untrusted_file(self.inbox, value["file"], self.private))
        if tag == "history":
            return self.decode_history(value, limits, depth)
        if tag == "handle":
            return Remote(Handle(
                id=int(value["id"]), type=str(value["type"])[:200],
                module=str(value["module"])[:200], keras_class=str(value["keras_class"])[:200],
                is_model=bool(value.get("is_model")), model_file=str(value.get("model_file", "")),
                model_error=str(value.get("model_error", ""))[:300],
                built=bool(value.get("built", True))))
        raise ExchangeError(f"an unknown tag {tag!r}")

    def decode_history(self, value: dict[str, Any], limits: Limits, depth: int) -> FitHistory:
        """Decode a History's data."""
        history = self.decode(value["history"], limits, depth + 1)
        params = self.decode(value.get("params") or {}, limits, depth + 1)
        if not isinstance(history, dict) or not isinstance(params, dict):
            raise ExchangeError("a History whose values are not a dict")
        series = {str(k): [float(x) for x in v] for k, v in history.items()
                  if isinstance(v, list) and all(isinstance(x, int | float) for x in v)}
        epoch = [int(e) for e in value.get("epoch") or [] if isinstance(e, int)]
        return FitHistory(series, params, epoch, int(value["handle"]), str(value.get("token")))

    # --- encoding the observer's arguments ------------------------------------------------

    def encode(self, value: Any, depth: int = 0) -> Any:
        """Return an argument as exchange data (arrays as files, remote objects by handle)."""
        if value is None or isinstance(value, bool | str | int):
            return value
        if isinstance(value, float):
            return encode_float(value)
        if isinstance(value, np.ndarray):
            return {TAG: "array", "file": write_array(self.outbox, value)}
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, Remote):
            return {TAG: "handle", "id": value.handle.id}
        if isinstance(value, FitHistory):
            return {TAG: "history", "history": value.history,
                    "params": self.encode(value.params, depth + 1), "epoch": value.epoch}
        if isinstance(value, tuple):
            return {TAG: "tuple", "items": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, list):
            return [self.encode(v, depth + 1) for v in value]
        if isinstance(value, dict):
            if all(is_plain_key(k) for k in value):
                return {k: self.encode(v, depth + 1) for k, v in value.items()}
            return {TAG: "dict", "items": [[self.encode(k), self.encode(v)]
                                           for k, v in value.items()]}
        raise TypeError(f"the grader cannot hand a {type(value).__name__} to the student's code "
                        "(hand models with ctx.hand)")


__all__ = ["ChannelError", "ExecutorClient", "ProtocolError", "Remote", "RemoteCallable",
           "RemoteModule", "StudentRaised"]
