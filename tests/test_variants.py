"""Grading correctness on a corpus of submissions: right-but-different ones and one-mistake ones.

Each file in tests/variants/ overrides one function of the reference (imported as
td_keras_reference) and says in its docstring what it does. The table below pins, for each, the
verdict on its question, the first message a student reads and the criteria it fails; a cheap
sentinel question graded in the same run shows that the mistake costs that question only.
A one-mistake variant loses at least half of the question's points, unless its mistake is in what
the question carries over from earlier ones (`minor=True`); a right one keeps them all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VARIANTS, make_variant

from grader.model import ERROR, FAILED, PASSED


@dataclass(frozen=True)
class Variant:
    """A submission of the corpus and what the grader must say about it."""

    name: str
    status: str
    failed_checks: int = 0
    first_message: str = ""
    failed_criteria: tuple[str, ...] = ()
    minor: bool = False
    """The criteria weigh this mistake under half the question: it is in what the question carries
    over from earlier ones (or, q10's legend, q14's scoring, a lesser part of its subject)."""

    @property
    def question(self) -> str:
        """The question whose function the variant rewrites."""
        return self.name.split("_")[0]


CORPUS = [
    Variant("q1_hardcoded_lists", PASSED),
    Variant("q1_missing_boston", FAILED, 1,
            "Q1: keys — expected ['boston', 'mnist'], got ['mnist'].",
            ("shapes", "tasks")),
    Variant("q1_raw_mnist_shapes", FAILED, 4,
            'Q1, mnist: shape of x_train — expected (60000, 784), got (60000, 28, 28).',
            ("shapes",)),
    Variant("q1_wrong_task", FAILED, 1,
            "Q1, boston: task — expected 'regression', got 'classification'.",
            ("tasks",)),
    Variant("q2_functional_softmax_layer", PASSED),
    Variant("q2_hidden_layer", FAILED, 2,
            'Q2: number of Dense layers — expected 1 (0 hidden + output), got 2 (1 hidden + output).',
            ("softmax_layer",)),
    Variant("q2_logits", PASSED),
    Variant("q2_mse_loss", FAILED, 2,
            "Q2: loss — expected 'categorical_crossentropy', got 'mean_squared_error'.",
            ("compiled_learns",)),
    Variant("q2_no_metrics", FAILED, 2,
            "Q2: metrics — expected ['accuracy'], got [].",
            ("compiled_learns",)),
    Variant("q2_not_compiled", FAILED, 2,
            "Q2: the model is not compiled — expected model.compile(loss=…, metrics=['accuracy']).",
            ("compiled_learns",)),
    Variant("q2_sigmoid_output", FAILED, 4,
            "Q2, output layer (Dense): activation — expected 'softmax' (or 'linear' with from_logits=True), got 'sigmoid'.",
            ("softmax_layer",)),
    Variant("q3_64_units", FAILED, 8,
            'Q3 (n_hidden=1), layer 1 (Dense): units — expected 128, got 64.',
            ("architecture",)),
    Variant("q3_add_activation_layers", PASSED),
    Variant("q3_call_raises", ERROR, 0,
            "model(x) with x of shape (4, 784) raised AttributeError: 'MLP' object has no attribute 'hiden' (td_keras.py, line 17)",
            ()),
    Variant("q3_frozen_layers", FAILED, 6,
            'Q3 (n_hidden=0), one training step on 4 samples: weights — expected changed, got unchanged.',
            ("compiled",)),
    Variant("q3_functional", PASSED),
    Variant("q3_hardcoded_dims", FAILED, 20,
            "Q3 with input_dim=20, n_classes=3: not judged — model(x) with x of shape (4, 20) "
            "raised ValueError: Input 0 with name 'None' of layer 'dense_10' is incompatible with "
            "the layer: expected axis -1 of input shape to have value 784, but received input "
            "with shape (4, 20)", ("architecture", "compiled")),
    Variant("q3_input_shape", PASSED),
    Variant("q3_not_compiled", FAILED, 2,
            "Q3 (n_hidden=3): the model is not compiled — expected model.compile(loss=…, metrics=['accuracy']).",
            ("compiled",)),
    Variant("q3_one_layer_too_many", FAILED, 6,
            'Q3 (n_hidden=0): number of Dense layers — expected 1 (0 hidden + output), got 2 (1 hidden + output).',
            ("architecture",)),
    Variant("q3_raises", ERROR, 0,
            'build_mlp(input_dim=784, n_classes=10, n_hidden=0) raised IndexError: list index out of range (td_keras.py, line 10)',
            ()),
    Variant("q3_sigmoid_hidden", FAILED, 8,
            "Q3 (n_hidden=1), layer 1 (Dense): activation — expected 'relu', got 'sigmoid'.",
            ("architecture",)),
    Variant("q3_subclassed_model", PASSED),
    Variant("q3_unbuilt_add", PASSED),
    Variant("q4_64_units", FAILED, 2,
            'Q4: parameter count — expected within 5% of 134,794, got 50,890.',
            ("wide_layer",)),
    Variant("q4_functional", PASSED),
    Variant("q4_hardcoded_165_units", FAILED, 1,
            "Q4 with input_dim=20, n_classes=3: parameter count — expected within 5% of 36,099, "
            "got 3,963.", ("wide_layer",)),
    Variant("q4_missing_function", ERROR, 0,
            'td_keras.py has no function build_wide_mlp()',
            ()),
    Variant("q4_not_compiled", FAILED, 2,
            "Q4: the model is not compiled — expected model.compile(loss=…, metrics=['accuracy']).",
            ("output_compiled",), minor=True),
    Variant("q4_two_hidden_layers", FAILED, 3,
            'Q4: number of Dense layers — expected 2 (1 hidden + output), got 3 (2 hidden + output).',
            ("wide_layer",)),
    Variant("q5_ignores_batch_size", FAILED, 2,
            'Q5: training steps per epoch — expected 7 (140 training samples at batch size 20), got 5.',
            ("fit_arguments",)),
    Variant("q5_ignores_epochs", FAILED, 2,
            'Q5: epochs trained — expected 3, got 10.',
            ("fit_arguments",)),
    Variant("q5_manual_split", PASSED),
    Variant("q5_no_validation", FAILED, 4,
            "Q5: validation metrics in the History — expected ['accuracy', 'loss', 'val_accuracy', 'val_loss'], got ['accuracy', 'loss'].",
            ("validation_split",)),
    Variant("q5_split_20", FAILED, 2,
            'Q5: share of the training data held out for validation — expected 30 % (60 of 200 samples), got 20 % (40 of 200 samples).',
            ("validation_split",)),
    Variant("q6_64_units", FAILED, 6,
            'Q6 (n_hidden=2, l1=0.01), layer 1 (Dense): units — expected 128, got 64.',
            ("architecture",), minor=True),
    Variant("q6_hardcoded_coefficient", FAILED, 6,
            'Q6 (n_hidden=1, l1=0.003), layer 1 (Dense): kernel_regularizer — expected L1(l1=0.003), got L1(l1=0.01).',
            ("l1",)),
    Variant("q6_hidden_only", FAILED, 3,
            'Q6 (n_hidden=2, l1=0.01), output layer (Dense): kernel_regularizer — expected L1(l1=0.01), got None.',
            ("l1",)),
    Variant("q6_l1l2", PASSED),
    Variant("q6_l2", FAILED, 9,
            'Q6 (n_hidden=2, l1=0.01), layer 1 (Dense): kernel_regularizer — expected L1(l1=0.01), got L2(l2=0.01).',
            ("l1",)),
    Variant("q6_mse_loss", FAILED, 2,
            "Q6 (n_hidden=2, l1=0.01): loss — expected 'categorical_crossentropy', got 'mean_squared_error'.",
            ("compiled",), minor=True),
    Variant("q7_after_output", FAILED, 3,
            'Q7 (n_hidden=2): unexpected Dropout after the output layer.',
            ("dropout",)),
    Variant("q7_input_dropout", PASSED),
    Variant("q7_missing_after_last", FAILED, 3,
            'Q7 (n_hidden=2): missing Dropout(rate=0.1) after hidden layer 2.',
            ("dropout",)),
    Variant("q7_not_compiled", FAILED, 2,
            "Q7 (n_hidden=2): the model is not compiled — expected model.compile(loss=…, metrics=['accuracy']).",
            ("compiled",), minor=True),
    Variant("q7_rate_05", FAILED, 6,
            'Q7 (n_hidden=2), Dropout after hidden layer 1: rate — expected 0.1, got 0.5.',
            ("dropout",)),
    Variant("q7_sigmoid_hidden", FAILED, 6,
            "Q7 (n_hidden=2), layer 1 (Dense): activation — expected 'relu', got 'sigmoid'.",
            ("architecture",), minor=True),
    Variant("q8_bare_model", FAILED, 6,
            "Q8: scikit-learn methods — expected ['fit', 'get_params', 'predict', 'score', 'set_params'], got ['fit', 'predict'].",
            ("sklearn_api", "training")),
    Variant("q8_epochs_not_fixed", FAILED, 1,
            'Q8: epochs trained — expected 2, got 1.',
            ("training",)),
    Variant("q8_one_hidden_layer", FAILED, 2,
            'Q8: number of hidden layers — expected 2, got 1.',
            ("training",)),
    Variant("q8_scikeras", PASSED),
    Variant("q9_different_networks", FAILED, 1,
            'Q9: networks compared — expected the same network for every candidate, got 2 different networks.',
            ("optimizers",)),
    Variant("q9_ignores_cv", FAILED, 1,
            'Q9: cross-validation folds — expected 2, got 3.',
            ("cross_validation",)),
    Variant("q9_one_optimizer", FAILED, 1,
            "Q9: optimizers compared — expected ['rmsprop', 'sgd'], got ['rmsprop'].",
            ("optimizers",)),
    Variant("q9_scikeras_randomized", PASSED),
    Variant("q10_loss_curves", FAILED, 4,
            "Q10: curve of history.history['accuracy'] — expected present, got missing (lines: history['loss'], history['val_loss']).",
            ("curves",)),
    Variant("q10_no_legend", FAILED, 2,
            'Q10: legend — expected present, got missing.',
            ("legend",), minor=True),
    Variant("q10_pyplot_fig_legend", PASSED),
    Variant("q10_returns_none", FAILED, 2,
            'Q10: plot_accuracy() returned NoneType, expected a matplotlib Figure.',
            ("curves", "legend")),
    Variant("q11_extra_options", PASSED),
    Variant("q11_model_checkpoint", FAILED, 8,
            "Q11: epochs of 'loss' in the training event files — expected 2, got 0.",
            ("training_logs", "validation_logs")),
    Variant("q11_wrong_dir", FAILED, 8,
            "Q11: epochs of 'loss' in the training event files — expected 2, got 0.",
            ("training_logs", "validation_logs")),
    Variant("q12_best_of_all_epochs", FAILED, 2,
            'Q12, ModelCheckpoint (val_loss: [1, 0.9, 0.5, 0.8, 0.85, 0.82, 0.7, 0.75, 0.6, 0.65, 0.9, 0.7]): epochs at which the model was saved — expected [2, 4, 8, 10], got [2].',
            ("saves",)),
    Variant("q12_custom_callback", PASSED),
    Variant("q12_every_epoch", FAILED, 2,
            'Q12, ModelCheckpoint (val_loss: [1, 0.9, 0.5, 0.8, 0.85, 0.82, 0.7, 0.75, 0.6, 0.65, 0.9, 0.7]): epochs at which the model was saved — expected [2, 4, 8, 10], got [1, 2, 3].',
            ("saves",)),
    Variant("q12_every_two_not_best", FAILED, 2,
            'Q12, ModelCheckpoint (val_loss: [1, 0.9, 0.5, 0.8, 0.85, 0.82, 0.7, 0.75, 0.6, 0.65, 0.9, 0.7]): epochs at which the model was saved — expected [2, 4, 8, 10], got [2, 4, 6, 8, 10, 12].',
            ("saves",)),
    Variant("q13_explicit_options", PASSED),
    Variant("q13_monitor_loss", FAILED, 2,
            'Q13, EarlyStopping (val_loss: [0.9, 0.8, 0.7, 0.75, 0.72, 0.71, 0.73, 0.74, 0.68, 0.66, 0.65, 0.64]): training stopped after epoch — expected 8, got no stop (all 12 epochs ran).',
            ("stops",)),
    Variant("q13_patience_3", FAILED, 2,
            'Q13, EarlyStopping (val_loss: [0.9, 0.8, 0.7, 0.75, 0.72, 0.71, 0.73, 0.74, 0.68, 0.66, 0.65, 0.64]): training stopped after epoch — expected 8, got 6.',
            ("stops",)),
    Variant("q13_patience_6", FAILED, 2,
            'Q13, EarlyStopping (val_loss: [0.9, 0.8, 0.7, 0.75, 0.72, 0.71, 0.73, 0.74, 0.68, 0.66, 0.65, 0.64]): training stopped after epoch — expected 8, got no stop (all 12 epochs ran).',
            ("stops",)),
    Variant("q14_accuracy_scoring", FAILED, 2,
            "Q14: scoring — expected a regression score (e.g. 'neg_mean_squared_error'), got 'accuracy'.",
            ("regression",), minor=True),
    Variant("q14_ignores_cv", FAILED, 1,
            'Q14: cross-validation folds — expected 2, got 3.',
            ("cross_validation",), minor=True),
    Variant("q14_one_depth", FAILED, 1,
            'Q14: depths compared (hidden layers) — expected at least 2 different values, got [1].',
            ("grid",)),
    Variant("q14_one_optimizer", FAILED, 1,
            "Q14: optimizers compared — expected at least 2 different values, got ['adam'].",
            ("grid",)),
    Variant("q14_scikeras_two_candidates", PASSED),
]


FRENCH_Q7 = "Q7 (n_hidden=2), Dropout après la couche cachée 1 : rate — attendu 0.1, obtenu 0.5."


def sentinel(question: str) -> str:
    """A cheap question, other than this one, that must still pass."""
    return "q13" if question == "q1" else "q1"


def test_the_corpus_covers_every_question_both_ways() -> None:
    files = {p.stem for p in VARIANTS.glob("q*.py")}
    assert files == {v.name for v in CORPUS}
    right = Counter(v.question for v in CORPUS if v.status == PASSED)
    wrong = Counter(v.question for v in CORPUS if v.status != PASSED)
    questions = [f"q{i}" for i in range(1, 15)]
    assert [q for q in questions if right[q] < 1] == []
    assert [q for q in questions if wrong[q] < 2] == []
    uses_scikeras = {v.question for v in CORPUS if "scikeras" in (VARIANTS / f"{v.name}.py").read_text()}
    assert {"q8", "q9", "q14"} <= uses_scikeras


EXPECTED_TO_FAIL: dict[str, str] = {}


def corpus_params() -> list:
    """The corpus as test parameters; variants that need argument sets are expected to fail."""
    return [pytest.param(v, id=v.name, marks=pytest.mark.xfail(
        strict=False, reason=EXPECTED_TO_FAIL[v.name])) if v.name in EXPECTED_TO_FAIL
        else pytest.param(v, id=v.name) for v in CORPUS]


@pytest.mark.parametrize("variant", corpus_params())
def test_variant_gets_the_pinned_verdict(variant: Variant, grade_with, tmp_path: Path) -> None:
    source = (VARIANTS / f"{variant.name}.py").read_text(encoding="utf-8")
    other = sentinel(variant.question)
    report = grade_with(make_variant(tmp_path, source), variant.question, other)
    results = {q.id: q for q in report.questions}
    result = results[variant.question]
    failed = [c.message for c in result.checks if c.status == FAILED]

    assert result.status == variant.status, (result.message, failed)
    assert results[other].status == PASSED, results[other].checks
    assert not any("Traceback" in text for text in [result.message, *failed])
    if variant.status == PASSED:
        assert result.score == result.max_score
        assert failed == []
    elif variant.status == FAILED:
        assert 0 <= result.score < result.max_score
        if variant.first_message:
            assert len(failed) == variant.failed_checks, failed
            assert failed[0] == variant.first_message
    else:
        assert variant.status == ERROR and result.score == 0
        assert result.message == variant.first_message
    assert tuple(c.id for c in result.criteria if not c.passed) == variant.failed_criteria
    if variant.status != PASSED and not variant.minor:
        assert result.score <= result.max_score / 2, result.criteria


def test_every_criterion_is_failed_by_some_variant(assignment) -> None:
    covered = {(v.question, c) for v in CORPUS for c in v.failed_criteria}
    wanted = {(q.id, c.id) for q in assignment.questions for c in q.criteria}
    assert sorted(wanted - covered) == []
    on_subject = Counter(v.question for v in CORPUS if v.status != PASSED and not v.minor
                         and v.name not in EXPECTED_TO_FAIL)
    assert [q.id for q in assignment.questions if on_subject[q.id] < 2] == []


def test_messages_in_french(grade_with, tmp_path: Path) -> None:
    source = (VARIANTS / "q7_rate_05.py").read_text(encoding="utf-8")
    report = grade_with(make_variant(tmp_path, source), "q7", lang="fr")
    failed = [c.message for c in report.questions[0].checks if c.status == FAILED]
    assert failed[0] == FRENCH_Q7


def test_keras_clone_bug_is_not_held_against_the_student(grade_with, tmp_path: Path) -> None:
    reference = (VARIANTS.parent.parent / "reference" / "td_keras_mlp" / "td_keras.py")
    report = grade_with(reference.parent, "q8", "q9")
    assert [q.status for q in report.questions] == [PASSED, PASSED]
    for result in report.questions:
        assert any("loses fit_kwargs when cloned" in note for note in result.notes), result.notes
    source = (VARIANTS / "q8_scikeras.py").read_text(encoding="utf-8")
    scikeras = grade_with(make_variant(tmp_path, source), "q8").questions[0]
    assert scikeras.status == PASSED
    assert not any("fit_kwargs" in note for note in scikeras.notes)


def test_an_unbuilt_sequential_is_built_and_said(grade_with, tmp_path: Path) -> None:
    source = (VARIANTS / "q3_unbuilt_add.py").read_text(encoding="utf-8")
    result = grade_with(make_variant(tmp_path, source), "q3").questions[0]
    assert result.status == PASSED
    assert any("input_dim=784" in note for note in result.notes), result.notes


def test_grading_twice_gives_the_same_numbers(grade_with) -> None:
    reference = VARIANTS.parent.parent / "reference" / "td_keras_mlp"
    runs = [grade_with(reference, "q2", "q8") for _ in range(2)]
    actuals = [[c.actual for q in r.questions for c in q.checks] for r in runs]
    assert actuals[0] == actuals[1]
    learned = next(c for c in runs[0].questions[0].checks if c.id.startswith("q2.check_learns"))
    assert 0.5 < learned.actual < 1  # a real accuracy, after real training
