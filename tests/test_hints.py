"""Hints guide, they never tell: no hint of either lab holds a call, an argument or a value of
the lab's reference solution, and every hint is written in both languages. Pure."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from grader import messages as engine
from grader.registry import find_plugin

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ("td_keras_mlp", "td_convnets")
REFERENCES = {"td_keras_mlp": ROOT / "reference" / "td_keras_mlp" / "td_keras.py",
              "td_convnets": ROOT / "reference" / "td_convnets" / "td_convnets.py"}


def hints(name: str) -> dict[str, dict[str, str]]:
    """The hints a student of this lab can read: the engine's and the lab's, by language."""
    lab = engine.assignment_messages(find_plugin(name).messages_module)
    found: dict[str, dict[str, str]] = {}
    for lang in ("en", "fr"):
        catalogue = {**engine.CATALOG[lang], **lab.get(lang, {})}
        found[lang] = {k: v for k, v in catalogue.items() if k.startswith("hint.")}
    return found


def literal_calls(source: str) -> set[str]:
    """What the reference writes that a hint must not: its calls and `name=value` arguments, as
    written (spaces ignored), e.g. "EarlyStopping(monitor='val_loss',patience=5)",
    "patience=5", "validation_split=0.3"."""
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (node.args or node.keywords):
            found.add(compact(ast.unparse(node)))
            found |= {compact(ast.unparse(k)) for k in node.keywords if k.arg}
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            found |= {compact(ast.unparse(node))} if isinstance(node.targets[0], ast.Attribute) \
                else set()
    return {text for text in found if len(text) >= 6}


def compact(text: str) -> str:
    """Text without spaces and with one kind of quote (how a hint would write it varies)."""
    return re.sub(r"\s+", "", text).replace('"', "'")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_hint_holds_the_references_literal_calls(name: str) -> None:
    calls = literal_calls(REFERENCES[name].read_text(encoding="utf-8"))
    assert {"patience=5", "validation_split=0.3"} & calls or name != "td_keras_mlp", calls
    for lang, texts in hints(name).items():
        for key, text in texts.items():
            leaked = sorted(call for call in calls if call in compact(text))
            assert leaked == [], (lang, key, leaked)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_hint_has_both_languages_and_points_somewhere(name: str) -> None:
    found = hints(name)
    assert set(found["en"]) == set(found["fr"])
    for lang, texts in found.items():
        for key, text in texts.items():
            assert re.search(r"\b(see|voyez)\b", text), (lang, key, text)


def test_the_old_hints_would_have_failed() -> None:
    calls = literal_calls(REFERENCES["td_keras_mlp"].read_text(encoding="utf-8"))
    assert any(call in compact("EarlyStopping(monitor='val_loss', patience=5).")
               for call in calls)
