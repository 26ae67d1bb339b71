"""Owners and due dates per gap: set on the interview, saved in the session, shown in every export."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment import Interview
from assessment.report import FORMATS, render


@pytest.fixture(scope="module")
def interview() -> Interview:
    iv = Interview(scope={"security"}, session_name="Owners Inc")
    iv.assign("CC6.1", owner="  Dana   (CTO) ", due="2026-06-30")
    iv.assign("CC5.3", owner="Head of People")
    return iv


def test_assignments_reach_the_gaps(interview: Interview) -> None:
    gaps = {g.criterion_id: g for g in interview.report().gaps}
    assert (gaps["CC6.1"].owner, gaps["CC6.1"].due) == ("Dana (CTO)", "2026-06-30")
    assert (gaps["CC5.3"].owner, gaps["CC5.3"].due) == ("Head of People", None)
    assert gaps["CC6.2"].owner is None and gaps["CC6.2"].due is None


def test_assignments_round_trip_exactly_in_the_session(interview: Interview) -> None:
    data = json.loads(json.dumps(interview.to_dict()))
    assert data["assignments"]["CC6.1"] == {"owner": "Dana (CTO)", "due": "2026-06-30"}
    restored = Interview.from_dict(data)
    assert restored.to_dict() == data
    assert [(g.owner, g.due) for g in restored.report().gaps] == [
        (g.owner, g.due) for g in interview.report().gaps
    ]
    fresh = Interview(scope={"security"})
    assert "assignments" not in fresh.to_dict()  # sessions without any keep their earlier form


def test_bad_assignments_are_clear_errors_and_change_nothing(interview: Interview) -> None:
    before = interview.to_dict()["assignments"]
    for kwargs, reason in (
        ({"owner": "Dana", "due": "30/06/2026"}, "due"),
        ({"owner": "x" * 201}, "owner"),
    ):
        with pytest.raises(ValueError, match=reason):
            interview.assign("CC6.1", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"unknown criterion 'CC6\.99'"):
        interview.assign("CC6.99", owner="Dana")
    assert interview.to_dict()["assignments"] == before
    bad = {**interview.to_dict(), "assignments": {"CC6.1": {"owner": None, "due": None}}}
    with pytest.raises(ValueError, match="assignments"):
        Interview.from_dict(bad)


def test_clearing_removes_the_assignment() -> None:
    iv = Interview(scope={"security"})
    iv.assign("CC7.1", owner="Ops", due="2026-01-15")
    iv.assign("CC7.1", owner="", due=None)
    assert "assignments" not in iv.to_dict()


def _text(fmt: str, data: bytes | str) -> str:
    if fmt == "pdf":
        assert isinstance(data, bytes)
        return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages).split())
    if fmt == "xlsx":
        assert isinstance(data, bytes)
        book = load_workbook(io.BytesIO(data))
        return " ".join(
            str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
        )
    assert isinstance(data, str)
    return data


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_shows_owner_and_due_date(interview: Interview, fmt: str) -> None:
    text = _text(fmt, render(interview.report(), fmt))
    assert "Dana (CTO)" in text and "2026-06-30" in text and "Head of People" in text, fmt
    assert "SC-7" in text and "A.8.20" in text  # CC6.6 is open: its NIST and ISO references are there too
