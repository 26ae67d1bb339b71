"""Read Prowler's compliance CSV (``output/compliance/*_soc2_<provider>.csv``).

``;``-delimited with an upper-case header (Prowler's ``GenericComplianceModel``); one row per
(requirement, finding). Columns are read by header name, since order and extras vary between
Prowler versions; a file lacking the essential ones is refused with the names it lacks.
"""

from __future__ import annotations

import csv
import io
import re

from assessment.evidence.errors import EvidenceError
from assessment.evidence.models import Finding, ScanStatus
from assessment.evidence.summary import Collector, scan_date

REQUIRED = ("REQUIREMENTS_ID", "STATUS", "CHECKID")
KNOWN = (
    *REQUIRED,
    "PROVIDER",
    "ACCOUNTID",
    "REGION",
    "ASSESSMENTDATE",
    "RESOURCEID",
    "RESOURCENAME",
    "MUTED",
    "FRAMEWORK",
    "NAME",
    "DESCRIPTION",
)
_STATUSES: dict[str, ScanStatus] = {"PASS": "PASS", "FAIL": "FAIL", "MANUAL": "MANUAL"}
_FIELD_LIMIT = 1_000_000  # characters in one cell; Prowler's longest are descriptions of a few KB


def _column(name: str) -> str:
    return re.sub(r"[^A-Z0-9_]", "", name.strip().strip('"').upper().replace(" ", "_"))


def _is_soc2(framework: str) -> bool:
    return re.sub(r"[^A-Z0-9]", "", framework.upper()).startswith("SOC2")


def _delimiter(first_line: str) -> str:
    if ";" in first_line:
        return ";"
    return "," if first_line.count(",") >= 2 else ";"


def read_compliance_csv(text: str, name: str) -> Collector:
    """Every SOC 2 row of ``text`` folded into a ``Collector``; ``EvidenceError`` on a foreign file."""
    first_line = text.split("\n", 1)[0]
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    try:
        header = [_column(h) for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise EvidenceError(
            "not_prowler", file=name, reason=f"its first line is not a CSV header: {exc}"
        ) from None
    index = {column: i for i, column in reversed(list(enumerate(header))) if column}
    if "CHECK_ID" in index and "COMPLIANCE" in index and "REQUIREMENTS_ID" not in index:
        raise EvidenceError("findings_csv", file=name)
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        if not any(c in index for c in KNOWN):
            raise EvidenceError("not_prowler", file=name, reason="its first line names no Prowler column")
        raise EvidenceError("missing_columns", file=name, columns=", ".join(missing))
    get = {c: index.get(c) for c in KNOWN}
    collector = Collector(name, "compliance_csv")
    frameworks: set[str] = set()
    dates: dict[str, str] = {}
    width = len(header)
    line = 1
    try:
        for line, row in enumerate(reader, start=2):  # noqa: B007 - line is reported on error
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))

            def cell(column: str, row: list[str] = row) -> str:
                position = get[column]
                return row[position].strip() if position is not None else ""

            framework = cell("FRAMEWORK")
            if framework and not _is_soc2(framework):
                frameworks.add(framework)
                continue
            status = _STATUSES.get(cell("STATUS").upper())
            if status is None:
                continue
            criterion = collector.criterion(cell("REQUIREMENTS_ID"))
            raw_date = cell("ASSESSMENTDATE")
            if raw_date not in dates:
                dates[raw_date] = scan_date(raw_date)
            collector.add(
                Finding(
                    check_id=cell("CHECKID") or "manual",
                    status=status,
                    criteria=(criterion,) if criterion else (),
                    resource_id=cell("RESOURCEID"),
                    resource_name=cell("RESOURCENAME"),
                    provider=cell("PROVIDER").lower(),
                    account=cell("ACCOUNTID"),
                    region=cell("REGION"),
                    scan_date=dates[raw_date],
                    muted=cell("MUTED").lower() in ("true", "1", "yes"),
                )
            )
    except csv.Error as exc:
        raise EvidenceError("bad_row", file=name, line=line + 1, reason=str(exc)) from None
    if collector.rows == 0 and frameworks:
        raise EvidenceError("other_framework", file=name, frameworks=", ".join(sorted(frameworks)))
    return collector
