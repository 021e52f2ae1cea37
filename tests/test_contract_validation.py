"""The assignment contract checked at load: a lab with misspelt hooks, a RUBRIC that does not
cover its questions, sentences in one language only or criteria that name no check is refused
with one error listing every problem; a broken lab leaves the others usable; the warm worker
checks the observers it preloads and says so on its ready line."""

from __future__ import annotations

import secrets
import sys
import textwrap
from pathlib import Path

import pytest

from grader.contract import AssignmentPlugin, ContractError, hook, validate_plugin
from grader.registry import find_plugin, registered

RUBRIC = '''\
"""The throwaway lab's checks."""

from collections.abc import Iterator

from grader.checks.base import Check, JudgeContext, Verdict


def check_value(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The value is the reference's."""
    return ctx.compare(ctx.label, ctx.t("what.value"), expected["value"], actual["value"])


def q1(expected: dict) -> Iterator[Check]:
    """The value."""
    yield check_value


def q2(expected: dict) -> Iterator[Check]:
    """The value again."""
    yield check_value


RUBRIC = {"q1": q1, "q2": q2}


def notes(question: str, actual: dict) -> list:
    """No notes."""
    return []
'''
OBSERVERS = '''\
"""The throwaway lab's observers (no keras)."""

from grader.observe.context import ObserveContext, jsonable


def observe(module, ctx: ObserveContext, args: dict) -> dict:
    """The value of f(x)."""
    return {"value": jsonable(ctx.call(module.f, args["x"]))}


def install_data(ctx: ObserveContext) -> None:
    """Nothing to install."""


OBSERVERS = {"q1": observe, "q2": observe}
'''
MESSAGES = '''\
"""The throwaway lab's sentences."""

MESSAGES = {
    "what.value": {"en": "f({x})", "fr": "f({x})"},
    "hint.q1.check_value": {"en": "Return x.", "fr": "Renvoyez x."},
}
'''
TABLE = '''\
name = "{name}"
module = "lab"
title_en = "A throwaway lab"
title_fr = "Un TD jetable"

[[questions]]
id = "q1"
function = "f"
points = 1
title_en = "One"
title_fr = "Un"

[[questions.criteria]]
id = "value"
points = 1
subject = true
title_en = "The value"
title_fr = "La valeur"
checks = ["check_value"]

[[questions]]
id = "q2"
function = "f"
points = 1
title_en = "Two"
title_fr = "Deux"

[[questions.criteria]]
id = "value"
points = 1
subject = true
title_en = "The value"
title_fr = "La valeur"
checks = ["check_value"]
'''
INIT = '''\
from pathlib import Path

from grader.contract import AssignmentPlugin

ASSIGNMENT = AssignmentPlugin(name="{name}", package=__name__,
                              public_dir=Path(__file__).resolve().parent / "public")
'''


def write_lab(site: Path, files: dict[str, str]) -> str:
    """Write a throwaway lab package (and its entry point) under `site`; return its name."""
    name = f"lab_{secrets.token_hex(4)}"
    package = site / name
    (package / "public").mkdir(parents=True)
    sources = {"__init__.py": INIT, "rubric.py": RUBRIC, "observers.py": OBSERVERS,
               "messages.py": MESSAGES, "public/assignment.toml": TABLE} | files
    for path, text in sources.items():
        if text is not None:
            (package / path).write_text(text.replace("{name}", name), encoding="utf-8")
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(
        f"[grader.assignments]\n{name} = {name}:ASSIGNMENT\n", encoding="utf-8")
    return name


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make a lab from the clean one with some files replaced; return its registered plugin."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(files: dict[str, str] | None = None) -> AssignmentPlugin:
        name = write_lab(site, files or {})
        return registered()[name]

    yield make
    for module in [m for m in sys.modules if m.startswith("lab_")]:
        del sys.modules[module]


def listed(plugin: AssignmentPlugin) -> list[str]:
    """The problems the contract error lists for a plugin (fails when it validates)."""
    with pytest.raises(ContractError) as caught:
        validate_plugin(plugin)
    head, *lines = str(caught.value).split("\n- ")
    assert head == (f"assignment {plugin.name} ({plugin.package}) breaks the contract "
                    "(docs/authoring.md):"), head
    return lines


def edited(text: str, old: str, new: str) -> str:
    """Text with one exact change (fails when `old` is absent: the test would prove nothing)."""
    assert old in text, old
    return text.replace(old, new)


@pytest.mark.parametrize("name", sorted(registered()))
def test_every_built_in_lab_validates_clean(name: str) -> None:
    validate_plugin(find_plugin(name))


def test_the_throwaway_lab_validates_clean(lab) -> None:
    validate_plugin(lab())


NOT_A_HOOK = "{file}: `{name}` is not a hook of {file} (did you mean `{hook}`?)"


