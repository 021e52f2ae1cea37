"""Plain-data records that flow from observation to judgement to report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from grader.text import clean_data

if TYPE_CHECKING:
    from grader.wording import Text

SCHEMA_VERSION = 1
MULTI_LINE_FIELDS = frozenset({"output"})  # an observation's text that may hold newlines
MULTI_LINE_DATA = frozenset({"answers"})  # in its data: the import's written answers



class Status(StrEnum):
    """Every status, declared once (JSON writes them as their strings).

    An observation is OK or the fault that stopped it; a question is PASSED, FAILED or that
    fault; a check is PASSED, FAILED or SKIPPED. Faults go from the student's to the grader's.
    """

    OK = "ok"
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # a check that could not run because an earlier one failed
    NOT_IMPLEMENTED = "not_implemented"
    ERROR = "error"  # the student's code raised
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASHED = "crashed"
    GRADER_ERROR = "grader_error"


PASSED, FAILED, SKIPPED = Status.PASSED, Status.FAILED, Status.SKIPPED
NOT_IMPLEMENTED, ERROR, TIMEOUT = Status.NOT_IMPLEMENTED, Status.ERROR, Status.TIMEOUT
MEMORY, CRASHED, GRADER_ERROR = Status.MEMORY, Status.CRASHED, Status.GRADER_ERROR
STUDENT_FAULTS = frozenset({FAILED, NOT_IMPLEMENTED, ERROR, TIMEOUT, MEMORY, CRASHED})
CLAIMABLE_STATUSES = frozenset({Status.OK, NOT_IMPLEMENTED, ERROR, MEMORY})
"""What a child may say of its own job; every other status is the supervisor's to give."""
OBSERVATION_STATUSES = frozenset({Status.OK, NOT_IMPLEMENTED, ERROR, TIMEOUT, MEMORY, CRASHED,
                                  GRADER_ERROR})


@dataclass(frozen=True)
class Frame:
    """One frame of the student's own code in a traceback."""

    file: str
    line: int
    function: str
    code: str = ""


@dataclass(frozen=True)
class Failure:
    """Why a question could not be observed: where it happened and what was raised."""

    phase: str  # import | cell (a notebook cell) | call | observe | timeout | memory | crashed | grader
    type: str
    message: Text  # a judge's sentence until localized (grader/localize.py)
    where: str = ""  # e.g. "build_model(32, 10)"
    frames: tuple[Frame, ...] = ()

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Failure:
        """Rebuild a failure from its JSON form."""
        frames = tuple(Frame(**f) for f in data.get("frames", ()))
        return Failure(**{**data, "frames": frames})


@dataclass(frozen=True)
class Evidence:
    """One thing a submission did that reaches into the grader: for the instructor to review."""

    file: str  # as the student knows it: "td_keras.py", "td_keras.ipynb, cell 7"
    line: int
    kind: str  # grader, low-level, interpreter, dynamic-code, grader-files
    detail: str  # what it did, e.g. "import grader.observe.executor"
    source: str = "static"  # "static" (read from the files) or "run" (seen while it ran)

    def text(self) -> str:
        """One line: where, then what."""
        where = f"{self.file}, line {self.line}" if self.line else self.file
        seen = "" if self.source == "static" else " (seen while it ran)"
        return f"{where}: {self.detail}{seen}"


@dataclass(frozen=True)
class Observation:
    """What one question's function did, as JSON-safe data (crosses the process boundary)."""

    question: str
    status: Status  # OK, or the fault that stopped it (OBSERVATION_STATUSES)
    data: dict[str, Any] = field(default_factory=dict)
    failure: Failure | None = None
    notes: tuple[str, ...] = ()
    output: str = ""  # captured stdout/stderr, truncated
    duration: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form with its kind and schema version."""
        return {"kind": "observation", "schema": SCHEMA_VERSION, **asdict(self)}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Observation:
        """Rebuild an observation from its JSON form, its student-made text cleaned (the boundary):
        one line each (a claimed message, a class name), but printed output and written answers."""
        if data.get("kind") != "observation" or data.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"not an observation of schema {SCHEMA_VERSION}: {data.get('kind')!r}")
        fields = {k: clean_data(v, newlines=k in MULTI_LINE_FIELDS) for k, v in data.items()
                  if k not in ("kind", "schema", "data")}
        claimed = data.get("data", {})
        fields["data"] = ({clean_data(k, False): clean_data(v, newlines=k in MULTI_LINE_DATA)
                           for k, v in claimed.items()}
                          if isinstance(claimed, dict) else clean_data(claimed, False))
        failure = fields.get("failure")
        fields["failure"] = Failure.from_dict(failure) if failure else None
        fields["notes"] = tuple(fields.get("notes", ()))
        fields["status"] = Status(fields.get("status"))
        if fields["status"] not in OBSERVATION_STATUSES:
            raise ValueError(f"not an observation's status: {fields['status']!r}")
        return Observation(**fields)


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: a stable id, a status and a message in the student's terms."""

    id: str  # e.g. "q4.check_dense_units[layer=2]"
    status: Status  # PASSED, FAILED or SKIPPED
    message: Text
    expected: Any = None
    actual: Any = None
    hint: Text = ""

    @property
    def passed(self) -> bool:
        """Whether the check passed."""
        return self.status == PASSED


