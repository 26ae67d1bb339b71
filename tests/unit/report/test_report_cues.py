"""Cues compiled on demand: the literal prefilter never changes what the facet reader finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assessment.report import cues, facets
from assessment.report.cues import CueSet, compile_cues, required_literals

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        ("snapshots?", {"snapshot"}),
        ("cross[- ](?:region|account)", {"cross"}),
        ("(?:every|each|once a|per) year", {" year"}),
        ("(?:soc ?2|iso ?27001)", {"soc", "iso"}),
        ("security\\.txt", {"security"}),
        ("e-?sign\\w*", {"sign"}),
        ("(?:a |the )?owner", {"owner"}),
        ("ab+c", {"ab", "bc"}),
        ("x|(?:[\\w']+ )y", None),  # one alternative has no literal of two characters or more
        ("[a-z]+", None),
    ],
)
def test_required_literals(pattern: str, needs: set[str] | None) -> None:
    found = required_literals(pattern)
    if needs is None:
        assert found is None
    else:
        assert found is not None and any(n in found for n in needs)


def test_every_cue_match_holds_its_literal() -> None:
    """Over every cue and every answer of both sets: a match always contains the required literal."""
    answers = [
        json.loads(line)["answer"].lower()
        for name in ("remediation_dev.jsonl", "remediation_blind.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]
    for group in facets.all_facets().values():
        for facet in group:
            sets = [facet.present] + ([facet.absent] if facet.absent else [])
            for cue_set in sets:
                for pattern in cue_set.patterns:
                    needs = required_literals(pattern)
                    if needs is None:
                        continue
                    regex = re.compile(pattern)
                    for text in answers:
                        for match in regex.finditer(text):
                            assert any(cues._holds(match.group(0), n) for n in needs), (pattern, text)


def test_the_prefilter_gives_the_same_readings(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        json.loads(line)
        for name in ("remediation_dev.jsonl", "remediation_blind.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]

    def readings() -> list[object]:
        out = []
        for row in rows:
            reading = facets.read_facets(row["criterion"], row["answer"])
            assert reading is not None
            out.append([(f.id, s) for f, s in reading.states])
        return out

    filtered = readings()
    monkeypatch.setattr(CueSet, "matcher", lambda self, text: compile_cues(self.patterns))
    assert readings() == filtered


def test_the_shipped_cues_all_compile() -> None:
    parsed = facets.parse(facets._load_raw(), compile_cues=True)
    assert set(parsed) == set(facets.all_facets())
