"""The similarity report's pure parts: normalisation, winnowing, attribution, subtraction, output."""

from __future__ import annotations

import json
import random
from pathlib import Path

from grader.assignment import load_assignment
from grader.similarity.api import Work, class_similarity, handed_out, question_functions
from grader.similarity.fingerprint import WINDOW, K, kgram_hashes, winnow
from grader.similarity.model import Settings
from grader.similarity.profile import EXPLORATION_UNIT, attribute, build_profile
from grader.similarity.program import read_program, split_source
from grader.similarity.render import render_csv, render_html
from grader.similarity.tokens import normalise

ONE = '''
def build_mlp(input_dim, n_classes, n_hidden):
    """Docstring."""
    model = keras.Sequential()  # a comment
    for i in range(n_hidden):
        model.add(keras.layers.Dense(128, activation="relu"))
    return model
'''
TWO = '''
def build_mlp(d, k, depth):

    net = keras.Sequential()
    for layer in range(depth):
        net.add(keras.layers.Dense(64,
                                   activation='tanh'))   # other words
    return net
'''


def texts(source: str) -> list[str]:
    """Return the normalised tokens' texts."""
    return [t.text for t in normalise(source)]


def test_names_literals_comments_and_layout_do_not_change_the_tokens() -> None:
    """Renamed, other literals, other comments, other line breaks: the same tokens; the
    libraries' names (attributes, keyword arguments) stay."""
    assert texts(ONE) == texts(TWO)
    assert {"Dense", "add", "activation", "range"} <= set(texts(ONE))
    assert "model" not in texts(ONE) and "Docstring." not in " ".join(texts(ONE))


def test_winnowing_guarantees_a_shared_fingerprint_for_long_matches() -> None:
    """Any run of K + WINDOW - 1 tokens two sequences share gives both a same fingerprint."""
    rng = random.Random(4)
    for _ in range(200):
        common = [str(rng.randrange(50)) for _ in range(K + WINDOW - 1)]
        a = [str(rng.randrange(50)) for _ in range(rng.randrange(30))] + common
        b = common + [str(rng.randrange(50)) for _ in range(rng.randrange(30))]
        hashes_a, hashes_b = kgram_hashes(a), kgram_hashes(b)
        assert ({hashes_a[i] for i in winnow(hashes_a)} & {hashes_b[i] for i in winnow(hashes_b)})


def test_helpers_count_for_the_questions_that_use_them() -> None:
    """A helper used by two questions belongs to both; another question's function does not
    become part of the question that calls it; top-level runs are exploration."""
    source = ("def _net(n):\n    return n\n\n"
              "def build_mlp(a, b, c):\n    return _net(c)\n\n"
              "def build_wide_mlp(a, b):\n    return build_mlp(a, b, 1), _net(2)\n\n"
              "build_mlp(1, 2, 3)\n")
    parts, _ = split_source(source, 0, set())
    units = attribute(parts, {"build_mlp": "q3", "build_wide_mlp": "q4"})
    assert units == [("q3", "q4"), ("q3",), ("q4",), (EXPLORATION_UNIT,)]


def test_starters_share_nothing_and_copies_are_found(tmp_path: Path) -> None:
    """Two untouched starters (.py and .ipynb) have no own work; a renamed copy scores 1;
    a file that does not parse costs nothing but a note."""
    assignment = load_assignment("td_keras_mlp")
    starter = assignment.directory / "td_keras.py"
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n  ]]] \x00", encoding="utf-8")
    works = [Work("sam", "Sam", starter), Work("sami", "Sami", starter.with_suffix(".ipynb")),
             Work("one", "One", tmp_path / "one.py"), Work("two", "=Two", tmp_path / "two.py"),
             Work("zed", "Zed", broken)]
    (tmp_path / "one.py").write_text(ONE * 3, encoding="utf-8")
    (tmp_path / "two.py").write_text(TWO.replace("other words", "<script>alert(1)</script>") * 3,
                                     encoding="utf-8")
    report, evidence = class_similarity(works, assignment, {}, handed_out(assignment), None,
                                        Settings(min_work=1))
    pairs = {frozenset((p.a, p.b)): p for p in report.pairs}
    assert pairs[frozenset(("sam", "sami"))].shared == 0 == report.own["sam"]
    assert pairs[frozenset(("one", "two"))].score == 1.0
    assert report.reference is None and any("Zed" in note for note in report.notes)
    page = render_html(report, evidence, "td_keras_mlp")
    assert "this section is skipped" in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the student's line, escaped
    assert render_csv(report).splitlines()[1].startswith("1,one,two,1.000")


def test_a_notebook_is_one_program_with_exploration_apart(tmp_path: Path) -> None:
    """A notebook's definitions are read with the grader's notebook reader, its training
    cells are exploration, its `%grade` cells are nothing; places name cells."""
    cells = ["import keras", ONE, "model = build_mlp(784, 10, 2)\nmodel.fit(x, y)", "%grade q3"]
    book = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [],
                       "execution_count": None} for c in cells]}
    path = tmp_path / "td_keras.ipynb"
    path.write_text(json.dumps(book), encoding="utf-8")
    program = read_program(path)
    assert [(p.kind, p.cell) for p in program.parts] == [
        ("setup", 1), ("definition", 2), ("exploration", 3), ("exploration", 3)]
    profile = build_profile(program, question_functions(load_assignment("td_keras_mlp")))
    assert profile.parts[1].units == ("q3",) and profile.notebook
