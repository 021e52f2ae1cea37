"""The executor: the student's process. It imports the submission, then does what it is asked.

It never holds the job's argument sets nor the grader's observers: the trusted observer sends it
one request at a time (call this function with these arguments, probe this object, take this
model) and it answers with values as data (`grader.observe.exchange`): models as keras files,
arrays as `.npy` files, other objects as handles. A model the grader hands over with
`observe_fit` is fitted by the observer when the student's code calls its `fit`: the call is
received by the trusted side, not reported by this one.

Whatever runs here after the submission's import is hostile: every answer is a claim.
"""

from __future__ import annotations

import importlib
import os
import secrets
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader.hooks import hook
from grader.model import Failure, Status
from grader.observe.channel import Channel, ChannelError
from grader.observe.exchange import (
    TAG,
    ExchangeError,
    Folder,
    Limits,
    count,
    decode_float,
    encode_float,
    is_plain_key,
    load_array,
    tag_of,
    write_array,
)
from grader.observe.failures import (
    StudentCodeError,
    exception_message,
    failure_from_exception,
    failure_json,
)
from grader.observe.probes import PROBES

MAX_ANSWER_CHARS = 5000
FIT_ARGUMENTS = ("x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
                 "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
                 "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq")


@dataclass(frozen=True)
class ExecutorContext:
    """Where the executor's files are, as the assignment's `install_data` hook sees them."""

    workdir: Path  # the copy of the submission
    assignment_dir: Path
    scratch: Path  # HOME and TMPDIR of the student's code
    inbox: Path  # the observer's exchange folder (read)
    outbox: Path  # this side's exchange folder (write)
    audit_fd: int = -1  # where the audit hook reports (grader/observe/audit.py), -1: no hook


def classify(exc: BaseException) -> Status:
    """Map what the student's code raised to a question status."""
    if isinstance(exc, NotImplementedError):
        return Status.NOT_IMPLEMENTED
    if isinstance(exc, MemoryError):
        return Status.MEMORY
    return Status.ERROR


def read_answers(module: Any) -> dict[str, str]:
    """Return the free-text ANSWERS dict as plain strings."""
    answers = getattr(module, "ANSWERS", None)
    if not isinstance(answers, dict):
        return {}
    return {str(k): str(v)[:MAX_ANSWER_CHARS] for k, v in answers.items()}


def keras_class_name(obj: Any) -> str:
    """Return the first keras class in the object's MRO, '' when there is none."""
    for cls in type(obj).__mro__:
        if cls.__module__.startswith("keras"):
            return cls.__name__
    return ""


