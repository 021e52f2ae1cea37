"""Observers of the 14 questions: call the student's function on small data, describe the result.

They run in the trusted observer (`grader/observe/observer.py`), never in the student's process:
`module.f(…)` is called there through `ctx.call`, models come back as keras files rebuilt here,
fits of the grader's own model are done here. The reference goes through the same code, so
expected and actual observations are comparable field by field.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader.contract import Observer
from grader.observe.builds import callback_claim, observe_builds
from grader.observe.context import ObserveContext, jsonable
from grader.observe.exchange import FitHistory
from grader.observe.remote import Remote

INPUT_DIM = 784
N_CLASSES = 10
HIDDEN_UNITS = 128  # the contract's hidden layer width
CHECKPOINT_VAL_LOSSES = (1.0, 0.9, 0.5, 0.8, 0.85, 0.82, 0.7, 0.75, 0.6, 0.65, 0.9, 0.7)
EARLY_STOPPING_VAL_LOSSES = (0.9, 0.8, 0.7, 0.75, 0.72, 0.71, 0.73, 0.74, 0.68, 0.66, 0.65, 0.64)
FIT_CALL_FIELDS = ("samples", "batch_size", "epochs", "validation_split", "validation_samples")
PLOT_HISTORY = {
    "accuracy": [0.51, 0.62, 0.7, 0.74, 0.79],
    "val_accuracy": [0.48, 0.57, 0.61, 0.63, 0.6],
    "loss": [1.9, 1.3, 1.0, 0.85, 0.7],
    "val_loss": [2.0, 1.5, 1.2, 1.1, 1.15],
}


def install_data(ctx: ObserveContext) -> None:
    """Serve `dataset_utils` from a stand-in: the real shapes, no download (see dataset_shim)."""
    import sys

    from grader.td_keras_mlp.dataset_shim import make_dataset_shim

    sys.modules["dataset_utils"] = make_dataset_shim()


def load_mnist_subset(assignment_dir: Path) -> tuple[np.ndarray, ...]:
    """Load the committed real-MNIST subset: x in [0, 1] (n, 784), labels (n,)."""
    with np.load(assignment_dir / "data" / "mnist_subset.npz") as data:
        x_train = data["x_train"].reshape(len(data["x_train"]), -1).astype("float32") / 255.0
        x_test = data["x_test"].reshape(len(data["x_test"]), -1).astype("float32") / 255.0
        return x_train, data["y_train"].astype("int64"), x_test, data["y_test"].astype("int64")


def load_boston_train(assignment_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Load keras's Boston training split, min-max scaled, y of shape (n, 1)."""
    with np.load(assignment_dir / "data" / "boston_housing.npz") as data:
        x, y = data["x"], data["y"]
    order = np.arange(len(x))
    np.random.RandomState(113).shuffle(order)
    n_train = int(len(x) * 0.8)
    x, y = x[order][:n_train], y[order][:n_train]
    x = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    y = (y - y.min()) / (y.max() - y.min())
    return x.astype("float32"), y.reshape(-1, 1).astype("float32")


def one_hot(labels: np.ndarray, n_classes: int = N_CLASSES) -> np.ndarray:
    """Return one-hot float32 targets."""
    return np.eye(n_classes, dtype="float32")[labels % n_classes]