@dataclass(frozen=True)
class CriterionResult:
    """One line of the marking sheet: all-or-nothing points for a group of checks."""

    id: str  # e.g. "dropout", unique within its question
    title: Text
    points: float  # what the criterion is worth
    score: float  # points when every check passed, else 0
    subject: bool = False  # what the question is about (vs what it carries over)
    checks: tuple[str, ...] = ()  # ids of the CheckResults it is made of, in order

    @property
    def passed(self) -> bool:
        """Whether the criterion earned its points."""
        return self.score == self.points


@dataclass(frozen=True)
class QuestionResult:
    """The graded outcome of one question."""

    id: str
    title: Text
    score: float
    max_score: float
    status: Status  # PASSED, FAILED, or the fault that stopped it
    checks: tuple[CheckResult, ...] = ()
    message: Text = ""  # one line when the question could not be judged (not implemented, raised…)
    failure: Failure | None = None
    notes: tuple[Text, ...] = ()
    output: str = ""
    duration: float = 0.0
    attachments: dict[str, Any] = field(default_factory=dict)
    """JSON-safe extras for renderers: "figure" (base64 PNG), "layers" (stacks side by side)."""
    criteria: tuple[CriterionResult, ...] = ()
    """How the score was made: the question's criteria, each with its checks (empty when the
    question could not be judged)."""
    hidden_run: bool = False  # a hidden argument set was run: the output and a failure may hold
    # its arguments (the student's view hides them, grader/disclosure.py)
    hidden_failure: bool = False  # `failure` happened with a hidden argument set


@dataclass(frozen=True)
class GradeReport:
    """Everything the renderers need; totals are computed once by the scoring policy."""

    assignment: str
    submission: str
    score: float
    max_score: float
    questions: tuple[QuestionResult, ...]
    answers: dict[str, str] = field(default_factory=dict)
    notes: tuple[Text, ...] = ()
    lang: str = "en"  # the language renderers say its sentences in (grader/localize.py)
    grader_version: str = ""
    duration: float = 0.0
    hidden_sets: bool = False  # instructor grading: the hidden argument sets were used too
    review: tuple[Evidence, ...] = ()  # tamper evidence: the instructor reads it (no points)

    @property
    def needs_review(self) -> bool:
        """Whether the submission did something that reaches into the grader."""
        return bool(self.review)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form (the source of truth for every renderer)."""
        return {"kind": "grade_report", "schema": SCHEMA_VERSION, **asdict(self)}

    @staticmethod
    def from_json(data: dict[str, Any]) -> GradeReport:
        """Rebuild a report from its JSON form."""
        if data.get("kind") != "grade_report":
            raise ValueError("not a grade report")
        fields = {k: v for k, v in data.items() if k not in ("kind", "schema", "sentences")}
        fields["questions"] = tuple(_question_from_json(q) for q in fields["questions"])
        fields["notes"] = tuple(fields.get("notes", ()))
        fields["review"] = tuple(Evidence(**e) for e in fields.get("review", ()))
        return GradeReport(**fields)


def _question_from_json(data: dict[str, Any]) -> QuestionResult:
    """Rebuild one question result from its JSON form."""
    fields = dict(data)
    fields["status"] = Status(fields["status"])
    fields["checks"] = tuple(CheckResult(**{**c, "status": Status(c["status"])})
                             for c in fields.get("checks", ()))
    fields["failure"] = Failure.from_dict(fields["failure"]) if fields.get("failure") else None
    fields["notes"] = tuple(fields.get("notes", ()))
    fields["attachments"] = dict(fields.get("attachments") or {})
    fields["criteria"] = tuple(CriterionResult(**{**c, "checks": tuple(c.get("checks", ()))})
                               for c in fields.get("criteria", ()))
    return QuestionResult(**fields)


def clean_report(report: GradeReport) -> GradeReport:
    """Return the report with every string cleaned (renderers' guard; a no-op on clean reports)."""
    return GradeReport.from_json(clean_data(report.to_json()))


def clean_question(result: QuestionResult) -> QuestionResult:
    """Return one question's result with every string cleaned (a streamed question's guard)."""
    return _question_from_json(clean_data(asdict(result)))