@dataclass
class Executor:
    """The executor's state: the submission's module, its objects by handle, its files."""

    module: ModuleType
    channel: Channel
    ctx: ExecutorContext
    outbox: Folder
    objects: dict[int, Any] = field(default_factory=dict)
    ids: dict[int, int] = field(default_factory=dict)  # id(object) -> handle

    # --- values leaving the student's process --------------------------------------------

    def handle(self, value: Any) -> int:
        """Return the handle of an object (the same object keeps its handle)."""
        known = self.ids.get(id(value))
        if known is not None and self.objects.get(known) is value:
            return known
        number = len(self.objects) + 1
        self.objects[number] = value
        self.ids[id(value)] = number
        return number

    def encode(self, value: Any, depth: int = 0) -> Any:
        """Return a value as exchange data: plain JSON, files, or a handle."""
        import keras

        if value is None or isinstance(value, bool | str):
            return value
        if type(value) is int:
            return value
        if type(value) is float or isinstance(value, np.floating):
            return encode_float(float(value))
        if isinstance(value, np.integer | np.bool_):
            return value.item()
        if depth > 20:
            return self.describe_handle(value)
        if type(value) is np.ndarray and value.dtype.kind in "biuf":
            return {TAG: "array", "file": write_array(self.outbox, value)}
        if hasattr(value, "as_list") and type(value).__name__ == "TensorShape":
            return {TAG: "tuple", "items": [None if d is None else int(d) for d in value.as_list()]}
        if type(value) is tuple:
            return {TAG: "tuple", "items": [self.encode(v, depth + 1) for v in value]}
        if type(value) is list:
            return [self.encode(v, depth + 1) for v in value]
        if type(value) is dict:
            if all(is_plain_key(k) for k in value):
                return {k: self.encode(v, depth + 1) for k, v in value.items()}
            return {TAG: "dict", "items": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                                           for k, v in value.items()]}
        if isinstance(value, keras.callbacks.History):
            return self.encode_history(value)
        if type(value).__name__ == "EagerTensor":
            return self.encode(np.asarray(value), depth)
        return self.describe_handle(value)

    def encode_history(self, history: Any) -> dict[str, Any]:
        """Return a History as its data (per-epoch values, params), and its handle."""
        data = getattr(history, "history", None)
        values = {str(k): [encode_float(float(v)) for v in series]
                  for k, series in (data or {}).items() if isinstance(series, list)} \
            if isinstance(data, dict) else {}
        params = getattr(history, "params", None)
        return {TAG: "history", "handle": self.handle(history), "history": values,
                "params": self.encode(dict(params)) if isinstance(params, dict) else {},
                "epoch": [int(e) for e in getattr(history, "epoch", []) or []][:10_000],
                "token": str(getattr(history, "_grader_token", "") or "")}

    def describe_handle(self, value: Any, save: bool = True) -> dict[str, Any]:
        """Return a handle to an object; a keras model is saved for the observer too."""
        import keras

        cls = type(value)
        info: dict[str, Any] = {TAG: "handle", "id": self.handle(value), "type": cls.__name__,
                                "module": str(cls.__module__).split(".")[0],
                                "keras_class": keras_class_name(value)}
        if isinstance(value, keras.Model):
            saved = self.save_model(value) if save else {"built": True, "model_file": "",
                                                          "model_error": ""}
            info.update(is_model=True, **saved)
        return info

    def save_model(self, model: Any) -> dict[str, Any]:
        """Save a model in keras's own format for the observer; say why when it cannot."""
        if not getattr(model, "built", False):
            return {"built": False, "model_file": "", "model_error": "not built"}
        name = self.outbox.new_name("model", "keras")
        try:
            model.save(self.outbox.path / name)
        except BaseException as exc:  # noqa: BLE001 - a model keras cannot save: described here
            (self.outbox.path / name).unlink(missing_ok=True)
            return {"built": True, "model_file": "",
                    "model_error": f"{type(exc).__name__}: {exception_message(exc)}"[:300]}
        return {"built": True, "model_file": name, "model_error": ""}

    # --- values arriving from the observer ------------------------------------------------

    def decode(self, value: Any, limits: Limits, depth: int = 0) -> Any:
        """Return an argument the observer sent as a Python value."""
        count(limits, depth)
        tag = tag_of(value)
        if tag is None:
            if isinstance(value, list):
                return [self.decode(v, limits, depth + 1) for v in value]
            if isinstance(value, dict):
                return {k: self.decode(v, limits, depth + 1) for k, v in value.items()}
            return value
        if tag == "tuple":
            return tuple(self.decode(v, limits, depth + 1) for v in value["items"])
        if tag == "dict":
            return {self.decode(k, limits, depth + 1): self.decode(v, limits, depth + 1)
                    for k, v in value["items"]}
        if tag == "float":
            return decode_float(value["value"])
        if tag == "array":
            return load_array(self.ctx.inbox / Path(value["file"]).name)
        if tag == "handle":
            if value.get("id") not in self.objects:
                raise ExchangeError(f"no object with handle {value.get('id')!r}")
            return self.objects[value["id"]]
        if tag == "history":
            return self.history_object(value, limits, depth)
        raise ExchangeError(f"an unknown tag {tag!r}")

    def history_object(self, value: dict[str, Any], limits: Limits, depth: int) -> Any:
        """Build a keras History from its data (a grader-made History handed to the student)."""
        import keras

        history = keras.callbacks.History()
        history.history = self.decode(value["history"], limits, depth + 1)
        history.params = self.decode(value.get("params") or {}, limits, depth + 1)
        history.epoch = list(value.get("epoch") or [])
        return history

    # --- requests -------------------------------------------------------------------------

    def serve(self) -> None:
        """Answer the observer's requests until it says exit (or the channel closes)."""
        while True:
            request = self.channel.receive()
            op = request.get("op")
            if op == "exit":
                return
            self.channel.send({"id": request.get("id"), **self.answer(request)})

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one request; return its reply: a value, or how the student's code failed."""
        where = str(request.get("label") or request.get("name") or request.get("op"))[:300]
        try:
            limits = Limits()
            args = [self.decode(a, limits) for a in request.get("args") or []]
            kwargs = {str(k): self.decode(v, limits) for k, v in
                      (request.get("kwargs") or {}).items()}
            value = self.operation(request, args, kwargs, where)
            if request.get("op") == "hand":  # the observer has the model: no copy back
                return {"ok": self.describe_handle(value, save=False)}
            return {"ok": self.encode(value)}
        except StudentCodeError as err:
            failure = failure_from_exception(err.exc, "call", err.where, self.ctx.workdir)
            return {"raised": failure_json(failure), "status": classify(err.exc).value}
        except ChannelError:
            raise
        except BaseException as exc:  # noqa: BLE001 - describing the student's objects failed
            named = f"{request.get('name')}()" if request.get("op") == "call" else where
            failure = Failure("observe", type(exc).__name__, exception_message(exc), named)
            return {"raised": failure_json(failure), "status": Status.ERROR.value}

    def operation(self, request: dict[str, Any], args: list[Any], kwargs: dict[str, Any],
                  where: str) -> Any:
        """Do what the request asks."""
        op = request.get("op")
        if op == "seed":
            import keras

            keras.utils.set_random_seed(0)
            return None
        if op == "call":
            return call_student(self.target(request), args, kwargs, where)
        if op == "get":
            obj, name = self.objects[int(request["target"])], str(request["name"])
            if request.get("missing_ok"):  # an attribute that may not be there: None then
                return call_student(lambda: getattr(obj, name, None), [], {}, where)
            return call_student(lambda: getattr(obj, name), [], {}, where)
        if op == "probe":
            probe = PROBES[str(request["name"])]
            return probe(*args, **kwargs)
        if op == "build":
            model = self.objects[int(request["target"])]
            shape = (None, *args[0])
            call_student(model.build, [shape], {}, f"model.build({shape})")
            return model
        if op == "folder":  # a folder of the student's scratch for a path the grader gives
            folder = (self.ctx.scratch / str(request["path"])).resolve()
            if self.ctx.scratch.resolve() not in (folder, *folder.parents):
                raise ExchangeError("a folder outside the scratch folder")
            folder.mkdir(parents=True, exist_ok=True)
            return None
        if op == "hand":
            return self.take_model(str(request["file"]), bool(request.get("observe_fit")))
        raise ExchangeError(f"an unknown request {op!r}")

    def target(self, request: dict[str, Any]) -> Callable[..., Any]:
        """Return what a call request calls: a function of the submission, or an object's method."""
        name = str(request.get("name"))
        if request.get("target") is None:
            return getattr(self.module, name)
        return getattr(self.objects[int(request["target"])], name)

    def take_model(self, file: str, observe_fit: bool) -> Any:
        """Load a model the grader hands to the student's code; with `observe_fit`, its fit is
        done by the observer (the call is received there)."""
        import keras

        with warnings.catch_warnings():  # the grader's own model: its load says nothing
            warnings.simplefilter("ignore")
            model = keras.saving.load_model(self.ctx.inbox / Path(file).name, compile=True)
        reserve_names(model)
        if observe_fit:
            model.fit = self.forwarded_fit(model)
        return model

    def forwarded_fit(self, model: Any) -> Callable[..., Any]:
        """Return a `fit` for a handed model: the observer fits its own copy with the arguments
        received, and sends back the weights and the History's values."""
        executor = self

        def fit(*positional: Any, **named: Any) -> Any:
            """Fit the grader's model: the grader does the fit with these arguments."""
            arguments = dict(zip(FIT_ARGUMENTS, positional, strict=False)) | named
            unknown = sorted(set(arguments) - set(FIT_ARGUMENTS))
            if unknown:
                raise TypeError(f"fit() got an unexpected keyword argument {unknown[0]!r}")
            if arguments.get("callbacks"):
                raise TypeError("the model given to your function is the grader's: its fit "
                                "takes no callbacks here")
            arguments.pop("callbacks", None)
            arguments.pop("verbose", None)
            return executor.request_fit(model, arguments)

        return fit

    def request_fit(self, model: Any, arguments: dict[str, Any]) -> Any:
        """Send a fit of a handed model to the observer; apply what comes back."""
        import keras

        number = secrets.token_hex(8)
        self.channel.send({"op": "fit", "id": number, "handed": self.handle(model),
                           "kwargs": {k: self.encode(as_array(v)) for k, v in arguments.items()}})
        reply = self.channel.receive()
        if reply.get("op") != "fitted" or reply.get("id") != number:
            raise ChannelError("the grader's fit did not answer")
        if "raised" in reply:
            raise TypeError(str(reply["raised"])[:500])
        fitted = self.decode(reply["ok"], Limits())
        with np.load(self.ctx.inbox / Path(fitted["weights"]).name, allow_pickle=False) as data:
            model.set_weights([data[f"w{i}"] for i in range(len(data.files))])
        history = keras.callbacks.History()
        history.set_model(model)
        history.history = {k: list(values) for k, values in fitted["history"].items()}
        history.params = dict(fitted["params"])
        history.epoch = list(fitted["epoch"])
        history._grader_token = fitted["token"]
        model.history = history
        return history


