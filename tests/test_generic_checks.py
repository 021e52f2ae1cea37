"""Generic checks say the lab's own words (issue 21 item 2): the graded function by its name,
whatever the lab; a fit with early stopping judged by the epochs the reference's fit ran."""

from __future__ import annotations

from grader.checks.base import JudgeContext
from grader.checks.runs import check_epochs_run, check_returns_figure, check_returns_history
from grader.wording import say


def test_a_wrong_return_names_the_labs_own_function() -> None:
    ctx = JudgeContext("q5", function="train_forecaster")
    verdict = check_returns_history(ctx, {}, {"is_history": False, "type": "dict"})
    text = say(verdict.message, "en")
    assert not verdict.passed and "train_forecaster()" in text, text
    assert "fit_with_validation" not in text
    figure = check_returns_figure(ctx, {}, {"figure": {"is_figure": False, "type": "NoneType"}})
    shown = say(figure.message, "en")
    assert "train_forecaster()" in shown and "plot_accuracy" not in shown
    unnamed = check_returns_history(JudgeContext("q5"), {}, {"is_history": False,
                                                             "type": "dict"})
    assert "votre fonction" in say(unnamed.message, "fr"), unnamed.message


def test_early_stopping_is_judged_by_the_epochs_the_reference_ran() -> None:
    reference = {"is_history": True, "epochs_asked": 50, "epochs_run": 7}
    ctx = JudgeContext("q14")
    stopped = {"is_history": True, "epochs_asked": 50, "epochs_run": 7}
    assert check_epochs_run(ctx, reference, stopped, stops_early=True).passed
    assert not check_epochs_run(ctx, reference, stopped).passed  # every epoch was asked for
    ran_all = {"is_history": True, "epochs_asked": 50, "epochs_run": 50}
    verdict = check_epochs_run(ctx, reference, ran_all, stops_early=True)
    text = say(verdict.message, "en")
    assert not verdict.passed and "7" in text and "50" in text
