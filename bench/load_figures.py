"""Figures for ``bench/load.py``: process memory and CPU from /proc, the app's timing log, percentiles."""

from __future__ import annotations

import os
import statistics
from pathlib import Path


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (``VmHWM``) in MB, 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_timing(path: Path, since: float) -> dict[str, list[tuple[float, float | None]]]:
    """(duration ms, server CPU ms or None) by kind of the timing log's runs ended after ``since``."""
    kinds: dict[str, list[tuple[float, float | None]]] = {}
    if not path.exists():
        return kinds
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")  # end time, kind, ms, outcome[, process CPU ms during the run]
        if len(parts) in (4, 5) and float(parts[0]) >= since:
            cpu = float(parts[4]) if len(parts) == 5 else None
            kinds.setdefault(parts[1], []).append((float(parts[2]), cpu))
    return kinds


def descendants_cpu(names: tuple[str, ...]) -> float:
    """CPU seconds used so far by this process's descendants whose command name starts with ``names``."""
    parents: dict[int, int] = {}
    comms: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid = int(stat.parent.name)
        comms[pid] = text[text.index("(") + 1 : text.rindex(")")]
        parents[pid] = int(text.rsplit(")", 1)[1].split()[1])
    mine, total = {os.getpid()}, 0.0
    for pid in sorted(parents):  # children have larger pids than their parents, nearly always
        if parents[pid] in mine:
            mine.add(pid)
            if comms[pid].startswith(names):
                total += cpu_seconds(pid)
    return total


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> str:
    """``n, p50, p95, max`` of durations in ms."""
    if not values:
        return "no samples"
    return (
        f"n={len(values)}, p50 {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} ms, "
        f"max {max(values):.0f} ms"
    )
