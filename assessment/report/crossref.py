"""Cross-references of SOC 2 criteria to ISO/IEC 27001:2022 and NIST SP 800-53 rev 5.

The data files live in ``assessment/report/data/`` (package data), are validated when first read and
say where they come from in their headers:

* ``iso27001_2022.yaml``: every ISO/IEC 27001:2022 clause and Annex A control ID with its title.
* ``iso27001_primary.yaml``: 1 to 5 curated primary references per criterion, most relevant first,
  each with its relationship (``equivalent`` or ``partial``) and a one-line justification.
* ``tsc_to_nist_800_53r5.csv``: the AICPA crosswalk of criteria to 800-53 controls (ID pairs).
* ``nist_800_53r5_controls.csv``: the titles of the 800-53 base controls.
* ``nist_800_53_primary.yaml``: the few most relevant base controls per criterion, most relevant first.

A malformed file raises ``CrossRefError`` naming the file, the field and the reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.ids import CRITERION_ID
from knowledge.yaml_files import load_yaml

DATA = files("assessment.report") / "data"
ISO_IDS_FILE = "iso27001_2022.yaml"
ISO_PRIMARY_FILE = "iso27001_primary.yaml"
NIST_PAIRS_FILE = "tsc_to_nist_800_53r5.csv"
NIST_NAMES_FILE = "nist_800_53r5_controls.csv"
NIST_PRIMARY_FILE = "nist_800_53_primary.yaml"
MAX_REFERENCES = 5
NIST_BASE_ID = re.compile(r"^[A-Z]{2}-[0-9]{1,2}$")
NIST_ID = re.compile(r"^([A-Z]{2}-[0-9]{1,2})(\([0-9]{1,2}\))?$")

Relationship = Literal["equivalent", "partial"]


class CrossRefError(ValueError):
    """A cross-reference data file is malformed; the message names the file, field and reason."""


@dataclass(frozen=True)
class CrossRef:
    """One control another framework relates to a criterion."""

    id: str
    name: str
    relationship: str = ""  # ISO: "equivalent" or "partial"; empty for NIST (the crosswalk says no more)
    justification: str = ""


class _IsoEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    relationship: Relationship
    justification: str = Field(min_length=10)


class _IsoIds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clauses: dict[str, str]
    annex_a: dict[str, str]


def _read(name: str) -> str:
    try:
        return (DATA / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CrossRefError(f"{name}: data file missing from the package") from exc


def _yaml(name: str) -> object:
    try:
        return load_yaml(_read(name))
    except yaml.YAMLError as exc:
        raise CrossRefError(f"{name}: not valid YAML ({exc})") from exc


def _describe(error: ValidationError) -> str:
    item = error.errors()[0]
    return f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"


def _criterion_key(name: str, key: object) -> str:
    if not isinstance(key, str) or not CRITERION_ID.match(key):
        raise CrossRefError(f"{name}: field {key!r}: not a SOC 2 criterion ID like CC6.1")
    return key


@lru_cache(maxsize=1)
def iso_names() -> dict[str, str]:
    """Every ISO/IEC 27001:2022 clause and Annex A control ID mapped to its title."""
    try:
        ids = _IsoIds.model_validate(_yaml(ISO_IDS_FILE))
    except ValidationError as exc:
        raise CrossRefError(f"{ISO_IDS_FILE}: field {_describe(exc)}") from None
    return {**ids.clauses, **ids.annex_a}


@lru_cache(maxsize=1)
def _iso_primary() -> dict[str, tuple[CrossRef, ...]]:
    raw = _yaml(ISO_PRIMARY_FILE)
    if not isinstance(raw, dict):
        raise CrossRefError(f"{ISO_PRIMARY_FILE}: expected a mapping of criterion ID to references")
    names = iso_names()
    out: dict[str, tuple[CrossRef, ...]] = {}
    for key, entries in raw.items():
        cid = _criterion_key(ISO_PRIMARY_FILE, key)
        if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_REFERENCES:
            raise CrossRefError(f"{ISO_PRIMARY_FILE}: field {cid}: needs 1 to {MAX_REFERENCES} references")
        refs = []
        for index, entry in enumerate(entries):
            try:
                item = _IsoEntry.model_validate(entry)
            except ValidationError as exc:
                raise CrossRefError(f"{ISO_PRIMARY_FILE}: field {cid}[{index}].{_describe(exc)}") from None
            if item.id not in names:
                raise CrossRefError(
                    f"{ISO_PRIMARY_FILE}: field {cid}[{index}].id: {item.id!r} is not an ISO/IEC 27001:2022 "
                    f"clause or Annex A control"
                )
            refs.append(CrossRef(item.id, names[item.id], item.relationship, item.justification))
        if len({r.id for r in refs}) != len(refs):
            raise CrossRefError(f"{ISO_PRIMARY_FILE}: field {cid}: a reference is listed twice")
        out[cid] = tuple(refs)
    return out


def base_control(control_id: str) -> str:
    """The base control of an 800-53 ID: ``SC-5(2)`` -> ``SC-5``."""
    return control_id.split("(", 1)[0]


def _csv_rows(name: str, columns: tuple[str, str]) -> list[tuple[int, str, str]]:
    reader = csv.DictReader(io.StringIO(_read(name)))
    if tuple(reader.fieldnames or ()) != columns:
        raise CrossRefError(f"{name}: header must be {','.join(columns)}, got {reader.fieldnames}")
    return [(line, row[columns[0]].strip(), row[columns[1]].strip()) for line, row in enumerate(reader, 2)]


@lru_cache(maxsize=1)
def nist_names() -> dict[str, str]:
    """NIST SP 800-53 rev 5 base control IDs mapped to their titles."""
    names: dict[str, str] = {}
    for line, control, title in _csv_rows(NIST_NAMES_FILE, ("control", "name")):
        if not NIST_BASE_ID.match(control) or not title:
            raise CrossRefError(
                f"{NIST_NAMES_FILE}: line {line}: {control!r} is not a base control with a name"
            )
        names[control] = title
    return names


@lru_cache(maxsize=1)
def nist_crosswalk() -> dict[str, tuple[str, ...]]:
    """The AICPA crosswalk: criterion ID to every 800-53 control and enhancement it maps to."""
    pairs: dict[str, list[str]] = {}
    for line, criterion, control in _csv_rows(NIST_PAIRS_FILE, ("criterion", "nist_control")):
        _criterion_key(f"{NIST_PAIRS_FILE}: line {line}", criterion)
        if not NIST_ID.match(control):
            raise CrossRefError(f"{NIST_PAIRS_FILE}: line {line}: {control!r} is not an 800-53 control ID")
        pairs.setdefault(criterion, []).append(control)
    return {cid: tuple(controls) for cid, controls in pairs.items()}


def crosswalk_bases(criterion_id: str) -> tuple[str, ...]:
    """The distinct base controls the crosswalk maps ``criterion_id`` to, in file order."""
    return tuple(dict.fromkeys(base_control(c) for c in nist_crosswalk().get(criterion_id, ())))


@lru_cache(maxsize=1)
def _nist_primary() -> dict[str, tuple[CrossRef, ...]]:
    raw = _yaml(NIST_PRIMARY_FILE)
    if not isinstance(raw, dict):
        raise CrossRefError(f"{NIST_PRIMARY_FILE}: expected a mapping of criterion ID to control IDs")
    names = nist_names()
    out: dict[str, tuple[CrossRef, ...]] = {}
    for key, controls in raw.items():
        cid = _criterion_key(NIST_PRIMARY_FILE, key)
        if not isinstance(controls, list) or not 1 <= len(controls) <= MAX_REFERENCES:
            raise CrossRefError(f"{NIST_PRIMARY_FILE}: field {cid}: needs 1 to {MAX_REFERENCES} controls")
        allowed = set(crosswalk_bases(cid))
        for index, control in enumerate(controls):
            where = f"{NIST_PRIMARY_FILE}: field {cid}[{index}]"
            if control not in names:
                raise CrossRefError(f"{where}: {control!r} is not a NIST SP 800-53 r5 base control")
            if control not in allowed:
                raise CrossRefError(f"{where}: the AICPA crosswalk does not map {cid} to {control}")
        if len(set(controls)) != len(controls):
            raise CrossRefError(f"{NIST_PRIMARY_FILE}: field {cid}: a control is listed twice")
        out[cid] = tuple(CrossRef(c, names[c]) for c in controls)
    missing = sorted(set(nist_crosswalk()) - set(out))
    if missing:
        raise CrossRefError(f"{NIST_PRIMARY_FILE}: criteria in the crosswalk without controls: {missing}")
    return out


def iso27001(criterion_id: str) -> tuple[CrossRef, ...]:
    """The primary ISO/IEC 27001:2022 references of a criterion, most relevant first."""
    return _iso_primary().get(criterion_id, ())


def nist_800_53(criterion_id: str) -> tuple[CrossRef, ...]:
    """The most relevant NIST SP 800-53 r5 base controls of a criterion (empty: not in the crosswalk)."""
    return _nist_primary().get(criterion_id, ())


def pairs(refs: tuple[CrossRef, ...]) -> tuple[tuple[str, str], ...]:
    """References as the ``(id, name)`` tuples a ``Gap`` carries."""
    return tuple((r.id, r.name) for r in refs)


def iso_criteria() -> tuple[str, ...]:
    """Every criterion that has curated ISO references."""
    return tuple(_iso_primary())
