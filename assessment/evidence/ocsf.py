"""Read Prowler's OCSF JSON (``*.ocsf.json``): a list of OCSF Detection Finding objects.

Prowler writes the check id in ``metadata.event_code``, PASS/FAIL/MANUAL in ``status_code``, the
resource in ``resources[0]``, the account in ``cloud.account.uid`` and the frameworks it maps the
check to in ``unmapped.compliance`` (``{"SOC2": ["cc_6_1", ...], ...}``). A finding without SOC 2
requirement ids is mapped through the shipped check -> criterion lists of its provider.
JSON Lines (one finding per line) is read too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from assessment.evidence.errors import EvidenceError
from assessment.evidence.mapping import PROVIDERS, guess_provider, provider_mapping
from assessment.evidence.models import Finding, ScanStatus
from assessment.evidence.summary import Collector, scan_date

_STATUSES: dict[str, ScanStatus] = {"PASS": "PASS", "FAIL": "FAIL", "MANUAL": "MANUAL"}
_OLD_REQUIREMENT = re.compile(r"^\s*SOC\s*2\s*:\s*\[(.*)\]\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class _Raw:
    check_id: str
    status: ScanStatus
    requirements: tuple[str, ...] | None  # None: the finding names no SOC 2 requirement
    resource_id: str
    resource_name: str
    provider: str
    account: str
    region: str
    date: str
    muted: bool


def _obj(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _load(text: str, name: str) -> list[Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            data = [json.loads(line) for line in lines]
        except json.JSONDecodeError:
            reason = f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            raise EvidenceError("not_prowler", file=name, reason=reason) from None
        if len(lines) < 2:
            reason = f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            raise EvidenceError("not_prowler", file=name, reason=reason) from None
    if isinstance(data, dict):
        if data.get("kind") == "soc2-ready-session":
            raise EvidenceError("session_file", file=name)
        data = data["findings"] if isinstance(data.get("findings"), list) else [data]
    if not isinstance(data, list):
        raise EvidenceError(
            "not_prowler", file=name, reason=f"its JSON is a {type(data).__name__}, not a list"
        )
    return data


def _requirements(item: dict[str, Any]) -> tuple[str, ...] | None:
    compliance = _obj(item, "unmapped", "compliance")
    if isinstance(compliance, dict):
        found: list[str] = []
        named = False
        for framework, ids in compliance.items():
            if re.sub(r"[^A-Z0-9]", "", str(framework).upper()).startswith("SOC2"):
                named = True
                values = ids if isinstance(ids, list) else [ids]
                found += [_text(v) for v in values if _text(v)]
        if named:
            return tuple(found)
    old = _obj(item, "compliance", "requirements")  # Prowler 3: ["SOC2: ['cc_6_7']", ...]
    if isinstance(old, list):
        for entry in old:
            match = _OLD_REQUIREMENT.match(_text(entry))
            if match:
                return tuple(v.strip(" '\"") for v in match.group(1).split(",") if v.strip(" '\""))
    return None


def _raw(item: Any) -> _Raw | None:
    if not isinstance(item, dict):
        return None
    check_id = _text(_obj(item, "metadata", "event_code")) or _text(
        _obj(item, "metadata", "product", "feature", "uid")
    )
    status = _STATUSES.get(_text(item.get("status_code")).upper())
    if not check_id or status is None:
        return None
    resources = item.get("resources")
    resource = resources[0] if isinstance(resources, list) and resources else {}
    when = item.get("time_dt") or item.get("time") or _obj(item, "finding_info", "created_time_dt")
    return _Raw(
        check_id=check_id,
        status=status,
        requirements=_requirements(item),
        resource_id=_text(_obj(resource, "uid")),
        resource_name=_text(_obj(resource, "name")),
        provider=_text(_obj(item, "cloud", "provider")).lower(),
        account=_text(_obj(item, "cloud", "account", "uid")),
        region=_text(_obj(item, "cloud", "region")) or _text(_obj(resource, "region")),
        date=scan_date(when),
        muted=item.get("status_id") == 3 or _text(item.get("status")).lower() == "suppressed",
    )


def read_ocsf(text: str, name: str) -> Collector:
    """Every Prowler finding of ``text`` folded into a ``Collector``; ``EvidenceError`` otherwise."""
    items = _load(text, name)
    if not items:
        raise EvidenceError("empty_scan", file=name)
    raws = [r for r in (_raw(item) for item in items) if r is not None]
    if not raws:
        reason = "no item has the Prowler fields metadata.event_code and status_code"
        raise EvidenceError("not_prowler", file=name, reason=reason)
    providers = {r.provider for r in raws if r.provider}
    provider = next(iter(providers)) if len(providers) == 1 else None
    if not providers:
        provider = guess_provider({r.check_id for r in raws})
    collector = Collector(name, "ocsf_json")
    for r in raws:
        if r.requirements is not None:
            criteria = tuple(dict.fromkeys(c for c in map(collector.criterion, r.requirements) if c))
        elif (r.provider or provider) in PROVIDERS:
            criteria = provider_mapping(r.provider or str(provider)).check_criteria.get(r.check_id, ())
        elif not providers and provider is None:
            raise EvidenceError("unknown_provider", file=name)
        else:
            criteria = ()
        collector.add(
            Finding(
                check_id=r.check_id,
                status=r.status,
                criteria=criteria,
                resource_id=r.resource_id,
                resource_name=r.resource_name,
                provider=r.provider or (provider or ""),
                account=r.account,
                region=r.region,
                scan_date=r.date,
                muted=r.muted,
            )
        )
    return collector
