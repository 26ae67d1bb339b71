"""Pre-filled readings in the interview: shown with the evidence, confirmed in one reply or overridden."""

from __future__ import annotations

import json

import pytest
from fakes.prowler import compliance_csv, scan_rows

from assessment.evidence import EvidenceError
from assessment.evidence.errors import say
from assessment.interview.engine import Interview
from assessment.models import Question


def _scan() -> bytes:
    return compliance_csv(scan_rows()).encode()


def _until(iv: Interview, qid: str) -> Question:
    while (q := iv.next_question()) is not None and q.id != qid:
        iv.answer(q.options[0] if q.kind == "carve_out" else "yes")
    assert q is not None
    return q


def test_question_shows_evidence_and_confirm_records_the_proposed_label() -> None:
    iv = Interview(scope={"security"})
    summary = iv.import_evidence(_scan(), "scan.csv")
    assert summary.criterion("CC6.1") is not None
    q = _until(iv, "cc6_1_mfa_sso")
    assert q.proposed_label == "partial" and q.options[0] == say("option_confirm")
    assert "`s3_bucket_public_access` fails for 3 of 12 resources → CC6.1 partly in place" in q.display_text
    assert "Prowler scan of 2026-11-30, AWS account 123456789012" in q.display_text
    assert q.text != q.display_text  # the answer is still read against the bank's question
    reply = iv.answer("yes, that's right")
    assert reply.label == "partial" and reply.message == say("confirmed", reading=say("reading_partial"))
    event = next(e for e in iv.to_dict()["events"] if e["qid"] == "cc6_1_mfa_sso")
    assert (event["label"], event["source"], event["text"]) == ("partial", "evidence", "yes, that's right")
    assert iv.report().criterion_status["CC6.1"] == "partial"


def test_any_other_reply_is_a_normal_answer() -> None:
    iv = Interview(scope={"security"})
    iv.import_evidence(_scan(), "scan.csv")
    _until(iv, "cc6_1_mfa_sso")
    assert iv.answer("No").label == "no"
    assert iv.report().criterion_status["CC6.1"] == "missing"


def test_numbered_quick_reply_one_confirms() -> None:
    iv = Interview(scope={"security"})
    iv.import_evidence(_scan(), "scan.csv")
    _until(iv, "cc6_1_mfa_sso")
    assert iv.answer("1").label == "partial"


def test_manual_only_and_unscanned_criteria_are_asked_as_usual() -> None:
    iv = Interview(scope={"security"})
    iv.import_evidence(_scan(), "scan.csv")
    for qid in ("cc1_1_code_of_conduct", "cc6_2_access_lifecycle"):  # MANUAL row; no check in the scan
        fresh = Interview.from_dict(iv.to_dict())
        q = _until(fresh, qid)
        assert q.proposed_label is None and q.display_text == q.text


def test_evidence_survives_save_and_resume() -> None:
    iv = Interview(scope={"security"})
    iv.import_evidence(_scan(), "scan.csv")
    data = json.loads(json.dumps(iv.to_dict()))
    resumed = Interview.from_dict(data)
    assert resumed.to_dict()["evidence"] == data["evidence"]
    assert _until(resumed, "cc6_1_mfa_sso").proposed_label == "partial"


def test_bad_file_changes_nothing() -> None:
    iv = Interview(scope={"security"})
    iv.next_question()
    iv.answer("carve")  # something recorded or asked: the state is not empty
    before = json.dumps(iv.to_dict(), sort_keys=True)
    for junk in (b"", b"\x00\x01\x02" * 100, b"a,b\n1,2\n", compliance_csv([]).encode()):
        with pytest.raises(EvidenceError):
            iv.import_evidence(junk, "bad.csv")
    assert json.dumps(iv.to_dict(), sort_keys=True) == before


def test_a_new_scan_of_the_same_account_replaces_the_old_one() -> None:
    iv = Interview(scope={"security"})
    iv.import_evidence(_scan(), "old.csv")
    iv.import_evidence(_scan(), "new.csv")
    assert [e["info"]["source"] for e in iv.to_dict()["evidence"]] == ["new.csv"]
    assert say("imported_replaced", provider="AWS") in iv.transcript[-1][1]


def test_stale_scan_is_flagged_in_the_question() -> None:
    iv = Interview(scope={"security"})
    iv.import_evidence(compliance_csv(scan_rows(when="2020-01-01 00:00:00")).encode(), "old.csv")
    q = _until(iv, "cc6_1_mfa_sso")
    assert "days old" in q.display_text
