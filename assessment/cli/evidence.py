"""``soc2-ready import-evidence FILE [--session S.json]``: read a Prowler scan, pre-fill the interview.

Without ``--session`` the scan's evidence per criterion is printed; with it, the scan is added to the
saved session (written back in place), whose pre-filled questions then await confirmation. A bad
file exits 2 with the message and leaves the session file untouched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assessment.evidence import EvidenceError, EvidenceSummary, read_scan
from assessment.evidence.prefill import evidence_line


def register(subparsers: Any) -> None:
    """Add the ``import-evidence`` sub-command."""
    parser = subparsers.add_parser(
        "import-evidence",
        help="import a Prowler SOC 2 compliance CSV or OCSF JSON as evidence",
        description="Read a Prowler scan (compliance CSV or OCSF JSON) and pre-fill the interview with it.",
    )
    parser.add_argument("file", help="Prowler output: output/compliance/*_soc2_<provider>.csv or *.ocsf.json")
    parser.add_argument("--session", default=None, help="SESSION.json to add the scan to (updated in place)")
    parser.set_defaults(handler=run)


def _print_summary(summary: EvidenceSummary) -> None:
    for item in summary.automated:
        print(evidence_line(item))
    manual = [c.criterion_id for c in summary.criteria if c.proposed_label is None]
    if manual:
        print(f"manual only (asked as usual): {', '.join(manual)}")


def run(args: argparse.Namespace) -> int:
    """Import the scan; exit 2 with a clear message on a bad scan or session file."""
    try:
        if args.session is None:
            _print_summary(read_scan(Path(args.file)))
            return 0
        from assessment.interview.session_file import load_session

        session = Path(args.session)
        # The one session loader: size, encoding, nesting depth and shape checked, messages from prompts/.
        interview = load_session(session)
        interview.import_evidence(Path(args.file))
        session.write_text(json.dumps(interview.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    except (EvidenceError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.session}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(interview.transcript[-1][1])
    print(f"updated {session}", file=sys.stderr)
    return 0
