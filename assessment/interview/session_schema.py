"""The JSON schema of a saved session: pydantic models of events, pending answers and revisions.

``assessment.interview.session`` validates and migrates session dicts with these models; the engine
replays the events by kind, so each value's shape is checked here rather than discovered later.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

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

from assessment.evidence.models import StoredSummary
from assessment.models import LABELS
from knowledge.ids import CRITERION_ID as _CRITERION
from knowledge.models import CATEGORIES

MAX_OWNER_CHARS = 200  # an owner is a name or a role
# A client's id for one typed message (the web chat box's: random hex and a counter).
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")
# Ids kept per session: a client re-sends at most this many unacknowledged messages at once.
MAX_SUBMISSION_IDS = 500
REF = re.compile(r"^(?:events\[(\d+)\]|pending)\.(text|clarification)$")
EventKind = Literal["scoping", "scope_confirm", "carve_out", "scored", "followup", "revisit"]


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


class RevisitValue(BaseModel):
    """The founder's choice when offered the skipped and "not sure" questions again before the end."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["now", "leave"]


def _check_value(kind: str, value: Any) -> None:
    """The engine replays ``value`` by kind, so its shape is checked here, not discovered later."""
    if kind == "scoping":
        ScopingValue.model_validate(value)
    elif kind == "carve_out":
        CarveValue.model_validate(value)
    elif kind == "revisit":
        RevisitValue.model_validate(value)
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
                raise ValueError(f"value of a {self.kind} answer: {describe(exc)}") from None
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
    alternatives: list[str] = Field(default_factory=list)  # likeliest readings, offered as quick replies
    correcting: bool = Field(default=False, strict=True)  # "that's not right" on an answer just recorded

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        return _check_label(value)


class Revision(BaseModel):
    """One change to an earlier answer (the audit trail shown in the report's appendix)."""

    model_config = ConfigDict(extra="forbid")

    qid: str = Field(min_length=1)
    at: str = Field(min_length=1)  # ISO 8601 timestamp, UTC
    by: str = ""  # who changed it (the signed-in user, else empty: the founder)
    old_text: str = ""
    old_label: str | None = None
    new_text: str = ""
    new_label: str | None = None

    @field_validator("old_label", "new_label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        return _check_label(value)


class Assignment(BaseModel):
    """Who closes a gap and by when, as the founder set it (``Interview.assign``)."""

    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(default=None, min_length=1, max_length=MAX_OWNER_CHARS)
    due: date | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Assignment:
        if self.owner is None and self.due is None:
            raise ValueError("an assignment needs an owner or a due date")
        return self


class Turn(BaseModel):
    """One line of the replayable chat."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    text: str
    ref: str | None = Field(default=None, pattern=REF.pattern)  # "events[3].text": text kept there
    event: StrictInt | None = Field(default=None, ge=0)  # the answer (events index) this turn gave
    withdrawn: StrictBool = False  # its answer was undone by "back" or "restart"


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
    evidence: list[StoredSummary] = Field(default_factory=list)  # imported scans (assessment.evidence)
    revisions: list[Revision] = Field(default_factory=list)  # changes to earlier answers, oldest first
    assignments: dict[str, Assignment] = Field(default_factory=dict)  # criterion ID -> owner, due date
    # ids of the most recent typed messages answered (``Interview.answer_once``), oldest first
    submission_ids: list[Annotated[str, Field(pattern=SUBMISSION_ID.pattern)]] = Field(default_factory=list)

    @field_validator("submission_ids")
    @classmethod
    def _recent_ids(cls, value: list[str]) -> list[str]:
        return value[-MAX_SUBMISSION_IDS:]  # only a hand-edited file holds more; the oldest never recur

    @field_validator("given_scope")
    @classmethod
    def _scope(cls, value: list[str] | None) -> list[str] | None:
        for name in value or ():
            if name not in CATEGORIES:
                raise ValueError(f"unknown category {name!r}")
        return value

    @field_validator("assignments")
    @classmethod
    def _assigned_criteria(cls, value: dict[str, Assignment]) -> dict[str, Assignment]:
        for key in value:
            if not _CRITERION.match(key):
                raise ValueError(f"{key!r} is not a criterion ID like CC6.1")
        return value


def describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        location = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts.append(f"field {location}: {item['msg']}")
    more = len(error.errors()) - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
