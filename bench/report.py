"""Render times of the gap report for a full five-category report (targets: PDF <= 1 s, XLSX <= 0.5 s,
others <= 0.2 s, warm).

Run: ``.venv/bin/python bench/report.py [--runs 5]``. Prints the first (cold) render and the median
of warm renders for each format, in wall time and in CPU time of this process (less sensitive to
other load on a shared machine; the verdict uses wall time), plus the same for a hostile report
(100 KB answer, mixed scripts).
"""

from __future__ import annotations

import argparse
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


def _time(report: object, fmt: str, runs: int) -> tuple[float, float, float, int]:
    """First render (wall), then the median wall and CPU seconds of ``runs`` warm renders, and the size."""
    start = time.perf_counter()
    out = render(report, fmt)  # type: ignore[arg-type]
    cold = time.perf_counter() - start
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = render(report, fmt)  # type: ignore[arg-type]
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return cold, statistics.median(wall), statistics.median(cpu), len(out)


def main() -> int:
    """Print render times per format; exit 1 if a warm median (wall) misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm renders per format (median is printed)")
    options = parser.parse_args()
    full = make_report()
    view = build_view(full)
    print(
        f"full report: {len(full.scope)} categories, {len(full.criteria)} criteria, {len(view.gaps)} gaps, "
        f"{len(full.answers)} answers"
    )
    missed = 0
    for label, report in (("full", full), ("hostile", make_report(answer_overrides=HOSTILE))):
        for fmt in TARGETS:
            cold, warm, cpu, size = _time(report, fmt, runs=options.runs)
            verdict = "ok" if warm <= TARGETS[fmt] else "SLOW"
            missed += label == "full" and verdict != "ok"
            print(
                f"{label:8s} {fmt:5s} first {cold:6.3f} s  warm median {warm:6.3f} s (cpu {cpu:6.3f} s)  "
                f"target {TARGETS[fmt]:.1f} s  {verdict}  ({size:,} bytes)"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
