"""Implied answers: denying a control settles the questions that presuppose it, visibly and reversibly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assessment import Interview
from assessment.bank.loader import QUESTIONS_DIR, BankError, default_bank, load_bank
from assessment.interview.implied import IMPLIED_SOURCE
from assessment.templates import render_message

RISK = "cc3_2_risk_assessment"
BUILDS_ON_RISK = ("cc3_3_fraud_risk", "cc5_1_risk_controls")


def _until(iv: Interview, qid: str) -> list[str]:
    """Answer "Yes" to every question until ``qid`` is the open question; returns the IDs asked."""
    asked = []
    while (question := iv.next_question()) is not None and question.id != qid:
        asked.append(question.id)
        iv.answer("Yes")
    assert question is not None, f"{qid} was never asked"
    return asked


def _finish(iv: Interview) -> list[str]:
    asked = []
    while (question := iv.next_question()) is not None:
        asked.append(question.id)
        iv.answer("Yes")
    return asked


def test_the_bank_declares_what_presupposes_what() -> None:
    bank = default_bank()
    for qid in BUILDS_ON_RISK:
        assert bank.get(qid).presupposes == RISK
    assert bank.get("a1_3_recovery_testing").presupposes == "a1_2_backups"


def test_never_done_a_risk_assessment_settles_the_questions_about_the_register() -> None:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    _until(iv, RISK)
    reply = iv.answer("No, we've never done a risk assessment")
    assert reply.label == "no"
    assert reply.message.endswith(render_message("implied_note_many", count=2))
    asked_after = _finish(iv)
    assert not set(BUILDS_ON_RISK) & set(asked_after)
    records = {a.question_id: a for a in iv.answers()}
    for qid in BUILDS_ON_RISK:
        record = records[qid]
        assert (record.label, record.source) == ("no", IMPLIED_SOURCE)
        assert "never done a risk assessment" in record.answer and "CC3.2" in record.answer
    order = [a.question_id for a in iv.answers()]
    assert order.index(RISK) + 1 == order.index(BUILDS_ON_RISK[0])  # listed right after the answer
    report = iv.report()
    assert report.criterion_status["CC3.3"] == report.criterion_status["CC5.1"] == "missing"
    assert "CC3.3" not in report.not_assessed


def test_implied_answers_are_derived_not_stored_and_follow_a_changed_answer() -> None:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    _until(iv, RISK)
    iv.answer("No")
    data = iv.to_dict()
    assert all(e["source"] != IMPLIED_SOURCE for e in data["events"])
    again = Interview.from_dict(json.loads(json.dumps(data)))
    assert {a.question_id for a in again.answers() if a.source == IMPLIED_SOURCE} == set(BUILDS_ON_RISK)
    iv.revise(RISK, "yes, every year in a risk register")
    assert not [a for a in iv.answers() if a.source == IMPLIED_SOURCE]
    asked = _finish(iv)
    assert set(BUILDS_ON_RISK) <= set(asked)  # no longer settled: asked after all


def test_an_implied_answer_can_be_changed_like_any_other() -> None:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    _until(iv, RISK)
    iv.answer("No")
    reply = iv.revise("cc3_3_fraud_risk", "partly: we talked through insider misuse", by="dana@example.com")
    assert reply.label == "partial"
    record = next(a for a in iv.answers() if a.question_id == "cc3_3_fraud_risk")
    assert record.source != IMPLIED_SOURCE and record.label == "partial"
    (revision,) = iv.report().revisions
    assert (revision.question_id, revision.old_label, revision.changed_by) == (
        "cc3_3_fraud_risk",
        "no",
        "dana@example.com",
    )


def test_a_no_settles_its_type2_follow_up_as_implied() -> None:
    iv = Interview(scope=["security"], report_type="type2")
    iv.answer("No, we run our own servers")
    _until(iv, "cc2_2_security_training")
    iv.answer("no formal training")
    nxt = iv.next_question()
    assert nxt is not None and nxt.id != "cc2_2_security_training_operating"
    record = next(a for a in iv.answers() if a.question_id == "cc2_2_security_training_operating")
    assert (record.label, record.source) == ("no", IMPLIED_SOURCE)


def test_type1_follow_ups_for_type2_only_are_not_implied() -> None:
    iv = Interview(scope=["security"], report_type="type1")
    iv.answer("No, we run our own servers")
    _until(iv, "cc2_2_security_training")
    iv.answer("No")
    assert "cc2_2_security_training_operating" not in {a.question_id for a in iv.answers()}


def test_an_explicit_answer_wins_over_an_implied_one() -> None:
    iv = Interview(scope=["availability"])
    iv.answer("No, we run our own servers")
    _until(iv, "a1_2_backups")
    iv.answer("No backups yet")
    record = next(a for a in iv.answers() if a.question_id == "a1_3_recovery_testing")
    assert record.source == IMPLIED_SOURCE
    iv.revise("a1_2_backups", "yes, automated and encrypted")
    question = iv.next_question()  # no longer settled: asked now
    assert question is not None and question.id == "a1_3_recovery_testing"
    iv.answer("not yet")
    iv.revise("a1_2_backups", "no")
    record = next(a for a in iv.answers() if a.question_id == "a1_3_recovery_testing")
    assert record.source != IMPLIED_SOURCE and record.answer == "not yet"


def _bank_with(tmp_path: Path, qid: str, premise: str) -> Path:
    for path in QUESTIONS_DIR.glob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict):
            for item in raw["questions"]:
                if item["id"] == qid:
                    item["presupposes"] = premise
        (tmp_path / path.name).write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("qid", "premise", "reason"),
    [
        ("cc3_3_fraud_risk", "no_such_question", "is not another scored question"),
        ("cc3_3_fraud_risk", "a1_2_backups", "is not in security"),
        ("cc3_2_risk_assessment", "cc3_3_fraud_risk", "the premises form a cycle"),
    ],
)
def test_a_bad_premise_is_refused_naming_file_and_field(
    tmp_path: Path, qid: str, premise: str, reason: str
) -> None:
    with pytest.raises(BankError, match=rf"security_governance\.yaml: field {qid}\.presupposes: .*{reason}"):
        load_bank(_bank_with(tmp_path, qid, premise))
