"""The knowledge base of SOC 2 basics (report types, audits, other frameworks...) in our own words.

Entries live in ``knowledge/basics/*.yaml``; each has a title, a few sentences, the criteria it
touches and a few typical phrasings of the question. They are validated on load and indexed
separately from the criteria, with the same embedding model (``knowledge.basics_index``), so side
questions that are not about one criterion get a real answer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from knowledge.ids import CRITERION_ID
from knowledge.text import one_line
from knowledge.yaml_files import load_yaml

BASICS_DIR = Path(str(files("knowledge") / "basics"))
_ENTRY_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


class BasicsError(ValueError):
    """A basics file is malformed; the message names the file, the entry, the field and the reason."""


class BasicEntry(BaseModel):
    """One piece of SOC 2 background knowledge, in our own plain words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=3)
    text: str = Field(min_length=80)
    criteria: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ENTRY_ID.match(value):
            raise ValueError(f"{value!r} is not a snake_case entry ID like type1_vs_type2")
        return value

    @field_validator("title", "text")
    @classmethod
    def _check_text(cls, value: str) -> str:
        flat = one_line(value)
        if flat.upper() == "TODO":
            raise ValueError("must be written (it is TODO)")
        return flat

    @field_validator("criteria")
    @classmethod
    def _check_criteria(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not CRITERION_ID.match(item):
                raise ValueError(f"{item!r} is not a criterion ID like CC6.1")
        return value

    @field_validator("questions")
    @classmethod
    def _check_questions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(one_line(q) for q in value)
        if any(not q for q in cleaned):
            raise ValueError("a question is empty")
        return cleaned


class BasicsFile(BaseModel):
    """One basics file: a topic and its entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: str = Field(min_length=3)
    entries: tuple[BasicEntry, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Basics:
    """All entries, in file order, with a lookup by ID."""

    entries: tuple[BasicEntry, ...]
    content_hash: str

    def get(self, entry_id: str) -> BasicEntry:
        """The entry with this ID; ``KeyError`` if there is none."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """All entry IDs in file order."""
        return tuple(e.id for e in self.entries)


@dataclass(frozen=True)
class BasicHit:
    """One basics search result: an entry and how closely the question matches it (cosine, 0..1)."""

    entry_id: str
    title: str
    text: str
    criteria: tuple[str, ...]
    score: float


def _describe(path: Path, raw: object, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        loc = item["loc"]
        where = ".".join(str(part) for part in loc)
        if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int) and isinstance(raw, dict):
            entries = raw.get("entries")
            if isinstance(entries, list) and loc[1] < len(entries) and isinstance(entries[loc[1]], dict):
                name = entries[loc[1]].get("id", loc[1])
                where = f"entry {name}: field " + ".".join(str(part) for part in loc[2:])
                lines.append(f"{path.name}: {where}: {item['msg']}")
                continue
        lines.append(f"{path.name}: field {where}: {item['msg']}")
    return "\n".join(lines)


def load_basics_file(path: Path) -> BasicsFile:
    """Parse and validate one basics file, raising ``BasicsError`` naming file, entry and field."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BasicsError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise BasicsError(f"{path.name}: expected a mapping with topic and entries")
    try:
        return BasicsFile.model_validate(raw)
    except ValidationError as exc:
        raise BasicsError(_describe(path, raw, exc)) from exc


def load_basics(directory: Path = BASICS_DIR, known_criteria: frozenset[str] | None = None) -> Basics:
    """Load every basics file; duplicate IDs (and, given ``known_criteria``, unknown criteria) are errors."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise BasicsError(f"{directory}: no basics files found")
    digest = hashlib.sha256()
    entries: list[BasicEntry] = []
    seen: dict[str, str] = {}
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        for entry in load_basics_file(path).entries:
            if entry.id in seen:
                raise BasicsError(
                    f"{path.name}: entry {entry.id}: field id: already defined in {seen[entry.id]}"
                )
            seen[entry.id] = path.name
            unknown = [c for c in entry.criteria if known_criteria is not None and c not in known_criteria]
            if unknown:
                raise BasicsError(
                    f"{path.name}: entry {entry.id}: field criteria: unknown {', '.join(unknown)}"
                )
            entries.append(entry)
    return Basics(tuple(entries), digest.hexdigest()[:16])


@lru_cache(maxsize=1)
def default_basics() -> Basics:
    """The packaged basics, checked against the packaged criteria, loaded once per process."""
    from knowledge.corpus import default_corpus

    return load_basics(known_criteria=frozenset(default_corpus().ids))