def reserve_names(model: Any) -> None:
    """Count the names of a loaded model's layers as used, so that the layers the student's
    code adds get names of their own (keras refuses a model whose names repeat)."""
    import collections

    from keras.src.backend.common import global_state

    uids = global_state.get_global_attribute("object_name_uids",
                                             default=collections.defaultdict(int),
                                             set_to_default=True)
    pending = [model]
    while pending:
        layer = pending.pop()
        pending.extend(getattr(layer, "layers", None) or ())
        prefix, _, number = str(layer.name).rpartition("_")
        if prefix and number.isdigit():
            uids[prefix] = max(uids[prefix], int(number) + 1)
        else:
            uids[layer.name] = max(uids[layer.name], 1)


def as_array(value: Any) -> Any:
    """Turn lists and tensors given to fit into arrays (tuples of them kept as tuples)."""
    if isinstance(value, tuple):
        return tuple(as_array(v) for v in value)
    if isinstance(value, list) or type(value).__name__ == "EagerTensor":
        return np.asarray(value)
    return value


def call_student(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any],
                 where: str) -> Any:
    """Call student code; wrap whatever it raises with where it happened."""
    try:
        return fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - student code may raise SystemExit…
        raise StudentCodeError(exc, where) from exc


def import_message(module: ModuleType) -> dict[str, Any]:
    """What the executor says once the submission is imported: its functions and answers."""
    from grader.observe.student_import import notebook_summary

    functions = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))
    message: dict[str, Any] = {"kind": "ready", "answers": read_answers(module),
                               "functions": functions}
    if (notebook := notebook_summary(module)) is not None:
        message["notebook"] = notebook
    return message


