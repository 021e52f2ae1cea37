"""Checks of what code did when run: returned values, fits, figures, callbacks. Pure, no keras."""

from __future__ import annotations

import math
from typing import Any

from grader.checks.base import AuthoringError, JudgeContext, Skip, Verdict
from grader.messages import code, shape_code
from grader.wording import Text, joined


def check_description_dataset(ctx: JudgeContext, expected: dict, actual: dict, dataset: str
                              ) -> Verdict:
    """The description has an entry for the dataset."""
    value = actual["value"]
    got = sorted(value) if isinstance(value, dict) else type(value).__name__
    present = isinstance(value, dict) and isinstance(value.get(dataset), dict)
    return ctx.compare(ctx.label, ctx.t("what.keys"), sorted(expected["value"]), got,
                       passed=present)


def _entry(ctx: JudgeContext, actual: dict, dataset: str) -> dict[str, Any]:
    """Return the student's description of one dataset, or skip."""
    value = actual["value"]
    if not (isinstance(value, dict) and isinstance(value.get(dataset), dict)):
        raise Skip(joined(ctx.label, dataset, separator=", "),
                   code(dataset) + " ∉ describe_datasets()")
    return value[dataset]


def check_dataset_shape(ctx: JudgeContext, expected: dict, actual: dict, dataset: str, array: str
                        ) -> Verdict:
    """One array's shape is the one dataset_utils returns."""
    want = expected["value"][dataset][array]
    got = _entry(ctx, actual, dataset).get(array)
    return ctx.compare(f"{ctx.label}, {dataset}", ctx.t("what.shape", name=array), want, got,
                       passed=isinstance(got, list) and got == want,
                       shown_expected=shape_code(want), shown_actual=shape_code(got))


def check_dataset_task(ctx: JudgeContext, expected: dict, actual: dict, dataset: str) -> Verdict:
    """The dataset is described as a classification or a regression problem, rightly."""
    want = expected["value"][dataset]["task"]
    got = _entry(ctx, actual, dataset).get("task")
    return ctx.compare(f"{ctx.label}, {dataset}", ctx.t("what.task"), want,
                       got.lower() if isinstance(got, str) else got)


def check_learns(ctx: JudgeContext, expected: dict, actual: dict, min_accuracy: float) -> Verdict:
    """The model learns: test accuracy well above chance after a short fit on real data."""
    learning = actual.get("learning")
    if learning is None:
        raise Skip(ctx.label, ctx.t("reason.not_compiled"))
    reference = expected["learning"]["test_accuracy"]
    what = ctx.t("what.learns", epochs=expected["learning"]["epochs"],
                 samples=f"{expected['learning']['train_samples']:,}")
    shown = ctx.t("value.at_least", minimum=f"{min_accuracy:g}", reference=f"{reference:.2f}")
    got = learning.get("test_accuracy")
    if got is None:
        return ctx.compare(ctx.label, what, min_accuracy, None, passed=False,
                           shown_expected=shown, shown_actual=learning.get("error", "?"))
    return ctx.compare(ctx.label, what, min_accuracy, got,
                       passed=got >= min_accuracy, shown_expected=shown, shown_actual=f"{got:.2f}")


def _history(ctx: JudgeContext, actual: dict) -> dict:
    """Return the fit observation when a History was returned, or skip."""
    if not actual.get("is_history"):
        raise Skip(ctx.label, ctx.t("value.a_history"))
    return actual


