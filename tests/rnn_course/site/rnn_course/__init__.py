"""A recurrent-networks lab shipped by a course as its own package (docs/authoring.md)."""

from pathlib import Path

from grader.contract import AssignmentPlugin

HERE = Path(__file__).resolve().parents[2]  # its public and reference folders, beside `site`

ASSIGNMENT = AssignmentPlugin(name="td_rnn", package=__name__, public_dir=HERE / "public",
                              reference_dir=HERE / "reference")
