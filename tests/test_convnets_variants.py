"""td_convnets grading correctness on a corpus: right-but-different and one-mistake submissions.

Each file in tests/variants_convnets/ overrides one function of the reference (imported as
td_convnets_reference) and says in its docstring what it does. The table pins, for each, the
verdict on its question, the first message a student reads and the criteria it fails. To stay
fast, the corpus is graded in a few submissions that each combine variants of different
questions (tests/convnets_corpus.py): a mistake costs its own question only, or the pins of the
other variants graded beside it would fail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from convnets_corpus import VARIANTS, batches, make_submission, question_of

from grader.api import GradeOptions, grade
from grader.assignment import load_assignment
from grader.localize import said_report
from grader.model import FAILED, PASSED, GradeReport, QuestionResult


@dataclass(frozen=True)
class Variant:
    """A submission of the corpus and what the grader must say about it."""

    name: str
    status: str
    first_message: str = ""
    failed_criteria: tuple[str, ...] = ()
    minor: bool = False
    """The criteria weigh this mistake under half the question: it is in what the question carries
    over (compiling), or in a lesser part of its subject (q6's head, q3's parameter count)."""


SOFTMAX_ONE_UNIT = "Q8, output layer: softmax over 1 unit always outputs 1 — use sigmoid, or 2 units."
CORPUS = [
    Variant("q1_keras_datasets", PASSED),
    Variant("q1_not_scaled", FAILED,
            "Q1, x_train: range of the values [min, max] — expected [0, 1], got [0, 255].",
            ("images",)),
    Variant("q1_integer_labels", FAILED,
            "Q1, y_train: shape — expected (300, 10), got (300,).", ("labels",)),
    Variant("q2_functional_maxpool2d", PASSED),
    Variant("q2_sigmoid_conv", FAILED,
            "Q2, layer 1 (Conv2D): activation — expected 'relu', got 'sigmoid'.",
            ("architecture",)),
    Variant("q2_mse_loss", FAILED,
            "Q2: loss — expected 'categorical_crossentropy', got 'mean_squared_error'.",
            ("compiled",), minor=True),
    Variant("q3_activation_layers_input_shape", PASSED),
    Variant("q3_functional", PASSED),
    Variant("q3_32_filters", FAILED, "Q3, layer 3 (Conv2D): filters — expected 16, got 32.",
            ("architecture", "shapes")),
    Variant("q3_same_padding", FAILED,
            "Q3, layer 1 (Conv2D): padding — expected 'valid', got 'same'.",
            ("architecture", "shapes")),
    Variant("q3_no_bias", FAILED, "Q3: parameter count — expected 44,426, got 44,404.",
            ("shapes",), minor=True),
    Variant("q3_hardcoded_shape", FAILED,
            "Q3 with input_shape=(32, 32, 3), n_classes=5: not judged — model(x) with x of shape "
            "(4, 32, 32, 3) raised ValueError: ", ("architecture", "shapes", "compiled")),
    Variant("q3_not_compiled", FAILED,
            "Q3: the model is not compiled — expected model.compile(loss=…, metrics=['accuracy']).",
            ("compiled",), minor=True),
    Variant("q4_rounded_units", PASSED),
    Variant("q4_hardcoded_56_units", FAILED,
            "Q4 with input_shape=(32, 32, 3), n_classes=5: parameter count — expected within 5% "
            "of 61,581, got 172,373.", ("dense_like",)),
    Variant("q4_two_hidden_layers", FAILED,
            "Q4: layers — expected Flatten → Dense → Dense, got Flatten → Dense → Dense → Dense.",
            ("dense_like",)),
    Variant("q4_not_compiled", FAILED,
            "Q4: the model is not compiled — expected model.compile(loss=…, metrics=['accuracy']).",
            ("output_compiled",), minor=True),
    Variant("q5_expand_dims", PASSED),
    Variant("q5_divided_by_255", FAILED,
            "Q5, batch: preprocessing — expected keras.applications.resnet50.preprocess_input, "
            "got pixels divided by 255 (not ResNet50's preprocessing).", ("preprocessing",)),
    Variant("q5_float64", FAILED, "Q5, batch: dtype — expected 'float32', got 'float64'.",
            ("batch",)),
    Variant("q6_sequential_layer_flags", PASSED),
    Variant("q6_functional_base_output", PASSED),
    Variant("q6_batchnorm_flag_game", FAILED,
            "Q6: trainable parameters of base_model — expected 0, got 16.", ("frozen",)),
    Variant("q6_not_frozen", FAILED,
            "Q6: trainable parameters of base_model — expected 0, got 816.", ("frozen",)),
    Variant("q6_copied_base", FAILED,
            "Q6: base_model — expected used by the returned model, got not used (the returned "
            "model holds none of its weights).", ("frozen", "head")),
    Variant("q6_extra_dense", FAILED,
            "Q6: layers added after base_model — expected Flatten → Dense, got Flatten → Dense → "
            "Dense.", ("head",), minor=True),
    Variant("q6_categorical_loss", FAILED,
            "Q6: loss — expected 'binary_crossentropy', got 'categorical_crossentropy'.",
            ("compiled",), minor=True),
    Variant("q7_optimizers_get", PASSED),
    Variant("q7_not_unfrozen", FAILED,
            "Q7: trainable parameters of base_model — expected 816, got 0.", ("unfrozen",)),
    Variant("q7_default_learning_rate", FAILED,
            "Q7: optimizer — expected Adam(learning_rate=1e-05), got Adam(learning_rate=0.001).",
            ("optimizer",)),
    Variant("q8_two_softmax_units", PASSED),
    Variant("q8_softmax_one_unit", FAILED, SOFTMAX_ONE_UNIT, ("learns",)),
    Variant("q8_no_pooling", FAILED, "Q8: Pooling layers — expected at least 1, got 0.", ("cnn",)),
]
BY_NAME = {v.name: v for v in CORPUS}


@pytest.fixture(scope="module")
def corpus_results(worker, tmp_path_factory) -> dict[str, QuestionResult]:
    """Grade the whole corpus in a few submissions; return each variant's question result."""
    results: dict[str, QuestionResult] = {}
    for i, group in enumerate(batches([v.name for v in CORPUS])):
        folder = make_submission(tmp_path_factory.mktemp("convnets") / f"batch{i}", group)
        report = said_report(grade(folder, GradeOptions(questions=tuple(question_of(n) for n in group)),
                       worker=worker))
        by_id = {q.id: q for q in report.questions}
        results.update({name: by_id[question_of(name)] for name in group})
    return results


