"""How well the answer reader reads answers: per frozen test set, the figures issue 10 asks for.

Usage: .venv/bin/python bench/interpret.py [--mode model|rules] [--errors] [FILE.jsonl ...]
Without files it reads the three frozen sets in tests/data/reader/ (written before the first
training run and never tuned on). Per set it prints accuracy, macro-recall, per-label recall,
clarify rate, silent-misread rate (wrong and recorded without asking), upward silent misreads
(recorded higher than the truth) and the reader's latency.

Definitions (one answer = one row):
- reading: the reader's top class (the five labels, or "question" when it reads a question back);
  a scoping value answer ("about 30") counts as read when the reading is "yes" (it answered).
- asked: ``needs_clarification`` is true (a question back is always asked/answered, never recorded).
- accuracy: reading == truth; macro-recall: mean per-label recall over the labels present.
- silent misread: not asked and reading != truth.
- upward: silent misread whose recorded value is above the truth (yes 1 > partial 0.5 > no =
  unknown 0; not_applicable counts as upward unless the truth is yes; anything recorded for a
  question back that is yes/partial/not_applicable is upward).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assessment.understanding.dataset import READER_CLASSES, Example, load_file
from assessment.understanding.reader import Mode, interpret_with, needs_clarification

FROZEN = Path(__file__).resolve().parent.parent / "tests" / "data" / "reader"
FROZEN_SETS = ("founder_chat.jsonl", "questionnaire_prose.jsonl", "scoping.jsonl")
_VALUE = {"yes": 1.0, "partial": 0.5, "no": 0.0, "unknown": 0.0}


@dataclass(frozen=True)
class Figures:
    """The reader's figures on one set."""

    n: int
    accuracy: float
    macro_recall: float
    macro_recall_yes_no_na: float
    recall: dict[str, float]
    clarify_rate: float
    silent_misread: float
    upward_silent: float
    p50_ms: float
    p95_ms: float


def is_upward(recorded: str, truth: str) -> bool:
    """Recorded higher than the truth (see the module docstring)."""
    if truth == "question":
        return recorded in ("yes", "partial", "not_applicable")
    if recorded == "not_applicable":
        return truth not in ("not_applicable", "yes")
    if truth == "not_applicable":
        return False
    return _VALUE.get(recorded, 0.0) > _VALUE.get(truth, 0.0)


def evaluate(rows: list[Example], mode: Mode, show_errors: bool = False) -> Figures:
    """Read every row and compute the figures."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    asked = silent = upward = 0
    latencies: list[float] = []
    for row in rows:
        start = time.perf_counter()
        got = interpret_with(row.answer, row.question, mode=mode)
        latencies.append((time.perf_counter() - start) * 1000)
        reading = "question" if got.asks else got.label
        clarify = needs_clarification(got)
        totals[row.label] += 1
        right = reading == row.label
        hits[row.label] += int(right)
        asked += int(clarify)
        if not clarify and not right:
            silent += 1
            upward += int(is_upward(got.label, row.label))
        if show_errors and not right:
            flag = "asked" if clarify else "SILENT"
            print(
                f" {flag:<6} want {row.label:<14} got {reading:<14} {got.confidence:.2f} {row.answer[:80]!r}"
            )
    recall: dict[str, float] = {c: hits[c] / totals[c] for c in READER_CLASSES if totals[c]}
    core = [recall[k] for k in ("yes", "no", "not_applicable") if k in recall]
    n = len(rows)
    return Figures(
        n=n,
        accuracy=sum(hits.values()) / n,
        macro_recall=statistics.mean(recall.values()),
        macro_recall_yes_no_na=statistics.mean(core) if core else float("nan"),
        recall=recall,
        clarify_rate=asked / n,
        silent_misread=silent / n,
        upward_silent=upward / n,
        p50_ms=statistics.median(latencies),
        p95_ms=statistics.quantiles(latencies, n=20)[-1],
    )


def print_figures(name: str, f: Figures) -> None:
    """One block of figures."""
    print(f"{name}: {f.n} answers")
    print(
        f"  accuracy {f.accuracy:.3f}  macro-recall {f.macro_recall:.3f}  "
        f"(yes/no/n-a {f.macro_recall_yes_no_na:.3f})"
    )
    print("  recall " + "  ".join(f"{k} {v:.3f}" for k, v in f.recall.items()))
    print(
        f"  clarify {f.clarify_rate:.3f}  silent misreads {f.silent_misread:.3f}  "
        f"upward silent {f.upward_silent:.3f}  latency p50 {f.p50_ms:.1f} ms p95 {f.p95_ms:.1f} ms"
    )


@dataclass(frozen=True)
class ScopingFigures:
    """The scoping readers' figures: recorded right, asked, recorded wrong."""

    n: int
    accuracy: float
    clarify_rate: float
    silent_misread: float


