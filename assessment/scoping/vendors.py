"""Vendors named in free text, for the report's carve-outs (subservice organizations) section.

The list lives in ``vendors.yaml``; each vendor has a role, and the role says which SOC 2 criteria a
vendor of that kind typically covers in its own SOC 2 report (AWS: physical security CC6.4,
environmental protections A1.2, ...) and which duties stay with the founder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.ids import CRITERION_ID, is_official
from knowledge.text import one_line
from knowledge.yaml_files import load_yaml

VENDORS_FILE = Path(str(files("assessment.scoping") / "vendors.yaml"))
# Lower-case words after which an ambiguous name ("render", "slack") means the product.
_PRODUCT_CONTEXT = re.compile(
    r"(?:\b(?:on|via|with|use|uses|using|used|in|into|to|from|and|or|through|by|over|plus)|[,+/&(])\s*$"
)


class VendorsError(ValueError):
    """``vendors.yaml`` is malformed; the message names the file, the field and the reason."""


@dataclass(frozen=True)
class Vendor:
    """A well-known vendor and what its own SOC 2 report typically covers for its customers."""

    name: str
    aliases: tuple[str, ...]
    role: str  # "cloud hosting", "identity provider", "source control", "payments", ...
    covers: tuple[str, ...]  # criterion IDs, e.g. ("CC6.4", "A1.2")
    complementary_controls: tuple[str, ...]  # founder's duties: the vendor's own, else its role's

    @property
    def is_hosting(self) -> bool:
        """True for vendors that run the infrastructure (data centers, platforms, databases)."""
        return self.role in HOSTING_ROLES


HOSTING_ROLES = frozenset({"cloud hosting", "platform hosting", "database hosting", "data warehouse"})


def _known_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    bad = [v for v in values if not CRITERION_ID.match(v)]
    if bad:
        raise ValueError(f"not criterion IDs: {bad}")
    unknown = [v for v in values if not is_official(v)]
    if unknown:
        raise ValueError(f"no such SOC 2 criteria: {unknown}")
    return values


def _texts(values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(one_line(str(v)) for v in values)
    if any(not v for v in cleaned):
        raise ValueError("blank duty")
    return cleaned


class _Role(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    covers: tuple[str, ...] = Field(min_length=1)
    complementary_controls: tuple[str, ...] = Field(min_length=1)

    @field_validator("covers")
    @classmethod
    def _ids(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _known_ids(values)

    @field_validator("complementary_controls")
    @classmethod
    def _texts(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _texts(values)


class _Vendor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = Field(min_length=1)
    role: str
    covers: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()  # this vendor's duties for the founder, replacing the role's

    @field_validator("covers")
    @classmethod
    def _ids(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _known_ids(values)

    @field_validator("controls")
    @classmethod
    def _texts(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _texts(values)

    @model_validator(mode="after")
    def _ambiguous_are_aliases(self) -> _Vendor:
        extra = set(self.ambiguous) - {self.name, *self.aliases}
        if extra:
            raise ValueError(f"ambiguous names {sorted(extra)} are not aliases of {self.name}")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: dict[str, _Role] = Field(min_length=1)
    vendors: tuple[_Vendor, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _roles_known(self) -> _File:
        for i, vendor in enumerate(self.vendors):
            if vendor.role not in self.roles:
                raise ValueError(f"vendors[{i}] ({vendor.name}): unknown role {vendor.role!r}")
        return self


@dataclass(frozen=True)
class _Catalog:
    vendors: tuple[Vendor, ...]
    pattern: re.Pattern[str]
    by_alias: dict[str, int]  # lower-cased alias -> index into vendors
    ambiguous: frozenset[str]  # lower-cased aliases that need a capital or a product context


def _alias_regex(alias: str) -> str:
    words = [re.escape(w) for w in alias.split()]
    return r"[\s\-]*".join(words)


def _build(data: _File) -> _Catalog:
    vendors: list[Vendor] = []
    by_alias: dict[str, int] = {}
    ambiguous: set[str] = set()
    for vendor in data.vendors:
        role = data.roles[vendor.role]
        covers = tuple(dict.fromkeys(role.covers + vendor.covers))
        aliases = tuple(dict.fromkeys((vendor.name, *vendor.aliases)))
        for alias in aliases:
            by_alias.setdefault(re.sub(r"[\s\-]+", " ", alias.lower()), len(vendors))
            if alias in vendor.ambiguous:
                ambiguous.add(alias.lower())
        controls = vendor.controls or role.complementary_controls
        vendors.append(Vendor(vendor.name, aliases, vendor.role, covers, controls))
    body = "|".join(_alias_regex(a) for a in sorted(by_alias, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.])(?:{body})(?!\w)", re.IGNORECASE)
    return _Catalog(tuple(vendors), pattern, by_alias, frozenset(ambiguous))


@lru_cache(maxsize=1)
def load_catalog(path: Path = VENDORS_FILE) -> _Catalog:
    """Load and validate ``vendors.yaml`` once per process."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
        return _build(_File.model_validate(raw))
    except (OSError, yaml.YAMLError) as exc:
        raise VendorsError(f"{path}: cannot read: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise VendorsError(f"{path}: field {field!r}: {err['msg']}") from exc


def all_vendors() -> tuple[Vendor, ...]:
    """Every vendor in ``vendors.yaml``, in file order."""
    return load_catalog().vendors


def _mentions(text: str) -> list[tuple[Vendor, int, int]]:
    """Every vendor name in ``text`` with its span, in order (a vendor may appear several times)."""
    catalog = load_catalog()
    text = str(text)[:200_000]
    found: list[tuple[Vendor, int, int]] = []
    for match in catalog.pattern.finditer(text):
        written = match.group(0)
        key = re.sub(r"[\s\-]+", " ", written.lower())
        index = catalog.by_alias.get(key)
        if index is None:
            continue
        before = text[max(0, match.start() - 12) : match.start()].lower()
        if key in catalog.ambiguous and written.islower() and not _PRODUCT_CONTEXT.search(before):
            continue
        found.append((catalog.vendors[index], match.start(), match.end()))
    return found


def mentioned_vendors(text: str) -> tuple[Vendor, ...]:
    """Vendors named in ``text`` (whole words or aliases, case-insensitive), in order of first mention."""
    found: dict[str, Vendor] = {}
    for vendor, _, _ in _mentions(text):
        found.setdefault(vendor.name, vendor)
    return tuple(found.values())


@lru_cache(maxsize=4096)
def vendors_in_use(text: str) -> tuple[Vendor, ...]:
    """Vendors ``text`` names as in use today, in order of first mention.

    A tool the founder "might buy", "is evaluating", "used to use", "no longer uses" or "plans to
    move to" is left out (``assessment.scoping.usage`` reads the clause that names it); a vendor
    named several times counts when any one mention says it is in use.
    """
    from assessment.scoping.usage import in_use

    text = str(text)[:200_000]
    mentions = _mentions(text)
    spans = [(start, end) for _, start, end in mentions]
    flags = in_use(text, spans, groups=[vendor.name for vendor, _, _ in mentions])
    found: dict[str, Vendor] = {}
    for (vendor, _, _), used in zip(mentions, flags, strict=True):
        if used:
            found.setdefault(vendor.name, vendor)
    return tuple(found.values())
