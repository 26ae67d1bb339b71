"""Complementary user entity controls (CUECs): what the founder's customers must do themselves.

A SOC 2 system description lists the controls the service's customers ("user entities") must run
for the service's own controls to work: manage their users in the product, protect the API keys
they are given, configure SSO, tell the service about leavers. The list lives in
``user_controls.yaml``: a base list for every SaaS product, plus controls inferred from the
scoping answers (personal data handled -> customers give their end users notice), the scope, and
what the answers say the product offers ("customers create API keys" -> protect API keys; read with
the same in-use rules as vendors, so "we plan to add SAML" does not count).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assessment.models import UserEntityControl
from knowledge.ids import is_official
from knowledge.models import CATEGORIES
from knowledge.text import one_line
from knowledge.yaml_files import load_yaml

USER_CONTROLS_FILE = Path(str(files("assessment.scoping") / "user_controls.yaml"))
PROFILE_FIELDS = ("personal_data", "processes_for_customers", "confidential_data", "uptime_commitment")
_CATEGORY_OF = (
    ("CC", "security"),
    ("A1", "availability"),
    ("PI1", "processing_integrity"),
    ("C1", "confidentiality"),
)
EXCERPT_CHARS = 90
MAX_ANSWER_CHARS = 50_000  # a pasted policy is read up to here


class UserControlsError(ValueError):
    """``user_controls.yaml`` is malformed; the message names the file, the field and the reason."""


class _Control(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=10)
    criteria: tuple[str, ...] = Field(min_length=1)
    always: bool = False
    profile: tuple[str, ...] = ()
    scope: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()

    @field_validator("text")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return one_line(value)

    @field_validator("criteria")
    @classmethod
    def _official(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in values if not is_official(v)]
        if unknown:
            raise ValueError(f"no such SOC 2 criteria: {unknown}")
        return values

    @field_validator("profile")
    @classmethod
    def _fields(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in values if v not in PROFILE_FIELDS]
        if unknown:
            raise ValueError(f"unknown profile fields {unknown}; use {', '.join(PROFILE_FIELDS)}")
        return values

    @field_validator("scope")
    @classmethod
    def _categories(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in values if v not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown categories {unknown}; use {', '.join(CATEGORIES)}")
        return values

    @field_validator("mentions")
    @classmethod
    def _patterns(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern {value!r} does not compile: {exc}") from exc
        return values

    @model_validator(mode="after")
    def _has_condition(self) -> _Control:
        if not (self.always or self.profile or self.scope or self.mentions):
            raise ValueError(f"{self.id}: give at least one of always, profile, scope, mentions")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    controls: tuple[_Control, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> _File:
        seen: set[str] = set()
        for index, control in enumerate(self.controls):
            if control.id in seen:
                raise ValueError(f"controls[{index}]: duplicate id {control.id!r}")
            seen.add(control.id)
        return self


@dataclass(frozen=True)
class _Rule:
    control: _Control
    pattern: re.Pattern[str] | None


@lru_cache(maxsize=1)
def load_rules(path: Path = USER_CONTROLS_FILE) -> tuple[_Rule, ...]:
    """Load and validate ``user_controls.yaml`` once per process."""
    try:
        data = _File.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise UserControlsError(f"{path}: cannot read: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise UserControlsError(f"{path}: field {field!r}: {err['msg']}") from exc
    rules = []
    for control in data.controls:
        body = "|".join(f"(?:{m})" for m in control.mentions)
        pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE) if body else None
        rules.append(_Rule(control, pattern))
    return tuple(rules)


def criterion_category(criterion_id: str) -> str:
    """The category of a criterion ID (``CC6.1`` -> ``security``, ``P4.2`` -> ``privacy``)."""
    for prefix, category in _CATEGORY_OF:
        if criterion_id.startswith(prefix):
            return category
    return "privacy"


def _excerpt(text: str, start: int, end: int) -> str:
    """The sentence around a match, cut to about ``EXCERPT_CHARS`` at word ends, with an ellipsis."""
    stops = [m.end() for m in re.finditer(r"[.!?;\n]+(?=\s|$)", text[:start])]
    begin = stops[-1] if stops else 0
    after = re.search(r"[.!?;\n](?=\s|$)", text[end:])
    stop = end + after.end() if after else len(text)
    if stop - begin > EXCERPT_CHARS:
        room = max(0, EXCERPT_CHARS - (end - start)) // 2
        begin, stop = max(begin, start - room), min(stop, end + room)
        while begin > 0 and begin < start and not text[begin - 1].isspace():
            begin += 1
        while stop < len(text) and stop > end and not text[stop].isspace():
            stop -= 1
    piece = one_line(text[begin:stop])
    cut_before = begin > 0 and not re.search(r"[.!?;\n]\s*$", text[:begin])
    cut_after = stop < len(text) and not re.match(r"[.!?;\n]", text[stop - 1 : stop])
    return f"{'…' if cut_before else ''}{piece}{'…' if cut_after else ''}"


def _offered(rule: _Rule, texts: Sequence[str]) -> str | None:
    """The founder's words saying the product offers this (an excerpt), or None."""
    from assessment.scoping.usage import in_use

    if rule.pattern is None:
        return None
    for text in texts:
        text = str(text)[:MAX_ANSWER_CHARS]
        matches = list(rule.pattern.finditer(text))[:25]
        if not matches:
            continue
        flags = in_use(text, [(m.start(), m.end()) for m in matches])
        for match, used in zip(matches, flags, strict=True):
            if used:
                return _excerpt(text, match.start(), match.end())
    return None


def user_entity_controls(
    profile: Mapping[str, Any], answer_texts: Sequence[str], scope: Sequence[str]
) -> tuple[UserEntityControl, ...]:
    """The CUECs for this company: the base list plus what the profile, scope and answers imply.

    Only in-scope criteria are kept; a control none of whose criteria is in scope is left out.
    Order: the file's order (base list first). ``basis`` says why each is listed: ``always``,
    ``answer`` (``evidence`` holds the founder's words), ``profile`` (``evidence`` the field) or
    ``scope`` (``evidence`` the category).
    """
    in_scope = set(scope)
    found = []
    for rule in load_rules():
        control = rule.control
        criteria = tuple(c for c in control.criteria if criterion_category(c) in in_scope)
        if not criteria:
            continue
        basis, evidence = "", ""
        if control.always:
            basis = "always"
        elif (said := _offered(rule, answer_texts)) is not None:
            basis, evidence = "answer", said
        elif field := next((f for f in control.profile if profile.get(f) is True), None):
            basis, evidence = "profile", field
        elif category := next((c for c in control.scope if c in in_scope), None):
            basis, evidence = "scope", category
        if basis:
            found.append(UserEntityControl(control.id, control.text, criteria, basis, evidence))
    return tuple(found)
