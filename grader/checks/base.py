"""What every check gets and returns: a judging context and a verdict. Pure, no keras."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from grader.messages import Catalog, code, lookup, translate


@dataclass(frozen=True)
class Verdict:
    """A check's outcome before it gets its id."""

    passed: bool
    message: str
    expected: Any = None
    actual: Any = None
    hint: str = ""


class AuthoringError(Exception):
    """A check asks for what the lab's reference does not have: the lab's mistake, said loudly."""


class Skip(Exception):
    """A check cannot run because an earlier one failed (e.g. the object is not a model)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(reason)
        self.where = where
        self.reason = reason


@dataclass(frozen=True)
class JudgeContext:
    """The question being judged and the language of the messages."""

    question: str
    lang: str = "en"
    set_label: str = ""  # the arguments of a set other than the contract's own call
    messages: Catalog = field(default_factory=dict)  # the assignment's own sentences and hints
    function: str = ""  # the graded function's name, as the contract writes it

    @property
    def called(self) -> str:
        """The graded function as a student writes a call: 'fit_with_validation()'."""
        return f"{self.function}()" if self.function else self.t("value.your_function")

    @property
    def label(self) -> str:
        """The question as the student calls it, e.g. 'Q4', with the set's arguments if any."""
        if self.set_label:
            return self.t("where.with_args", label=self.question.upper(), args=self.set_label)
        return self.question.upper()

    def t(self, key: str, **params: Any) -> str:
        """Translate a sentence in the report's language (the assignment's catalogue first)."""
        return translate(self.lang, key, self.messages, **params)

    def hint(self, check: str) -> str:
        """Return the assignment's hint for a failed check of this question, or ''."""
        return (lookup(self.lang, f"hint.{self.question}.{check}", self.messages)
                or lookup(self.lang, f"hint.{check}", self.messages))

    def compare(
        self,
        where: str,
        what: str,
        expected: Any,
        actual: Any,
        passed: bool | None = None,
        hint: str = "",
        shown_expected: str | None = None,
        shown_actual: str | None = None,
    ) -> Verdict:
        """Return a verdict whose message says `<where>: <what> — expected E, got A.`"""
        ok = (expected == actual) if passed is None else passed
        e_text = shown_expected if shown_expected is not None else code(expected)
        a_text = shown_actual if shown_actual is not None else code(actual)
        key = "ok" if ok else "mismatch"
        message = self.t(key, where=where, what=what, expected=e_text, actual=a_text)
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
