"""Plain answers to general SOC 2 questions (Type I vs II, carve-outs, cost...), from ``prompts/faq.yaml``.

Side questions that name no criterion are checked here first; the criteria index answers the rest.
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment.templates import prompts_dir
from knowledge.models import CRITERION_ID

FAQ_FILE = "faq.yaml"


class FaqError(ValueError):
    """The FAQ file is malformed; the message names the file, the entry and the field."""


class FaqEntry(BaseModel):
    """One general question and our answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    ask: tuple[str, ...] = Field(min_length=1)
    answer: str = Field(min_length=20)
    related: tuple[str, ...] = ()

    @field_validator("ask")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(" ".join(phrase.lower().split()) for phrase in value)

    @field_validator("related")
    @classmethod
    def _ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not CRITERION_ID.match(item):
                raise ValueError(f"{item!r} is not a criterion ID like CC6.1")
        return value


@lru_cache(maxsize=1)
def load_faq() -> tuple[FaqEntry, ...]:
    """Load and validate the FAQ once per process."""
    path = prompts_dir() / FAQ_FILE
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise FaqError(f"{path.name}: expected a list of entries")
    entries = []
    for index, item in enumerate(raw):
        try:
            entries.append(FaqEntry.model_validate(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            name = item.get("id", index) if isinstance(item, dict) else index
            raise FaqError(f"{path.name}: entry {name}: field {field}: {err['msg']}") from exc
    return tuple(entries)


def match_faq(question: str) -> FaqEntry | None:
    """The entry whose phrase appears in the question (the longest phrase wins), else None."""
    text = " " + " ".join(re.sub(r"[^\w\s/'-]", " ", question.lower()).split()) + " "
    best: tuple[int, FaqEntry] | None = None
    for entry in load_faq():
        for phrase in entry.ask:
            found = f" {phrase} " in text
            if found and (best is None or len(phrase) > best[0]):
                best = (len(phrase), entry)
    return best[1] if best else None
