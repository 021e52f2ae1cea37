"""A course's own assignment, shipped as a separate package (the registry finds its entry point)."""

from pathlib import Path

from grader.contract import AssignmentPlugin

HERE = Path(__file__).resolve().parents[2]  # tests/toy_course: its public and reference folders

ASSIGNMENT = AssignmentPlugin(
    name="toy_doubling",
    package=__name__,
    public_dir=HERE / "public",
    reference_dir=HERE / "reference",
)
