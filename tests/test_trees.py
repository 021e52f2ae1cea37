"""The walks and removals of students' trees: iterative, bounded, never failing (issue 19)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.observe.workspace import plan_copy
from grader.trees import Walk, files_below, remove_tree, temporary_folder


@pytest.fixture(autouse=True)
def deep_tmp(tmp_path: Path) -> Iterator[None]:
    """Remove each test's chains itself: pytest's own cleanup of tmp_path recurses."""
    yield
    remove_tree(tmp_path)


def chain(folder: Path, depth: int) -> str:
    """Make `depth` nested folders below `folder` with relative steps (past PATH_MAX too)."""
    folder.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    os.chdir(folder)
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        with open("bottom.txt", "w") as bottom:
            bottom.write("deep")
    finally:
        os.chdir(here)
    return str(folder)


def test_a_walk_stops_at_its_bound_and_names_what_it_left(tmp_path: Path) -> None:
    chain(tmp_path / "repo" / "notes", 40)
    (tmp_path / "repo" / "td_keras.py").write_text("x = 1\n")
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / ".git" / "HEAD").write_text("ref")
    (tmp_path / "repo" / "lab").symlink_to(tmp_path, target_is_directory=True)
    walk = Walk(str(tmp_path / "repo"), max_depth=5, keep=lambda name: name != ".git")
    seen = [os.path.relpath(folder, tmp_path / "repo") for folder, _, _ in walk]
    assert seen == [".", "notes", *("notes" + "/d" * n for n in range(1, 5))]  # 5 levels
    assert walk.too_deep == ["notes" + "/d" * 5]
    files = files_below(tmp_path / "repo", max_depth=5, keep=lambda name: name != ".git")
    assert [p.name for p in files] == ["lab", "td_keras.py"]  # the link is listed, not entered


def test_the_copy_plan_leaves_deep_folders_out_and_says_so(tmp_path: Path) -> None:
    chain(tmp_path / "repo" / "notes", 1200)
    (tmp_path / "repo" / "td_keras.py").write_text("x = 1\n")
    (tmp_path / "repo" / "notes" / "kept.txt").write_text("kept")
    taken, report = plan_copy(tmp_path / "repo" / "td_keras.py")
    assert sorted(name for name, _ in taken) == ["notes/kept.txt", "td_keras.py"]
    assert [note.split("/")[0] for note in report.notes()] == ["folder_too_deep:notes"]


def test_remove_tree_removes_any_depth_and_locked_folders(tmp_path: Path) -> None:
    chain(tmp_path / "job" / "work", 3100)  # deeper than PATH_MAX and any recursion limit
    locked = tmp_path / "job" / "locked" / "inner"
    locked.mkdir(parents=True)
    (locked / "f").write_text("x")
    (tmp_path / "job" / "to-outside").symlink_to(tmp_path / "keep", target_is_directory=True)
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "precious").write_text("x")
    os.chmod(locked, 0)
    os.chmod(locked.parent, stat.S_IRUSR)
    assert remove_tree(tmp_path / "job")
    assert not (tmp_path / "job").exists()
    assert (tmp_path / "keep" / "precious").exists()  # a link is removed, never followed
    assert remove_tree(tmp_path / "absent")
    (tmp_path / "file").write_text("x")
    assert remove_tree(tmp_path / "file") and not (tmp_path / "file").exists()


def test_a_temporary_folder_goes_whatever_was_left_in_it() -> None:
    with temporary_folder("grade-test-") as folder:
        chain(folder / "work", 1100)
    assert not folder.exists()


def test_class_discovery_survives_deep_entries(tmp_path: Path) -> None:
    import io
    import zipfile

    from grader.bulk.inputs import discover

    renamed = tmp_path / "class" / "renamed"
    chain(renamed / "notes", 1100)
    (renamed / "my_lab.py").write_text("x = 1\n")  # found by the walk for a renamed module
    zipped = tmp_path / "class" / "zipped"
    zipped.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("d/" * 1100 + "deep.txt", "x")
        bundle.writestr("td_keras.py", "x = 1\n")
    (zipped / "work.zip").write_bytes(buffer.getvalue())
    found = {s.student.key: s for s in discover(tmp_path / "class", tmp_path / "work",
                                                "td_keras").submissions}
    assert found["renamed"].file == renamed / "my_lab.py"
    assert found["zipped"].file is not None and found["zipped"].file.name == "td_keras.py"
    assert any("refused" in note for note in found["zipped"].notes)
