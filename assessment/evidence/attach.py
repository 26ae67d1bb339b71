"""Put imported scan evidence on a ``Report``: per gap its failing checks, per criterion all findings.

Statuses and scores are never changed here: they come from the founder's (confirmed) answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assessment.evidence.models import EvidenceSummary
from assessment.evidence.prefill import evidence_for
from assessment.models import Report


def attach_evidence(report: Report, scans: Sequence[EvidenceSummary]) -> Report:
    """``report`` with ``scans``, ``evidence_found`` per in-scope criterion and on each gap."""
    if not scans:
        return report
    found = {}
    for result in report.criteria:
        items = evidence_for(scans, result.criterion_id)
        if items:
            found[result.criterion_id] = items
    gaps = [replace(gap, evidence_found=found.get(gap.criterion_id, ())) for gap in report.gaps]
    return replace(report, gaps=gaps, scans=tuple(s.info for s in scans), evidence_found=found)