def _horizon_ok(expected: str, got: date, today: date) -> bool:
    from dateutil.relativedelta import relativedelta

    months = {"+3m": (0, 3), "+6m": (3, 6), "+12m": (6, 12)}[expected]
    low, high = (today + relativedelta(months=m) for m in months)
    return (low < got or months[0] == 0) and got <= high + relativedelta(days=3)


def _scoping_right(row: Example, value: object, today: date) -> bool:
    if row.label == "unknown":
        return value is None
    if not row.is_value:
        return value is (row.label == "yes")
    if isinstance(row.value, str) and row.value.startswith("+"):
        return isinstance(value, str) and _horizon_ok(row.value, date.fromisoformat(value), today)
    if isinstance(row.value, str) and len(row.value) == 10 and isinstance(value, str):
        return abs((date.fromisoformat(value) - date.fromisoformat(row.value)).days) <= 3
    return value == row.value


def evaluate_scoping(rows: list[Example], show_errors: bool = False) -> ScopingFigures:
    """Scoping answers through the engine's scoping readers (the same reader + exact parsers)."""
    from assessment.bank.loader import load_bank
    from assessment.scoping.profile import parse_scoping_answer

    bank = load_bank()
    questions = {q.id: q for q in bank.scoping}
    today = date(2026, 12, 1)  # the date the set was written against
    right = asked = silent = 0
    for row in rows:
        parsed = parse_scoping_answer(questions[row.question_id], row.answer, today)
        if not parsed.confident:
            asked += 1
            right += int(row.label == "question")
            continue
        ok = row.label != "question" and _scoping_right(row, parsed.value, today)
        right += int(ok)
        silent += int(not ok)
        if show_errors and not ok:
            print(
                f"  SILENT want {row.label}/{row.value!r:<12} got {parsed.value!r:<14} | {row.answer[:80]!r}"
            )
    n = len(rows)
    return ScopingFigures(n, right / n, asked / n, silent / n)


def main() -> None:
    """Print the figures for each set."""
    argv = sys.argv[1:]
    mode: Mode = "model"
    if "--mode" in argv:
        at = argv.index("--mode")
        mode = argv[at + 1]  # type: ignore[assignment]
        argv = argv[:at] + argv[at + 2 :]
    show_errors = "--errors" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")] or [FROZEN / name for name in FROZEN_SETS]
    start = time.perf_counter()
    interpret_with("warm up", "Do you warm up?", mode=mode)
    print(f"reader ({mode}) loaded in {time.perf_counter() - start:.1f} s")
    for path in paths:
        if not path.is_file():
            sys.exit(f"no such answers file: {path}")
        rows = load_file(path)
        print_figures(path.name, evaluate(rows, mode, show_errors))
        if all(row.question_id.startswith("scope_") for row in rows):
            f = evaluate_scoping(rows, show_errors)
            print(
                f"  through the scoping readers: right {f.accuracy:.3f}  asked {f.clarify_rate:.3f}  "
                f"silent misreads {f.silent_misread:.3f}"
            )


if __name__ == "__main__":
    main()
