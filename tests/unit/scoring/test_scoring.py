"""Scoring unit tests with hand-computed numbers on a small bank over the real corpus."""

from __future__ import annotations

import pytest
from fakes.messages import shows

from assessment.bank.loader import FollowUp, QuestionBank, ScoredQuestion
from assessment.models import AnswerRecord
from assessment.scoring import (
    ScoringInput,
    category_scores,
    criterion_results,
    find_gaps,
    overall_score,
    readiness,
)
from knowledge.corpus import Corpus, default_corpus

SCOPE = ("availability", "confidentiality")  # A1.1-A1.3 and C1.1-C1.2: five criteria


def question(
    qid: str,
    category: str,
    criteria: dict[str, float],
    severity: str = "medium",
    effort: str = "M",
    followups: tuple[FollowUp, ...] = (),
) -> ScoredQuestion:
    return ScoredQuestion.model_validate(
        {
            "id": qid,
            "category": category,
            "text": f"Question {qid}?",
            "why": f"Why {qid} matters.",
            "criteria": criteria,
            "evidence": [f"evidence for {qid}"],
            "remediation": {"steps": [f"fix {qid}"], "effort": effort, "severity": severity},
            "followups": [f.model_dump() for f in followups],
        }
    )


def followup(fid: str, kind: str) -> FollowUp:
    return FollowUp(id=fid, text=f"{fid}?", kind=kind)  # type: ignore[arg-type]


BANK = QuestionBank(
    scoping=(),
    scored=(
        question(
            "qa1",
            "availability",
            {"A1.1": 1.0, "A1.2": 0.5},
            "high",
            "S",
            (followup("qa1_doc", "documented"),),
        ),
        question("qa2", "availability", {"A1.2": 1.0}, "critical", "L"),
        question("qa3", "availability", {"A1.3": 1.0}),
        question("qc1", "confidentiality", {"C1.1": 1.0}, followups=(followup("qc1_ops", "operating"),)),
        question("qc2", "confidentiality", {"C1.2": 1.0}, "high", "S"),
    ),
)


def answers(**labels: str) -> dict[str, AnswerRecord]:
    return {
        qid: AnswerRecord(qid, f"Question {qid}?", f"answer {label}", label, 1.0, "test")
        for qid, label in labels.items()
    }


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return default_corpus()


def statuses(inp: ScoringInput, corpus: Corpus) -> dict[str, str]:
    return {r.criterion_id: r.status for r in criterion_results(inp, BANK, corpus)}


def test_hand_computed_type1(corpus: Corpus) -> None:
    inp = ScoringInput(
        SCOPE,
        "type1",
        answers(qa1="yes", qa1_doc="no", qa2="no", qc1="yes", qc1_ops="no", qc2="yes"),
        carved={"A1.3": "AWS"},
    )
    results = criterion_results(inp, BANK, corpus)
    by_id = {r.criterion_id: r for r in results}
    # A1.1: yes, but not documented -> met capped at partial
    assert by_id["A1.1"].status == "partial" and by_id["A1.1"].documented is False
    # A1.2: (0.5 x 1 + 1.0 x 0) / 1.5 = 0.333 -> partial
    assert by_id["A1.2"].status == "partial" and by_id["A1.2"].score == pytest.approx(0.3333, abs=1e-4)
    assert by_id["A1.3"].status == "not_applicable" and by_id["A1.3"].reason == "carved out to AWS"
    assert by_id["C1.1"].status == "met" and by_id["C1.1"].operating is False
    assert by_id["C1.2"].status == "met"
    scores = category_scores(results, SCOPE)
    assert scores == {"availability": 50.0, "confidentiality": 100.0}  # (0.5+0.5)/2, (1+1)/2
    assert overall_score(results, SCOPE) == 75.0  # (0.5+0.5+1+1)/4: weighted by applicable criteria
    # Type II: C1.1 has an operating follow-up answered no -> no Type II credit: (0.5+0.5+0+1)/4
    assert readiness(results, inp, BANK) == (75.0, 50.0)


