"""Importers of scan results (Prowler) into evidence for the interview and the report.

Typical use::

    from assessment.evidence import read_scan
    summary = read_scan("prowler-output-123456789012_soc2_aws.csv")   # or the file's bytes
    summary.criterion("CC6.1").failing_checks

``Interview.import_evidence(path)`` does this and pre-fills the questions the scan informs.
"""

from __future__ import annotations

from assessment.evidence.errors import EvidenceError
from assessment.evidence.models import (
    CheckEvidence,
    CriterionEvidence,
    EvidenceSummary,
    Finding,
    ScanInfo,
)
from assessment.evidence.reader import MAX_BYTES, read_scan

__all__ = [
    "MAX_BYTES",
    "CheckEvidence",
    "CriterionEvidence",
    "EvidenceError",
    "EvidenceSummary",
    "Finding",
    "ScanInfo",
    "read_scan",
]
