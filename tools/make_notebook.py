"""Kept for old instructions: the notebook generator is `grade make-notebook` (grader/make_notebook.py)."""

from grader.make_notebook import main

if __name__ == "__main__":
    raise SystemExit(main())
