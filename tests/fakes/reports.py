"""Hand-made ``Report`` values for the report renderer tests and the report benchmark."""

from __future__ import annotations

import random
from dataclasses import replace

from assessment.models import AnswerRecord, CriterionResult, Gap, Report, RevisionRecord, Status, Subservice
from assessment.report import crossref
from knowledge.corpus import default_corpus
from knowledge.models import CATEGORIES

_SEVERITIES = ("critical", "high", "medium", "low")
_EFFORTS = ("S", "M", "L")
_ANSWERS = {
    "met": ("Yes, enforced for everyone through Okta since last year.", "yes", 0.93),
    "partial": ("Mostly, except for two contractors who still use passwords.", "partial", 0.81),
    "missing": ("No, we have not done this yet.", "no", 0.9),
    "unknown": ("Not sure, I need to ask our CTO.", "unknown", 0.7),
    "not_applicable": ("We have no physical office, everything is remote.", "not_applicable", 0.88),
}


def _score(statuses: list[Status]) -> float:
    applicable = [s for s in statuses if s != "not_applicable"]
    if not applicable:
        return 0.0
    points = sum(1.0 if s == "met" else 0.5 if s == "partial" else 0.0 for s in applicable)
    return 100.0 * points / len(applicable)


def make_report(
    seed: int = 7,
    categories: tuple[str, ...] = CATEGORIES,
    finished: bool = True,
    report_type: str = "type2",
    target_date: str | None = "2026-09-30",
    answer_overrides: dict[int, str] | None = None,
    session_name: str = "Acme Analytics",
) -> Report:
    """A realistic report over ``categories``: one answered question per criterion, mixed statuses.

    With ``finished=False`` the last third of each category is left unassessed.
    ``answer_overrides`` replaces the answer text of the given answer indexes (hostile input tests).
    """
    rng = random.Random(seed)
    corpus = default_corpus()
    results: list[CriterionResult] = []
    gaps: list[Gap] = []
    answers: list[AnswerRecord] = []
    not_assessed: list[str] = []
    scores: dict[str, float] = {}
    weights: dict[str, int] = {}
    for category in categories:
        statuses: list[Status] = []
        criteria = corpus.by_category(category)
        for index, criterion in enumerate(criteria):
            assessed = finished or index < (2 * len(criteria)) // 3
            status: Status = (
                rng.choices(("met", "partial", "missing", "unknown", "not_applicable"), (5, 3, 3, 1, 1))[0]
                if assessed
                else "unknown"
            )
            if criterion.id == "CC6.4":
                status = "not_applicable"
            statuses.append(status)
            qid = f"q_{criterion.id.lower().replace('.', '_')}"
            results.append(
                CriterionResult(
                    criterion_id=criterion.id,
                    title=criterion.title,
                    category=category,
                    status=status,
                    score={"met": 1.0, "partial": 0.5}.get(status, 0.0),
                    assessed=assessed,
                    documented=status == "met" or None,
                    operating=(status == "met" and rng.random() > 0.3) if assessed else None,
                    question_ids=(qid,) if assessed else (),
                )
            )
            if not assessed:
                not_assessed.append(criterion.id)
                continue
            text, label, confidence = _ANSWERS[status]
            answers.append(
                AnswerRecord(
                    question_id=qid,
                    question_text=f"How do you handle this today: {criterion.title.lower()}?",
                    answer=text,
                    label=label,
                    confidence=confidence,
                    source="rules",
                    criteria=(criterion.id,),
                )
            )
            if status in ("partial", "missing", "unknown"):
                gaps.append(
                    Gap(
                        criterion_id=criterion.id,
                        title=criterion.title,
                        category=category,
                        status=status,
                        severity=rng.choice(_SEVERITIES),
                        effort=rng.choice(_EFFORTS),
                        remediation=(
                            f"Write a one-page procedure for {criterion.title.lower()} and name an owner.",
                            "Put it into practice and keep dated records (tickets, screenshots, logs).",
                            "Review it every quarter and note the review in your tracker.",
                        ),
                        evidence=criterion.auditor_evidence[:3],
                        why_it_matters=criterion.pitfalls[0],
                        iso27001=crossref.pairs(crossref.iso27001(criterion.id)),
                        nist_800_53=crossref.pairs(crossref.nist_800_53(criterion.id)),
                        question_ids=(qid,),
                    )
                )
        applicable = [s for s in statuses if s != "not_applicable"]
        scores[category] = round(_score(statuses), 1)
        weights[category] = len(applicable)
    total = sum(weights.values()) or 1
    overall = round(sum(scores[c] * weights[c] for c in scores) / total, 1)
    status_map = {r.criterion_id: r.status for r in results}
    met = [r for r in results if r.status == "met"]
    operating = [r for r in met if r.operating]
    applicable_count = sum(1 for r in results if r.status != "not_applicable") or 1
    report = Report(
        session_name=session_name,
        generated_on="2026-03-02",
        scope=tuple(categories),
        report_type=report_type,  # type: ignore[arg-type]
        category_scores=scores,
        overall=overall,
        type1_readiness=overall,
        type2_readiness=round(100.0 * len(operating) / applicable_count, 1),
        criterion_status=status_map,
        criteria=tuple(results),
        gaps=gaps,
        not_assessed=tuple(not_assessed),
        subservices=(
            Subservice(
                name="Amazon Web Services",
                role="Cloud hosting (infrastructure and physical security)",
                criteria=("CC6.4", "A1.2"),
                complementary_controls=(
                    "Restrict and review who can use the AWS root account and IAM administrators.",
                    "Turn on encryption and backups for your own databases and buckets.",
                ),
            ),
        ),
        answers=tuple(answers),
        finished=finished,
        profile={"company": session_name, "employees": "12"},
        target_date=target_date,
        questions_asked=len(answers),
    )
    if answer_overrides:
        changed = list(report.answers)
        for index, text in answer_overrides.items():
            changed[index] = replace(changed[index], answer=text)
        report = replace(report, answers=tuple(changed))
    return report


def answer_changes(
    changed_to: str, second_at: str = "2026-12-03T10:00:00+00:00"
) -> tuple[RevisionRecord, ...]:
    """Two changes for a report's audit trail: a named editor's Yes -> ``changed_to`` (partial), then
    the founder answering a skipped question "No"."""
    return (
        RevisionRecord(
            "cc6_1_mfa",
            "Do you require MFA?",
            "2026-12-02T09:15:00+00:00",
            "dana@example.com",
            "Yes",
            "yes",
            changed_to,
            "partial",
        ),
        RevisionRecord("cc7_2_monitoring", "Do you monitor?", second_at, "", "", "skipped", "No", "no"),
    )
