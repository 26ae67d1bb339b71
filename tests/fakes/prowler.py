"""Prowler output files made by the tests: the SOC 2 compliance CSV and OCSF JSON (not a test module).

The layout follows Prowler's ``GenericComplianceModel`` (compliance CSV, ``;``-delimited, upper-case
header) and its OCSF Detection Finding JSON; the check -> requirement lists come from the mapping the
package ships, so a generated file is what Prowler would write for those results.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

HEADER = (
    "PROVIDER",
    "DESCRIPTION",
    "ACCOUNTID",
    "REGION",
    "ASSESSMENTDATE",
    "REQUIREMENTS_ID",
    "REQUIREMENTS_DESCRIPTION",
    "REQUIREMENTS_ATTRIBUTES_SECTION",
    "REQUIREMENTS_ATTRIBUTES_SUBSECTION",
    "REQUIREMENTS_ATTRIBUTES_SUBGROUP",
    "REQUIREMENTS_ATTRIBUTES_SERVICE",
    "REQUIREMENTS_ATTRIBUTES_TYPE",
    "STATUS",
    "STATUSEXTENDED",
    "RESOURCEID",
    "CHECKID",
    "MUTED",
    "RESOURCENAME",
    "FRAMEWORK",
    "NAME",
    "REQUIREMENTS_ATTRIBUTES_COMMENT",
)
ACCOUNT = "123456789012"
SCAN_TIME = "2026-11-30 10:20:30.123456"
MANUAL_REQUIREMENTS = ("cc_1_1", "cc_2_2", "cc_9_1")  # requirements Prowler cannot check: MANUAL rows


@dataclass(frozen=True)
class CheckSpec:
    """One check's results: how many resources it looked at and how many of them fail."""

    check_id: str
    resources: int
    failing: int = 0


# The test company: public buckets, encryption at rest and CloudTrail fail; the rest passes.
FIXTURE_CHECKS = (
    CheckSpec("s3_bucket_public_access", 12, 3),
    CheckSpec("rds_instance_storage_encrypted", 4, 2),
    CheckSpec("ec2_ebs_volume_encryption", 10, 0),
    CheckSpec("cloudtrail_multi_region_enabled", 1, 1),
    CheckSpec("guardduty_is_enabled", 1, 0),
    CheckSpec("securityhub_enabled", 1, 0),
    CheckSpec("iam_aws_attached_policy_no_administrative_privileges", 6, 0),
    CheckSpec("iam_user_accesskey_unused", 5, 0),
    CheckSpec("config_recorder_all_regions_enabled", 1, 0),
)


def requirements_by_check(provider: str = "aws") -> dict[str, list[tuple[str, str]]]:
    """check id -> [(requirement id, criterion)] from the shipped mapping."""
    name = f"prowler_soc2_{provider}.json"
    data = json.loads(resources.files("assessment.evidence").joinpath("data", name).read_text("utf-8"))
    found: dict[str, list[tuple[str, str]]] = {}
    for requirement in data["requirements"]:
        for check in requirement["checks"]:
            found.setdefault(check, []).append((requirement["id"], requirement["criterion"]))
    return found


def _resource(provider: str, check_id: str, index: int) -> tuple[str, str]:
    service = check_id.split("_", 1)[0]
    name = f"{service}-{check_id.split('_', 2)[1]}-{index:03d}"
    if provider == "aws":
        return f"arn:aws:{service}:eu-west-1:{ACCOUNT}:{name}", name
    return f"/{provider}/{service}/{name}", name


def scan_rows(
    checks: Iterable[CheckSpec] = FIXTURE_CHECKS,
    *,
    provider: str = "aws",
    account: str = ACCOUNT,
    when: str = SCAN_TIME,
    manual: Iterable[str] = MANUAL_REQUIREMENTS,
    framework: str = "SOC2",
) -> list[dict[str, str]]:
    """The compliance CSV rows Prowler writes for ``checks``: one per (requirement, resource)."""
    mapping = requirements_by_check(provider)
    rows = []
    for spec in checks:
        for requirement, _criterion in mapping[spec.check_id]:
            for index in range(spec.resources):
                uid, name = _resource(provider, spec.check_id, index)
                failed = index < spec.failing
                rows.append(
                    _row(provider, account, when, requirement, framework)
                    | {
                        "STATUS": "FAIL" if failed else "PASS",
                        "STATUSEXTENDED": f"{name} {'fails' if failed else 'passes'} {spec.check_id}.",
                        "RESOURCEID": uid,
                        "CHECKID": spec.check_id,
                        "RESOURCENAME": name,
                    }
                )
    for requirement in manual:
        rows.append(
            _row(provider, "", when, requirement, framework)
            | {
                "STATUS": "MANUAL",
                "STATUSEXTENDED": "Manual check",
                "RESOURCEID": "manual_check",
                "CHECKID": "manual",
                "RESOURCENAME": "Manual check",
            }
        )
    return rows


