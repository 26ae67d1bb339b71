"""Layout primitives for the PDF report: wrapped paragraphs, lists, boxes, badges and tables.

fpdf2's own ``multi_cell`` and ``table`` measure each line once per character (quadratic in the
line length), which made a full report take seconds. Here words are measured once (cached) and
lines are wrapped greedily, then each line is drawn with ``cell``; text shaping, right-to-left
ordering and fallback fonts are still applied by fpdf2 on each line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from assessment.report.text import is_rtl_or_complex

Color = tuple[int, int, int]
INK: Color = (31, 42, 51)
MUTED: Color = (95, 111, 122)
ACCENT: Color = (31, 78, 121)
SOFT: Color = (244, 247, 249)
HEAD: Color = (228, 236, 242)
LINE: Color = (223, 229, 233)
WHITE: Color = (255, 255, 255)
TABLE_CELL_LIMIT = 300  # characters; table cells hold titles, never whole answers
WIDTH_CACHE_LIMIT = 200_000  # measured words kept across documents (the same fonts give the same widths)
_WIDTHS: dict[tuple[object, ...], float] = {}

# Tokens: one CJK character (lines may break between any two), a run of other non-space
# characters (a word), or a run of spaces.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|[ \t]+")


def rgb(color: str) -> Color:
    """``#rrggbb`` as an RGB tuple."""
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


Cell = str | tuple[str, str]  # plain text, or (text, badge colour)


