"""Regenerate docs/report-screenshot.png: grade a failing submission, render HTML, screenshot it.

Usage: python tools/screenshot_report.py [--lang en|fr] [--out docs/report-screenshot.png]
Needs Debian's `chromium` (headless) and Pillow (installed with matplotlib).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.api import GradeOptions, grade  # noqa: E402
from grader.assignment import load_assignment  # noqa: E402
from grader.disclosure import student_view  # noqa: E402
from grader.render.html import render_html  # noqa: E402

REFERENCE = ROOT / "reference" / "td_keras_mlp" / "td_keras.py"
VARIANTS = ROOT / "tests" / "variants"
MISTAKES = ("q3_call_raises", "q4_64_units", "q7_rate_05", "q10_no_legend")
QUESTIONS = ("q1", "q3", "q4", "q7", "q10")
STAR = "from td_keras_reference import *  # noqa: F403\n"
WINDOW = "1000,3000"
COLOURS = 96


def failing_submission(folder: Path) -> Path:
    """Write the reference with four deliberate mistakes as td_keras.py (q3's model cannot run)."""
    shutil.copy(REFERENCE, folder / "td_keras_reference.py")
    source = STAR + "\n".join((VARIANTS / f"{name}.py").read_text(encoding="utf-8")
                              .replace(STAR, "") for name in MISTAKES)
    (folder / "td_keras.py").write_text(source, encoding="utf-8")
    return folder


def screenshot(page: Path, png: Path, window: str = WINDOW) -> None:
    """Take a screenshot of a page with headless Chromium."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={png}", f"--window-size={window}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def shrink(png: Path, out: Path) -> None:
    """Save the screenshot as a small palette PNG."""
    from PIL import Image

    with Image.open(png) as image:
        image.convert("RGB").quantize(COLOURS).save(out, optimize=True)


def main() -> int:
    """Grade, render, screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-screenshot.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = failing_submission(Path(temporary))
        report = student_view(grade(folder, GradeOptions(questions=QUESTIONS, lang=args.lang)),
                              load_assignment("td_keras_mlp"))  # what the student reads
        page = folder / "report.html"
        page.write_text(render_html(report), encoding="utf-8")
        screenshot(page, folder / "full.png")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shrink(folder / "full.png", args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
