"""Domain values of the interview: questions, interpretations, replies, gaps and the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Label = Literal["yes", "partial", "no", "unknown", "not_applicable"]
LABELS: tuple[Label, ...] = ("yes", "partial", "no", "unknown", "not_applicable")

Status = Literal["met", "partial", "missing", "unknown", "not_applicable"]
STATUSES: tuple[Status, ...] = ("met", "partial", "missing", "unknown", "not_applicable")

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")

Effort = Literal["S", "M", "L"]
EFFORTS: tuple[Effort, ...] = ("S", "M", "L")

ReportType = Literal["type1", "type2"]

QuestionKind = Literal["scoping", "scope_confirm", "scored", "followup", "carve_out", "clarify"]
ReplyKind = Literal["answer", "clarify", "command", "side_question", "progress", "scope", "finished", "error"]


@dataclass(frozen=True)
class Interpretation:
    """How an answer was understood: one label of the fixed set and a confidence in 0..1."""

    label: Label
    confidence: float
    reason: str = ""
    source: str = "rules"  # "quick_reply", "rules", "embedding", "llm", ...


@dataclass(frozen=True)
class Question:
    """One question the interview asks; ``criteria`` is empty for scoping questions."""

    id: str
    text: str
    category: str  # "scoping" or a category name such as "security"
    criteria: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    why: str = ""
    kind: QuestionKind = "scored"
    help: str = ""  # plain explanation of any jargon in the question
    # How a chat shows the question: the optional LLM's conversational rewording, else ``text``.
    # ``text`` always keeps the engine's wording, which is what the answer is scored against.
    display_text: str = ""

    def __post_init__(self) -> None:
        if not self.display_text:
            object.__setattr__(self, "display_text", self.text)


@dataclass(frozen=True)
class Reply:
    """What the assistant says after a user turn; ``label`` is None for commands and side questions."""

    message: str
    label: Label | None = None
    kind: ReplyKind = "answer"
    notice: str | None = None  # e.g. "answer truncated" or "LLM unavailable, used offline mode"
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerRecord:
    """One answered question for the report's appendix (the answer kept whole)."""

    question_id: str
    question_text: str
    answer: str
    label: str
    confidence: float
    source: str
    criteria: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionResult:
    """The assessed state of one criterion."""

    criterion_id: str
    title: str
    category: str
    status: Status
    score: float  # 0..1
    assessed: bool
    documented: bool | None = None  # Type I: designed and written down
    operating: bool | None = None  # Type II: running with records over the observation window
    reason: str = ""
    question_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gap:
    """A criterion that is not met, with what to do about it."""

    criterion_id: str
    title: str
    category: str
    status: Status
    severity: Severity
    effort: Effort
    remediation: tuple[str, ...]
    evidence: tuple[str, ...]
    what_is_missing: str = ""
    why_it_matters: str = ""
    iso27001: tuple[str, ...] = ()
    question_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subservice:
    """A subservice organization (carve-out) and the duties that stay with the founder."""

    name: str
    role: str
    criteria: tuple[str, ...]
    complementary_controls: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """Readiness figures and gaps computed from an interview (complete or partial)."""

    session_name: str
    generated_on: str  # ISO date of the session's last change, so a report is reproducible
    scope: tuple[str, ...]
    report_type: ReportType
    category_scores: dict[str, float]
    overall: float
    type1_readiness: float
    type2_readiness: float
    criterion_status: dict[str, Status]
    criteria: tuple[CriterionResult, ...]
    gaps: list[Gap]
    not_assessed: tuple[str, ...]
    subservices: tuple[Subservice, ...]
    answers: tuple[AnswerRecord, ...]
    finished: bool
    profile: dict[str, Any] = field(default_factory=dict)  # scoping answers
    target_date: str | None = None  # ISO date of the planned audit, if given
    questions_asked: int = 0
    # Executive-summary prose written by the optional LLM from the figures above (None offline).
    # It never changes a figure; the renderers show it next to the computed summary.
    summary_narrative: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)
