"""The similarity test class: independent solutions, disguised copies, starters (shared by tests).

Independent, hand-written in different styles (tests/similarity_corpus/): anna (Sequential.add;
MNIST's task written "multi-class classification" in q1 and tanh in q3's hidden layers: unusual
mistakes her copies keep), bruno (functional API, one helper, scikeras),
clara (lists of layers, RandomizedSearchCV), dora (a notebook with exploration cells), eve's own
q1–q7. Made from them here: ben (anna renamed), chloe (anna reordered, comments and docstrings
rewritten), dan (anna as a notebook with exploration cells), eve (her q1–q7 and anna's q8–q14,
renamed: a partial copy), rita (the reference renamed and re-commented), sam and sami (the
untouched starter, .py and .ipynb), tom (the starter with two answers).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "similarity_corpus"
REFERENCE = ROOT / "reference" / "td_keras_mlp" / "td_keras.py"
STARTER_DIR = ROOT / "assignments" / "td_keras_mlp"
COPIES = {"anna", "ben", "chloe", "dan"}  # every pair of these is a copy
PARTIAL = "eve"  # copied q8–q14 from anna
INDEPENDENT = ("anna", "bruno", "clara", "dora", "eve")
STARTERS = ("sam", "sami", "tom")
CLOSE_TO_REFERENCE = "rita"
BEN_NAMES = {"result": "shapes", "xtr": "train_x", "xte": "test_x", "ytr": "train_y",
             "yte": "test_y", "net": "model", "deep_params": "n_weights", "width": "n_units",
             "hist": "history_", "clf": "wrapper", "n_features": "d", "n_labels": "k",
             "options": "grid", "opt": "name", "search": "gs", "fig": "figure", "cb": "callback",
             "SaveEveryTwo": "Checkpointer", "lowest": "best_loss", "make_classifier_net":
             "classifier_model", "make_regressor_net": "regressor_model", "layers": "depth",
             "neurons": "units", "reg": "regressor"}
RITA_NAMES = {"description": "info", "prepare": "loader", "_compile_classifier": "_finish",
              "_mlp": "_network", "regularizer": "penalty", "HIDDEN_UNITS": "WIDTH",
              "target": "goal", "units": "n_units", "_sklearn_network": "_two_layers",
              "_build_for_wrapper": "_for_sklearn", "clf": "estimator", "grid": "param_grid",
              "search": "gs", "EveryOtherEpochCheckpoint": "SaveEvenEpochs", "every": "period",
              "_regression_network": "_regressor", "depth": "d", "width": "w", "fig": "figure",
              "ax": "axes"}


def source(name: str) -> str:
    """Return a corpus file's text."""
    return (CORPUS / name).read_text(encoding="utf-8")


def rename(text: str, names: dict[str, str]) -> str:
    """Rename identifiers: whole words, not attributes (strings that spell them too, as a
    find-and-replace does)."""
    pattern = re.compile(r"(?<![.\w])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
                         + r")\b")
    return pattern.sub(lambda m: names[m.group(1)], text)


def top_level(text: str) -> list[str]:
    """Split a module into its top-level statements' text (comments between them dropped)."""
    lines = text.splitlines()
    tree = ast.parse(text)
    chunks = []
    for stmt in tree.body:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        chunks.append("\n".join(lines[first - 1:stmt.end_lineno]))
    return chunks


def rewrite_comments(text: str) -> str:
    """Replace every comment and docstring with other words, and add blank lines."""
    text = re.sub(r"#[^\n]*", "# (my own note)", text)
    text = re.sub(r'"""[^"]*"""', '"""Written by me."""', text)
    return text.replace("\n\n", "\n\n\n")


def reordered(text: str) -> str:
    """Keep imports first, then every other top-level statement in reverse order."""
    chunks = top_level(text)
    imports = [c for c in chunks if c.startswith(("import ", "from ", "matplotlib."))]
    rest = [c for c in chunks if c not in imports]
    return "\n\n\n".join([*imports, *reversed(rest)]) + "\n"