def run_executor(channel: Channel, ctx: ExecutorContext, observers: str, module_name: str,
                 submission: Path, notebook_mode: str, eager: bool) -> None:
    """Body of the executor: set up the data, import the submission, answer requests."""
    from grader.notebook_cells import NotebookError
    from grader.observe import fast_data
    from grader.observe.student_import import import_submission

    started = time.monotonic()
    install_data = hook(importlib.import_module(observers), "install_data")
    if install_data is not None:  # optional (grader/contract.py)
        install_data(ctx)
    fast_data.install()  # before the submission: its own fits at import get the same pipeline
    if eager:
        import tensorflow as tf

        tf.config.run_functions_eagerly(True)
    sys.path.insert(0, str(ctx.workdir))
    os.chdir(ctx.workdir)
    if ctx.audit_fd >= 0:  # last thing before the student's code: nothing of theirs ran yet
        from grader.observe import audit

        audit.install(ctx.audit_fd, str(ctx.workdir), str(Path(audit.__file__).parents[1]))
    try:
        module = import_submission(submission, module_name, notebook_mode)
    except BaseException as exc:  # noqa: BLE001 - any failure at import is the student's
        failure = failure_from_exception(exc, "import", f"importing {submission.name}",
                                         ctx.workdir)
        status = Status.MEMORY if classify(exc) == Status.MEMORY else Status.ERROR
        reason = {"notebook_error": exc.as_json()} if isinstance(exc, NotebookError) else {}
        channel.send({"kind": "import_failed", "status": status.value, "data": reason,
                      "failure": failure_json(failure),
                      "duration": round(time.monotonic() - started, 3)})
        return
    channel.send(import_message(module) | {"duration": round(time.monotonic() - started, 3)})
    Executor(module, channel, ctx, Folder(ctx.outbox)).serve()
