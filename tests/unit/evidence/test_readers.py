"""Reading Prowler's compliance CSV and OCSF JSON into per-criterion evidence."""

from __future__ import annotations

import json

import pytest
from fakes.prowler import (
    ACCOUNT,
    HEADER,
    CheckSpec,
    compliance_csv,
    ocsf_findings,
    ocsf_json,
    scan_rows,
)

from assessment.evidence import EvidenceSummary, read_scan
from assessment.evidence.mapping import criterion_of, provider_mapping


def _csv(**kwargs: object) -> bytes:
    return compliance_csv(scan_rows(**kwargs)).encode()  # type: ignore[arg-type]


class TestComplianceCsv:
    def test_counts_failing_resources_per_check_and_criterion(self) -> None:
        s = read_scan(_csv(), "scan.csv")
        assert (s.info.provider, s.info.accounts, s.info.scan_date) == ("aws", (ACCOUNT,), "2026-11-30")
        cc61 = s.criterion("CC6.1")
        assert cc61 is not None and cc61.proposed_label == "partial"
        (check,) = cc61.failing_checks
        assert (check.check_id, check.failed, check.total) == ("s3_bucket_public_access", 3, 12)
        assert len(check.failing_examples) == 3
        a12 = s.criterion("A1.2")  # only CloudTrail, which fails everywhere
        assert a12 is not None and a12.proposed_label == "no"
        pi15 = s.criterion("PI1.5")  # RDS encryption fails for 2 of 4, EBS encryption passes
        assert pi15 is not None and (pi15.failed, pi15.passed, pi15.proposed_label) == (2, 12, "partial")
        cc13 = s.criterion("CC1.3")
        assert cc13 is not None and cc13.proposed_label == "yes" and not cc13.failing_checks

    def test_manual_rows_propose_nothing(self) -> None:
        s = read_scan(_csv(), "scan.csv")
        manual = s.criterion("CC1.1")
        assert manual is not None and manual.manual == 1 and manual.proposed_label is None
        assert "CC1.1" not in {c.criterion_id for c in s.automated}

    def test_columns_are_read_by_name_in_any_order_with_extras(self) -> None:
        columns = ["EXTRA_COLUMN", *reversed(HEADER)]
        text = compliance_csv(scan_rows(), columns=columns)
        assert (
            read_scan(text.encode(), "x.csv").to_dict()["criteria"]
            == read_scan(_csv(), "x.csv").to_dict()["criteria"]
        )

    def test_muted_results_are_left_out_of_the_counts(self) -> None:
        rows = scan_rows([CheckSpec("s3_bucket_public_access", 4, 4)])
        for row in rows[:2]:
            row["MUTED"] = "True"
        s = read_scan(compliance_csv(rows).encode(), "x.csv")
        cc61 = s.criterion("CC6.1")
        assert s.muted == 2 and cc61 is not None and cc61.failed == 2

    def test_same_resource_counts_once_and_fails_if_any_result_fails(self) -> None:
        rows = scan_rows([CheckSpec("s3_bucket_public_access", 1, 0)])
        rows.append(rows[0] | {"STATUS": "FAIL"})
        cc61 = read_scan(compliance_csv(rows).encode(), "x.csv").criterion("CC6.1")
        assert cc61 is not None and (cc61.passed, cc61.failed) == (0, 1)

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"])
    def test_odd_encodings_read_the_same(self, encoding: str) -> None:
        rows = scan_rows()
        rows[0]["RESOURCENAME"] = "bücket-é"
        text = compliance_csv(rows)
        s = read_scan(text.encode(encoding), "x.csv")
        cc61 = s.criterion("CC6.1")
        assert cc61 is not None and "bücket-é" in cc61.failing_checks[0].failing_examples

    def test_crlf_line_endings(self) -> None:
        text = compliance_csv(scan_rows()).replace("\n", "\r\n")
        assert read_scan(text.encode(), "x.csv").criterion("CC6.1") is not None


class TestOcsf:
    def test_requirement_ids_from_unmapped_compliance(self) -> None:
        s = read_scan(ocsf_json().encode(), "scan.ocsf.json")
        assert s.info.file_format == "ocsf_json" and s.info.scan_date == "2026-11-30"
        cc61 = s.criterion("CC6.1")
        assert cc61 is not None and cc61.failing_checks[0].failed == 3

    def test_shipped_mapping_when_the_finding_names_no_soc2_ids(self) -> None:
        with_ids = read_scan(ocsf_json().encode(), "x.json")
        mapped = read_scan(ocsf_json(ocsf_findings(with_compliance=False)).encode(), "x.json")
        assert mapped.to_dict()["criteria"] == with_ids.to_dict()["criteria"]

    def test_json_lines(self) -> None:
        lines = "\n".join(json.dumps(f) for f in ocsf_findings())
        assert read_scan(lines.encode(), "x.jsonl").criterion("CC6.1") is not None

    def test_csv_and_ocsf_agree(self) -> None:
        from_csv = read_scan(_csv(manual=()), "x.csv")
        from_json = read_scan(ocsf_json().encode(), "x.json")
        assert from_csv.to_dict()["criteria"] == from_json.to_dict()["criteria"]


class TestMappingAndStoredForm:
    def test_requirement_ids_map_to_official_criteria(self) -> None:
        assert criterion_of("cc_6_1") == "CC6.1"
        assert criterion_of("cc_a_1_1") == "A1.2"  # Prowler's availability id is A1.2
        assert criterion_of("pi_1_3") == "PI1.3"
        assert criterion_of("1.1") is None and criterion_of("cc_9_9") is None

    @pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
    def test_shipped_mappings_load(self, provider: str) -> None:
        mapping = provider_mapping(provider)
        assert "cc_6_1" in mapping.requirement_criterion and len(mapping.check_criteria) > 50

    def test_summary_round_trips_and_rejects_malformed(self) -> None:
        s = read_scan(_csv(), "x.csv")
        assert EvidenceSummary.from_dict(json.loads(json.dumps(s.to_dict()))) == s
        broken = s.to_dict()
        broken["criteria"][0]["passed"] = "many"
        with pytest.raises(ValueError, match="passed"):
            EvidenceSummary.from_dict(broken)
        with pytest.raises(ValueError, match="verdict: Extra inputs"):
            EvidenceSummary.from_dict(s.to_dict() | {"verdict": "met"})