def test_the_corpus_covers_every_question_and_criterion_both_ways() -> None:
    assert {p.stem for p in VARIANTS.glob("q*.py")} == set(BY_NAME)
    assignment = load_assignment("td_convnets")
    right = Counter(question_of(v.name) for v in CORPUS if v.status == PASSED)
    assert [q.id for q in assignment.questions if right[q.id] < 1] == []
    covered = {(question_of(v.name), c) for v in CORPUS for c in v.failed_criteria}
    wanted = {(q.id, c.id) for q in assignment.questions for c in q.criteria}
    assert sorted(wanted - covered) == []


@pytest.mark.parametrize("variant", CORPUS, ids=[v.name for v in CORPUS])
def test_variant_gets_the_pinned_verdict(variant: Variant, corpus_results) -> None:
    result = corpus_results[variant.name]
    failed = [c.message for c in result.checks if c.status == FAILED]
    assert result.status == variant.status, (result.message, failed)
    assert not any("Traceback" in text for text in [result.message, *failed])
    if variant.status == PASSED:
        assert result.score == result.max_score and failed == []
        return
    assert failed and failed[0].startswith(variant.first_message), failed[:3]
    assert tuple(c.id for c in result.criteria if not c.passed) == variant.failed_criteria
    assert 0 <= result.score < result.max_score
    if not variant.minor:
        assert result.score <= result.max_score / 2, result.criteria


def test_the_q8_softmax_mistake_is_named_in_french(worker, tmp_path: Path) -> None:
    folder = make_submission(tmp_path / "fr", ["q8_softmax_one_unit"])
    report: GradeReport = said_report(grade(folder, GradeOptions(questions=("q8",), lang="fr"), worker=worker))
    failed = [c.message for c in report.questions[0].checks if c.status == FAILED]
    assert failed[0] == ("Q8, couche de sortie : un softmax sur 1 neurone vaut toujours 1 — "
                         "utilisez sigmoid, ou 2 neurones.")
