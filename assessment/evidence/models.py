"""Domain values of imported scan evidence: findings, per-criterion evidence and a scan's summary.

A scan is a helper, never the verdict: ``CriterionEvidence.proposed_label`` is only a reading the
founder confirms or changes. The stored form (``EvidenceSummary.to_dict``) is plain JSON and
``EvidenceSummary.from_dict`` validates it (pydantic, ``extra="forbid"``) with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessment.clouds import CLOUD_PROVIDERS

ScanStatus = Literal["PASS", "FAIL", "MANUAL"]
FileFormat = Literal["compliance_csv", "ocsf_json"]
ProposedLabel = Literal["yes", "partial", "no"]
EXAMPLES_KEPT = 3  # failing resources kept per check, as examples for the report

# Prowler's providers as its own output names them: the clouds, then the rest it scans.
PROVIDER_TITLES = {p.key: p.short for p in CLOUD_PROVIDERS} | {"kubernetes": "Kubernetes", "m365": "M365"}


def provider_title(provider: str) -> str:
    """The provider's display name ("aws" -> "AWS"); unknown ones as given."""
    return PROVIDER_TITLES.get(provider.lower(), provider or "?")


@dataclass(frozen=True)
class Finding:
    """One scan result of one check on one resource, with the SOC 2 criteria it informs."""

    check_id: str
    status: ScanStatus
    criteria: tuple[str, ...]
    resource_id: str = ""
    resource_name: str = ""
    provider: str = ""  # lower case, as Prowler writes it: "aws", "azure", "gcp"
    account: str = ""
    region: str = ""
    scan_date: str = ""  # ISO date (YYYY-MM-DD) or empty when the file does not say
    muted: bool = False


@dataclass(frozen=True)
class CheckEvidence:
    """How one check came out for one criterion: resources passing and failing, a few failing ones."""

    check_id: str
    passed: int
    failed: int
    failing_examples: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """Resources the check looked at."""
        return self.passed + self.failed


@dataclass(frozen=True)
class CriterionEvidence:
    """What one scan says about one criterion."""

    criterion_id: str
    provider: str
    accounts: tuple[str, ...]
    scan_date: str
    passed: int  # resource results that pass, over all checks
    failed: int  # resource results that fail
    manual: int  # requirements the scan could not check (MANUAL rows)
    checks: tuple[CheckEvidence, ...]  # failing checks first, then by check ID

    @property
    def failing_checks(self) -> tuple[CheckEvidence, ...]:
        """Checks with at least one failing resource."""
        return tuple(c for c in self.checks if c.failed)

    @property
    def passing_checks(self) -> tuple[CheckEvidence, ...]:
        """Checks where every resource passes."""
        return tuple(c for c in self.checks if not c.failed and c.passed)

    @property
    def proposed_label(self) -> ProposedLabel | None:
        """The reading the scan suggests, or None when it checked nothing automatically."""
        return propose(self.passed, self.failed)


def propose(passed: int, failed: int) -> ProposedLabel | None:
    """Every result passing: "yes"; some failing: "partial"; all failing: "no"; none: None."""
    if passed + failed == 0:
        return None
    if failed == 0:
        return "yes"
    return "no" if passed == 0 else "partial"


@dataclass(frozen=True)
class ScanInfo:
    """Which scan a piece of evidence came from."""

    source: str  # the file's name
    file_format: FileFormat
    provider: str
    accounts: tuple[str, ...]
    scan_date: str
    findings: int  # rows or findings read


@dataclass(frozen=True)
class EvidenceSummary:
    """One imported scan: where it came from and its evidence per SOC 2 criterion."""

    info: ScanInfo
    criteria: tuple[CriterionEvidence, ...]
    muted: int = 0  # results the founder muted in Prowler (left out of the counts)
    unmapped_checks: int = 0  # checks with no SOC 2 criterion (OCSF input only)

    def criterion(self, criterion_id: str) -> CriterionEvidence | None:
        """The evidence for ``criterion_id``, or None."""
        return next((c for c in self.criteria if c.criterion_id == criterion_id), None)

    @property
    def automated(self) -> tuple[CriterionEvidence, ...]:
        """Criteria the scan checked automatically (at least one PASS or FAIL)."""
        return tuple(c for c in self.criteria if c.proposed_label is not None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready stored form (lists, not tuples), restored exactly by ``from_dict``."""
        return StoredSummary.from_summary(self).model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: object) -> EvidenceSummary:
        """Validate a stored summary; ``ValueError`` names the field and the reason."""
        try:
            return StoredSummary.model_validate(data).to_summary()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top level)"
            raise ValueError(f"evidence field {where}: {first['msg']}") from None


# --- stored form ----------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoredCheck(_Strict):
    """Stored ``CheckEvidence``."""

    check_id: str = Field(min_length=1)
    passed: int = Field(ge=0, strict=True)
    failed: int = Field(ge=0, strict=True)
    failing_examples: list[str] = Field(default_factory=list, max_length=EXAMPLES_KEPT)


class StoredCriterion(_Strict):
    """Stored ``CriterionEvidence``."""

    criterion_id: str = Field(min_length=2)
    provider: str
    accounts: list[str]
    scan_date: str
    passed: int = Field(ge=0, strict=True)
    failed: int = Field(ge=0, strict=True)
    manual: int = Field(ge=0, strict=True)
    checks: list[StoredCheck]


class StoredInfo(_Strict):
    """Stored ``ScanInfo``."""

    source: str
    file_format: FileFormat
    provider: str
    accounts: list[str]
    scan_date: str
    findings: int = Field(ge=0, strict=True)


class StoredSummary(_Strict):
    """Stored ``EvidenceSummary`` (one entry of a session's ``evidence`` list)."""

    info: StoredInfo
    criteria: list[StoredCriterion]
    muted: int = Field(default=0, ge=0, strict=True)
    unmapped_checks: int = Field(default=0, ge=0, strict=True)

    @classmethod
    def from_summary(cls, s: EvidenceSummary) -> StoredSummary:
        """The stored form of ``s``."""
        i = s.info
        return cls(
            info=StoredInfo(
                source=i.source,
                file_format=i.file_format,
                provider=i.provider,
                accounts=list(i.accounts),
                scan_date=i.scan_date,
                findings=i.findings,
            ),
            criteria=[
                StoredCriterion(
                    criterion_id=c.criterion_id,
                    provider=c.provider,
                    accounts=list(c.accounts),
                    scan_date=c.scan_date,
                    passed=c.passed,
                    failed=c.failed,
                    manual=c.manual,
                    checks=[
                        StoredCheck(
                            check_id=k.check_id,
                            passed=k.passed,
                            failed=k.failed,
                            failing_examples=list(k.failing_examples),
                        )
                        for k in c.checks
                    ],
                )
                for c in s.criteria
            ],
            muted=s.muted,
            unmapped_checks=s.unmapped_checks,
        )

    def to_summary(self) -> EvidenceSummary:
        """The domain value."""
        i = self.info
        return EvidenceSummary(
            info=ScanInfo(i.source, i.file_format, i.provider, tuple(i.accounts), i.scan_date, i.findings),
            criteria=tuple(
                CriterionEvidence(
                    c.criterion_id,
                    c.provider,
                    tuple(c.accounts),
                    c.scan_date,
                    c.passed,
                    c.failed,
                    c.manual,
                    tuple(
                        CheckEvidence(k.check_id, k.passed, k.failed, tuple(k.failing_examples))
                        for k in c.checks
                    ),
                )
                for c in self.criteria
            ),
            muted=self.muted,
            unmapped_checks=self.unmapped_checks,
        )
