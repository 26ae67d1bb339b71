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
    # Parts the answer did not mention come after; the automated part is dropped.
    assert found.steps[2] == _step("A1.2", "encrypted")
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


def _single(criterion_id: str, answer: str, label: str) -> tuple[Gap, list[AnswerRecord]]:
    qid = f"q_{criterion_id.lower().replace('.', '_')}"
    record = AnswerRecord(qid, "The question?", answer, label, 0.95, "model", (criterion_id,))
    gap = Gap(
        criterion_id,
        criterion_id,
        "security",
        "missing",
        "medium",
        "S",
        ("Generic.",),
        (),
        question_ids=(qid,),
    )
    return gap, [record]


def test_unmentioned_parts_are_named_once_never_on_each_step(report: Report) -> None:
    found = tailor(_gap(report, "A1.2"), report.answers)
    assert found is not None
    unstated = list(found.reading.unstated)
    assert (
        unstated
        and found.summary.count(say("facets_unstated", items="; ".join(f.name for f in unstated))) == 1
    )
    assert list(found.steps[2:]) == [f.step for f in unstated]  # the steps as written, no note on each
    view_steps = next(g for g in build_view(report).gaps if g.criterion_id == "A1.2").remediation
    assert list(view_steps) == list(found.steps)


@pytest.mark.parametrize(
    ("criterion_id", "answer", "named"),
    [
        (
            "CC5.3",
            "No written policies at all yet. Thats one of the reasons we're doing this honestly",
            ["written"],
        ),
        (
            "CC6.3",
            "honestly most engineers have admin in AWS. never did an access review",
            ["reviews", "least_privilege"],
        ),
    ],
)
def test_a_plain_no_lists_every_step_without_hedging(
    criterion_id: str, answer: str, named: list[str]
) -> None:
    gap, answers = _single(criterion_id, answer, "no")
    found = tailor(gap, answers)
    assert found is not None
    # Nothing is in place: every part's step, in the order to put them in place, and no "not mentioned".
    assert list(found.steps) == [f.step for f in facets_for(criterion_id)]
    assert found.summary == say("facets_missing", items="; ".join(_name(criterion_id, f) for f in named))
    # The same answer read as "partly" still names what it did not mention, once.
    partly = tailor(gap, [replace(answers[0], label="partial")])
    assert partly is not None and partly.reading.unstated
    names = "; ".join(f.name for f in partly.reading.unstated)
    assert partly.summary.endswith(say("facets_unstated", items=names))
