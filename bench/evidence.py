"""Benchmark scan-evidence import; prints figures, asserts nothing.

1. Import speed and memory: a generated 100 000-row Prowler SOC 2 compliance CSV (targets: <= 5 s,
   <= 300 MB extra; memory measured both with tracemalloc and as the process's peak RSS growth).
2. A fixture company (``tests/data/companies/<name>.yaml``, AWS-hosted) answers the whole interview by
   hand, then again after importing a scan of its cloud whose results follow its ground truth. With the
   scan, the founder replies "confirm" when the pre-filled reading is what they would have said and
   answers normally otherwise. Printed: questions pre-filled, confirmed, overridden, and whether the
   report's statuses are identical.

    python bench/evidence.py [--rows 100000] [--company brightcart]
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fakes.prowler import CheckSpec, checks_for_truth, compliance_csv, scan_rows  # noqa: E402

from assessment.evidence import read_scan  # noqa: E402
from assessment.interview.engine import Interview  # noqa: E402
from assessment.models import Question  # noqa: E402
from knowledge.models import CATEGORIES  # noqa: E402

HAND = {"met": "Yes", "partial": "Partly", "missing": "No"}
LABEL_OF = {"met": "yes", "partial": "partial", "missing": "no"}


def big_csv(rows: int) -> bytes:
    """A compliance CSV of exactly ``rows`` rows: four checks over many resources, some failing."""
    from fakes.prowler import requirements_by_check

    names = [
        "s3_bucket_public_access",
        "ec2_ebs_volume_encryption",
        "cloudtrail_multi_region_enabled",
        "iam_user_accesskey_unused",
    ]
    per_resource = sum(len(requirements_by_check()[n]) for n in names)
    resources = rows // per_resource + 1
    checks = [CheckSpec(n, resources, resources // (4 + i)) for i, n in enumerate(names)]
    lines = compliance_csv(scan_rows(checks, manual=())).splitlines(keepends=True)
    return "".join(lines[: rows + 1]).encode()


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_import(rows: int) -> None:
    data = big_csv(rows)
    lines = data.count(b"\n") - 1
    print(f"file: {lines:,} rows, {len(data) / 2**20:.1f} MB")
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    summary = read_scan(data, "big.csv")
    seconds = time.perf_counter() - start
    rss_growth = rss_mb() - before
    tracemalloc.start()
    read_scan(data, "big.csv")
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"import: {seconds:.2f} s (target <= 5 s); {len(summary.criteria)} criteria")
    print(f"memory: tracemalloc peak {peak:.0f} MB; peak RSS growth {rss_growth:.0f} MB (target <= 300 MB)")


def answer_for(q: Question, truth: dict[str, str]) -> str:
    """What the fixture founder says by hand."""
    if q.kind == "carve_out":
        return q.options[-1] if q.options else "no"
    if q.kind in ("scoping", "scope_confirm"):
        return q.options[0] if q.options else "yes"
    if q.kind == "followup":
        return "Yes"
    return HAND.get(truth.get(q.criteria[0] if q.criteria else "", ""), "Not sure")


def run_company(
    truth: dict[str, str], report_type: str, scan: bytes | None
) -> tuple[dict[str, str], dict[str, int]]:
    iv = Interview(scope=set(CATEGORIES), report_type=report_type)
    if scan is not None:
        iv.import_evidence(scan, "company_soc2_aws.csv")
    counts = {"questions": 0, "prefilled": 0, "confirmed": 0, "overridden": 0}
    while (q := iv.next_question()) is not None:
        counts["questions"] += 1
        hand = answer_for(q, truth)
        if q.proposed_label is not None:
            counts["prefilled"] += 1
            if q.proposed_label == LABEL_OF.get(truth.get(q.criteria[0], ""), ""):
                counts["confirmed"] += 1
                iv.answer("confirm")
                continue
            counts["overridden"] += 1
        iv.answer(hand)
    return dict(iv.report().criterion_status), counts


def bench_company(name: str) -> None:
    data = yaml.safe_load(
        (ROOT / "tests" / "data" / "companies" / f"{name}.yaml").read_text(encoding="utf-8")
    )
    truth: dict[str, str] = data["truth"]
    report_type = str(data["profile"].get("report_type") or "type1")
    # The scan follows the truth, except on two criteria where the cloud looks fine but the control
    # (as the question asks it) is only partly there: the founder must override those.
    specs = checks_for_truth(truth)
    override = [c for c in ("CC6.1", "CC6.3") if truth.get(c) != "met"]
    specs = [
        s if not any(s.check_id in checks_of(c) for c in override) else CheckSpec(s.check_id, 4)
        for s in specs
    ]
    scan = compliance_csv(scan_rows(specs)).encode()
    by_hand, hand_counts = run_company(truth, report_type, None)
    with_scan, scan_counts = run_company(truth, report_type, scan)
    same = by_hand == with_scan
    typed = scan_counts["questions"] - scan_counts["confirmed"]
    asked, confirmed = hand_counts["questions"], scan_counts["confirmed"]
    print(f"company {data['name']} ({report_type}, all categories): {asked} questions by hand")
    print(
        f"with a scan: {scan_counts['prefilled']} pre-filled, {confirmed} confirmed with one word, "
        f"{scan_counts['overridden']} overridden; answers to compose {typed} instead of {asked} "
        f"({confirmed} saved)"
    )
    diff = {c: (by_hand[c], with_scan.get(c)) for c in by_hand if by_hand[c] != with_scan.get(c)}
    print(f"report statuses identical to answering by hand: {same}" + ("" if same else f" {diff}"))


def checks_of(criterion: str) -> set[str]:
    """The fixture checks exclusive to ``criterion``."""
    from fakes.prowler import exclusive_checks

    return set(exclusive_checks().get(criterion, []))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--company", default="brightcart")
    args = parser.parse_args()
    bench_import(args.rows)
    bench_company(args.company)


if __name__ == "__main__":
    main()