class Writer:
    """Draws the report's building blocks on one ``FPDF`` document."""

    def __init__(self, pdf: FPDF, shaping: bool = False) -> None:
        self.pdf = pdf
        self.shaping = shaping  # the document holds scripts that need HarfBuzz shaping
        self._shaping_on = False
        # The fonts registered on this document (body, and any fallbacks): part of the width key.
        self._fonts = tuple(sorted(pdf.fonts))

    def shape_for(self, text: str) -> None:
        """Turn text shaping on only for text that needs it: shaping every line is ~10x slower."""
        want = self.shaping and is_rtl_or_complex(text)
        if want != self._shaping_on:
            self.pdf.set_text_shaping(want)
            self._shaping_on = want

    # -- measuring and wrapping -------------------------------------------------------------
    def font(self, size: float = 10, style: str = "", color: Color = INK) -> None:
        """Select the body font at ``size`` and ``style`` in ``color``."""
        self.pdf.set_font("body", style, size)
        self.pdf.set_text_color(*color)

    def width(self, text: str) -> float:
        """Width of ``text`` in the current font (cached per fonts, size and text, across documents)."""
        plain = self._plain_width(text)
        if plain is not None:
            return plain
        pdf = self.pdf
        key = (self._fonts, pdf.font_family, pdf.font_style, pdf.font_size_pt, self.shaping, text)
        found = _WIDTHS.get(key)
        if found is None:
            self.shape_for(text)
            found = pdf.get_string_width(text)
            if len(_WIDTHS) >= WIDTH_CACHE_LIMIT:
                _WIDTHS.clear()
            _WIDTHS[key] = found
        return found

    def _plain_width(self, text: str) -> float | None:
        """Width from the current font's advance table, as fpdf2 sums it for unshaped text drawn in
        that font alone; None when fpdf2 must decide (shaping, a glyph from a fallback font, the page
        count alias, spacing or stretching). fpdf2 builds a fragment per call, ~40 us a word."""
        pdf = self.pdf
        font = pdf.current_font
        cmap = getattr(font, "cmap", None)
        widths = getattr(font, "cw", None)
        if (
            cmap is None
            or widths is None
            or self.shaping
            or getattr(font, "is_symbol", False)
            or pdf.char_spacing
            or pdf.font_stretching != 100
            or (pdf.str_alias_nb_pages and pdf.str_alias_nb_pages in text)
        ):
            return None
        codes = tuple(map(ord, text))
        if not all(map(cmap.__contains__, codes)):
            return None
        return sum(map(widths.__getitem__, codes)) * pdf.font_size_pt * 0.001 / pdf.k

    def wrap(self, text: str, max_width: float) -> list[str]:
        """``text`` broken into lines no wider than ``max_width`` (newlines kept)."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for token in _TOKEN.findall(paragraph.replace("\t", "    ")):
                size = self.width(token)
                if token.isspace():
                    if line:
                        line, used = line + token, used + size
                    continue
                if used + size <= max_width:
                    line, used = line + token, used + size
                    continue
                if line.strip():
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                if size <= max_width:
                    line, used = token, size
                    continue
                # A word longer than the line (a URL, a pasted blob): break it anywhere.
                for char in token:
                    char_size = self.width(char)
                    if used + char_size > max_width and line:
                        lines.append(line)
                        line, used = "", 0.0
                    line, used = line + char, used + char_size
            lines.append(line.rstrip())
        return lines

    # -- text blocks --------------------------------------------------------------------------
    def room(self, needed: float) -> None:
        """Start a new page unless ``needed`` mm are left (keeps headings with their text)."""
        if self.pdf.get_y() + needed > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def lines(self, text: str, line_height: float, indent: float = 0.0, fill: bool = False) -> None:
        """Draw wrapped ``text`` from the left margin plus ``indent``, page-breaking as needed."""
        pdf = self.pdf
        pad = 3.5 if fill else 0.0
        available = pdf.epw - indent - 2 * pad
        for line in self.wrap(text, available):
            if pdf.get_y() + line_height > pdf.page_break_trigger:
                pdf.add_page()
            pdf.set_x(pdf.l_margin + indent)
            if fill:
                pdf.cell(pad, line_height, "", fill=True)
            self.shape_for(line)
            pdf.cell(available + pad, line_height, line, fill=fill, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(
        self, text: str, size: float = 10, style: str = "", color: Color = INK, gap: float = 1.8
    ) -> None:
        """A wrapped paragraph."""
        self.font(size, style, color)
        self.lines(text, size * 0.5)
        self.pdf.ln(gap)

    def label(self, text: str) -> None:
        """A small bold label that stays on the page of the text after it."""
        self.room(14)
        self.font(9.5, "B", ACCENT)
        self.lines(text, 5)

    def bullets(
        self, items: Iterable[str], numbered: bool = False, mark: str = "•", size: float = 10
    ) -> None:
        """A bulleted or numbered list with hanging indent."""
        pdf = self.pdf
        for index, item in enumerate(items, start=1):
            self.font(size)
            self.room(size * 0.5)
            y = pdf.get_y()
            pdf.set_xy(pdf.l_margin + 2, y)
            pdf.cell(7, size * 0.5, f"{index}." if numbered else mark)
            pdf.set_y(y)
            self.lines(item, size * 0.5, indent=9)
            pdf.ln(0.6)
        pdf.ln(1.2)

    def box(self, text: str, fill: Color, size: float = 10, bar: Color | None = None) -> None:
        """Text on a tinted background, optionally with a coloured bar on its left."""
        pdf = self.pdf
        self.font(size)
        pdf.set_fill_color(*fill)
        start_page, y = pdf.page, pdf.get_y()
        pdf.cell(0, 1.5, "", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.lines(text, size * 0.52, fill=True)
        pdf.cell(0, 1.5, "", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if bar is not None and pdf.page == start_page:
            pdf.set_fill_color(*bar)
            pdf.rect(pdf.l_margin, y, 1.6, pdf.get_y() - y, style="F")
        pdf.ln(3)

    def badge(self, text: str, color: str, w: float, h: float, size: float = 9) -> None:
        """A rounded coloured label with white bold text at the current position."""
        pdf = self.pdf
        x, y = pdf.get_x(), pdf.get_y()
        pdf.set_fill_color(*rgb(color))
        pdf.rect(x, y, w, h, style="F", round_corners=True, corner_radius=min(h / 2, 2.2))
        self.font(size, "B", WHITE)
        self.shape_for(text)
        pdf.cell(w, h, text, align="C")
        pdf.set_xy(x + w + 2, y)

    # -- tables ---------------------------------------------------------------------------------
    def table(
        self,
        headings: Sequence[str],
        rows: Iterable[Sequence[Cell]],
        widths: Sequence[float],
        align: Sequence[str] | None = None,
        size: float = 8.8,
    ) -> None:
        """A striped table; widths are relative, a ``(text, colour)`` cell is a badge."""
        pdf = self.pdf
        scale = pdf.epw / sum(widths)
        cols = [w * scale for w in widths]
        aligns = list(align) if align else ["L"] * len(cols)
        line_h, pad = size * 0.46, 1.3

        def draw_row(cells: Sequence[Cell], fill: Color | None, head: bool) -> None:
            self.font(size, "B" if head else "", ACCENT if head else INK)
            wrapped = [
                [c[0]] if isinstance(c, tuple) else self.wrap(c[:TABLE_CELL_LIMIT], col - 2 * pad)
                for c, col in zip(cells, cols, strict=True)
            ]
            height = max(len(w) for w in wrapped) * line_h + 2 * pad
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()
                if not head:
                    draw_row(headings, HEAD, True)
                    self.font(size, "", INK)
            x, y = pdf.l_margin, pdf.get_y()
            if fill is not None:
                pdf.set_fill_color(*fill)
                pdf.rect(x, y, pdf.epw, height, style="F")
            for cell, text_lines, col, how in zip(cells, wrapped, cols, aligns, strict=True):
                if isinstance(cell, tuple):
                    pdf.set_xy(x + pad, y + pad - 0.3)
                    self.badge(cell[0], cell[1], col - 2 * pad, line_h + 0.6, size=size - 0.8)
                    self.font(size, "B" if head else "", ACCENT if head else INK)
                else:
                    for index, text in enumerate(text_lines):
                        pdf.set_xy(x + pad, y + pad + index * line_h)
                        self.shape_for(text)
                        pdf.cell(col - 2 * pad, line_h, text, align=how)
                x += col
            pdf.set_draw_color(*LINE)
            pdf.line(pdf.l_margin, y + height, pdf.l_margin + pdf.epw, y + height)
            pdf.set_xy(pdf.l_margin, y + height)

        self.room(3 * line_h + 4 * pad)
        draw_row(headings, HEAD, True)
        for index, row in enumerate(rows):
            draw_row(row, SOFT if index % 2 else None, False)
        pdf.ln(4)
