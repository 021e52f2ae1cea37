"""The toy assignment's checks: its own check function, and the engine's judging context."""

from collections.abc import Iterator

from grader.checks.base import Check, JudgeContext, Verdict


def check_value(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The function returns the reference's value."""
    return ctx.compare(ctx.label, ctx.t("what.double"), expected["value"], actual["value"])


def q1(expected: dict) -> Iterator[Check]:
    """One check: the value."""
    yield check_value


RUBRIC = {"q1": q1}
