"""Prowler's SOC 2 check lists per criterion (package data, Apache-2.0: see ``data/NOTICE``).

Loaded once through ``importlib.resources`` and validated: an error names the file, the field and the
reason. Used to turn a requirement id (``cc_6_1``) into a criterion ID (``CC6.1``) and, for OCSF
findings that carry no SOC 2 requirement ids, a check id into its criteria.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment.clouds import CLOUD_KEYS
from knowledge.ids import is_official

PROVIDERS = CLOUD_KEYS  # one mapping file each: prowler_soc2_<provider>.json
_REQUIREMENT = re.compile(r"^(cc|a|pi|c|p)_?(\d)_(\d)$")


class _Requirement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    criterion: str
    checks: list[str]

    @field_validator("criterion")
    @classmethod
    def _known(cls, value: str) -> str:
        if not is_official(value):
            raise ValueError(f"{value!r} is not a SOC 2 criterion ID")
        return value


class _MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    framework: str
    provider: str
    source: str
    requirements: list[_Requirement] = Field(min_length=1)


@dataclass(frozen=True)
class ProviderMapping:
    """One provider's requirement -> criterion and check -> criteria tables."""

    provider: str
    requirement_criterion: dict[str, str]
    check_criteria: dict[str, tuple[str, ...]]


@lru_cache(maxsize=len(PROVIDERS))
def provider_mapping(provider: str) -> ProviderMapping:
    """The shipped mapping of ``provider`` (``aws``, ``azure`` or ``gcp``)."""
    if provider not in PROVIDERS:
        raise KeyError(provider)
    name = f"prowler_soc2_{provider}.json"
    text = resources.files("assessment.evidence").joinpath("data", name).read_text(encoding="utf-8")
    try:
        parsed = _MappingFile.model_validate(json.loads(text))
    except (ValidationError, json.JSONDecodeError) as exc:
        raise ValueError(f"assessment/evidence/data/{name}: {_describe(exc)}") from None
    requirements = {r.id: r.criterion for r in parsed.requirements}
    checks: dict[str, list[str]] = {}
    for r in parsed.requirements:
        for check in r.checks:
            found = checks.setdefault(check, [])
            if r.criterion not in found:
                found.append(r.criterion)
    return ProviderMapping(provider, requirements, {k: tuple(v) for k, v in checks.items()})


def _describe(exc: ValidationError | json.JSONDecodeError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON (line {exc.lineno}: {exc.msg})"
    first = exc.errors()[0]
    return "field " + ".".join(str(p) for p in first["loc"]) + ": " + first["msg"]


def criterion_of(requirement_id: str) -> str | None:
    """The criterion ID of a Prowler SOC 2 requirement id (``cc_6_1`` -> ``CC6.1``), or None."""
    rid = requirement_id.strip().lower()
    for provider in PROVIDERS:
        found = provider_mapping(provider).requirement_criterion.get(rid)
        if found:
            return found
    match = _REQUIREMENT.match(rid)
    if match is None:
        upper = requirement_id.strip().upper()
        return upper if is_official(upper) else None
    candidate = f"{match.group(1).upper()}{match.group(2)}.{match.group(3)}"
    return candidate if is_official(candidate) else None


def guess_provider(check_ids: set[str]) -> str | None:
    """The provider whose SOC 2 check list holds most of ``check_ids`` (None if none does)."""
    best, best_count = None, 0
    for provider in PROVIDERS:
        count = len(check_ids & provider_mapping(provider).check_criteria.keys())
        if count > best_count:
            best, best_count = provider, count
    return best