@pytest.mark.parametrize(("files", "said"), [
    ({"rubric.py": edited(RUBRIC, "def notes(", "def note(")},
     [NOT_A_HOOK.format(file="rubric.py", name="note", hook="notes")]),
    ({"rubric.py": edited(RUBRIC, "RUBRIC = {", "Rubric = {")},
     [NOT_A_HOOK.format(file="rubric.py", name="Rubric", hook="RUBRIC"),
      "rubric.py: defines no RUBRIC"]),
    ({"rubric.py": RUBRIC + "\nnotes = {'q1': []}\n"}, ["rubric.py: `notes` is not callable"]),
    ({"observers.py": edited(OBSERVERS, "def install_data(", "def install_datas(")},
     [NOT_A_HOOK.format(file="observers.py", name="install_datas", hook="install_data")]),
    ({"observers.py": edited(OBSERVERS, "OBSERVERS = ", "OBSERVER = ")},
     [NOT_A_HOOK.format(file="observers.py", name="OBSERVER", hook="OBSERVERS"),
      "observers.py: defines no OBSERVERS"]),
    ({"messages.py": edited(MESSAGES, "MESSAGES = ", "MESSAGE = ")},
     [NOT_A_HOOK.format(file="messages.py", name="MESSAGE", hook="MESSAGES"),
      "messages.py: defines no MESSAGES"]),
    ({"rubric.py": edited(RUBRIC, '"q2": q2}', "}")}, ["rubric.py: RUBRIC — no entry for q2"]),
    ({"rubric.py": edited(RUBRIC, '"q2": q2}', '"q2": q2, "q9": q2}')},
     ["rubric.py: RUBRIC — entries for unknown questions q9"]),
    ({"rubric.py": edited(RUBRIC, '"q2": q2}', '"q2": "q2"}')},
     ["rubric.py: RUBRIC['q2'] is not callable"]),
    ({"messages.py": edited(MESSAGES, '{"en": "Return x.", "fr": "Renvoyez x."}',
                            '{"en": "Return x."}')},
     ["messages.py: MESSAGES['hint.q1.check_value'] has no 'fr' text"]),
    ({"messages.py": edited(MESSAGES, '"fr": "f({x})"', '"fr": "f({y})"')},
     ["messages.py: MESSAGES['what.value'] — the placeholders differ: {x} in 'en', {y} in 'fr'"]),
    ({"messages.py": '"""Older form."""\n'
                     'MESSAGES = {"en": {"a": "A", "b": "B"}, "fr": {"a": "A"}}\n'},
     ["messages.py: MESSAGES['b'] has no 'fr' text"]),
    ({"public/assignment.toml": edited(TABLE, 'checks = ["check_value"]', "checks = []")},
     ["assignment.toml: q1, criterion 'value' lists no check",
      "assignment.toml: q2, criterion 'value' lists no check"]),
    ({"public/assignment.toml": edited(TABLE, 'checks = ["check_value"]',
                                       'checks = ["check_valeu[x=1]"]')},
     ["assignment.toml: q1, criterion 'value' lists check_valeu, which is no check function "
      "(did you mean check_value?)"] * 2),
])
def test_each_problem_is_said_with_what_and_where(lab, files: dict[str, str], said: list[str]
                                                 ) -> None:
    assert listed(lab(files)) == [line.replace("q1, criterion", f"q{i + 1}, criterion")
                                  for i, line in enumerate(said)]


def test_every_problem_is_listed_in_one_error(lab) -> None:
    rubric = edited(edited(RUBRIC, "def notes(", "def note("), '"q2": q2}', '"q9": q2}')
    messages = edited(edited(MESSAGES, '{"en": "Return x.", "fr": "Renvoyez x."}',
                             '{"en": "Return x."}'), '"fr": "f({x})"', '"fr": "f({y})"')
    table = edited(TABLE, 'checks = ["check_value"]\n\n[[questions]]',
                   'checks = []\n\n[[questions]]')
    observers = edited(OBSERVERS, "def install_data(", "def install_datas(")
    assert listed(lab({"rubric.py": rubric, "messages.py": messages, "observers.py": observers,
                       "public/assignment.toml": table})) == [
        "assignment.toml: q1, criterion 'value' lists no check",
        NOT_A_HOOK.format(file="rubric.py", name="note", hook="notes"),
        "rubric.py: RUBRIC — no entry for q2",
        "rubric.py: RUBRIC — entries for unknown questions q9",
        NOT_A_HOOK.format(file="observers.py", name="install_datas", hook="install_data"),
        "messages.py: MESSAGES['what.value'] — the placeholders differ: {x} in 'en', {y} in 'fr'",
        "messages.py: MESSAGES['hint.q1.check_value'] has no 'fr' text",
    ]


