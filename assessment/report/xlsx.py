"""The gap report as an XLSX workbook (openpyxl): Summary, Gaps, Roadmap, Evidence checklist,
Subservice organizations, Customer controls (CUECs), Answers, and Revisions once an answer was changed.

Made to be imported into a tracker or a GRC tool: one row per item, a header row, filters, frozen
headings. Every text cell is written as text: a value that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is stored as a string with Excel's quote prefix, so nothing a founder typed
can run as a formula (CSV/formula injection). Cells are capped at Excel's 32,767 characters.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessment.models import Report
from assessment.report.text import clean, truncate
from assessment.report.view import ReportView, build_view
from knowledge.models import Hit

CELL_LIMIT = 32_767  # characters Excel keeps in one cell
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")

Value = str | int | float | None
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (or a DDE payload)."""
    return text.startswith(FORMULA_TRIGGERS)


def _put(ws: Worksheet, row: int, column: int, value: Value, marker: str) -> Cell:
    cell: Cell = ws.cell(row=row, column=column)
    if value is None or isinstance(value, int | float):
        cell.value = value
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", clean(value))
    if len(text) > CELL_LIMIT:
        text = truncate(text, CELL_LIMIT - len(marker) - 40, marker)
    cell.value = text
    if is_formula_like(text):
        cell.data_type = "s"  # stored as a string, never a formula
        cell.quotePrefix = True  # and shown by Excel as typed text
    return cell


def _sheet(
    wb: Workbook,
    title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Value]],
    widths: Sequence[int],
    marker: str,
) -> Worksheet:
    ws = wb.create_sheet(title[:31])
    for column, heading in enumerate(headings, start=1):
        cell = _put(ws, 1, column, heading, marker)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
    count = 1
    for count, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            _put(ws, count, column, value, marker).alignment = _WRAP
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{max(count, 1)}"
    return ws


def _lines(items: Iterable[str], numbered: bool = False) -> str:
    return "\n".join(f"{i}. {x}" if numbered else f"• {x}" for i, x in enumerate(items, start=1))