def notebook(cells: list[str], explore: dict[int, str] | None = None) -> str:
    """Write a v4 notebook of these code cells, with a Markdown title and exploration cells
    after the cells numbered in `explore`."""
    book_cells = [{"cell_type": "markdown", "metadata": {}, "source": "# TD keras"}]
    for index, text in enumerate(cells):
        book_cells.append({"cell_type": "code", "metadata": {}, "source": text,
                           "outputs": [], "execution_count": None})
        if explore and index in explore:
            book_cells.append({"cell_type": "code", "metadata": {}, "source": explore[index],
                               "outputs": [], "execution_count": None})
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": book_cells}, indent=1)


def cells_of(text: str) -> list[str]:
    """Split a `# %%` file into its cells."""
    return [c.strip("\n") for c in text.split("# %%\n") if c.strip()]


def ben() -> str:
    """Anna's work with her names renamed."""
    return rename(source("anna.py"), BEN_NAMES).replace("Anna", "Ben")


def chloe() -> str:
    """Anna's work reordered, with comments and docstrings rewritten."""
    return rewrite_comments(reordered(source("anna.py")))


def dan() -> str:
    """Anna's work turned into a notebook, a cell per definition, with exploration cells."""
    chunks = top_level(source("anna.py"))
    explore = {4: "x_train, x_test, y_train, y_test = dataset_utils.prepare_mnist()\n"
                  "print(describe_datasets())",
               6: "model = build_mlp(784, 10, 2)\nmodel.summary()\n"
                  "model.fit(x_train[:1000], y_train[:1000], epochs=2)"}
    return notebook(chunks, explore)


def eve() -> str:
    """Eve's own q1–q7, then Anna's q8–q14 renamed."""
    anna = top_level(rename(source("anna.py"), BEN_NAMES))
    start = next(i for i, c in enumerate(anna) if "def classifier_model" in c)
    return source("eve_q1_q7.py") + "\n\nfrom sklearn.model_selection import GridSearchCV\n" \
        "from matplotlib import pyplot as plt\n\n\n" + "\n\n\n".join(anna[start:]) + "\n"


def rita() -> str:
    """The reference, renamed, its comments and docstrings rewritten."""
    return rewrite_comments(rename(REFERENCE.read_text(encoding="utf-8"), RITA_NAMES))


def tom() -> str:
    """The starter with q2 and q13 answered."""
    text = (STARTER_DIR / "td_keras.py").read_text(encoding="utf-8")
    q2 = "def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:"
    q13 = "def make_early_stopping_callback() -> keras.callbacks.Callback:"
    answers = {
        q2: ("    import keras\n\n    model = keras.Sequential([keras.Input(shape=(input_dim,)),\n"
             "                              keras.layers.Dense(n_classes, activation='softmax')])\n"
             "    model.compile(optimizer='adam', loss='categorical_crossentropy',\n"
             "                  metrics=['accuracy'])\n    return model\n"),
        q13: ("    import keras\n\n    return keras.callbacks.EarlyStopping(monitor='val_loss', "
              "patience=5)\n")}
    for header, body in answers.items():
        start = text.index(header)
        end = text.index("    raise NotImplementedError\n", start)
        text = text[:end] + body + text[end + len("    raise NotImplementedError\n"):]
    return text


def make_class(folder: Path) -> Path:
    """Write the class: one folder per student holding td_keras.py or td_keras.ipynb."""
    files = {"anna": ("py", source("anna.py")), "ben": ("py", ben()), "chloe": ("py", chloe()),
             "dan": ("ipynb", dan()), "bruno": ("py", source("bruno.py")),
             "clara": ("py", source("clara.py")),
             "dora": ("ipynb", notebook(cells_of(source("dora_notebook.py")))),
             "eve": ("py", eve()), "rita": ("py", rita()), "tom": ("py", tom()),
             "sam": ("py", (STARTER_DIR / "td_keras.py").read_text(encoding="utf-8")),
             "sami": ("ipynb", (STARTER_DIR / "td_keras.ipynb").read_text(encoding="utf-8"))}
    for student, (suffix, text) in files.items():
        (folder / student).mkdir(parents=True)
        (folder / student / f"td_keras.{suffix}").write_text(text, encoding="utf-8")
    return folder
