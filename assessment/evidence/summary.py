"""Fold a stream of ``Finding`` values into an ``EvidenceSummary`` (one pass, bounded memory).

Per criterion and check, each resource counts once: it fails if any of its results fails. Muted
results are counted apart and left out; MANUAL results only say the scan could not check something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assessment.evidence.errors import EvidenceError
from assessment.evidence.mapping import criterion_of
from assessment.evidence.models import (
    EXAMPLES_KEPT,
    CheckEvidence,
    CriterionEvidence,
    EvidenceSummary,
    FileFormat,
    Finding,
    ScanInfo,
    provider_title,
)

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_EPOCH = re.compile(r"^\d{9,13}(\.\d+)?$")
_CRITERIA_ORDER = ("CC", "A", "PI", "C", "P")


def scan_date(value: object) -> str:
    """The ISO date in a Prowler timestamp ("2026-11-30 10:20:30", ISO, or Unix seconds), else ""."""
    if isinstance(value, bool) or value is None:
        return ""
    text = str(value).strip()
    if _EPOCH.match(text):
        seconds = float(text) / (1000 if len(text.split(".")[0]) > 11 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return ""
    match = _DATE.search(text)
    if match is None:
        return ""
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3])).date().isoformat()
    except ValueError:
        return ""


def criterion_sort_key(criterion_id: str) -> tuple[int, int, int]:
    """Official order: CC, A, PI, C, P, then by number."""
    prefix = criterion_id.rstrip("0123456789.")
    numbers = [int(n) for n in re.findall(r"\d+", criterion_id)] + [0, 0]
    rank = _CRITERIA_ORDER.index(prefix) if prefix in _CRITERIA_ORDER else len(_CRITERIA_ORDER)
    return rank, numbers[0], numbers[1]


@dataclass
class _Check:
    failed_by_resource: dict[str, bool] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


@dataclass
class Collector:
    """Accumulates findings of one file; ``summary()`` checks the whole and builds the result."""

    name: str
    file_format: FileFormat
    rows: int = 0
    muted: int = 0
    checks: dict[tuple[str, str], _Check] = field(default_factory=dict)
    manual: dict[str, int] = field(default_factory=dict)
    providers: set[str] = field(default_factory=set)
    accounts: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    unmapped_checks: set[str] = field(default_factory=set)
    _requirements: dict[str, str | None] = field(default_factory=dict)

    def criterion(self, requirement_id: str) -> str | None:
        """``criterion_of`` with a per-file cache (a file repeats the same few ids)."""
        if requirement_id not in self._requirements:
            self._requirements[requirement_id] = criterion_of(requirement_id)
        return self._requirements[requirement_id]

    def add(self, finding: Finding) -> None:
        """Count one finding under each of its criteria."""
        self.rows += 1
        if finding.provider:
            self.providers.add(finding.provider.lower())
        if finding.account:
            self.accounts.add(finding.account)
        if finding.scan_date:
            self.dates.add(finding.scan_date)
        if not finding.criteria:
            self.unmapped_checks.add(finding.check_id)
            return
        if finding.muted:
            self.muted += 1
            return
        for criterion in finding.criteria:
            if finding.status == "MANUAL":
                self.manual[criterion] = self.manual.get(criterion, 0) + 1
                continue
            check = self.checks.get((criterion, finding.check_id))
            if check is None:
                check = self.checks[(criterion, finding.check_id)] = _Check()
            resource = finding.resource_id or finding.resource_name or f"#{self.rows}"
            failed = finding.status == "FAIL"
            check.failed_by_resource[resource] = check.failed_by_resource.get(resource, False) or failed
            if failed and len(check.examples) < EXAMPLES_KEPT:
                shown = finding.resource_name or finding.resource_id
                if shown and shown not in check.examples:
                    check.examples.append(shown)

    def summary(self) -> EvidenceSummary:
        """The scan's summary; ``EvidenceError`` for an empty, mixed or non-SOC 2 file."""
        if self.rows == 0:
            raise EvidenceError("empty_scan", file=self.name)
        if len(self.providers) > 1:
            names = " and ".join(provider_title(p) for p in sorted(self.providers))
            raise EvidenceError("mixed_providers", file=self.name, providers=names)
        if not self.checks and not self.manual and not self.muted:
            raise EvidenceError("no_soc2", file=self.name, rows=f"{self.rows:,}")
        provider = next(iter(self.providers), "")
        accounts = tuple(sorted(self.accounts))
        date = max(self.dates) if self.dates else ""
        by_criterion: dict[str, list[CheckEvidence]] = {}
        for (criterion, check_id), check in self.checks.items():
            failed = sum(check.failed_by_resource.values())
            passed = len(check.failed_by_resource) - failed
            by_criterion.setdefault(criterion, []).append(
                CheckEvidence(check_id, passed, failed, tuple(check.examples))
            )
        criteria = []
        for criterion in sorted(set(by_criterion) | set(self.manual), key=criterion_sort_key):
            checks = sorted(by_criterion.get(criterion, []), key=lambda c: (c.failed == 0, c.check_id))
            criteria.append(
                CriterionEvidence(
                    criterion,
                    provider,
                    accounts,
                    date,
                    sum(c.passed for c in checks),
                    sum(c.failed for c in checks),
                    self.manual.get(criterion, 0),
                    tuple(checks),
                )
            )
        info = ScanInfo(self.name, self.file_format, provider, accounts, date, self.rows)
        return EvidenceSummary(info, tuple(criteria), self.muted, len(self.unmapped_checks))
