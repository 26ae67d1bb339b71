"""The saved form of an interview: schema, validation and migration of session dicts.

A session is an append-only log of answer events plus the chat transcript; the profile, scope,
carve-out and scores are all re-derived from the log, so undo is "drop the last event" and a resumed
session gives exactly the report of an uninterrupted run.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from assessment.models import LABELS
from knowledge.models import CATEGORIES

SESSION_KIND = "soc2-ready-session"
SCHEMA_VERSION = 1
EventKind = Literal["scoping", "scope_confirm", "carve_out", "scored", "followup"]


def _check_label(value: str | None) -> str | None:
    if value is not None and value not in LABELS:
        raise ValueError(f"{value!r} is not one of {', '.join(LABELS)}")
    return value


class ScopingValue(BaseModel):
    """What a scoping answer set: one profile field and its parsed value."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1)
    value: StrictBool | StrictInt | str | None


class CarveValue(BaseModel):
    """The carve-out decision: carved kinds, the provider's name and facts learnt on the way."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str]
    provider: str | None = None
    hosting: str | None = None
    has_office: StrictBool | None = None


def _check_value(kind: str, value: Any) -> None:
    """The engine replays ``value`` by kind, so its shape is checked here, not discovered later."""
    if kind == "scoping":
        ScopingValue.model_validate(value)
    elif kind == "carve_out":
        CarveValue.model_validate(value)
    elif kind == "scope_confirm":
        if not isinstance(value, list) or not value:
            raise ValueError("a confirmed scope must be a non-empty list of category names")
        for name in value:
            if name not in CATEGORIES:
                raise ValueError(f"unknown category {name!r}")
    elif value is not None:
        raise ValueError(f"a {kind} answer has no value")


class Event(BaseModel):
    """One settled question: answered (with how it was understood) or skipped."""

    model_config = ConfigDict(extra="forbid")

    qid: str = Field(min_length=1)
    kind: EventKind
    text: str = ""  # the answer, kept whole
    clarification: str | None = None  # the reply to a clarifying question, kept whole
    label: str | None = None  # scored and follow-up answers
    # strict: a hand-edited "high" or "no" is refused rather than coerced into a score or a skip
    confidence: float = Field(default=1.0, ge=0.0, le=1.0, strict=True)
    source: str = ""
    value: Any = None  # scoping value, confirmed scope list or carve-out decision
    shown: str = ""  # how a scoping answer was understood, in words
    skipped: bool = Field(default=False, strict=True)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        return _check_label(value)

    @model_validator(mode="after")
    def _value_fits_kind(self) -> Event:
        if not self.skipped:
            try:
                _check_value(self.kind, self.value)
            except ValidationError as exc:
                raise ValueError(f"value of a {self.kind} answer: {_describe(exc)}") from None
        return self


class Pending(BaseModel):
    """A first answer waiting for its one clarification."""

    model_config = ConfigDict(extra="forbid")

    qid: str = Field(min_length=1)
    kind: EventKind
    text: str
    label: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0, strict=True)
    source: str = ""

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        return _check_label(value)


class Turn(BaseModel):
    """One line of the replayable chat."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    text: str


class SessionModel(BaseModel):
    """The JSON form of an interview (``Interview.to_dict``)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["soc2-ready-session"]
    schema_version: int
    session_name: str
    created_on: date
    updated_on: date
    report_type: Literal["type1", "type2"] | None = None  # fixed by the caller, else from scoping
    given_scope: list[str] | None = None
    events: list[Event]
    pending: Pending | None = None
    presented: str | None = None  # key of the question last shown, so it enters the transcript once
    transcript: list[Turn]

    @field_validator("given_scope")
    @classmethod
    def _scope(cls, value: list[str] | None) -> list[str] | None:
        for name in value or ():
            if name not in CATEGORIES:
                raise ValueError(f"unknown category {name!r}")
        return value


@dataclass
class SessionState:
    """The mutable state held by one Interview (never shared between instances)."""

    session_name: str
    created_on: str
    updated_on: str
    report_type: str | None
    given_scope: list[str] | None
    events: list[dict[str, Any]] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    presented: str | None = None
    transcript: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready session dict (deep copies, so callers cannot alter the state)."""
        return {
            "kind": SESSION_KIND,
            "schema_version": SCHEMA_VERSION,
            "session_name": self.session_name,
            "created_on": self.created_on,
            "updated_on": self.updated_on,
            "report_type": self.report_type,
            "given_scope": copy.deepcopy(self.given_scope),
            "events": copy.deepcopy(self.events),
            "pending": copy.deepcopy(self.pending),
            "presented": self.presented,
            "transcript": copy.deepcopy(self.transcript),
        }


def _migrate_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 0 (early prototype) had no transcript, no presented marker and a single "date".
    out = dict(data)
    day = out.pop("date", None) or date.today().isoformat()
    out.setdefault("created_on", day)
    out.setdefault("updated_on", day)
    out.setdefault("transcript", [])
    out.setdefault("presented", None)
    out["schema_version"] = 1
    return out


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older session dict up to ``SCHEMA_VERSION``, one version at a time."""
    version = data.get("schema_version")
    while isinstance(version, int) and version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise ValueError(f"session schema_version {version} is too old to read")
        data = MIGRATIONS[version](data)
        version = data.get("schema_version")
    return data


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        location = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts.append(f"field {location}: {item['msg']}")
    more = len(error.errors()) - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def load_state(data: object) -> SessionState:
    """Validate a session dict (migrating older versions); ``ValueError`` says exactly what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"session must be a JSON object, got {type(data).__name__}")
    if data.get("kind") != SESSION_KIND:
        raise ValueError(
            f"not a soc2-ready session: field kind must be {SESSION_KIND!r}, got {data.get('kind')!r}"
        )
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"session field schema_version must be an integer, got {version!r}")
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"session schema_version {version} is newer than this version of soc2-ready supports "
            f"({SCHEMA_VERSION}); please upgrade"
        )
    data = migrate(copy.deepcopy(data))
    try:
        model = SessionModel.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"malformed session: {_describe(exc)}") from None
    dumped = model.model_dump(mode="json")
    return SessionState(
        session_name=model.session_name,
        created_on=dumped["created_on"],
        updated_on=dumped["updated_on"],
        report_type=model.report_type,
        given_scope=model.given_scope,
        events=dumped["events"],
        pending=dumped["pending"],
        presented=model.presented,
        transcript=dumped["transcript"],
    )


def new_event(qid: str, kind: str, **fields: Any) -> dict[str, Any]:
    """A complete event dict with every field present (the JSON form is then stable)."""
    event = Event(qid=qid, kind=kind, **fields)  # type: ignore[arg-type]
    return event.model_dump(mode="json")
