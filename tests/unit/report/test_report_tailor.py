"""Remediation tailored to the founder's answer, in the gap and in every report format."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from fakes.reports import make_report
from pypdf import PdfReader

from assessment.models import AnswerRecord, Gap, Report
from assessment.report import build_view, render
from assessment.report.facets import facets_for
from assessment.report.tailor import tailor, tailored_gap, tailored_gaps
from assessment.report.view import say

BACKUPS = "RDS automated snapshots, same region, no alerting"


def _step(criterion_id: str, facet_id: str) -> str:
    return next(f.step for f in facets_for(criterion_id) if f.id == facet_id)


def _name(criterion_id: str, facet_id: str) -> str:
    return next(f.name for f in facets_for(criterion_id) if f.id == facet_id)


def _with_answer(report: Report, criterion_id: str, answer: str) -> Report:
    """``report`` with ``criterion_id`` a partial gap answered by ``answer``."""
    qid = f"q_{criterion_id.lower().replace('.', '_')}"
    record = AnswerRecord(qid, "Are backups automatic?", answer, "partial", 0.8, "rules", (criterion_id,))
    answers = (*(a for a in report.answers if a.question_id != qid), record)
    gap = Gap(
        criterion_id,
        "Backups",
        "availability",
        "partial",
        "critical",
        "S",
        ("Turn on automatic backups.", "Copy them elsewhere."),
        ("Backup configuration",),
        question_ids=(qid,),
    )
    gaps = [g for g in report.gaps if g.criterion_id != criterion_id] + [gap]
    return replace(report, answers=answers, gaps=gaps)


@pytest.fixture(scope="module")
def report() -> Report:
    return _with_answer(make_report(), "A1.2", BACKUPS)


def _gap(report: Report, criterion_id: str) -> Gap:
    return next(g for g in report.gaps if g.criterion_id == criterion_id)


def test_first_step_comes_from_what_is_missing(report: Report) -> None:
    gap = _gap(report, "A1.2")
    found = tailor(gap, report.answers)
    assert found is not None
    assert found.steps[0] == _step("A1.2", "offsite")
    assert found.steps[1] == _step("A1.2", "failure_alert")
    # Parts the answer did not mention come after, marked as unconfirmed; the automated part is dropped.
    assert found.steps[2] == say("step_unconfirmed", step=_step("A1.2", "encrypted"))
    assert _step("A1.2", "automated") not in " ".join(found.steps)
    assert say("facets_in_place", items=_name("A1.2", "automated")) in found.summary
    missing = "; ".join((_name("A1.2", "offsite"), _name("A1.2", "failure_alert")))
    assert say("facets_missing", items=missing) in found.summary


def test_tailored_gap_for_the_app_and_unchanged_gaps(report: Report) -> None:
    gap = tailored_gap(_gap(report, "A1.2"), report.answers)
    assert gap.remediation[0] == _step("A1.2", "offsite")
    assert gap.what_is_missing.endswith(tailor(_gap(report, "A1.2"), report.answers).summary)  # type: ignore[union-attr]
    vague = _with_answer(report, "A1.2", "not sure, our CTO knows")
    assert tailored_gap(_gap(vague, "A1.2"), vague.answers) == _gap(vague, "A1.2")
    assert len(tailored_gaps(report)) == len(report.gaps)


def test_every_format_shows_the_tailored_first_step(report: Report) -> None:
    first = _step("A1.2", "offsite")
    view = build_view(report)
    shown = next(g for g in view.gaps if g.criterion_id == "A1.2")
    assert shown.remediation[0] == first
    missing = "; ".join((_name("A1.2", "offsite"), _name("A1.2", "failure_alert")))
    assert say("facets_missing", items=missing) in shown.what_is_missing
    data = json.loads(render(report, "json"))
    assert next(g for g in data["gaps"] if g["criterion_id"] == "A1.2")["remediation"][0] == first
    assert first in str(render(report, "md")) and first in str(render(report, "html"))
    pdf = render(report, "pdf")
    assert isinstance(pdf, bytes)
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert " ".join(first.split()[:6]) in text
