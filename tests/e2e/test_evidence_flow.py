"""End to end: a Prowler file -> the interview (CLI import into a session) -> the report in every format."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from fakes.messages import shows
from fakes.prowler import compliance_csv, scan_rows

from assessment.cli.main import main
from assessment.evidence.errors import say
from assessment.evidence.prefill import count
from assessment.interview.engine import Interview
from assessment.report import render, report_schema


def _answer_all(iv: Interview) -> None:
    while (q := iv.next_question()) is not None:
        iv.answer("confirm" if q.proposed_label else (q.options[0] if q.kind == "carve_out" else "Yes"))


def test_file_to_interview_to_report(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    scan = tmp_path / "prowler-output-123456789012-20261130_soc2_aws.csv"
    scan.write_text(compliance_csv(scan_rows()), encoding="utf-8")
    session = tmp_path / "SESSION.json"
    session.write_text(
        json.dumps(Interview(scope={"security"}, report_type="type2").to_dict()), encoding="utf-8"
    )

    assert main(["import-evidence", str(scan), "--session", str(session)]) == 0
    assert shows(capsys.readouterr().out, "imported", "evidence.yaml")
    iv = Interview.from_dict(json.loads(session.read_text(encoding="utf-8")))
    _answer_all(iv)
    report = iv.report()
    assert report.criterion_status["CC6.1"] == "partial"
    gap = next(g for g in report.gaps if g.criterion_id == "CC6.1")
    assert gap.evidence_found[0].failing_checks[0].check_id == "s3_bucket_public_access"

    md = str(render(report, "md"))
    assert say("report_heading") in md and "s3_bucket_public_access: 3 of 12 resources fail" in md
    assert say("report_type2_note") in md and say("report_met_heading") in md
    html = str(render(report, "html"))
    assert 'id="scan-evidence"' in html and "s3_bucket_public_access: 3 of 12 resources fail" in html
    pdf = render(report, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    exported = json.loads(str(render(report, "json")))
    jsonschema.validate(exported, report_schema())
    failing = exported["scan_evidence"]["gaps"][0]["scans"][0]["failing_checks"][0]
    assert failing["total"] >= failing["failed"] > 0
    assert {m["criterion_id"] for m in exported["scan_evidence"]["met"]} >= {"CC1.3"}


def test_stale_scan_is_flagged_in_the_report() -> None:
    iv = Interview(scope={"security"})
    iv.import_evidence(compliance_csv(scan_rows(when="2020-01-01 00:00:00")).encode(), "old.csv")
    _answer_all(iv)
    md = str(render(iv.report(), "md"))
    assert shows(md, "report_stale", "evidence.yaml")


def test_cli_bad_file_exits_2_and_leaves_the_session(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    session = tmp_path / "SESSION.json"
    saved = json.dumps(Interview(scope={"security"}).to_dict())
    session.write_text(saved, encoding="utf-8")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\xff\x10" * 500)
    assert main(["import-evidence", str(junk), "--session", str(session)]) == 2
    assert say("error_binary", file="junk.csv") in capsys.readouterr().err
    assert session.read_text(encoding="utf-8") == saved


def test_cli_without_session_prints_the_evidence(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    scan = tmp_path / "scan.csv"
    scan.write_text(compliance_csv(scan_rows()), encoding="utf-8")
    assert main(["import-evidence", str(scan)]) == 0
    out = capsys.readouterr().out
    fails = say("check_fails", check="s3_bucket_public_access", failed=3, total=count(12, "resources"))
    assert fails in out and f"CC6.1 {say('reading_partial')}." in out
    assert "manual only (asked as usual): CC1.1, CC2.2, CC9.1" in out