def test_a_hook_is_looked_up_by_its_declared_name_only() -> None:
    import importlib

    rubric = importlib.import_module(find_plugin("td_keras_mlp").rubric_module)
    assert callable(hook(rubric, "notes"))
    with pytest.raises(LookupError, match="not a hook"):
        hook(rubric, "note")


def test_a_broken_lab_is_refused_and_the_others_still_work(lab, tmp_path: Path, capsys) -> None:
    from grader.cli import main, run_init

    broken = lab({"rubric.py": edited(RUBRIC, "def notes(", "def note(")}).name
    with pytest.raises(ContractError, match="`note` is not a hook"):
        find_plugin(broken)
    assert find_plugin("td_keras_mlp").name == "td_keras_mlp"
    assert {broken, "td_keras_mlp", "td_convnets"} <= set(registered())
    assert run_init([]) == 0  # the labs are still listed, the broken one too
    assert broken in capsys.readouterr().out
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "lab.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    for args in (["--assignment", broken, "--submission", str(folder)],
                 ["--submission", str(folder)]):  # named, or found from the file's name
        assert main(args) == 3
        err = capsys.readouterr().err
        assert f"grade: assignment {broken}" in err and "`note` is not a hook" in err, err
        assert "Traceback" not in err


def test_the_worker_checks_the_observers_it_preloads(lab) -> None:
    from grader.observe.worker import preload
    from grader.runner import preloaded_labs

    clean = lab()
    broken = lab({"observers.py": edited(edited(OBSERVERS, '"q2": observe}', "}"),
                                         "def install_data(ctx: ObserveContext) -> None:",
                                         "install_data = 3\n\n\ndef unused(ctx) -> None:")})
    modules = [clean.observers_module, broken.observers_module, "json"]
    report = preload(modules, preloaded_labs(modules))  # the lab's questions, read by the parent
    assert report == {clean.name: [], broken.name: [
        "observers.py: `install_data` is not callable",
        "observers.py: OBSERVERS — no entry for q2"]}


def test_an_observers_module_that_does_not_import_is_said(lab) -> None:
    from grader.observe.worker import preload
    from grader.runner import preloaded_labs

    broken = lab({"observers.py": "import not_a_module_anywhere\n"})
    modules = [broken.observers_module]
    assert preload(modules, preloaded_labs(modules)) == {broken.name: [
        "observers.py does not import: ModuleNotFoundError: No module named "
        "'not_a_module_anywhere'"]}


@pytest.mark.slow
def test_a_worker_that_preloads_a_broken_lab_stops_with_its_problems(
        lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.runner import WarmWorker

    broken = lab({"observers.py": edited(OBSERVERS, '"q2": observe}', '"q2": observe, "q3": 1}')})
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))  # the worker finds it installed
    with pytest.raises(ContractError) as caught:
        WarmWorker([broken.observers_module])
    assert str(caught.value) == (
        f"assignment {broken.name} breaks the contract (docs/authoring.md), "
        "as the grading worker found when it loaded its observers:\n"
        "- observers.py: OBSERVERS — entries for unknown questions q3")


def test_a_lab_is_validated_once_per_process(lab, monkeypatch: pytest.MonkeyPatch) -> None:
    import grader.registry as registry

    plugin = lab()
    seen = []
    original = registry.plugin_problems
    monkeypatch.setattr(registry, "plugin_problems", lambda p: seen.append(p) or original(p))
    for _ in range(3):
        assert find_plugin(plugin.name) == plugin
    assert seen == [plugin]


def test_validating_the_built_in_labs_imports_no_keras() -> None:
    import subprocess

    code = ("import sys; from grader.contract import validate_plugin; "
            "from grader.registry import find_plugin; "
            "[validate_plugin(find_plugin(n)) for n in ('td_keras_mlp', 'td_convnets')]; "
            "assert not {'keras', 'tensorflow'} & set(sys.modules), 'keras was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr


def test_the_older_per_language_form_validates_when_both_sides_agree(lab) -> None:
    validate_plugin(lab({"messages.py": textwrap.dedent('''\
        """Older form."""
        MESSAGES = {"en": {"what.value": "f({x})"}, "fr": {"what.value": "f({x}) en français"}}
        ''')}))


def test_a_labs_source_is_read_whatever_loader_holds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest's assertion rewriter holds the grader's modules when the grader's pytest plugin is
    installed: its loader has no get_source, and every lab was refused ('rubric.py: not found')."""
    import importlib.machinery
    import importlib.util

    from grader.contract import module_source

    real = importlib.util.find_spec("grader.td_keras_mlp.rubric")
    rewritten = importlib.machinery.ModuleSpec(real.name, object(), origin=real.origin)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: rewritten)
    assert "RUBRIC" in (module_source("grader.td_keras_mlp.rubric") or "")
