"""What every check gets and returns: a judging context and a verdict. Pure, no keras.

A verdict's message is a sentence without a language (grader/wording.py): the renderers say it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from grader.messages import Catalog, code, lookup
from grader.wording import Said, Text, said


@dataclass(frozen=True)
class Verdict:
    """A check's outcome before it gets its id."""

    passed: bool
    message: Text
    expected: Any = None
    actual: Any = None
    hint: Text = ""


class AuthoringError(Exception):
    """A check asks for what the lab's reference does not have: the lab's mistake, said loudly."""


class Skip(Exception):
    """A check cannot run because an earlier one failed (e.g. the object is not a model)."""

    def __init__(self, where: Text, reason: Text) -> None:
        super().__init__("skipped")
        self.where = where
        self.reason = reason


@dataclass(frozen=True)
class JudgeContext:
    """The question being judged, with which arguments, and the lab's own catalogue."""

    question: str
    set_label: str = ""  # the arguments of a set other than the contract's own call
    messages: Catalog = field(default_factory=dict)  # the assignment's own sentences and hints
    function: str = ""  # the graded function's name, as the contract writes it

    @property
    def called(self) -> Text:
        """The graded function as a student writes a call: 'fit_with_validation()'."""
        return f"{self.function}()" if self.function else self.t("value.your_function")

    @property
    def label(self) -> Text:
        """The question as the student calls it, e.g. 'Q4', with the set's arguments if any."""
        if self.set_label:
            return self.t("where.with_args", label=self.question.upper(), args=self.set_label)
        return self.question.upper()

    def t(self, key: str, **params: Any) -> Said:
        """Say a sentence of the catalogues (the assignment's first), for a renderer to word."""
        return said(key, **params)

    def hint(self, check: str) -> Text:
        """Return the assignment's hint for a failed check of this question, or ''."""
        for key in (f"hint.{self.question}.{check}", f"hint.{check}"):
            if lookup("en", key, self.messages):
                return said(key)
        return ""

    def compare(
        self,
        where: Text,
        what: Text,
        expected: Any,
        actual: Any,
        passed: bool | None = None,
        hint: Text = "",
        shown_expected: Text | None = None,
        shown_actual: Text | None = None,
    ) -> Verdict:
        """Return a verdict whose message says `<where>: <what> — expected E, got A.`"""
        ok = (expected == actual) if passed is None else passed
        e_text = shown_expected if shown_expected is not None else code(expected)
        a_text = shown_actual if shown_actual is not None else code(actual)
        message = said("ok" if ok else "mismatch", where=where, what=what, expected=e_text,
                       actual=a_text)
        return Verdict(ok, message, expected, actual, "" if ok else hint)


Check = Callable[[JudgeContext, dict[str, Any], dict[str, Any]], Verdict]


def check_name(check: Check) -> str:
    """Return the check function's name, e.g. 'check_dense_count'."""
    return check.func.__name__ if isinstance(check, partial) else check.__name__


def check_id(question: str, check: Check, set_id: str = "") -> str:
    """Return a stable id such as 'q3.check_dense_units[build=2,layer=1]'.

    Checks of an argument set other than the first carry it: 'q3.check_dense_count[set=public-2]'.
    """
    keywords = dict(check.keywords) if isinstance(check, partial) else {}
    name = check_name(check)
    every = ({"set": set_id} if set_id else {}) | keywords
    params = ",".join(f"{k}={v}" for k, v in every.items())
    return f"{question}.{name}[{params}]" if params else f"{question}.{name}"
