"""Regenerate docs/similarity-screenshot.png: grade the similarity test class, screenshot its page.

Usage: python tools/screenshot_similarity.py [--out docs/similarity-screenshot.png]
Runs the real `grade bulk` (q1 only) on tests/similarity_class.py's class; needs Debian's
`chromium` (headless) and Pillow.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

from screenshot_report import screenshot, shrink  # noqa: E402
from similarity_class import make_class  # noqa: E402

WINDOW = "1280,3400"


def main() -> int:
    """Grade the class, render, screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "similarity-screenshot.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        base = Path(temporary)
        folder = make_class(base / "class")
        subprocess.run([sys.executable, "-m", "grader.cli", "bulk", str(folder), "--out",
                        str(base / "out"), "--questions", "q1", "--lang", "en"], check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        screenshot(base / "out" / "similarity.html", base / "full.png", WINDOW)
        shrink(base / "full.png", args.out)
        print((base / "out" / "similarity.csv").read_text(encoding="utf-8"))
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
