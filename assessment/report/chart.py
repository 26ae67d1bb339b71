"""The category score chart, drawn from one geometry as plain SVG (HTML) and with fpdf2 shapes (PDF).

Horizontal bars on a 0-100% track, the score in (or beside) each bar, a dashed line at the overall
score and a light grid. No plotting library is imported, so ``soc2-ready report`` starts fast; the
output is deterministic (no dates, no ids). Layout units are SVG pixels; the PDF scales them to the
width it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

ChartData = tuple[tuple[str, int, str], ...]  # (category title, score 0..100, hex colour)

WIDTH = 700.0
LABEL_W = 190.0  # category titles, right-aligned against the track
RIGHT = 46.0  # room for a score written beside a short bar
TOP = 30.0  # room for the overall label
BOTTOM = 30.0  # room for the tick labels
ROW = 40.0
BAR = 24.0
TICKS = (0, 25, 50, 75, 100)
INSIDE_FROM = 14  # scores at least this wide are written inside their bar
TRACK, GRID, INK, MUTED = "#eceff1", "#cfd8dc", "#263238", "#37474f"
LABEL_SIZE, SCORE_SIZE, TICK_SIZE, OVERALL_SIZE = 13.0, 12.5, 11.5, 11.0


def chart_data(rows: Sequence[object]) -> ChartData:
    """Chart input from ``CategoryRow``-like objects (``title``, ``score``, ``color``)."""
    return tuple((str(r.title), int(r.score), str(r.color)) for r in rows)  # type: ignore[attr-defined]


def chart_height(bars: int) -> float:
    """Height of the chart with ``bars`` categories, in layout pixels."""
    return TOP + ROW * max(1, bars) + BOTTOM


def chart_aspect(bars: int) -> float:
    """Height over width of the chart with ``bars`` categories."""
    return chart_height(bars) / WIDTH


@dataclass(frozen=True)
class _Bar:
    title: str
    score: int
    color: str
    y: float  # top of the bar
    end: float  # x where the bar ends


def _x(score: float) -> float:
    return LABEL_W + (WIDTH - LABEL_W - RIGHT) * max(0.0, min(100.0, score)) / 100.0


def _bars(data: ChartData) -> list[_Bar]:
    return [
        _Bar(title, score, color, TOP + index * ROW + (ROW - BAR) / 2, _x(score))
        for index, (title, score, color) in enumerate(data)
    ]


def _tick_label(tick: int) -> str:
    return f"{tick}%" if tick == 100 else str(tick)


@lru_cache(maxsize=32)
def chart_svg(data: ChartData, overall: int, overall_label: str) -> str:
    """The chart as an SVG fragment to inline in HTML (``overall_label``: "overall 62%")."""
    height = chart_height(len(data))
    floor = TOP + ROW * max(1, len(data))
    font = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {height:g}" '
        f'width="{WIDTH:g}" height="{height:g}" {font}>',
        f'<rect width="{WIDTH:g}" height="{height:g}" fill="#ffffff"/>',
    ]
    for tick in TICKS:
        x = _x(tick)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4:g}" x2="{x:.1f}" y2="{floor:g}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{floor + 19:g}" font-size="{TICK_SIZE:g}" fill="{MUTED}" '
            f'text-anchor="middle">{_tick_label(tick)}</text>'
        )
    for bar in _bars(data):
        middle = bar.y + BAR / 2
        out.append(
            f'<text x="{LABEL_W - 10:g}" y="{middle:.1f}" font-size="{LABEL_SIZE:g}" fill="{MUTED}" '
            f'text-anchor="end" dominant-baseline="central">{escape(bar.title)}</text>'
        )
        out.append(
            f'<rect x="{LABEL_W:g}" y="{bar.y:.1f}" width="{_x(100) - LABEL_W:.1f}" height="{BAR:g}" '
            f'fill="{TRACK}"/>'
        )
        out.append(
            f'<rect x="{LABEL_W:g}" y="{bar.y:.1f}" width="{bar.end - LABEL_W:.1f}" height="{BAR:g}" '
            f'fill="{escape(bar.color)}"/>'
        )
    x = _x(overall)
    out.append(
        f'<line x1="{x:.1f}" y1="{TOP - 6:g}" x2="{x:.1f}" y2="{floor:g}" stroke="{INK}" stroke-width="1.2" '
        'stroke-dasharray="5 3"/>'
    )
    out.append(
        f'<text x="{x:.1f}" y="{TOP - 11:g}" font-size="{OVERALL_SIZE:g}" fill="{INK}" '
        f'text-anchor="middle">{escape(overall_label)}</text>'
    )
    for bar in _bars(data):  # scores last, so the overall line never covers them
        inside = bar.score >= INSIDE_FROM
        sx, anchor, fill = (bar.end - 6, "end", "#ffffff") if inside else (bar.end + 6, "start", INK)
        out.append(
            f'<text x="{sx:.1f}" y="{bar.y + BAR / 2:.1f}" font-size="{SCORE_SIZE:g}" font-weight="bold" '
            f'fill="{fill}" text-anchor="{anchor}" dominant-baseline="central">{bar.score}%</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def draw_pdf_chart(
    pdf: FPDF, data: ChartData, overall: int, overall_label: str, x: float, y: float, width: float
) -> float:
    """Draw the chart on ``pdf`` with its top-left corner at (``x``, ``y``) mm; returns its height.

    Text uses the document's ``body`` font family, so it stays selectable.
    """
    scale = width / WIDTH
    pt = scale * 72 / 25.4  # one layout pixel in points, for font sizes

    def at(px: float, py: float) -> tuple[float, float]:
        return x + px * scale, y + py * scale

    def text(
        px: float, py: float, label: str, size: float, color: str, style: str = "", align: str = "L"
    ) -> None:
        pdf.set_font("body", style, size * pt)
        pdf.set_text_color(*_rgb(color))
        tx, ty = at(px, py)
        shift = {"L": 0.0, "C": 0.5, "R": 1.0}[align] * pdf.get_string_width(label)
        pdf.text(tx - shift, ty + size * scale * 0.35, label)  # ty is the text's vertical middle

    floor = TOP + ROW * max(1, len(data))
    pdf.set_line_width(0.8 * scale)
    pdf.set_draw_color(*_rgb(GRID))
    for tick in TICKS:
        (lx, top), (_, bottom) = at(_x(tick), TOP - 4), at(_x(tick), floor)
        pdf.line(lx, top, lx, bottom)
        text(_x(tick), floor + 15, _tick_label(tick), TICK_SIZE, MUTED, align="C")
    for bar in _bars(data):
        middle = bar.y + BAR / 2
        text(LABEL_W - 10, middle, bar.title, LABEL_SIZE, MUTED, align="R")
        bx, by = at(LABEL_W, bar.y)
        pdf.set_fill_color(*_rgb(TRACK))
        pdf.rect(bx, by, (_x(100) - LABEL_W) * scale, BAR * scale, style="F")
        if bar.end > LABEL_W:
            pdf.set_fill_color(*_rgb(bar.color))
            pdf.rect(bx, by, (bar.end - LABEL_W) * scale, BAR * scale, style="F")
    ox = _x(overall)
    pdf.set_draw_color(*_rgb(INK))
    pdf.set_line_width(1.2 * scale)
    pdf.set_dash_pattern(dash=5 * scale, gap=3 * scale)
    (lx, top), (_, bottom) = at(ox, TOP - 6), at(ox, floor)
    pdf.line(lx, top, lx, bottom)
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    text(ox, TOP - 15, overall_label, OVERALL_SIZE, INK, align="C")
    for bar in _bars(data):  # scores last, so the overall line never covers them
        middle, label = bar.y + BAR / 2, f"{bar.score}%"
        if bar.score >= INSIDE_FROM:
            text(bar.end - 6, middle, label, SCORE_SIZE, "#ffffff", "B", align="R")
        else:
            text(bar.end + 6, middle, label, SCORE_SIZE, INK, "B")
    return chart_height(len(data)) * scale
