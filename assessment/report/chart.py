"""The category score chart, drawn once with matplotlib (Agg) and exported as PNG or SVG.

Every image-capable format embeds this same chart. Text is drawn as paths in the SVG, so the
HTML report needs no font; output is deterministic (no dates, fixed SVG hash salt).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

# The Agg canvas is attached explicitly to each Figure, so no global backend is switched and no
# pyplot state is shared between threads.
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

ChartData = tuple[tuple[str, int, str], ...]  # (category title, score 0..100, hex colour)

_RC = {
    "svg.hashsalt": "soc2-ready",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 10,
}


def chart_data(rows: Sequence[object]) -> ChartData:
    """Chart input from ``CategoryRow``-like objects (``title``, ``score``, ``color``)."""
    return tuple((str(r.title), int(r.score), str(r.color)) for r in rows)  # type: ignore[attr-defined]


FIG_WIDTH = 7.0


def chart_aspect(bars: int) -> float:
    """Height over width of the chart with ``bars`` categories."""
    return (0.9 + 0.55 * max(1, bars)) / FIG_WIDTH


def _figure(data: ChartData, overall: int) -> Figure:
    fig = Figure(figsize=(FIG_WIDTH, FIG_WIDTH * chart_aspect(len(data))))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    labels = [title for title, _, _ in data][::-1]
    scores = [score for _, score, _ in data][::-1]
    colors = [color for _, _, color in data][::-1]
    ax.barh(labels, [100] * len(data), color="#eceff1", height=0.6, zorder=1)
    ax.barh(labels, scores, color=colors, height=0.6, zorder=2)
    for index, score in enumerate(scores):
        inside = score >= 14
        ax.text(
            score - 1.5 if inside else score + 1.5,
            index,
            f"{score}%",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "#263238",
            fontweight="bold",
            zorder=3,
        )
    ax.axvline(overall, color="#263238", linestyle="--", linewidth=1, zorder=4)
    ax.text(
        overall,
        len(data) - 0.45,
        f"overall {overall}%",
        ha="center",
        va="bottom",
        fontsize=8,
        color="#263238",
    )
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(data) - 0.1)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xticklabels(["0", "25", "50", "75", "100%"])
    ax.tick_params(axis="both", length=0, labelcolor="#37474f")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#cfd8dc", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    fig.tight_layout(pad=0.4)
    return fig


@lru_cache(maxsize=32)
def chart_png(data: ChartData, overall: int, dpi: int = 150) -> bytes:
    """The chart as PNG bytes (cached: the same scores always give the same image)."""
    with rc_context(cast(Any, _RC)):
        fig = _figure(data, overall)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()


@lru_cache(maxsize=32)
def chart_svg(data: ChartData, overall: int) -> str:
    """The chart as an SVG fragment ready to inline in HTML (no XML prolog or DOCTYPE)."""
    with rc_context(cast(Any, _RC)):
        fig = _figure(data, overall)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, facecolor="white")
    svg = buffer.getvalue()
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    return svg.strip()