def _row(provider: str, account: str, when: str, requirement: str, framework: str) -> dict[str, str]:
    return {
        "PROVIDER": provider,
        "DESCRIPTION": "Generated test scan",
        "ACCOUNTID": account,
        "REGION": "eu-west-1" if account else "",
        "ASSESSMENTDATE": when,
        "REQUIREMENTS_ID": requirement,
        "REQUIREMENTS_DESCRIPTION": "(left out)",
        "REQUIREMENTS_ATTRIBUTES_SECTION": "",
        "REQUIREMENTS_ATTRIBUTES_SUBSECTION": "",
        "REQUIREMENTS_ATTRIBUTES_SUBGROUP": "",
        "REQUIREMENTS_ATTRIBUTES_SERVICE": "",
        "REQUIREMENTS_ATTRIBUTES_TYPE": "automated",
        "MUTED": "False",
        "FRAMEWORK": framework,
        "NAME": f"{framework} {provider.upper()}",
        "REQUIREMENTS_ATTRIBUTES_COMMENT": "",
    }


def compliance_csv(rows: Iterable[Mapping[str, str]], columns: Iterable[str] = HEADER) -> str:
    """``rows`` as Prowler's ``;``-delimited compliance CSV (only ``columns``, in that order)."""
    out = io.StringIO()
    columns = list(columns)
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def ocsf_findings(
    checks: Iterable[CheckSpec] = FIXTURE_CHECKS,
    *,
    provider: str = "aws",
    account: str = ACCOUNT,
    when: str = "2026-11-30T10:20:30.123456",
    with_compliance: bool = True,
) -> list[dict[str, Any]]:
    """Prowler OCSF Detection Findings for ``checks``; without ``with_compliance`` the SOC 2 ids are
    left out of ``unmapped.compliance`` (the importer then uses the shipped check lists)."""
    mapping = requirements_by_check(provider)
    findings = []
    for spec in checks:
        soc2 = [requirement for requirement, _ in mapping[spec.check_id]]
        compliance = {"CIS-2.0": ["1.1"], **({"SOC2": soc2} if with_compliance else {})}
        for index in range(spec.resources):
            uid, name = _resource(provider, spec.check_id, index)
            failed = index < spec.failing
            findings.append(
                {
                    "message": f"{name} {'fails' if failed else 'passes'}.",
                    "metadata": {
                        "event_code": spec.check_id,
                        "product": {"name": "Prowler", "uid": "prowler", "vendor_name": "Prowler"},
                        "version": "1.4.0",
                    },
                    "severity": "High",
                    "status": "New",
                    "status_code": "FAIL" if failed else "PASS",
                    "status_id": 1,
                    "time": 1796034030,
                    "time_dt": when,
                    "finding_info": {"uid": f"prowler-{provider}-{spec.check_id}-{index}", "title": "t"},
                    "resources": [{"uid": uid, "name": name, "region": "eu-west-1", "type": "Other"}],
                    "cloud": {
                        "account": {"uid": account, "name": ""},
                        "provider": provider,
                        "region": "eu-west-1",
                    },
                    "unmapped": {"compliance": compliance},
                    "class_uid": 2004,
                    "class_name": "Detection Finding",
                }
            )
    return findings


def ocsf_json(findings: list[dict[str, Any]] | None = None) -> str:
    """Findings as Prowler writes ``*.ocsf.json``: one JSON list."""
    return json.dumps(ocsf_findings() if findings is None else findings, indent=4)


def exclusive_checks(provider: str = "aws") -> dict[str, list[str]]:
    """criterion -> checks that inform only that criterion (so a truth per criterion is consistent)."""
    found: dict[str, list[str]] = {}
    for check, pairs in sorted(requirements_by_check(provider).items()):
        criteria = {criterion for _, criterion in pairs}
        if len(criteria) == 1:
            found.setdefault(criteria.pop(), []).append(check)
    return found


def checks_for_truth(
    truth: Mapping[str, str], provider: str = "aws", per_criterion: int = 2
) -> list[CheckSpec]:
    """Checks whose results follow ``truth`` (met: all pass, partial: some fail, missing: all fail)."""
    specs = []
    for criterion, checks in exclusive_checks(provider).items():
        status = truth.get(criterion)
        if status not in ("met", "partial", "missing"):
            continue
        for position, check in enumerate(checks[:per_criterion]):
            resources = 4
            failing = {"met": 0, "missing": resources}.get(status, 2 if position == 0 else 0)
            specs.append(CheckSpec(check, resources, failing))
    return specs
