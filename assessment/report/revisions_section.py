"""The audit trail of changed answers: who changed which answer, when, from what to what.

``Report.revisions`` comes from the session (``Interview.revise``); this module turns it into
``RevisionView`` rows for the report's last appendix and holds the pieces the PDF and JSON renderers
share (Markdown and HTML lay the rows out in their templates). A report whose answers were never
changed has no such section. All wording comes from ``prompts/report/strings.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assessment.models import Report
from assessment.report.text import clean, normalize, one_line
from assessment.report.wording import say

if TYPE_CHECKING:
    from assessment.report.view import ReportView


@dataclass(frozen=True)
class RevisionView:
    """One change to an answer, ready to lay out (texts cleaned; ``before``/``after`` in words)."""

    number: int
    question_id: str
    ref: str  # what a reader knows the question by: the criteria it decides ("CC2.3"), else its ID
    question: str
    changed_at: str  # ISO 8601, as recorded
    when: str  # "2026-12-02 09:15 UTC"
    changed_by: str  # as recorded ("" for the founder)
    who: str  # in words
    old_answer: str
    old_label: str
    new_answer: str
    new_label: str
    before: str
    after: str


def _when(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return one_line(stamp)
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()


def _reading(label: str, answer: str) -> str:
    if label == "skipped":
        return say("revision_skipped")
    shown = label.replace("_", " ")
    return say("revision_answer", label=shown, answer=answer) if answer else shown


def revision_views(report: Report) -> tuple[RevisionView, ...]:
    """The report's audit trail, oldest first, as rows for every format."""
    rows = []
    criteria = {a.question_id: a.criteria for a in report.answers}
    for number, item in enumerate(report.revisions, start=1):
        old_answer = normalize(clean(item.old_answer))
        new_answer = normalize(clean(item.new_answer))
        by = one_line(clean(item.changed_by))
        rows.append(
            RevisionView(
                number=number,
                question_id=clean(item.question_id),
                ref=", ".join(criteria.get(item.question_id, ())) or clean(item.question_id),
                question=normalize(clean(item.question_text)),
                changed_at=clean(item.changed_at),
                when=_when(clean(item.changed_at)),
                changed_by=by,
                who=by or say("revision_by_founder"),
                old_answer=old_answer,
                old_label=clean(item.old_label),
                new_answer=new_answer,
                new_label=clean(item.new_label),
                before=_reading(clean(item.old_label), old_answer),
                after=_reading(clean(item.new_label), new_answer),
            )
        )
    return tuple(rows)


def pdf(writer: Any, view: ReportView, heading: Any) -> None:
    """The audit trail as the PDF's last section (nothing when no answer was changed)."""
    if not view.revisions:
        return
    t = view.t
    heading(writer, t["section_revisions"])
    writer.para(t["revisions_intro"])
    rows = [[r.when, r.who, f"{r.ref}: {r.question}", r.before, r.after] for r in view.revisions]
    headings = (
        t["revision_col_when"],
        t["revision_col_who"],
        t["revision_col_question"],
        t["revision_col_before"],
        t["revision_col_after"],
    )
    writer.table(headings, rows, (22, 40, 50, 34, 34), ("LEFT", "LEFT", "LEFT", "LEFT", "LEFT"))


def as_json(view: ReportView) -> list[dict[str, Any]]:
    """The audit trail for the JSON export."""
    return [
        {
            "number": r.number,
            "question_id": r.question_id,
            "question": r.question,
            "changed_at": r.changed_at,
            "changed_by": r.changed_by,
            "old_answer": r.old_answer,
            "old_label": r.old_label,
            "new_answer": r.new_answer,
            "new_label": r.new_label,
        }
        for r in view.revisions
    ]
