"""Render times of the gap report for a full five-category report (targets: PDF <= 1 s, XLSX <= 0.5 s,
others <= 0.2 s, warm).

Run: ``.venv/bin/python bench/report.py``. Prints the first (cold) render and the median of warm
renders for each format, plus the same for a hostile report (100 KB answer, mixed scripts).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakes.reports import make_report

from assessment.report import render
from assessment.report.view import build_view

TARGETS = {"md": 0.2, "html": 0.2, "json": 0.2, "oscal": 0.2, "xlsx": 0.5, "pdf": 1.0}
HOSTILE = {
    0: '<script>alert("x")</script> | pipes | and\nnewlines',
    1: "مرحبا بالعالم — 你好，世界 — 안녕하세요 — Привет — 🔐",
    2: ("We rotate keys every quarter and log it in Jira. " * 2100)[:100_000],
}


def _time(report: object, fmt: str, runs: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    out = render(report, fmt)  # type: ignore[arg-type]
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        out = render(report, fmt)  # type: ignore[arg-type]
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm), len(out)


def main() -> None:
    """Print render times per format."""
    full = make_report()
    view = build_view(full)
    print(
        f"full report: {len(full.scope)} categories, {len(full.criteria)} criteria, {len(view.gaps)} gaps, "
        f"{len(full.answers)} answers"
    )
    for label, report in (("full", full), ("hostile", make_report(answer_overrides=HOSTILE))):
        for fmt in TARGETS:
            cold, warm, size = _time(report, fmt, runs=3)
            verdict = "ok" if warm <= TARGETS[fmt] else "SLOW"
            print(
                f"{label:8s} {fmt:5s} first {cold:6.3f} s  warm median {warm:6.3f} s  "
                f"target {TARGETS[fmt]:.1f} s  {verdict}  ({size:,} bytes)"
            )


if __name__ == "__main__":
    main()
