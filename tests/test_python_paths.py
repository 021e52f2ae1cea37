"""Which Python folders the sandbox shows: the environment's packages always, the checkout never.

Pure path logic on real folders (the sandbox that binds them is tested in test_isolation and,
installed from the wheel, in test_packaging).
"""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

from grader.observe.view import is_checkout, site_folders, visible_python_paths


def make(*paths: Path) -> None:
    """Create folders."""
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)


def test_a_checkout_hides_itself_but_not_a_virtualenv_kept_inside_it(tmp_path: Path) -> None:
    checkout = tmp_path / "td-keras-grader"
    venv = checkout / ".venv"
    packages = venv / "lib" / "python3.11" / "site-packages"
    make(checkout / "reference" / "td_keras_mlp", checkout / "tests", packages, tmp_path / "home")
    (checkout / "pyproject.toml").write_text("[project]\n")
    shown = visible_python_paths(
        [str(venv), str(checkout), str(checkout / "tests"), str(packages), str(tmp_path), "/"],
        checkout, [str(venv)], tmp_path / "home")
    assert shown == [str(venv), str(packages)]  # sklearn, matplotlib … stay importable


def test_an_installed_grader_shows_the_site_packages_it_lives_in(tmp_path: Path) -> None:
    packages = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    make(packages / "grader", packages / "sklearn", tmp_path / "student")
    assert not is_checkout(packages)
    shown = visible_python_paths([str(tmp_path / "venv"), str(packages), str(tmp_path / "student")],
                                 None, [str(tmp_path / "venv")], tmp_path / "student")
    assert shown == [str(tmp_path / "venv"), str(packages)]


def test_site_packages_is_never_taken_for_a_checkout(tmp_path: Path) -> None:
    packages = tmp_path / "site-packages"
    make(packages / "reference")  # a third-party package that happens to be called `reference`
    (packages / "setup.py").write_text("")
    assert not is_checkout(packages)
    assert not any(is_checkout(folder) for folder in site_folders())
    assert is_checkout(ROOT)
