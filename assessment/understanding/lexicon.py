"""The phrase data behind answer interpretation, loaded from ``lexicon.yaml`` and validated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment.models import LABELS, Label
from knowledge.text import normalize_answer
from knowledge.yaml_files import load_yaml

DATA_FILE = Path(str(files("assessment.understanding") / "lexicon.yaml"))


class InterpretDataError(ValueError):
    """``lexicon.yaml`` is malformed; the message names the file, the field and the reason."""


def _non_empty(values: tuple[str, ...]) -> tuple[str, ...]:
    if any(not v.strip() for v in values):
        raise ValueError("entries must be non-empty strings")
    return values


class _ByLabel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    yes: tuple[str, ...] = Field(min_length=1)
    partial: tuple[str, ...] = Field(min_length=1)
    no: tuple[str, ...] = Field(min_length=1)
    unknown: tuple[str, ...] = Field(min_length=1)
    not_applicable: tuple[str, ...] = ()

    _check = field_validator("*")(_non_empty)


class _Cues(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    unknown: tuple[str, ...] = Field(min_length=1)
    delegation: tuple[str, ...] = Field(min_length=1)
    owner: tuple[str, ...] = Field(min_length=1)
    gap: tuple[str, ...] = Field(min_length=1)
    in_progress: tuple[str, ...] = Field(min_length=1)
    scope_limit: tuple[str, ...] = Field(min_length=1)
    weak_practice: tuple[str, ...] = Field(min_length=1)
    question_back: tuple[str, ...] = Field(min_length=1)
    future: tuple[str, ...] = Field(min_length=1)
    partial: tuple[str, ...] = Field(min_length=1)
    not_applicable: tuple[str, ...] = Field(min_length=1)
    provider_handles: tuple[str, ...] = Field(min_length=1)
    negative_sense: tuple[str, ...] = Field(min_length=1)
    conclusion: tuple[str, ...] = Field(min_length=1)
    contrast: tuple[str, ...] = Field(min_length=1)
    hedged: tuple[str, ...] = Field(min_length=1)
    lapsed: tuple[str, ...] = Field(min_length=1)
    bad_practice: tuple[str, ...] = Field(min_length=1)
    one_off: tuple[str, ...] = Field(min_length=1)
    limitation: tuple[str, ...] = Field(min_length=1)
    current_state: tuple[str, ...] = Field(min_length=1)
    topic: tuple[str, ...] = Field(min_length=1)

    # Compiled by ``_alternation``: one compile per cue, not ~600 one by one at start-up.
    _check = field_validator("*")(_non_empty)


class _DataFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    quick_replies: _ByLabel
    words: _ByLabel
    cues: _Cues
    negators: tuple[str, ...] = Field(min_length=1)
    lead_followers: tuple[str, ...] = Field(min_length=1)
    fillers: tuple[str, ...] = Field(min_length=1)
    prototypes: _ByLabel

    @field_validator("prototypes")
    @classmethod
    def _all_labels(cls, value: _ByLabel) -> _ByLabel:
        if not value.not_applicable:
            raise ValueError("every label needs prototypes, not_applicable has none")
        return value


def _alternation(patterns: tuple[str, ...], source: str, field: str) -> re.Pattern[str]:
    """One pattern matching any of ``patterns`` as whole words; a bad pattern is named precisely."""
    # Word-ish boundaries that also work next to punctuation, emoji and non-Latin scripts.
    body = "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))
    try:
        return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")
    except re.error:
        for pattern in patterns:  # only on failure: find which one, for the error message
            try:
                re.compile(f"(?:{pattern})")
            except re.error as exc:
                raise InterpretDataError(
                    f"{source}: field {field!r}: regex {pattern!r} does not compile: {exc}"
                ) from exc
        raise


@dataclass(frozen=True)
class InterpretData:
    """Compiled, read-only interpretation data."""

    quick: dict[str, Label]
    words: dict[str, Label]
    cue: dict[str, re.Pattern[str]]
    negators: frozenset[str]
    lead_followers: frozenset[str]
    fillers: frozenset[str]
    prototypes: tuple[tuple[Label, str], ...]


def parse(raw: object, source: str = str(DATA_FILE)) -> InterpretData:
    """Validate raw YAML content and compile it; errors name the file, field and reason."""
    try:
        data = _DataFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise InterpretDataError(f"{source}: field {field!r}: {err['msg']}") from exc

    def by_label(group: _ByLabel) -> dict[str, Label]:
        table: dict[str, Label] = {}
        for label in LABELS:
            for phrase in getattr(group, label):
                table.setdefault(normalize_answer(phrase) or phrase, label)
        return table

    cue = {
        name: _alternation(getattr(data.cues, name), source, f"cues.{name}") for name in _Cues.model_fields
    }
    protos = tuple((label, p) for label in LABELS for p in getattr(data.prototypes, label))
    return InterpretData(
        quick=by_label(data.quick_replies),
        words=by_label(data.words),
        cue=cue,
        negators=frozenset(data.negators),
        lead_followers=frozenset(data.lead_followers),
        fillers=frozenset(data.fillers),
        prototypes=protos,
    )


@lru_cache(maxsize=1)
def load_data(path: Path = DATA_FILE) -> InterpretData:
    """Load ``lexicon.yaml`` once per process."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InterpretDataError(f"{path}: cannot read: {exc}") from exc
    return parse(raw, str(path))
