"""Pure, deterministic scoring: answers -> criterion status -> category scores, readiness and gaps.

The model is documented in ``docs/scoring.md``. Nothing here reads the clock, the environment or any
mutable state: the same inputs always give the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assessment.bank.loader import QuestionBank, ScoredQuestion
from assessment.models import (
    SEVERITIES,
    AnswerRecord,
    CriterionResult,
    Gap,
    Label,
    Report,
    ReportType,
    Severity,
    Status,
    Subservice,
)
from assessment.report import crossref
from assessment.report.text import truncate
from assessment.templates import render_message
from knowledge.corpus import Corpus
from knowledge.text import one_line

LABEL_VALUE: dict[str, float] = {"yes": 1.0, "partial": 0.5, "no": 0.0, "unknown": 0.0}
STATUS_CREDIT: dict[str, float] = {"met": 1.0, "partial": 0.5, "missing": 0.0, "unknown": 0.0}
MET_AT = 0.75  # weighted mean at or above this is "met"
PARTIAL_AT = 0.25  # at or above this (and below MET_AT) is "partial"; below is "missing"
UNEVIDENCED_OPERATION = 0.5  # Type II credit when an operating follow-up exists but was not answered
_EFFORT_ORDER = {"S": 0, "M": 1, "L": 2}
_EXCERPT = 160


@dataclass(frozen=True)
class ScoringInput:
    """What scoring needs from an interview; answers are keyed by question or follow-up ID."""

    scope: tuple[str, ...]
    report_type: ReportType
    answers: Mapping[str, AnswerRecord]
    carved: Mapping[str, str] = field(default_factory=dict)  # criterion ID -> provider
    inapplicable: frozenset[str] = frozenset()  # question IDs whose ask_if condition is false


def primary_questions(bank: QuestionBank, criterion_id: str) -> tuple[ScoredQuestion, ...]:
    """Questions whose primary criterion is this one (or, if none, every question informing it)."""
    return bank.primary_for(criterion_id) or bank.questions_for(criterion_id)


def _followup_label(question: ScoredQuestion, kind: str, answers: Mapping[str, AnswerRecord]) -> Label | None:
    labels = [answers[f.id].label for f in question.followups if f.kind == kind and f.id in answers]
    for label in ("no", "partial", "unknown", "yes"):  # the weakest answer wins
        if label in labels:
            return label
    return None


def _question_value(question: ScoredQuestion, answers: Mapping[str, AnswerRecord]) -> float:
    value = LABEL_VALUE[answers[question.id].label]
    detail = _followup_label(question, "detail", answers)
    if detail in ("yes", "partial", "no"):
        value = min(value, LABEL_VALUE[detail])
    return value


def _status_of(mean: float) -> Status:
    if mean >= MET_AT:
        return "met"
    return "partial" if mean >= PARTIAL_AT else "missing"


def assess_criterion(
    criterion_id: str, inp: ScoringInput, bank: QuestionBank, corpus: Corpus
) -> CriterionResult:
    """Status and score of one criterion from the answers (see docs/scoring.md)."""
    criterion = corpus.get(criterion_id)
    title, category = criterion.title, criterion.category
    informing = tuple(q for q in bank.questions_for(criterion_id) if q.category in inp.scope)
    ids = tuple(q.id for q in informing)

    def settled(status: Status, assessed: bool, reason: str) -> CriterionResult:
        # A criterion decided without a weighted mean: carved out, ruled out or not known.
        return CriterionResult(
            criterion_id, title, category, status, 0.0, assessed, reason=reason, question_ids=ids
        )

    if criterion_id in inp.carved:
        return settled(
            "not_applicable", True, render_message("reason_carved", provider=inp.carved[criterion_id])
        )
    primaries = [q for q in primary_questions(bank, criterion_id) if q.category in inp.scope]
    answered_primary = [q for q in primaries if q.id in inp.answers]
    if not answered_primary:
        if primaries and all(q.id in inp.inapplicable for q in primaries):
            return settled("not_applicable", True, render_message("reason_condition"))
        return settled("unknown", False, render_message("reason_not_assessed"))
    weighted: list[tuple[float, float]] = []
    labels: list[str] = []
    for question in informing:
        record = inp.answers.get(question.id)
        if record is None or record.label == "not_applicable":
            continue
        labels.append(record.label)
        weighted.append((question.criteria[criterion_id], _question_value(question, inp.answers)))
    if not weighted:
        return settled("not_applicable", True, render_message("reason_answered_na"))
    if all(label == "unknown" for label in labels):
        return settled("unknown", True, render_message("reason_unsure"))
    mean = sum(w * v for w, v in weighted) / sum(w for w, _ in weighted)
    documented = _flag(primaries, "documented", inp.answers)
    operating = _flag(primaries, "operating", inp.answers)
    reason = ""
    status = _status_of(mean)
    # An undocumented control is at most partly designed; for Type II, so is one without records.
    if status == "met" and documented is False:
        status, mean, reason = "partial", min(mean, 0.5), render_message("reason_not_documented")
    elif status == "met" and inp.report_type == "type2" and operating is False:
        status, mean, reason = "partial", min(mean, 0.5), render_message("reason_not_operating")
    return CriterionResult(
        criterion_id, title, category, status, round(mean, 4), True, documented, operating, reason, ids
    )


def _flag(questions: list[ScoredQuestion], kind: str, answers: Mapping[str, AnswerRecord]) -> bool | None:
    labels = [_followup_label(q, kind, answers) for q in questions]
    known = [label for label in labels if label is not None and label != "unknown"]
    if not known:
        return None
    return all(label == "yes" for label in known)


def criterion_results(inp: ScoringInput, bank: QuestionBank, corpus: Corpus) -> tuple[CriterionResult, ...]:
    """Every in-scope criterion, in official order."""
    return tuple(
        assess_criterion(c.id, inp, bank, corpus) for c in corpus.criteria if c.category in inp.scope
    )


def _applicable(results: tuple[CriterionResult, ...], category: str) -> list[CriterionResult]:
    return [r for r in results if r.category == category and r.status != "not_applicable"]


def category_scores(results: tuple[CriterionResult, ...], scope: tuple[str, ...]) -> dict[str, float]:
    """100 × (met + ½ partial) / applicable criteria, per in-scope category (100 if none apply)."""
    scores: dict[str, float] = {}
    for category in scope:
        applicable = _applicable(results, category)
        credit = sum(STATUS_CREDIT[r.status] for r in applicable)
        scores[category] = round(100.0 * credit / len(applicable), 1) if applicable else 100.0
    return scores


def overall_score(results: tuple[CriterionResult, ...], scope: tuple[str, ...]) -> float:
    """Mean of category scores weighted by each category's number of applicable criteria."""
    applicable = [r for r in results if r.category in scope and r.status != "not_applicable"]
    if not applicable:
        return 100.0
    return round(100.0 * sum(STATUS_CREDIT[r.status] for r in applicable) / len(applicable), 1)


