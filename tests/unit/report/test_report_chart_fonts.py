"""The score chart (plain SVG and fpdf2 shapes, no plotting library) and the cached PDF fonts."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from assessment.report import fonts
from assessment.report.chart import chart_aspect, chart_svg, draw_pdf_chart
from assessment.templates import render_message

DATA = (("Security", 57, "#b26a00"), ('Avail <&> "x"', 8, "#c62828"), ("Privacy", 100, "#2e7d32"))
SVG = "{http://www.w3.org/2000/svg}"
PROJECT = Path(__file__).resolve().parents[3]


def test_svg_is_well_formed_deterministic_and_escaped() -> None:
    svg = chart_svg(DATA, 55, "overall 55%")
    root = ET.fromstring(svg)  # well-formed XML, no prolog
    assert root.tag == f"{SVG}svg" and svg == chart_svg(DATA, 55, "overall 55%")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert 'Avail <&> "x"' in texts and "overall 55%" in texts  # escaped in the source, intact once parsed
    assert {"57%", "8%", "100%"} <= set(texts)
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills.count("#eceff1") == 3 and "#b26a00" in fills  # one track and one bar per category
    height = float(root.get("height") or 0)
    assert height / float(root.get("width") or 1) == pytest.approx(chart_aspect(3))


def test_pdf_chart_draws_selectable_text() -> None:
    pdf = FPDF()
    fonts.add_report_fonts(pdf, "")
    pdf.add_page()
    height = draw_pdf_chart(pdf, DATA, 55, "overall 55%", 20, 30, 160)
    assert height == pytest.approx(160 * chart_aspect(3))
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    assert "overall 55%" in text and "Security" in text and "57%" in text


def test_html_and_pdf_reports_load_no_plotting_library() -> None:
    code = (
        "import sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from fakes.reports import make_report\n"
        "from assessment.report import render\n"
        "report = make_report()\n"
        "assert render(report, 'html') and render(report, 'pdf')\n"
        "print(sorted(m for m in ('matplotlib', 'torch', 'chromadb') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def _text_of(pdf: FPDF) -> str:
    return PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()


def _document(words: str) -> FPDF:
    pdf = FPDF()
    fonts.add_report_fonts(pdf, words)
    pdf.add_page()
    pdf.set_font("body", "", 12)
    pdf.cell(0, 10, words)
    pdf.set_font("body", "B", 12)
    pdf.cell(0, 10, words.upper())
    return pdf


def test_fonts_are_parsed_once_and_documents_keep_their_own_subset() -> None:
    _document("warm up")
    before = fonts._parsed.cache_info()
    first, second = _document("Zebra quartz"), _document("Ωmega привет")
    assert fonts._parsed.cache_info().misses == before.misses  # no new parse
    assert "Zebra quartz" in _text_of(first)
    assert "Ωmega привет" in _text_of(second)
    assert first.fonts["body"] is not second.fonts["body"]


def test_documents_render_in_parallel_threads() -> None:
    results: dict[int, str] = {}

    def work(index: int) -> None:
        results[index] = _text_of(_document(f"thread number {index}"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(f"thread number {i}" in results[i] for i in range(4))


def test_no_body_font_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_DEJAVU_DIRS", ("/nonexistent",))
    monkeypatch.setattr(fonts, "_BODY_FALLBACKS", ())
    fonts.find_fonts.cache_clear()
    try:
        with pytest.raises(fonts.FontsMissingError) as caught:
            fonts.find_fonts()
        assert str(caught.value) == render_message("missing_body_font", filename=fonts.FONT_MESSAGES)
        assert isinstance(caught.value, ValueError)  # the CLI prints ValueErrors as messages
    finally:
        fonts.find_fonts.cache_clear()