def test_type2_report_caps_controls_without_records(corpus: Corpus) -> None:
    inp = ScoringInput(
        SCOPE, "type2", answers(qa1="yes", qa2="yes", qc1="yes", qc1_ops="no", qc2="yes", qa3="yes")
    )
    results = criterion_results(inp, BANK, corpus)
    assert statuses(inp, corpus)["C1.1"] == "partial"
    assert category_scores(results, SCOPE) == {"availability": 100.0, "confidentiality": 75.0}
    assert overall_score(results, SCOPE) == 90.0  # (1+1+1+0.5+1)/5
    type1, type2 = readiness(results, inp, BANK)
    assert (type1, type2) == (90.0, 80.0)  # C1.1 partial with no operating credit: 4/5
    assert type2 <= type1


def test_unevidenced_operation_counts_half_for_type2(corpus: Corpus) -> None:
    inp = ScoringInput(("confidentiality",), "type1", answers(qc1="yes", qc2="yes"))
    results = criterion_results(inp, BANK, corpus)
    assert readiness(results, inp, BANK) == (100.0, 75.0)  # (0.5 + 1) / 2


def test_secondary_weight_counts_less(corpus: Corpus) -> None:
    partial = ScoringInput(SCOPE, "type1", answers(qa1="yes", qa2="partial"))
    assert statuses(partial, corpus)["A1.2"] == "partial"  # (0.5 + 0.5) / 1.5 = 0.67 < 0.75
    met = ScoringInput(SCOPE, "type1", answers(qa1="partial", qa2="yes"))
    assert statuses(met, corpus)["A1.2"] == "met"  # (0.25 + 1) / 1.5 = 0.83
    secondary_only = ScoringInput(SCOPE, "type1", answers(qa1="yes"))
    assert statuses(secondary_only, corpus)["A1.2"] == "unknown"  # its own question is not answered yet


def test_unknown_not_applicable_and_unanswered(corpus: Corpus) -> None:
    inp = ScoringInput(SCOPE, "type1", answers(qa1="not_applicable", qa2="unknown"))
    results = {r.criterion_id: r for r in criterion_results(inp, BANK, corpus)}
    assert results["A1.1"].status == "not_applicable"
    assert results["A1.2"].status == "unknown" and results["A1.2"].assessed
    assert results["C1.1"].status == "unknown" and not results["C1.1"].assessed
    scores = category_scores(tuple(results.values()), SCOPE)
    assert scores == {"availability": 0.0, "confidentiality": 0.0}


def test_gaps_ordered_by_severity_then_effort_then_criterion(corpus: Corpus) -> None:
    inp = ScoringInput(SCOPE, "type1", answers(qa1="no", qa2="no", qa3="partial", qc1="yes", qc2="no"))
    gaps = find_gaps(criterion_results(inp, BANK, corpus), inp, BANK, corpus)
    # A1.2 critical/L, A1.1 high/S, C1.2 high/S, A1.3 medium->low (partial)/M
    assert [g.criterion_id for g in gaps] == ["A1.2", "A1.1", "C1.2", "A1.3"]
    first = gaps[0]
    assert (first.severity, first.effort, first.status) == ("critical", "L", "missing")
    assert first.remediation == ("fix qa2",) and first.evidence == ("evidence for qa2",)
    assert first.why_it_matters == "Why qa2 matters." and "answer no" in first.what_is_missing
    assert [cid for cid, _ in first.iso27001][:2] == ["A.8.13", "A.8.14"]  # curated primary references
    assert first.nist_800_53[0] == ("CP-9", "System Backup")
    assert gaps[3].severity == "low" and gaps[3].status == "partial"


def test_mid_interview_everything_unanswered_is_a_gap(corpus: Corpus) -> None:
    inp = ScoringInput(SCOPE, "type1", {})
    results = criterion_results(inp, BANK, corpus)
    assert all(r.status == "unknown" and not r.assessed for r in results)
    gaps = find_gaps(results, inp, BANK, corpus)
    assert len(gaps) == 5 and all(shows(g.what_is_missing, "missing_not_assessed") for g in gaps)
    assert overall_score(results, SCOPE) == 0.0
