"""Accuracy and latency of answer interpretation on the dev set: rules, embeddings, combined.

Usage: .venv/bin/python bench/interpret.py [--file path/to/answers.jsonl | path] [--errors]
(e.g. ``--file tests/data/answers_blind.jsonl`` for the set written independently of the rules)
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from assessment.models import LABELS
from assessment.understanding.reader import Mode, interpret_with
from assessment.understanding.semantic import clear_answer_cache, warm_up

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "answers_dev.jsonl"


def load(path: Path) -> list[dict[str, str]]:
    """The labelled answers of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(
    rows: list[dict[str, str]], mode: Mode, show_errors: bool
) -> tuple[dict[str, float], list[float]]:
    """Accuracy overall and per label, and per-answer latencies in milliseconds."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    latencies: list[float] = []
    for row in rows:
        start = time.perf_counter()
        got = interpret_with(row["answer"], row["question"], mode=mode)
        latencies.append((time.perf_counter() - start) * 1000)
        total[row["label"]] += 1
        if got.label == row["label"]:
            right[row["label"]] += 1
        elif show_errors:
            print(
                f"  [{mode}] {row['answer'][:70]!r}: want {row['label']}, got {got.label} "
                f"({got.confidence:.2f}; {got.reason[:80]})"
            )
    acc: dict[str, float] = {lab: right[lab] / total[lab] for lab in LABELS if total[lab]}
    acc["overall"] = sum(right.values()) / max(1, sum(total.values()))
    return acc, latencies


def main() -> None:
    """Print the accuracy table and latency figures."""
    argv = sys.argv[1:]
    if "--file" in argv:
        at = argv.index("--file")
        if at + 1 >= len(argv):
            sys.exit("--file needs a path to a JSONL file of {question, answer, label} rows")
        argv = argv[:at] + argv[at + 2 :] + [argv[at + 1]]
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[-1]) if args else DEV_SET
    if not path.is_file():
        sys.exit(f"no such answers file: {path}")
    rows = load(path)
    show_errors = "--errors" in sys.argv
    start = time.perf_counter()
    warm_up()
    print(f"{path.name}: {len(rows)} answers; model warm-up {time.perf_counter() - start:.1f} s")
    header = (
        f"{'mode':<11}" + "".join(f"{c:>9}" for c in ("overall", *LABELS)) + f"{'p50 ms':>9}{'p95 ms':>9}"
    )
    lines = []
    for mode in ("rules", "embeddings", "combined"):
        clear_answer_cache()  # model warm, answers not yet seen: each answer is embedded in the timed pass
        acc, lat = evaluate(rows, mode, show_errors)
        p95 = statistics.quantiles(lat, n=20)[-1]
        lines.append(
            f"{mode:<11}"
            + "".join(f"{acc.get(c, float('nan')):>9.3f}" for c in ("overall", *LABELS))
            + f"{statistics.median(lat):>9.2f}{p95:>9.2f}"
        )
    print(header)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
