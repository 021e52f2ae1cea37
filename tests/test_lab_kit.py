"""The project's own labs through the course test kit (grader.testing), as a course package would
test its lab: the reference gets full marks, the starter none, and each labelled mistake loses
exactly its criteria — graded for real in the sandbox, on a few questions to stay quick."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.runner import WarmWorker
from grader.testing import (
    Mistake,
    assert_mistakes,
    assert_reference_full_marks,
    assert_starter_scores_zero,
    lab_worker,
    replaced,
)

TESTS = Path(__file__).resolve().parent
REFERENCE = TESTS.parent / "reference"  # one folder per lab: the kit finds each lab's
QUESTIONS = {"td_keras_mlp": ("q1", "q3"), "td_convnets": ("q1", "q2")}
MISTAKES = {
    "td_keras_mlp": [
        Mistake("hidden layers of 64 units", replaced("HIDDEN_UNITS = 128", "HIDDEN_UNITS = 64"),
                "q3", "architecture"),
        Mistake("a regression loss", replaced('loss="categorical_crossentropy"', 'loss="mse"'),
                "q3", "compiled"),
        Mistake("Boston taken for a classification",
                replaced('prepare_boston, "regression"', 'prepare_boston, "classification"'),
                "q1", "tasks"),
    ],
    "td_convnets": [
        Mistake("a sigmoid convolution", replaced('(3, 3), activation="relu"',
                                                  '(3, 3), activation="sigmoid"'),
                "q2", "architecture"),
        Mistake("pixels left in [0, 255]", replaced(" / np.float32(PIXEL_MAX)", ""),
                "q1", "images"),
        Mistake("integer labels (a whole file)", TESTS / "variants_convnets" /
                "q1_integer_labels.py", "q1", "labels"),
    ],
}


@pytest.fixture(scope="module")
def worker() -> Iterator[WarmWorker]:
    """One warm worker for both labs' questions (it checks their observers as it starts)."""
    with lab_worker(*QUESTIONS, questions=sorted({q for qs in QUESTIONS.values() for q in qs})
                    ) as shared:
        yield shared


@pytest.mark.slow
@pytest.mark.parametrize("lab", sorted(QUESTIONS))
def test_the_reference_gets_full_marks(lab: str, worker: WarmWorker) -> None:
    report = assert_reference_full_marks(lab, REFERENCE, QUESTIONS[lab], worker=worker)
    assert [q.id for q in report.questions] == list(QUESTIONS[lab])


@pytest.mark.slow
@pytest.mark.parametrize("lab", sorted(QUESTIONS))
def test_the_starter_scores_zero(lab: str, worker: WarmWorker) -> None:
    report = assert_starter_scores_zero(lab, QUESTIONS[lab], REFERENCE, worker=worker)
    assert report.score == 0 and report.max_score > 0


@pytest.mark.slow
@pytest.mark.parametrize("lab", sorted(MISTAKES))
def test_each_mistake_loses_its_criteria(lab: str, worker: WarmWorker) -> None:
    results = assert_mistakes(lab, REFERENCE, MISTAKES[lab], worker=worker)
    assert sorted(results) == sorted(m.label for m in MISTAKES[lab])


@pytest.mark.slow
def test_a_mislabelled_mistake_is_said_with_its_question_and_criterion(worker: WarmWorker
                                                                        ) -> None:
    wrong = Mistake("Boston taken for a classification",
                    replaced('prepare_boston, "regression"', 'prepare_boston, "classification"'),
                    "q1", "shapes")
    with pytest.raises(AssertionError) as caught:
        assert_mistakes("td_keras_mlp", REFERENCE, [wrong], worker=worker)
    message = str(caught.value)
    assert ("mistake 'Boston taken for a classification' (q1): expected to lose shapes; lost "
            "tasks") in message, message
    assert "criterion 'tasks' (0.5) lost: Q1, boston: task — expected 'regression', got " \
           "'classification'." in message, message


def test_a_mistake_naming_what_the_lab_lacks_is_refused() -> None:
    mistakes = [Mistake("a", replaced("x", "y"), "q3", ("architecture", "units")),
                Mistake("b", replaced("x", "y"), "q99", "architecture")]
    with pytest.raises(ValueError) as caught:
        assert_mistakes("td_keras_mlp", REFERENCE, mistakes)
    assert str(caught.value).splitlines() == [
        "mistake 'a': q3 has no criterion 'units' (its criteria: architecture, compiled)",
        "mistake 'b': td_keras_mlp has no question q99"]


def test_a_change_that_finds_nothing_to_change_fails() -> None:
    with pytest.raises(AssertionError, match="the reference does not hold 'nowhere'"):
        replaced("nowhere", "x")("source")