def operating_factor(criterion_id: str, inp: ScoringInput, bank: QuestionBank) -> float:
    """Share of a criterion's credit that counts for Type II (records over the observation window)."""
    primaries = [q for q in primary_questions(bank, criterion_id) if q.category in inp.scope]
    operating = [f for q in primaries for f in q.followups if f.kind == "operating"]
    if not operating:
        return 1.0  # no separate question: the answer itself describes a running control
    answered = [inp.answers[f.id].label for f in operating if f.id in inp.answers]
    if not answered:
        return UNEVIDENCED_OPERATION
    return min(LABEL_VALUE.get(label, 1.0) for label in answered)


def readiness(
    results: tuple[CriterionResult, ...], inp: ScoringInput, bank: QuestionBank
) -> tuple[float, float]:
    """(type1, type2) readiness in 0..100; Type II weighs each criterion by its operating evidence."""
    applicable = [r for r in results if r.status != "not_applicable"]
    if not applicable:
        return 100.0, 100.0
    type1 = sum(STATUS_CREDIT[r.status] for r in applicable)
    type2 = sum(STATUS_CREDIT[r.status] * operating_factor(r.criterion_id, inp, bank) for r in applicable)
    n = len(applicable)
    return round(100.0 * type1 / n, 1), round(min(100.0 * type2 / n, 100.0 * type1 / n), 1)


def _excerpt(text: str) -> str:
    """The founder's words on one line, cut at a word boundary with "…" (the appendix has them whole)."""
    return truncate(one_line(text), _EXCERPT, "…")