def mnist_for(assignment_dir: Path, input_dim: int, n_classes: int, samples: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Return MNIST-subset features cut or padded to input_dim, and labels folded to n_classes."""
    x_train, y_train, _, _ = load_mnist_subset(assignment_dir)
    x = x_train[:samples, :input_dim]
    if input_dim > x.shape[1]:
        x = np.pad(x, ((0, 0), (0, input_dim - x.shape[1])))
    return x, y_train[:samples] % n_classes


def tiny_classifier(input_dim: int = INPUT_DIM, n_classes: int = N_CLASSES) -> Any:
    """Build the grader's own small compiled classifier (for fit and callback questions)."""
    import keras

    model = keras.Sequential(
        [keras.Input((input_dim,)), keras.layers.Dense(16, activation="relu"),
         keras.layers.Dense(n_classes, activation="softmax")]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def observe_q1(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q1: the dictionary describing both datasets (no arguments)."""
    return {"value": jsonable(ctx.call(module.describe_datasets))}


def observe_q2(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q2: the linear classifier; with MNIST's shapes, also a short real fit on the subset, done
    by the observer on the model rebuilt from the student's file."""
    import keras

    returned = ctx.call(module.build_linear_classifier, **args)
    model_info, model = ctx.describe_model(returned, args["input_dim"])
    data: dict[str, Any] = {"builds": [{"args": args, "varies": [], "model": model_info}]}
    mnist = args["input_dim"] == INPUT_DIM and args["n_classes"] == N_CLASSES
    if not (mnist and model_info["is_model"] and model_info["compile"] and model is not None):
        return data
    x_train, y_train, x_test, y_test = load_mnist_subset(ctx.assignment_dir)
    keras.utils.set_random_seed(0)
    try:
        ctx.progress("training your model on 2,000 MNIST images")
        model.fit(x_train, one_hot(y_train), epochs=3, batch_size=32, verbose=0)
        predicted = np.asarray(model.predict(x_test, verbose=0)).argmax(axis=1)
        data["learning"] = {"test_accuracy": round(float((predicted == y_test).mean()), 4),
                            "train_samples": len(x_train), "epochs": 3}
    except Exception as exc:  # noqa: BLE001 - training failures are the student's to read
        data["learning"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return data


def observe_q3(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q3: build_mlp with several depths (args["calls"])."""
    return observe_builds(ctx, module.build_mlp, args, "input_dim")


def observe_q4(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q4: the wide model, and the parameter count of the contract's build_mlp(..., 3)."""
    data = observe_builds(ctx, module.build_wide_mlp, args, "input_dim")
    sizes = [args["input_dim"], *[HIDDEN_UNITS] * 3, args["n_classes"]]  # never the student's
    data["params_target"] = sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(sizes))
    return data


def observe_q5(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q5: the fits the grader's model received from fit_with_validation (args: epochs,
    batch_size), done by the observer itself, and whether the function returns that History."""
    epochs, batch_size, samples = args["epochs"], args["batch_size"], args.get("samples", 200)
    x_train, y_train, _, _ = load_mnist_subset(ctx.assignment_dir)
    x, y = x_train[:samples], one_hot(y_train[:samples])
    handed = ctx.hand(tiny_classifier(), observe_fit=True)
    returned = ctx.call(module.fit_with_validation, handed.remote, x, y, epochs=epochs,
                        batch_size=batch_size)
    is_history = isinstance(returned, FitHistory)
    last = handed.fits[-1] if handed.fits else {}
    return {
        "samples": len(x),
        "epochs_asked": epochs,
        "batch_size_asked": batch_size,
        "fit_calls": [{k: jsonable(call[k]) for k in FIT_CALL_FIELDS} for call in handed.fits],
        "is_history": is_history and returned.token in handed.tokens,
        "type": "History" if is_history else _type_name(returned),
        "history_keys": last.get("history_keys", []),
        "epochs_run": last.get("epochs_run"),
        "steps_per_epoch": last.get("steps_per_epoch"),
    }


def observe_q6(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q6: L1-regularised MLPs, with several depths and coefficients (args["calls"])."""
    return observe_builds(ctx, module.build_mlp_l1, args, "input_dim")


def observe_q7(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q7: MLPs with dropout, at several depths (args["calls"])."""
    return observe_builds(ctx, module.build_mlp_dropout, args, "input_dim")


def observe_q8(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q8: the scikit-learn classifier: clone, fit on integer labels, predict, score."""
    input_dim, n_classes = args["input_dim"], args["n_classes"]
    epochs, batch_size = args["epochs"], args["batch_size"]
    x, y = mnist_for(ctx.assignment_dir, input_dim, n_classes, args.get("samples", 400))
    est = ctx.call(module.build_sklearn_classifier, input_dim, n_classes, epochs=epochs,
                   batch_size=batch_size)
    data: dict[str, Any] = {"estimator": estimator_claim(ctx, est), "clone": clone_claim(ctx, est),
                            "samples": len(x), "epochs_asked": epochs,
                            "batch_size_asked": batch_size}
    methods = data["estimator"]["methods"]
    if "fit" not in methods or not isinstance(est, Remote):
        return data
    ctx.call(est.method("fit"), x, y, label="classifier.fit(X, y)")
    data["network"] = fitted_network(ctx, est, input_dim)
    if "predict" in methods:
        prediction = np.asarray(ctx.call(est.method("predict"), x[:100],
                                         label="classifier.predict(X)"))
        data["predict"] = {"shape": [int(d) for d in prediction.shape],
                           "labels_ok": bool(prediction.dtype.kind in "biuf" and np.isin(
                               prediction, np.arange(n_classes)).all())}
    if "score" in methods:
        data["score"] = jsonable(ctx.call(est.method("score"), x[:100], y[:100],
                                          label="classifier.score(X, y)"))
    return data


def estimator_claim(ctx: ObserveContext, est: Any) -> dict[str, Any]:
    """The estimator's class and methods (a claim of the student's process)."""
    if not isinstance(est, Remote):
        return {"type": _type_name(est), "module": "builtins", "methods": []}
    return ctx.probe("estimator", est, label="describing your estimator")


def clone_claim(ctx: ObserveContext, est: Any) -> dict[str, Any]:
    """Whether sklearn.base.clone works on the estimator (a claim of the student's process)."""
    if not isinstance(est, Remote):
        return {"ok": False, "error": f"a {_type_name(est)} is not an estimator"}
    return ctx.probe("clone", est, label="sklearn.base.clone(your estimator)")


def fitted_network(ctx: ObserveContext, est: Remote, input_dim: int) -> dict[str, Any] | None:
    """Describe the keras model a fitted wrapper holds (rebuilt here), with the epochs and steps
    of its fit (the wrapper's history: a claim)."""
    network = ctx.get(est, "model_", label="classifier.model_", missing_ok=True)
    if not isinstance(network, Remote) or not network.is_model:
        return None
    description, _ = ctx.describe_model(network, input_dim, run=False)
    description.update(ctx.probe("fit_history", network, label="the history of your fit"))
    return description


def observe_search(
    module: ModuleType, ctx: ObserveContext, fn_name: str, x: Any, y: Any, epochs: int, cv: int,
    candidates: bool = True,
) -> dict[str, Any]:
    """Call a model-selection function, then describe the search (a claim) and, if asked, each
    candidate's network (built in the student's process, described here from its file)."""
    search = ctx.call(getattr(module, fn_name), x, y, epochs=epochs, cv=cv)
    if not isinstance(search, Remote):
        claim = {"type": _type_name(search), "module": "builtins", "methods": [],
                 "is_search": False, "fitted": False, "n_splits": None, "scoring": None,
                 "estimator": None}
        return {"search": claim, "cv_asked": cv, "epochs_asked": epochs}
    data: dict[str, Any] = {"search": ctx.probe("search", search, label="describing your search"),
                            "cv_asked": cv, "epochs_asked": epochs}
    if candidates and data["search"].get("is_search") and data["search"].get("fitted"):
        ctx.progress(f"rebuilding the candidates of {fn_name}'s search")
        built = ctx.probe("candidates", search, x[:60], y[:60],
                          label=f"rebuilding the candidates of {fn_name}'s search")
        data["candidates"] = [candidate(ctx, entry, x.shape[1]) for entry in built]
    return data


def candidate(ctx: ObserveContext, entry: Any, input_dim: int) -> dict[str, Any]:
    """One candidate of a search: its parameters and its network, described here."""
    if not isinstance(entry, dict):
        return {"params": "?", "error": "no candidate"}
    found: dict[str, Any] = {"params": str(entry.get("params", "?"))[:300]}
    if "network" in entry:
        found["network"], _ = ctx.describe_model(entry["network"], input_dim, run=False)
    else:
        found["error"] = str(entry.get("error", "?"))[:300]
    return found


def observe_q9(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q9: the optimizer search, on integer MNIST labels (args: epochs, cv, samples, candidates:
    whether to rebuild each candidate's network, the grader's own work)."""
    x_train, y_train, _, _ = load_mnist_subset(ctx.assignment_dir)
    samples = args.get("samples", 300)
    return observe_search(module, ctx, "select_optimizer", x_train[:samples], y_train[:samples],
                          args["epochs"], args["cv"], args.get("candidates", True))


def observe_q10(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q10: the figure drawn from a History with known values (args["history"])."""
    values = args.get("history") or PLOT_HISTORY
    history = FitHistory({k: [float(v) for v in series] for k, series in values.items()},
                         {"verbose": 0, "epochs": len(values["loss"]), "steps": 10},
                         list(range(len(values["loss"]))))
    figure = ctx.call(module.plot_accuracy, history)
    if not isinstance(figure, Remote):
        return {"figure": {"is_figure": False, "type": _type_name(figure)}, "history": values}
    return {"figure": ctx.probe("figure", figure, label="describing your figure"),
            "history": values}


def observe_q11(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q11: the scalars a real short fit wrote through the TensorBoard callback, read here.

    args: log_dir (relative to a scratch folder), epochs.
    """
    from grader.observe.callbacks import read_scalars

    epochs = args.get("epochs", 2)
    log_dir = ctx.scratch / args.get("log_dir", "logs")
    callback = ctx.call(module.make_tensorboard_callback, str(log_dir))
    data: dict[str, Any] = {"callback": callback_claim(ctx, callback), "epochs": epochs}
    if not data["callback"]["is_callback"]:
        return data
    x_train, y_train, _, _ = load_mnist_subset(ctx.assignment_dir)
    handed = ctx.hand(tiny_classifier())
    ctx.seed()  # the grader's fit shuffles the same way whatever the student's code drew before
    ctx.call(handed.remote.method("fit"), x_train[:100], one_hot(y_train[:100]), epochs=epochs,
             batch_size=25, validation_split=0.2, verbose=0, callbacks=[callback],
             label=f"model.fit(..., epochs={epochs}, validation_split=0.2, "
                   "callbacks=[your callback])")
    data["scalars"] = read_scalars(log_dir)
    return data


def observe_q12(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q12: when the checkpoint callback saved, under validation losses given epoch by epoch.

    args: path (relative to a scratch folder), val_losses.
    """
    from grader.observe.callbacks import drive_callback

    relative = Path(args.get("path", "checkpoints/best.keras"))
    target = ctx.folder(str(relative.parent)) / relative.name
    callback = ctx.call(module.make_checkpoint_callback, str(target))
    data: dict[str, Any] = {"callback": callback_claim(ctx, callback)}
    if data["callback"]["is_callback"]:
        losses = tuple(args.get("val_losses") or CHECKPOINT_VAL_LOSSES)
        data["run"] = drive_callback(ctx, callback, ctx.hand(tiny_classifier(8)), losses, target)
    return data


def observe_q13(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q13: after which epoch the early-stopping callback stopped (args: val_losses, given to
    it epoch by epoch)."""
    from grader.observe.callbacks import drive_callback

    callback = ctx.call(module.make_early_stopping_callback)
    data: dict[str, Any] = {"callback": callback_claim(ctx, callback)}
    if data["callback"]["is_callback"]:
        losses = tuple(args.get("val_losses") or EARLY_STOPPING_VAL_LOSSES)
        data["run"] = drive_callback(ctx, callback, ctx.hand(tiny_classifier(8)), losses)
    return data


def observe_q14(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q14: the Boston housing search over depths, widths and optimizers (epochs, cv, samples)."""
    x, y = load_boston_train(ctx.assignment_dir)
    samples = args.get("samples", 120)
    return observe_search(module, ctx, "select_boston_model", x[:samples], y[:samples],
                          args["epochs"], args["cv"], args.get("candidates", True))


def _type_name(value: Any) -> str:
    """The type of a value the student's code returned, as they wrote it."""
    return value.type if isinstance(value, Remote) else type(value).__name__


OBSERVERS: dict[str, Observer] = {f"q{i}": globals()[f"observe_q{i}"] for i in range(1, 15)}
