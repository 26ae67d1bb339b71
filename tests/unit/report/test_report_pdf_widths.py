"""The PDF writer's own word widths agree with fpdf2's, and defer to fpdf2 where fonts or shaping decide."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from assessment.report import fonts
from assessment.report.pdf_layout import Writer

TEXTS = (
    "Okta",
    "multi-factor",
    "(CC6.1)",
    "naïve café — “quoted” 50%",
    "a{nb}b",  # the page-count alias: its width is fpdf2's to decide
    "你好",  # CJK: drawn by a fallback font
    "🔐",  # emoji: a fallback font, or none installed
    "مرحبا",  # right-to-left
)


@pytest.mark.parametrize("style", ["", "B", "I"])
@pytest.mark.parametrize("text", TEXTS)
def test_widths_match_fpdf2(text: str, style: str) -> None:
    pdf = FPDF()
    fonts.add_report_fonts(pdf, " ".join(TEXTS))  # with the fallback fonts registered
    pdf.add_page()
    writer = Writer(pdf)
    writer.font(11, style)
    assert writer.width(text) == pytest.approx(pdf.get_string_width(text))


def test_the_table_lookup_is_used_only_for_text_the_body_font_draws_alone() -> None:
    pdf = FPDF()
    fonts.add_report_fonts(pdf, "你好")
    pdf.add_page()
    writer = Writer(pdf)
    writer.font(10)
    assert writer._plain_width("Okta and Google") is not None
    assert writer._plain_width("你好") is None
    assert writer._plain_width("page {nb}") is None
    pdf.set_char_spacing(1)
    assert writer._plain_width("Okta") is None
