"""Domain values of the interview: questions, interpretations, replies, gaps and the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from assessment.evidence.models import CriterionEvidence, ScanInfo

Label = Literal["yes", "partial", "no", "unknown", "not_applicable"]
LABELS: tuple[Label, ...] = ("yes", "partial", "no", "unknown", "not_applicable")

Status = Literal["met", "partial", "missing", "unknown", "not_applicable"]
STATUSES: tuple[Status, ...] = ("met", "partial", "missing", "unknown", "not_applicable")

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")

Effort = Literal["S", "M", "L"]
EFFORTS: tuple[Effort, ...] = ("S", "M", "L")

ReportType = Literal["type1", "type2"]

QuestionKind = Literal["scoping", "scope_confirm", "scored", "followup", "carve_out", "clarify", "revisit"]
ReplyKind = Literal["answer", "clarify", "command", "side_question", "progress", "scope", "finished", "error"]


@dataclass(frozen=True)
class Interpretation:
    """How an answer was understood: one label of the fixed set and a confidence in 0..1."""

    label: Label
    confidence: float
    reason: str = ""
    source: str = "rules"  # "quick_reply", "model", "rules", "llm", ...
    # The likeliest readings, best first (the model's; used for the quick replies of a clarification).
    alternatives: tuple[Label, ...] = ()
    asks: bool = False  # the answer is itself a question to the assistant: answer it, never record it


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
    # A reading pre-filled from imported scan evidence (shown in ``display_text``); the founder
    # confirms it in one reply ("confirm") or answers normally. None when no scan checked this.
    proposed_label: Label | None = None

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
    understood: str | None = None  # one line of what was recorded, in the founder's terms


@dataclass(frozen=True)
class AnswerRecord:
    """One answered question for the report's appendix (the answer kept whole).

    ``answer`` reads on its own: the founder's words, their reply to a clarifying question and, for
    an answer implied by an earlier one, a note naming it. The report quotes only what the founder
    typed, so it keeps the parts apart: ``own_words`` (empty when ``answer`` is just that),
    ``clarification`` and ``follows_from`` (the earlier answer's criterion, "CC3.2 Identify and
    analyse risks").
    """

    question_id: str
    question_text: str
    answer: str
    label: str
    confidence: float
    source: str
    criteria: tuple[str, ...] = ()
    own_words: str = ""
    clarification: str = ""
    follows_from: str = ""

    @property
    def typed(self) -> str:
        """What the founder typed for this question (for an implied answer: for the earlier one)."""
        return self.own_words or self.answer


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
    # Cross-references as (id, name), most relevant first (assessment/report/crossref.py).
    iso27001: tuple[tuple[str, str], ...] = ()
    question_ids: tuple[str, ...] = ()
    nist_800_53: tuple[tuple[str, str], ...] = ()
    owner: str | None = None  # name or role, set by the founder (Interview.assign)
    due: str | None = None  # ISO date, set by the founder
    evidence_found: tuple[CriterionEvidence, ...] = ()  # from imported scans (failing checks, resources)


@dataclass(frozen=True)
class Subservice:
    """A subservice organization (carve-out) and the duties that stay with the founder."""

    name: str
    role: str
    criteria: tuple[str, ...]
    complementary_controls: tuple[str, ...]


@dataclass(frozen=True)
class RevisionRecord:
    """One change to an earlier answer, for the audit trail in the report's appendix."""

    question_id: str
    question_text: str
    changed_at: str  # ISO 8601 timestamp, UTC
    changed_by: str  # who changed it: a signed-in user, else "" (the founder)
    old_answer: str
    old_label: str  # "skipped" when the question had been skipped
    new_answer: str
    new_label: str


@dataclass(frozen=True)
class UserEntityControl:
    """A complementary user entity control (CUEC): what the founder's customers must do themselves.

    ``basis`` says why it is listed: ``always`` (every SaaS product), ``answer`` (``evidence`` holds
    the founder's words), ``profile`` (``evidence`` names the scoping field) or ``scope`` (the category).
    """

    id: str
    text: str
    criteria: tuple[str, ...]
    basis: str
    evidence: str = ""


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
    # Imported scan evidence: the scans, and per in-scope criterion what they found.
    scans: tuple[ScanInfo, ...] = ()
    evidence_found: dict[str, tuple[CriterionEvidence, ...]] = field(default_factory=dict)
    # What the founder's customers must do for the controls to work (assessment/scoping/user_controls.py).
    user_entity_controls: tuple[UserEntityControl, ...] = ()
    # Changes to earlier answers, oldest first: who changed what, when (the session's audit trail).
    revisions: tuple[RevisionRecord, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)
