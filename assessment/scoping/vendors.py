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

from knowledge.yaml_files import load_yaml

VENDORS_FILE = Path(str(files("assessment.scoping") / "vendors.yaml"))
_CRITERION_ID = re.compile(r"^(CC[1-9]|A1|PI1|C1|P[1-8])\.\d{1,2}$")
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
    complementary_controls: tuple[str, ...]  # duties that stay with the founder

    @property
    def is_hosting(self) -> bool:
        """True for vendors that run the infrastructure (data centers, platforms, databases)."""
        return self.role in HOSTING_ROLES


HOSTING_ROLES = frozenset({"cloud hosting", "platform hosting", "database hosting", "data warehouse"})


class _Role(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    covers: tuple[str, ...] = Field(min_length=1)
    complementary_controls: tuple[str, ...] = Field(min_length=1)

    @field_validator("covers")
    @classmethod
    def _ids(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in values if not _CRITERION_ID.match(v)]
        if bad:
            raise ValueError(f"not criterion IDs: {bad}")
        return values


class _Vendor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = Field(min_length=1)
    role: str
    covers: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()

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
        vendors.append(Vendor(vendor.name, aliases, vendor.role, covers, role.complementary_controls))
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


def mentioned_vendors(text: str) -> tuple[Vendor, ...]:
    """Vendors named in ``text`` (whole words or aliases, case-insensitive), in order of first mention."""
    catalog = load_catalog()
    found: dict[str, Vendor] = {}
    for match in catalog.pattern.finditer(str(text)[:200_000]):
        written = match.group(0)
        key = re.sub(r"[\s\-]+", " ", written.lower())
        index = catalog.by_alias.get(key)
        if index is None:
            continue
        before = text[max(0, match.start() - 12) : match.start()].lower()
        if key in catalog.ambiguous and written.islower() and not _PRODUCT_CONTEXT.search(before):
            continue
        vendor = catalog.vendors[index]
        found.setdefault(vendor.name, vendor)
    return tuple(found.values())
