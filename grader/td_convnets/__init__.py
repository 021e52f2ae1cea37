"""The convolutional-networks lab (TD images et réseaux convolutifs): its declaration."""

from pathlib import Path

from grader.contract import AssignmentPlugin

ROOT = Path(__file__).resolve().parents[2]  # the checkout, or site-packages when installed

ASSIGNMENT = AssignmentPlugin(
    name="td_convnets",
    package=__name__,
    public_dir=ROOT / "assignments" / "td_convnets",
    reference_dir=ROOT / "reference" / "td_convnets",
)
