"""Hostile answers: script tags, 100 KB text, control characters, pipes and newlines, mixed scripts."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import jsonschema
import pytest
from fakes.reports import make_report
from pypdf import PdfReader

from assessment.models import Report
from assessment.report import render, report_schema
from assessment.report.fonts import find_fonts

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)> ** [link](javascript:alert(1))'
PIPES = "a | b | c\n| fake | row |\n\n# heading?\n- list?\n1. numbered"
CONTROL = "before\x00\x07\x1b[31m\x85\x9fafter\r\nnext line\ttab"
MIXED = "Réponse: مرحبا بالعالم — 你好，世界 — こんにちは — 안녕하세요 — Привет — 🔐✅"
HUGE = ("We rotate keys every quarter and log it in Jira. " * 2200)[:100_000] + "END-OF-HUGE"


@pytest.fixture(scope="module")
def hostile() -> Report:
    report = make_report(
        categories=("security", "privacy"),
        answer_overrides={0: SCRIPT, 1: PIPES, 2: CONTROL, 3: MIXED, 4: HUGE},
        session_name="Ünïcode Café | <b>Acme</b>\n株式会社",
    )
    # A gap whose engine text quotes the hostile answers too.
    gap = replace(report.gaps[0], what_is_missing=SCRIPT + " " + HUGE, remediation=(PIPES, MIXED))
    return replace(report, gaps=[gap, *report.gaps[1:]])


def test_html_escapes_everything_typed(hostile: Report) -> None:
    page = render(hostile, "html")
    assert isinstance(page, str)
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "&lt;script&gt;" in page
    assert "\x00" not in page and "\x1b" not in page and "\x85" not in page
    assert MIXED in page
    assert page.count("END-OF-HUGE") == 1  # kept whole in the appendix, cut in the gap's body


def test_markdown_keeps_tables_and_text_literal(hostile: Report) -> None:
    text = render(hostile, "md")
    assert isinstance(text, str)
    assert "<script>" not in text
    assert "\\<script\\>" in text
    assert "\x00" not in text and "\x07" not in text
    table_rows = [line for line in text.splitlines() if line.startswith("| Company")]
    assert table_rows and table_rows[0].count("|") - table_rows[0].count("\\|") == 3
    assert "\n# heading?" not in text and "\\# heading?" in text
    assert "END-OF-HUGE" in text
    assert MIXED in text


def test_pdf_renders_every_script_and_keeps_huge_answers_whole(hostile: Report) -> None:
    data = render(hostile, "pdf")
    assert isinstance(data, bytes)
    reader = PdfReader(io.BytesIO(data))
    # pypdf reads the CID-keyed CFF font of Noto Sans CJK with a NUL before each character
    # (poppler's pdftotext reads it cleanly); the NULs are pypdf's, not in the PDF's text.
    raw = " ".join((page.extract_text() or "") for page in reader.pages).replace("\x00", "")
    text = " ".join(raw.split())
    assert "alert" in text  # shown as text, never executed
    assert "Привет" in text and "Réponse" in text
    if find_fonts().cjk is not None:
        assert "你好" in text and "안녕하세요" in text
    assert "END-OF-HUGE" in text  # the appendix keeps a 100 KB answer whole, wrapped
    assert text.count("We rotate keys every quarter") >= 2000
    fonts = {str(f) for page in reader.pages for f in page.get("/Resources", {}).get("/Font", {}).values()}
    assert fonts


def test_json_keeps_answers_whole_without_controls(hostile: Report) -> None:
    data = json.loads(render(hostile, "json"))
    jsonschema.validate(data, report_schema())
    answers = [a["answer"] for a in data["answers"]]
    assert answers[0] == SCRIPT
    assert answers[2] == "before[31mafter\nnext line\ttab"
    assert answers[3] == MIXED
    assert answers[4] == HUGE