def check_returns_history(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The function returns the History of the fit."""
    if actual["is_history"]:
        return ctx.compare(ctx.label, ctx.t("what.returns"), "History", "History")
    return Verdict(False, ctx.t("wrong_type", where=ctx.label, function=ctx.called,
                                actual=actual["type"], expected=ctx.t("value.a_history")),
                   "History", actual["type"])


def check_epochs_run(ctx: JudgeContext, expected: dict, actual: dict, stops_early: bool = False
                     ) -> Verdict:
    """The fit ran for the number of epochs given as argument (with `stops_early`, a fit with
    early stopping: as many as the reference's fit ran)."""
    got = _history(ctx, actual)["epochs_run"]
    want = expected["epochs_run"] if stops_early else expected["epochs_asked"]
    return ctx.compare(ctx.label, ctx.t("what.epochs"), want, got)


def check_validation_metrics(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The History holds validation metrics (val_loss)."""
    keys = _history(ctx, actual)["history_keys"]
    return ctx.compare(ctx.label, ctx.t("what.validation"), expected["history_keys"], keys,
                       passed="val_loss" in keys)


def held_out_fraction(observation: dict) -> float | None:
    """Return the share of the samples the student's fit kept for validation."""
    calls = observation["fit_calls"]
    if not calls:
        return None
    call = calls[-1]
    if call.get("validation_split"):
        return float(call["validation_split"])
    if call.get("validation_samples"):
        total = (call.get("samples") or 0) + call["validation_samples"]
        return call["validation_samples"] / total if total else None
    return 0.0


def _fraction_text(ctx: JudgeContext, fraction: float | None, samples: int) -> Text:
    """Write a held-out share as '30 % (60 of 200 samples)'."""
    if fraction is None:
        return ctx.t("value.none")
    held = int(math.floor(samples * fraction + 1e-9))
    return ctx.t("value.fraction", percent=f"{fraction * 100:g}", held=held, samples=samples)


def check_validation_fraction(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """30 % of the training data is held out for validation."""
    want, got = held_out_fraction(expected), held_out_fraction(actual)
    samples = expected["samples"]
    passed = got is not None and want is not None and abs(got - want) < 0.005
    return ctx.compare(ctx.label, ctx.t("what.validation_fraction"), want, got, passed=passed,
                       shown_expected=_fraction_text(ctx, want, samples),
                       shown_actual=_fraction_text(ctx, got, samples))


def check_batch_size(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The fit uses the batch size given as argument (seen from its steps per epoch)."""
    steps = _history(ctx, actual)["steps_per_epoch"]
    fraction = held_out_fraction(actual) or 0.0
    train = expected["samples"] - int(math.floor(expected["samples"] * fraction + 1e-9))
    batch = expected["batch_size_asked"]
    want = math.ceil(train / batch)
    return ctx.compare(ctx.label, ctx.t("what.steps"), want, steps,
                       shown_expected=ctx.t("value.steps", steps=want, train=train, batch=batch),
                       shown_actual=code(steps))


def _figure(ctx: JudgeContext, actual: dict) -> dict:
    """Return the figure description, or skip when no Figure was returned."""
    if not actual["figure"].get("is_figure"):
        raise Skip(ctx.label, ctx.t("value.a_figure"))
    return actual["figure"]


def check_returns_figure(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The function returns a matplotlib Figure."""
    figure = actual["figure"]
    if figure.get("is_figure"):
        return ctx.compare(ctx.label, ctx.t("what.figure"), "Figure", "Figure")
    return Verdict(False, ctx.t("wrong_type", where=ctx.label, function=ctx.called,
                                actual=figure.get("type"), expected=ctx.t("value.a_figure")),
                   "Figure", figure.get("type"))


def check_curve(ctx: JudgeContext, expected: dict, actual: dict, key: str) -> Verdict:
    """Some line of the figure plots history.history[key] (the History the grader passed, as
    the reference's observation of the same set holds it)."""
    history = expected["history"]
    want = history[key]
    lines = [line for ax in _figure(ctx, actual)["axes"] for line in ax["lines"]]
    found = any(len(line["y"]) == len(want) and all(math.isclose(a, b, rel_tol=1e-6)
                for a, b in zip(line["y"], want, strict=True)) for line in lines)
    plotted = [_curve_name(line["y"], history) or code(line["label"]) for line in lines]
    return ctx.compare(ctx.label, ctx.t("what.curve", name=key), want, plotted, passed=found,
                       shown_expected=ctx.t("value.present"),
                       shown_actual=ctx.t("value.present") if found
                       else ctx.t("value.missing_among", lines=", ".join(plotted) or "—"))


def _curve_name(y: list[float], history: dict[str, list[float]]) -> str | None:
    """Name the History key a line plots, if any."""
    for key, values in history.items():
        if len(values) == len(y) and all(math.isclose(a, b, rel_tol=1e-6)
                                         for a, b in zip(values, y, strict=True)):
            return f"history['{key}']"
    return None


def check_legend(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The figure has a legend."""
    figure = _figure(ctx, actual)
    texts = [t for ax in figure["axes"] for t in (ax["legend"] or [])]
    texts += [t for legend in figure["figure_legends"] for t in legend]
    return ctx.compare(ctx.label, ctx.t("what.legend"), True, bool(texts), passed=bool(texts),
                       shown_expected=ctx.t("value.present"),
                       shown_actual=code(texts) if texts else ctx.t("value.missing"))


def check_returns_callback(ctx: JudgeContext, expected: dict, actual: dict, function: str
                           ) -> Verdict:
    """The function returns a keras Callback."""
    callback = actual["callback"]
    if callback["is_callback"]:
        return ctx.compare(ctx.label, ctx.t("what.callback"), "Callback", callback["type"],
                           passed=True)
    return Verdict(False, ctx.t("wrong_type", where=ctx.label, function=f"{function}()",
                                actual=callback["type"], expected=ctx.t("value.a_callback")),
                   "Callback", callback["type"])


def check_logged_scalar(ctx: JudgeContext, expected: dict, actual: dict, run: str, metric: str
                        ) -> Verdict:
    """The metric was logged once per epoch for the run (training or validation), with the
    values the grader's fit produced (the reference's callback logged them under the same fit)."""
    if not actual["callback"]["is_callback"]:
        raise Skip(ctx.label, ctx.t("value.a_callback"))
    want = logged_values(expected).get((run, metric), [])
    got = logged_values(actual).get((run, metric), [])
    what = ctx.t("what.scalar", metric=metric, run=ctx.t(f"value.run_{run}"))
    counted = len(got) >= len(want) >= expected["epochs"]
    same = counted and all(a is not None and b is not None and math.isclose(a, b, rel_tol=1e-4,
                                                                             abs_tol=1e-6)
                           for a, b in zip(got, want, strict=False))
    shown = code(len(got)) if same or not counted else ctx.t("value.other_values", count=len(got))
    return ctx.compare(ctx.label, what, len(want), len(got), passed=same,
                       shown_actual=shown)


def logged_values(observation: dict) -> dict[tuple[str, str], list[float | None]]:
    """Map (training|validation, metric) to the values logged (the longest series of a tag)."""
    found: dict[tuple[str, str], list[float | None]] = {}
    for scalar in observation.get("scalars", []):
        key = scalar_key(scalar)
        values = list(scalar.get("values") or [None] * len(scalar["steps"]))
        if len(values) > len(found.get(key, [])):
            found[key] = values
    return found


def scalar_key(scalar: dict[str, Any]) -> tuple[str, str]:
    """Return (training|validation, metric) for a logged tag and the run it was logged in."""
    tag, run = scalar["tag"], scalar["run"].lower()
    metric = tag.removeprefix("epoch_")
    validation = "val" in run or metric.startswith("val_")
    metric = metric.removeprefix("val_")
    metric = {"acc": "accuracy"}.get(metric, metric)
    return ("validation" if validation else "training", metric)


def _run(ctx: JudgeContext, actual: dict) -> dict:
    """Return the scripted run, or skip when no callback was returned."""
    if "run" not in actual:
        raise Skip(ctx.label, ctx.t("value.a_callback"))
    return actual["run"]


def check_saved_epochs(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The checkpoint saved at the same epochs as the reference, under the same val_loss values."""
    want, got = expected["run"]["saved_epochs"], _run(ctx, actual)["saved_epochs"]
    where = joined(ctx.label, f"ModelCheckpoint (val_loss: {code(expected['run']['val_losses'])})",
                   separator=", ")
    return ctx.compare(where, ctx.t("what.saved_epochs"), want, got)


def check_stopped_after(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """Early stopping stopped after the same epoch as the reference, under the same val_loss."""
    want, got = expected["run"]["stopped_after"], _run(ctx, actual)["stopped_after"]
    planned = expected["run"]["epochs_planned"]

    def shown(epoch: int | None) -> Text:
        return ctx.t("value.no_stop", epochs=planned) if epoch is None else str(epoch)

    where = joined(ctx.label, f"EarlyStopping (val_loss: {code(expected['run']['val_losses'])})",
                   separator=", ")
    return ctx.compare(where, ctx.t("what.stopped_after"), want, got,
                       shown_expected=shown(want), shown_actual=shown(got))


def check_weights_kept(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """After the fit, the model holds the weights of the same epoch as with the reference's
    callback (restore_best_weights: the best epoch's; otherwise the last one's)."""
    want = expected["run"].get("weights_epoch")
    if want is None:
        raise AuthoringError(f"{ctx.question}: check_weights_kept needs the callback driven "
                             "with drive_callback(..., mark_weights=True)")
    got = _run(ctx, actual).get("weights_epoch")

    def shown(epoch: int | None) -> Text:
        return ctx.t("value.other_weights") if epoch is None else ctx.t("value.epoch_weights",
                                                                         epoch=epoch)

    return ctx.compare(ctx.label, ctx.t("what.weights_kept"), want, got,
                       shown_expected=shown(want), shown_actual=shown(got))
