"""The XLSX workbook, read back with openpyxl: sheets, columns, owners, and no formula injection."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from fakes.reports import answer_changes, make_report
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from assessment.models import Report
from assessment.report import build_view, render
from assessment.report.wording import say, strings
from assessment.report.xlsx import CELL_LIMIT

INJECTIONS = (
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=cmd|' /C calc'!A0",
)


@pytest.fixture(scope="module")
def report() -> Report:
    base = make_report(answer_overrides={i: text for i, text in enumerate(INJECTIONS)} | {7: "y" * 50_000})
    gaps = [replace(base.gaps[0], owner="=CTO()", due="2026-06-30"), *base.gaps[1:]]
    return replace(base, gaps=gaps)


@pytest.fixture(scope="module")
def data(report: Report) -> bytes:
    out = render(report, "xlsx")
    assert isinstance(out, bytes)
    return out


@pytest.fixture(scope="module")
def book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _rows(book: Workbook, sheet: str) -> list[dict[str, object]]:
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_sheets_and_gap_columns(book: Workbook, report: Report) -> None:
    assert book.sheetnames == [
        "Summary",
        "Gaps",
        "Roadmap",
        "Evidence checklist",
        "Subservice organizations",
        "Customer controls (CUECs)",
        "Answers",
    ]
    headings = [c.value for c in book["Gaps"][1]]
    for name in (
        "Criterion",
        "Title",
        "Status",
        "Severity",
        "Effort",
        "Owner",
        "Due",
        "ISO/IEC 27001:2022",
        "NIST SP 800-53 r5",
        "Remediation steps",
        "Evidence an auditor will ask for",
    ):
        assert name in headings
    gaps = _rows(book, "Gaps")
    view = build_view(report)
    assert [g["Criterion"] for g in gaps] == [g.criterion_id for g in view.gaps]
    by_id = {g["Criterion"]: g for g in gaps}
    first = view.gaps[[g.criterion_id for g in view.gaps].index(report.gaps[0].criterion_id)]
    row = by_id[first.criterion_id]
    assert row["Owner"] == "=CTO()" and row["Due"] == "2026-06-30"
    assert str(row["ISO/IEC 27001:2022"]).startswith(f"{first.iso27001[0].id} {first.iso27001[0].name}")
    assert str(row["Remediation steps"]).startswith("1. ")
    assert book["Gaps"].freeze_panes == "A2" and book["Gaps"].auto_filter.ref


def test_roadmap_evidence_and_answers(book: Workbook, report: Report) -> None:
    view = build_view(report)
    roadmap = _rows(book, "Roadmap")
    assert sorted(r["Criterion"] for r in roadmap) == sorted(g.criterion_id for g in view.gaps)
    assert all(r["Start by (target plan)"] for r in roadmap)  # the fake report has a target date
    evidence = _rows(book, "Evidence checklist")
    assert {r["For"] for r in evidence} == {"In place", "Open gap"}
    answers = _rows(book, "Answers")
    assert len(answers) == len(report.answers)
    # kept as typed (a carriage return becomes a line break, as in every format)
    assert [a["Answer"] for a in answers[: len(INJECTIONS)]] == [x.replace("\r", "\n") for x in INJECTIONS]


def test_nothing_typed_becomes_a_formula(book: Workbook, data: bytes) -> None:
    risky = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r":
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate)
                    risky += 1
    assert risky >= len(INJECTIONS) + 1  # the answers and the owner
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in package.read(name) and b"<f " not in package.read(name)


def test_long_text_fits_a_cell_and_output_is_deterministic(book: Workbook, report: Report) -> None:
    longest = max(len(str(c.value)) for row in book["Answers"].iter_rows() for c in row if c.value)
    assert 32_000 < longest <= CELL_LIMIT
    assert render(report, "xlsx") == render(report, "xlsx")
    assert book.properties.modified.date().isoformat() == report.generated_on  # not the time of saving


CHANGES = answer_changes("=only admins")


def test_revisions_sheet_has_the_pdf_appendix_columns_and_one_row_per_change() -> None:
    report = replace(make_report(), revisions=CHANGES)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))  # type: ignore[arg-type]
    assert book.sheetnames[-1] == strings()["xlsx_sheet_revisions"]
    sheet = book[strings()["xlsx_sheet_revisions"]]
    keys = ("when", "who", "question", "before", "after")
    assert [c.value for c in sheet[1]] == [strings()[f"revision_col_{k}"] for k in keys]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [
        [
            "2026-12-02 09:15 UTC",
            "dana@example.com",
            "cc6_1_mfa: Do you require MFA?",
            say("revision_answer", label="yes", answer="Yes"),
            say("revision_answer", label="partial", answer="=only admins"),
        ],
        [
            "2026-12-03 10:00 UTC",
            say("revision_by_founder"),
            "cc7_2_monitoring: Do you monitor?",
            say("revision_skipped"),
            say("revision_answer", label="no", answer="No"),
        ],
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3"
