"""Cross-references: curated ISO/IEC 27001:2022 primary controls and the NIST SP 800-53 r5 crosswalk."""

from __future__ import annotations

import re

import pytest
from fakes.reports import make_report

from assessment.report import build_view, crossref
from assessment.report.crossref import CrossRefError
from assessment.report.wording import say
from knowledge.corpus import default_corpus

CRITERIA = default_corpus().ids
ISO_ID = re.compile(r"^(A\.[5-8]\.[0-9]{1,2}|(4|5|6|7|8|9|10)(\.[0-9]){1,2})$")


def _ids(criterion_id: str) -> list[str]:
    return [r.id for r in crossref.iso27001(criterion_id)]


def test_the_shipped_iso_list_is_the_2022_standard() -> None:
    names = crossref.iso_names()
    annex = [cid for cid in names if cid.startswith("A.")]
    assert len(annex) == 93  # 37 organisational + 8 people + 14 physical + 34 technological
    assert sum(cid.startswith("A.5.") for cid in annex) == 37 and "A.8.34" in names and "A.8.35" not in names
    assert {"4.1", "5.3", "6.1.2", "6.1.3", "8.2", "9.2", "9.3", "10.2"} <= set(names)
    assert (
        names["A.8.24"] == "Use of cryptography" and names["6.1.2"] == "Information security risk assessment"
    )
    assert all(ISO_ID.match(cid) and name.strip() for cid, name in names.items())


@pytest.mark.parametrize("criterion_id", CRITERIA)
def test_each_criterion_has_one_to_five_valid_primary_references(criterion_id: str) -> None:
    refs = crossref.iso27001(criterion_id)
    assert 1 <= len(refs) <= 5
    assert len({r.id for r in refs}) == len(refs)
    for ref in refs:
        assert ref.id in crossref.iso_names() and ref.name == crossref.iso_names()[ref.id]
        assert ref.relationship in ("equivalent", "partial") and len(ref.justification) >= 10


def test_every_criterion_of_the_corpus_is_curated_and_no_other() -> None:
    assert len(CRITERIA) == 61 and set(crossref.iso_criteria()) == set(CRITERIA)


def test_the_mappings_named_in_the_issue_are_right() -> None:
    assert _ids("CC3.2")[:2] == ["6.1.2", "8.2"]  # risk assessment, not classification or suppliers
    assert not {"A.5.12", "A.5.22", "A.8.8"} & set(_ids("CC3.2"))
    assert _ids("CC6.7")[0] == "A.8.24" and not {"A.6.7", "A.7.1"} & set(_ids("CC6.7"))  # data in transit
    assert _ids("CC6.6")[0] == "A.8.20" and len(_ids("CC6.6")) > 1 and "A.8.2" not in _ids("CC6.6")
    assert _ids("CC9.1")[:2] == ["A.5.29", "A.5.30"]
    assert _ids("CC5.3")[0] == "A.5.1" and _ids("CC1.3")[0] == "5.3" and _ids("CC8.1")[0] == "A.8.32"


@pytest.mark.parametrize("criterion_id", sorted(crossref.nist_crosswalk()))
def test_nist_controls_are_few_base_controls_from_the_crosswalk(criterion_id: str) -> None:
    refs = crossref.nist_800_53(criterion_id)
    assert 1 <= len(refs) <= 5
    for ref in refs:
        assert "(" not in ref.id and ref.id in crossref.crosswalk_bases(criterion_id)
        assert ref.name == crossref.nist_names()[ref.id]


def test_the_crosswalk_is_the_aicpa_one_and_gaps_without_an_entry_say_so() -> None:
    pairs = crossref.nist_crosswalk()
    assert len(pairs) == 49 and sum(len(v) for v in pairs.values()) == 1033
    assert set(pairs) <= set(CRITERIA)
    assert [r.id for r in crossref.nist_800_53("CC6.6")][:2] == ["SC-7", "AC-17"]
    assert crossref.nist_800_53("CC6.1")[0].name == "Account Management"
    missing = [cid for cid in CRITERIA if cid not in pairs]
    assert len(missing) == 12 and crossref.nist_800_53(missing[0]) == ()
    view = build_view(make_report())
    for gap in view.gaps:
        if gap.criterion_id in missing:
            assert gap.nist_800_53 == () and gap.nist_text == say("nist_none")
        else:
            assert gap.nist_800_53 and gap.nist_text.startswith(gap.nist_800_53[0].id)


def test_a_malformed_file_names_file_field_and_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    real = crossref._read

    def fake(name: str) -> str:
        if name == crossref.ISO_PRIMARY_FILE:
            return "CC6.1:\n- {id: A.9.99, relationship: partial, justification: a long enough reason}\n"
        if name == crossref.NIST_PRIMARY_FILE:
            return "CC6.1: [AC-2, AU-2]\n"
        return real(name)

    monkeypatch.setattr(crossref, "_read", fake)
    for cached in (crossref._iso_primary, crossref._nist_primary):
        cached.cache_clear()
    try:
        with pytest.raises(CrossRefError, match=r"iso27001_primary.yaml: field CC6.1\[0\].id: 'A.9.99'"):
            crossref.iso27001("CC6.1")
        with pytest.raises(
            CrossRefError, match=r"nist_800_53_primary.yaml: field CC6.1\[1\]: .* CC6.1 to AU-2"
        ):
            crossref.nist_800_53("CC6.1")
    finally:
        monkeypatch.undo()
        for cached in (crossref._iso_primary, crossref._nist_primary):
            cached.cache_clear()
    assert crossref.iso27001("CC6.1")
