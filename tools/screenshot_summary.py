"""Regenerate docs/summary-screenshot.png: grade a small class with `grade bulk`, screenshot index.html.

Usage: python tools/screenshot_summary.py [--out docs/summary-screenshot.png]
The class: the reference, the untouched starter, three one-mistake submissions (tests/variants)
and one that reaches into the grader. Needs Debian's `chromium` and the sandbox (root).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from screenshot_report import screenshot, shrink  # noqa: E402

REFERENCE = ROOT / "reference" / "td_keras_mlp" / "td_keras.py"
STARTER = ROOT / "assignments" / "td_keras_mlp" / "td_keras.py"
VARIANTS = ROOT / "tests" / "variants"
STAR = "from td_keras_reference import *  # noqa: F403\n"
QUESTIONS = "q1,q3,q4,q7,q13"
PEEK = "\n\nimport grader.observe.executor as _executor  # reaches into the grader\n"


def make_class(folder: Path) -> Path:
    """Write the class: one folder per student."""
    students = {"Alice Martin": REFERENCE.read_text(), "Bob Durand": STARTER.read_text(),
                "Mallory Noir": REFERENCE.read_text() + PEEK}
    for name, variant in (("Carol Petit", "q3_64_units"), ("Dave Roux", "q4_64_units"),
                          ("Erin Blanc", "q13_patience_3")):
        students[name] = REFERENCE.read_text() + "\n" + (VARIANTS / f"{variant}.py").read_text(
            encoding="utf-8").replace(STAR, "")
    for name, source in students.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "td_keras.py").write_text(source, encoding="utf-8")
    return folder


def main() -> int:
    """Grade the class, screenshot its summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "summary-screenshot.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        class_dir = make_class(root / "class")
        subprocess.run([sys.executable, "-m", "grader.cli", "bulk", str(class_dir), "--out",
                        str(root / "out"), "--questions", QUESTIONS, "--workers", "2",
                        "--no-similarity", "--lang", "en"], cwd=ROOT, check=False)
        screenshot(root / "out" / "index.html", root / "full.png", "1200,1700")
        shrink(root / "full.png", args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