def _what_is_missing(result: CriterionResult, question: ScoredQuestion, inp: ScoringInput) -> str:
    record = inp.answers.get(question.id)
    if not result.assessed or record is None:
        return render_message("missing_not_assessed", question=question.text)
    words = _excerpt(record.typed)
    if result.status == "unknown":
        return render_message("missing_unsure", question=question.text, answer=words)
    if record.follows_from and result.status == "missing":
        text = render_message(
            "missing_implied", question=question.text, answer=words, criterion=record.follows_from
        )
    else:
        name = "missing_partial" if result.status == "partial" else "missing_no"
        text = render_message(name, question=question.text, answer=words)
    if result.documented is False:
        text += " " + render_message("missing_not_documented")
    if inp.report_type == "type2" and result.operating is False:
        text += " " + render_message("missing_not_operating")
    return text


def _severity(question: ScoredQuestion, status: Status) -> Severity:
    severity = question.remediation.severity
    if status == "partial":  # a control that partly works is one step less urgent
        return SEVERITIES[min(SEVERITIES.index(severity) + 1, len(SEVERITIES) - 1)]
    return severity


def find_gaps(
    results: tuple[CriterionResult, ...], inp: ScoringInput, bank: QuestionBank, corpus: Corpus
) -> list[Gap]:
    """Every in-scope criterion not met, by severity, then effort (S first), then criterion order."""
    gaps: list[tuple[tuple[int, int, int], Gap]] = []
    for order, result in enumerate(results):
        if result.status not in ("partial", "missing", "unknown"):
            continue
        candidates = [q for q in primary_questions(bank, result.criterion_id) if q.category in inp.scope]
        if not candidates:
            continue
        question = candidates[0]
        severity = _severity(question, result.status)
        gap = Gap(
            criterion_id=result.criterion_id,
            title=result.title,
            category=result.category,
            status=result.status,
            severity=severity,
            effort=question.remediation.effort,
            remediation=question.remediation.steps,
            evidence=question.evidence,
            what_is_missing=_what_is_missing(result, question, inp),
            why_it_matters=one_line(question.why),
            iso27001=crossref.pairs(crossref.iso27001(result.criterion_id)),
            question_ids=result.question_ids,
            nist_800_53=crossref.pairs(crossref.nist_800_53(result.criterion_id)),
        )
        key = (SEVERITIES.index(severity), _EFFORT_ORDER[gap.effort], order)
        gaps.append((key, gap))
    return [gap for _, gap in sorted(gaps, key=lambda item: item[0])]


def with_assignments(gaps: list[Gap], assignments: Mapping[str, Mapping[str, str | None]]) -> list[Gap]:
    """The gaps with the owner and due date the founder set (criterion ID -> {"owner", "due"})."""
    out = []
    for gap in gaps:
        given = assignments.get(gap.criterion_id)
        out.append(replace(gap, owner=given.get("owner"), due=given.get("due")) if given else gap)
    return out


def build_report(
    inp: ScoringInput,
    bank: QuestionBank,
    corpus: Corpus,
    *,
    session_name: str,
    generated_on: str,
    answers: tuple[AnswerRecord, ...],
    subservices: tuple[Subservice, ...],
    profile: dict[str, Any],
    questions_asked: int,
    finished: bool,
) -> Report:
    """Assemble the report: every figure is a pure function of the inputs."""
    results = criterion_results(inp, bank, corpus)
    type1, type2 = readiness(results, inp, bank)
    deadline = profile.get("audit_deadline")
    return Report(
        session_name=session_name,
        generated_on=generated_on,
        scope=inp.scope,
        report_type=inp.report_type,
        category_scores=category_scores(results, inp.scope),
        overall=overall_score(results, inp.scope),
        type1_readiness=type1,
        type2_readiness=type2,
        criterion_status={r.criterion_id: r.status for r in results},
        criteria=results,
        gaps=find_gaps(results, inp, bank, corpus),
        not_assessed=tuple(r.criterion_id for r in results if not r.assessed),
        subservices=subservices,
        answers=answers,
        finished=finished,
        profile=dict(profile),
        target_date=deadline if isinstance(deadline, str) else None,
        questions_asked=questions_asked,
    )
