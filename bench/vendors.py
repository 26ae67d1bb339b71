"""How well tools named in answers are read as in use (subservice organizations); prints figures.

For each set in ``tests/data/vendors_{blind,dev}.jsonl`` (sentence -> the tools in use): the share of
sentences whose set of tools in use is exactly right, with the reader in ``assessment/scoping/usage.py``
and, for comparison, with every tool named counted as in use (the behaviour before that reader).

    python bench/vendors.py [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment.scoping.vendors import mentioned_vendors, vendors_in_use  # noqa: E402

SETS = ("vendors_blind.jsonl", "vendors_dev.jsonl")


def main() -> int:
    """Print exact-set accuracy per set, with and without the in-use reader."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the sentences read wrong")
    args = parser.parse_args()
    for name in SETS:
        lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        started = time.perf_counter()
        right = named = 0
        for row in rows:
            expected = set(row["in_use"])
            got = [v.name for v in vendors_in_use(row["text"])]
            right += set(got) == expected
            named += {v.name for v in mentioned_vendors(row["text"])} == expected
            if args.show and set(got) != expected:
                print(f"  wrong: {row['text']!r}: {got} (expected {sorted(expected)})")
        ms = (time.perf_counter() - started) * 1000 / max(1, len(rows))
        print(
            f"{name:<22} {len(rows):>4} sentences  in-use reader {right / len(rows):.3f}  "
            f"every name counted {named / len(rows):.3f}  ({ms:.2f} ms a sentence, cold)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
