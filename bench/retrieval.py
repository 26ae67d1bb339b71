"""Retrieval benchmark: quality on the dev set, index build and load times, search latency.

Run: ``.venv/bin/python bench/retrieval.py [--file SET.jsonl ...] [--side SET.jsonl ...] [--skip-load]``
(prints figures; nothing is asserted). Without ``--file`` the dev set is scored; ``--file`` may be
repeated. ``--side`` scores side-question sets (``{"query": ..., "accept": [entry or criterion IDs]}``,
``accept`` empty for questions that deserve the honest "no good answer"): which source answers
(basics, criteria or none, see ``knowledge.routing``) and whether the answer is an accepted one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge import Retriever

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "retrieval_dev.jsonl"

_CHILD = r"""
import json, sys, time
from knowledge.settings import enforce_offline_env
enforce_offline_env()
started = time.perf_counter()
from knowledge import Retriever
from knowledge.embeddings import load_embeddings
imported = time.perf_counter()
if sys.argv[2] == "cold":
    load_embeddings().embed_query("warm up")  # so the build time excludes loading the model
    model_loaded = time.perf_counter()
else:
    model_loaded = imported
Retriever.load(sys.argv[1], progress=False)
done = time.perf_counter()
timings = {"import_s": imported - started, "model_s": model_loaded - imported, "load_s": done - model_loaded}
print(json.dumps(timings))
"""


def _child(data_dir: Path, mode: str) -> dict[str, float]:
    """Run ``Retriever.load`` in a fresh interpreter and return its timings."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data_dir), mode], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _quality(retriever: Retriever, cases: list[dict[str, Any]]) -> dict[str, float]:
    hit1 = recall5 = mrr = 0.0
    for case in cases:
        relevant = set(case["relevant"])
        ids = [h.criterion_id for h in retriever.search(str(case["query"]), k=10)]
        hit1 += 1.0 if ids and ids[0] in relevant else 0.0
        recall5 += len(relevant & set(ids[:5])) / len(relevant)
        mrr += next((1.0 / (rank + 1) for rank, cid in enumerate(ids) if cid in relevant), 0.0)
    n = len(cases)
    return {"recall@1": hit1 / n, "recall@5": recall5 / n, "mrr": mrr / n}


def _side_quality(retriever: Retriever, cases: list[dict[str, Any]]) -> dict[str, float]:
    """Share of side questions answered by an accepted entry or criterion (or honestly not at all),
    share routed to the right source, and how often an off-topic question got a made-up answer."""
    from knowledge.routing import answer_id, route

    correct = source_ok = off_topic = answered_off_topic = 0
    for case in cases:
        accept = list(case["accept"])
        chosen = route(
            retriever.search_basics(str(case["query"]), k=3), retriever.search(str(case["query"]), k=3)
        )
        got = answer_id(chosen)
        expected = "none" if not accept else ("criteria" if accept[0][:1].isupper() else "basics")
        correct += (got is None) if not accept else (got in accept)
        source_ok += chosen.source == expected
        if not accept:
            off_topic += 1
            answered_off_topic += got is not None
    n = len(cases)
    return {
        "answer_accuracy": correct / n,
        "source_accuracy": source_ok / n,
        "off_topic_answered": answered_off_topic / max(1, off_topic),
    }


def _percentiles(samples_ms: list[float]) -> str:
    p95 = statistics.quantiles(samples_ms, n=20)[18]
    return f"p50={statistics.median(samples_ms):.1f} ms p95={p95:.1f} ms"


def _read_cases(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL set of ``{"query": ..., "relevant": [...]}`` lines."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--file", type=Path, action="append", help="JSONL query set to score (repeatable; default: dev set)"
    )
    parser.add_argument(
        "--side", type=Path, action="append", default=[], help="JSONL side-question set to score (repeatable)"
    )
    parser.add_argument("--skip-load", action="store_true", help="skip the cold/warm load timings")
    return parser.parse_args()


def main() -> None:
    """Print all figures."""
    args = _args()
    sets = {path: _read_cases(path) for path in (args.file or [DEV_SET])}
    cases = [case for group in sets.values() for case in group]
    print("load average (1/5/15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="soc2-bench-") as tmp:
        data_dir = Path(tmp)
        if not args.skip_load:
            cold = _child(data_dir, "cold")
            warm = _child(data_dir, "warm")
            print(f"cold index build (model already loaded): {cold['load_s']:.2f} s")
            print(
                f"warm Retriever.load() incl. model load: {warm['load_s']:.2f} s "
                f"(+ {warm['import_s']:.2f} s importing libraries)"
            )

        from knowledge import Retriever  # imported late so the subprocess timings above are cold

        retriever = Retriever.load(data_dir, progress=False)
        for path, group in sets.items():
            quality = _quality(retriever, group)
            figures = ", ".join(f"{k}={v:.3f}" for k, v in quality.items())
            print(f"{path.name} ({len(group)} queries): {figures}")
        for path in args.side:
            side_cases = _read_cases(path)
            figures = ", ".join(f"{k}={v:.3f}" for k, v in _side_quality(retriever, side_cases).items())
            print(f"{path.name} ({len(side_cases)} side questions): {figures}")

        fresh = Retriever.load(data_dir, progress=False)  # empty query-embedding cache
        fresh.search("warm up", k=5)
        latencies = []
        for case in cases:
            start = time.perf_counter()
            fresh.search(str(case["query"]), k=5)
            latencies.append((time.perf_counter() - start) * 1000)
        print(f"search latency, uncached queries: {_percentiles(latencies)}")
        repeated = []
        for case in cases:
            start = time.perf_counter()
            fresh.search(str(case["query"]), k=5)
            repeated.append((time.perf_counter() - start) * 1000)
        print(f"search latency, repeated queries: {_percentiles(repeated)}")


if __name__ == "__main__":
    main()
