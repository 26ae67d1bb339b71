"""Load and validate the plain-language criteria corpus from ``knowledge/criteria/*.yaml``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.models import CriteriaFile, Criterion
from knowledge.yaml_files import load_yaml

CRITERIA_DIR = Path(str(files("knowledge") / "criteria"))
ISO_NAMES_FILE = Path(str(files("knowledge") / "iso27001_annex_a.yaml"))


class CorpusError(ValueError):
    """A corpus file is malformed; the message names the file, the field and the reason."""


@dataclass(frozen=True)
class Corpus:
    """All criteria, in official order, with lookups by ID."""

    criteria: tuple[Criterion, ...]
    group_titles: dict[str, str]
    iso_names: dict[str, str]
    content_hash: str

    def get(self, criterion_id: str) -> Criterion:
        """The criterion with this ID; ``KeyError`` if there is none."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """All criterion IDs in official order."""
        return tuple(c.id for c in self.criteria)

    def by_category(self, category: str) -> tuple[Criterion, ...]:
        """The criteria of one category, in official order."""
        return tuple(c for c in self.criteria if c.category == category)


def _format_error(path: Path, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"])
        lines.append(f"{path.name}: field {location}: {item['msg']}")
    return "\n".join(lines)


def load_criteria_file(path: Path) -> CriteriaFile:
    """Parse and validate one corpus file, raising ``CorpusError`` naming file, field and reason."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise CorpusError(f"{path.name}: expected a mapping with group, group_title, category, criteria")
    try:
        parsed = CriteriaFile.model_validate(raw)
    except ValidationError as exc:
        raise CorpusError(_format_error(path, exc)) from exc
    criteria = tuple(
        c.model_copy(update={"group": parsed.group, "category": parsed.category}) for c in parsed.criteria
    )
    return parsed.model_copy(update={"criteria": criteria})


def _order_key(criterion_id: str) -> tuple[int, int, int]:
    prefix, number = criterion_id.split(".")[:2]
    family_order = {"CC": 0, "A": 1, "PI": 2, "C": 3, "P": 4}
    family = prefix.rstrip("0123456789")
    return family_order[family], int(prefix[len(family) :]), int(number)


def load_corpus(directory: Path = CRITERIA_DIR) -> Corpus:
    """Load every corpus file; duplicate IDs and unknown ISO controls are errors."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CorpusError(f"{directory}: no criteria files found")
    iso_names: dict[str, str] = load_yaml(ISO_NAMES_FILE.read_text(encoding="utf-8"))
    digest = hashlib.sha256()
    criteria: list[Criterion] = []
    group_titles: dict[str, str] = {}
    seen: dict[str, str] = {}
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        parsed = load_criteria_file(path)
        group_titles[parsed.group] = parsed.group_title
        for criterion in parsed.criteria:
            ids = [criterion.id, *(p.id for p in criterion.points_of_focus)]
            for item in ids:
                if item in seen:
                    raise CorpusError(f"{path.name}: field id: {item} is already defined in {seen[item]}")
                seen[item] = path.name
            for control in criterion.iso27001:
                if control not in iso_names:
                    raise CorpusError(
                        f"{path.name}: field {criterion.id}.iso27001: unknown Annex A control {control}"
                    )
            criteria.append(criterion)
    criteria.sort(key=lambda c: _order_key(c.id))
    return Corpus(tuple(criteria), group_titles, iso_names, digest.hexdigest()[:16])


@lru_cache(maxsize=1)
def default_corpus() -> Corpus:
    """The packaged corpus, loaded once per process (it is immutable)."""
    return load_corpus()
