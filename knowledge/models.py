"""Validated models of the criteria corpus (our plain-language text) and of search hits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.ids import CRITERION_ID, POINT_ID

Category = Literal["security", "availability", "processing_integrity", "confidentiality", "privacy"]
CATEGORIES: tuple[Category, ...] = (
    "security",
    "availability",
    "processing_integrity",
    "confidentiality",
    "privacy",
)
CATEGORY_TITLES: dict[str, str] = {
    "security": "Security",
    "availability": "Availability",
    "processing_integrity": "Processing Integrity",
    "confidentiality": "Confidentiality",
    "privacy": "Privacy",
}

ISO_CONTROL_ID = re.compile(r"^A\.[5-8]\.\d{1,2}$")


def _plain(value: str, field: str) -> str:
    text = value.strip()
    if not text or text.upper() == "TODO":
        raise ValueError(f"{field} must be written (it is empty or TODO)")
    return text


class PointOfFocus(BaseModel):
    """One point of focus, explained in a sentence or two of our own words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    explanation: str

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not POINT_ID.match(value):
            raise ValueError(f"{value!r} is not a point-of-focus ID like CC6.1.3")
        return value

    @field_validator("title", "explanation")
    @classmethod
    def _check_text(cls, value: str) -> str:
        return _plain(value, "text")


class Criterion(BaseModel):
    """One Trust Services criterion as a founder needs to understand it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    in_practice: str
    auditor_evidence: tuple[str, ...] = Field(min_length=1)
    pitfalls: tuple[str, ...] = Field(min_length=1)
    iso27001: tuple[str, ...] = ()
    points_of_focus: tuple[PointOfFocus, ...] = ()
    # Filled from the file's header by the loader, so each criterion knows where it belongs.
    group: str = ""
    category: Category = "security"

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not CRITERION_ID.match(value):
            raise ValueError(f"{value!r} is not a criterion ID like CC6.1")
        return value

    @field_validator("title", "in_practice")
    @classmethod
    def _check_text(cls, value: str) -> str:
        return _plain(value, "text")

    @field_validator("auditor_evidence", "pitfalls")
    @classmethod
    def _check_items(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_plain(item, "list item") for item in value)

    @field_validator("iso27001")
    @classmethod
    def _check_iso(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not ISO_CONTROL_ID.match(item):
                raise ValueError(f"{item!r} is not an ISO/IEC 27001:2022 Annex A control like A.5.15")
        return value

    @model_validator(mode="after")
    def _points_belong(self) -> Criterion:
        for point in self.points_of_focus:
            if not point.id.startswith(self.id + "."):
                raise ValueError(f"point of focus {point.id} does not belong to {self.id}")
        return self


class CriteriaFile(BaseModel):
    """One corpus file: a group of criteria (CC6, A1, P4, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    group: str
    group_title: str
    category: Category
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @field_validator("group_title")
    @classmethod
    def _check_title(cls, value: str) -> str:
        return _plain(value, "group_title")


@dataclass(frozen=True)
class Hit:
    """One search result: the best passage of one criterion."""

    criterion_id: str
    score: float
    text: str
    title: str
    source: str = "corpus"  # "corpus" (our wording) or "official" (imported by the user)
    category: str = ""
    # Cosine similarity of the query to the criterion's closest passage (0..1): an absolute measure
    # of how well it matches, unlike ``score``, which is only meaningful for ranking. 1.0 for an ID.
    similarity: float = 0.0