def _summary(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    rows: list[tuple[Value, Value]] = [
        (t["company_label"], view.session_name),
        (t["generated_label"], view.generated_on),
        (t["scope_label"], ", ".join(view.scope)),
        (t["type_label"], view.report_type_name),
        (
            t["questions_label"],
            view.questions_answered if view.questions_text.isdigit() else view.questions_text,
        ),
        (t["overall_label"], view.overall),
        (t["type1_readiness_label"], view.type1),
        (t["type2_readiness_label"], view.type2),
        *((c.title, c.score) for c in view.categories),
        (t["time_label"], " ".join(view.estimate_text)),
        (t["section_summary"], view.summary),
        ("Note", t["disclaimer"].strip()),
    ]
    if view.partial_notice:
        rows.insert(0, ("⚠", view.partial_notice))
    _sheet(wb, t["xlsx_sheet_summary"], (t["xlsx_col_item"], t["xlsx_col_value"]), rows, (34, 100), marker)


def _gaps(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    headings = [
        t[f"xlsx_col_{key}"]
        for key in (
            "rank", "criterion", "title", "category", "status", "severity", "effort", "owner", "due",
            "iso", "nist", "missing", "remediation", "evidence", "phase",
        )
    ]  # fmt: skip
    rows = (
        (
            g.rank,
            g.criterion_id,
            g.title,
            g.category_title,
            t[f"status_{g.status}"],
            t[f"severity_{g.severity}"],
            g.effort,
            g.owner,
            g.due,
            "\n".join(
                f"{r.id} {r.name}" + (f" ({r.relationship})" if r.relationship else "") for r in g.iso27001
            ),
            "\n".join(f"{r.id} {r.name}" for r in g.nist_800_53) or g.nist_note,
            g.what_is_missing,
            _lines(g.remediation, numbered=True),
            _lines(g.evidence),
            t[f"phase_{g.phase}"],
        )
        for g in view.gaps
    )
    widths = (6, 10, 34, 16, 10, 10, 7, 18, 12, 40, 40, 50, 60, 50, 14)
    _sheet(wb, t["xlsx_sheet_gaps"], headings, rows, widths, marker)


def _roadmap(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    steps = {s.criterion_id: s for s in view.target.steps} if view.target else {}
    headings = [
        t[f"xlsx_col_{key}"]
        for key in (
            "phase", "rank", "criterion", "title", "severity", "effort", "start_week", "end_week",
            "start_by", "done_by", "owner", "due",
        )
    ]  # fmt: skip
    rows = []
    for _key, title, items in view.phases:
        for g in items:
            step = steps.get(g.criterion_id)
            rows.append(
                (
                    title,
                    g.rank,
                    g.criterion_id,
                    g.title,
                    t[f"severity_{g.severity}"],
                    g.effort,
                    g.start_week + 1,
                    g.end_week,
                    step.start_by.isoformat() if step else None,
                    step.done_by.isoformat() if step else None,
                    g.owner,
                    g.due,
                )
            )
    widths = (16, 6, 10, 38, 10, 7, 10, 10, 14, 14, 18, 12)
    _sheet(wb, t["xlsx_sheet_roadmap"], headings, rows, widths, marker)


def _evidence(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    headings = [t[f"xlsx_col_{key}"] for key in ("criterion", "title", "state", "evidence", "collected")]
    rows: list[tuple[Value, ...]] = []
    for e in view.evidence:
        rows += [(e.criterion_id, e.title, t["xlsx_state_met"], item, None) for item in e.items]
    for g in view.gaps:
        rows += [(g.criterion_id, g.title, t["xlsx_state_gap"], item, None) for item in g.evidence]
    _sheet(wb, t["xlsx_sheet_evidence"], headings, rows, (10, 38, 12, 70, 24), marker)


def _subservices(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    headings = [t[f"xlsx_col_{key}"] for key in ("organization", "role", "covers", "duties")]
    rows = (
        (
            s.name,
            s.role,
            "\n".join(f"{cid} {title}" for cid, title in s.criteria) or t["subservice_covers_none"],
            _lines(s.complementary_controls),
        )
        for s in view.subservices
    )
    _sheet(wb, t["xlsx_sheet_subservices"], headings, rows, (22, 30, 44, 80), marker)


def _user_controls(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    headings = [t[f"xlsx_col_{key}"] for key in ("number", "customer_control", "criteria", "basis")]
    rows = (
        (c.number, c.text, "\n".join(f"{cid} {title}" for cid, title in c.criteria), c.basis)
        for c in view.user_controls
    )
    _sheet(wb, t["xlsx_sheet_user_controls"], headings, rows, (5, 80, 40, 50), marker)


def _answers(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    headings = [
        t[f"xlsx_col_{key}"]
        for key in (
            "number",
            "question_id",
            "question",
            "answer",
            "clarification",
            "understood",
            "confidence",
            "source",
            "criteria",
        )
    ]
    rows = (
        (
            a.number,
            a.question_id,
            a.question,
            a.answer,
            a.clarification,
            a.label_text,
            a.confidence,
            a.how,
            ", ".join(a.criteria),
        )
        for a in view.answers
    )
    _sheet(wb, t["xlsx_sheet_answers"], headings, rows, (5, 22, 50, 70, 24, 14, 11, 30, 16), marker)


def _revisions(wb: Workbook, view: ReportView, t: Mapping[str, str], marker: str) -> None:
    """The audit trail of changed answers, in the PDF appendix's columns (no sheet when none changed)."""
    if not view.revisions:
        return
    headings = [t[f"revision_col_{key}"] for key in ("when", "who", "question", "before", "after")]
    rows = ((r.when, r.who, f"{r.ref}: {r.question}", r.before, r.after) for r in view.revisions)
    _sheet(wb, t["xlsx_sheet_revisions"], headings, rows, (18, 24, 60, 50, 50), marker)


def xlsx_from_view(view: ReportView) -> bytes:
    """Lay out an already built view as XLSX bytes."""
    t = view.t
    marker = t["xlsx_cell_truncated"]
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, view, t, marker)
    _gaps(wb, view, t, marker)
    _roadmap(wb, view, t, marker)
    _evidence(wb, view, t, marker)
    _subservices(wb, view, t, marker)
    _user_controls(wb, view, t, marker)
    _answers(wb, view, t, marker)
    _revisions(wb, view, t, marker)
    wb.properties.title = f"{t['report_title']}: {truncate(view.session_name, 80, '…')}"
    wb.properties.creator = "soc2-ready"
    try:
        stamp = datetime.fromisoformat(view.generated_on[:10]).replace(tzinfo=UTC)
        wb.properties.created = wb.properties.modified = stamp
    except ValueError:
        pass
    out = io.BytesIO()
    wb.save(out)
    return _fixed_timestamps(out.getvalue(), view.generated_on[:10])


def _fixed_timestamps(data: bytes, day: str) -> bytes:
    """The package re-zipped with fixed dates (openpyxl stamps the save time), so it is reproducible."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml" and _DAY.match(day):
                content = _MODIFIED.sub(rb"\g<1>" + f"{day}T00:00:00Z".encode(), content)
            target.writestr(entry, content)
    return out.getvalue()


def render_xlsx(report: Report, passages: Mapping[str, Hit] | None = None) -> bytes:
    """The full gap report as an XLSX workbook."""
    return xlsx_from_view(build_view(report, passages))
