"""Bad scan files: a clear message (a template of prompts/evidence.yaml), never a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fakes.prowler import CheckSpec, compliance_csv, ocsf_findings, ocsf_json, scan_rows

from assessment.evidence import EvidenceError, read_scan
from assessment.evidence.errors import say


def _key(data: bytes, name: str = "scan.csv") -> str:
    with pytest.raises(EvidenceError) as caught:
        read_scan(data, name)
    message = str(caught.value)
    assert name in message and "Traceback" not in message
    assert message == say(f"error_{caught.value.key}", **caught.value.values)
    return caught.value.key


def test_not_a_prowler_file() -> None:
    assert _key(b"name,email\nann,a@example.com\n") == "not_prowler"
    assert _key(b"hello world, this is a note\n") == "not_prowler"
    assert _key(b'{"hello": "world"}', "x.json") == "not_prowler"
    assert _key(b"[1, 2, 3]", "x.json") == "not_prowler"
    assert _key(b"{not json", "x.json") == "not_prowler"


def test_csv_lacking_columns_names_them() -> None:
    text = "PROVIDER;ACCOUNTID;STATUS\naws;1;PASS\n"
    with pytest.raises(EvidenceError, match="REQUIREMENTS_ID, CHECKID") as caught:
        read_scan(text.encode(), "scan.csv")
    assert caught.value.key == "missing_columns"


def test_prowler_findings_csv_is_pointed_to_the_compliance_csv() -> None:
    text = "AUTH_METHOD;TIMESTAMP;ACCOUNT_UID;CHECK_ID;STATUS;COMPLIANCE\nx;y;1;s3;PASS;SOC2: cc_6_1\n"
    assert _key(text.encode()) == "findings_csv"


def test_csv_from_another_framework() -> None:
    rows = scan_rows(framework="CIS")
    for row in rows:
        row["REQUIREMENTS_ID"] = "1.1"
    with pytest.raises(EvidenceError, match="CIS") as caught:
        read_scan(compliance_csv(rows).encode(), "cis.csv")
    assert caught.value.key == "other_framework"
    for row in rows:
        row["FRAMEWORK"] = ""
    assert _key(compliance_csv(rows).encode()) == "no_soc2"


def test_empty_scans() -> None:
    assert _key(b"") == "empty_file"
    assert _key(b"   \n") == "empty_file"
    assert _key(compliance_csv([]).encode()) == "empty_scan"
    assert _key(b"[]", "x.json") == "empty_scan"


def test_mixed_providers() -> None:
    rows = scan_rows() + scan_rows([CheckSpec("entra_security_defaults_enabled", 1)], provider="azure")
    with pytest.raises(EvidenceError, match="AWS and Azure") as caught:
        read_scan(compliance_csv(rows).encode(), "mixed.csv")
    assert caught.value.key == "mixed_providers"
    findings = ocsf_findings() + ocsf_findings([CheckSpec("logging_sink_created", 1)], provider="gcp")
    assert _key(ocsf_json(findings).encode(), "x.json") == "mixed_providers"


def test_binary_junk() -> None:
    assert _key(os.urandom(4096)) == "binary"
    assert _key(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "x.png") == "binary"
    assert _key(b"PK\x03\x04" + b"\x00" * 64, "scan.zip") == "binary"


def test_session_file_is_recognised() -> None:
    assert _key(json.dumps({"kind": "soc2-ready-session"}).encode(), "SESSION.json") == "session_file"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no such file"):
        read_scan(tmp_path / "nope.csv")
    with pytest.raises(EvidenceError, match="folder"):
        read_scan(tmp_path)


def test_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assessment.evidence.reader.MAX_BYTES", 1000)
    assert _key(compliance_csv(scan_rows()).encode()) == "too_large"


def test_broken_csv_row_names_the_line() -> None:
    text = compliance_csv(scan_rows()) + '"unterminated' + "x" * 2_000_001
    with pytest.raises(EvidenceError, match="line") as caught:
        read_scan(text.encode(), "scan.csv")
    assert caught.value.key == "bad_row"


def test_unknown_statuses_and_blank_rows_are_skipped() -> None:
    rows = scan_rows([CheckSpec("s3_bucket_public_access", 2, 1)])
    rows.append(rows[0] | {"STATUS": "INFO"})
    text = compliance_csv(rows) + "\n;;;\n"
    cc61 = read_scan(text.encode(), "x.csv").criterion("CC6.1")
    assert cc61 is not None and (cc61.passed, cc61.failed) == (1, 1)
