"""The Keras MLP lab (TD keras & perceptron multi-couches): its declaration for the registry."""

from pathlib import Path

from grader.contract import AssignmentPlugin

ROOT = Path(__file__).resolve().parents[2]  # the checkout, or site-packages when installed

ASSIGNMENT = AssignmentPlugin(
    name="td_keras_mlp",
    package=__name__,
    public_dir=ROOT / "assignments" / "td_keras_mlp",
    reference_dir=ROOT / "reference" / "td_keras_mlp",
)
