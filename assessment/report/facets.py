"""The parts ("facets") of a control an auditor expects, and which of them a founder's answer shows.

``data/facets.yaml`` lists, per criterion, the facets in the order they should be put in place, each
with cues that name it and cues that say it is missing. ``read_facets`` reads an answer with the
answer reader's own clause splitting and negation counting (``assessment.understanding.clauses``):

* the answer is split into clauses, and each clause into the parts that carry their own negation;
* a facet's cue in a part is negated when the part holds an odd number of negations before it (or,
  for the part's last cue, after it: "restore testing isn't something we've done");
* a cue in a planned, in-progress, informal or lapsed statement ("we plan to copy them to a second
  region") shows the facet missing; an "absent" cue ("same region") shows it missing, and a negated
  one ("not in the same region") shows it in place;
* a word of "negative sense" inside a cue's own text ("disable their accounts", "right to be
  forgotten") names the facet, not its absence, unless the cue also holds a plain negation ("no
  exceptions");
* a short reply that only denies a noun names the facet whose ``nouns`` it holds ("no list" for the
  vendor list, "no severity levels or records" for the recorded triage decisions): it is missing;
* a reply naming only the speaker ("me", "I do", "that's me") shows an ``owner`` facet in place
  (the person who triages, the security owner);
* when an answer mentions a facet more than once, the last mention wins ("we used to ..., now ...").

Cues are compiled on first use, and only those an answer could match (``cues.CueSet``), so reading
costs a cold ``soc2-ready report`` little. A malformed data file raises ``FacetDataError`` naming the
file, the field and the reason (``parse(..., compile_cues=True)`` also compiles every cue; the tests
run it on the shipped file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment.report.cues import CueSet
from assessment.understanding.clauses import clauses, coordinated_parts, negations
from assessment.understanding.lexicon import InterpretData, load_data
from knowledge.ids import is_official
from knowledge.text import normalize_answer, one_line
from knowledge.yaml_files import load_yaml

FACETS_FILE = "facets.yaml"
FacetState = Literal["present", "absent", "unstated"]
# Lexicon cues that make a statement about a facet a plan or a weak practice, not a control in place.
_NOT_YET_CUES = ("future", "in_progress", "weak_practice", "lapsed", "scope_limit")
# Words of a clause that carries no content of its own beyond a negation ("but it hasn't happened").
_EMPTY_WORDS = frozenset(
    """it that this they we has have had hasn't haven't hadn't is isn't was wasn't did didn't does doesn't
    not never yet really actually ever been so far happened done started begun finished quite""".split()  # noqa: SIM905
)
# "X rather than Y": what follows is denied like a negation ("granted to individuals rather than groups").
_INSTEAD = re.compile(r"\b(?:rather than|instead of)\b")
# A short reply that only denies a noun ("no list", "no severity levels or records"): the words after
# the denial, less filler words, are matched against the facets' ``nouns``.
_DENIAL = re.compile(
    r"^(?:(?:so|and|but|also|honestly|currently|basically|really|just) )*"
    r"(?:no|none|nothing|zero|not any|not an?|without|never had an?|never had any) (?P<rest>[\w' -]+)$"
)
_FILLER = frozenset(
    """a an any the real proper formal written official defined set of or and nor either yet at all
    really tho though afaik so far for it them that this whatsoever""".split()  # noqa: SIM905
)
_DENIED_WORDS_MAX = 4  # more content words than this is a statement, not an elliptical denial
# A reply naming only the speaker as the one who does it: "me", "mostly me", "I do", "that's me".
_SPEAKER = re.compile(
    r"^(?:(?:it'?s|that'?s|thats|mostly|just|only|usually|basically|probably|always|honestly) )*"
    r"(?:me|myself|i do|i am|i'?m the one|i handle (?:it|them|that|those|these)|i look at (?:it|them)"
    r"|i (?:triage|check|review|own)(?: (?:it|them|that|those))?)"
    r"(?: (?:and |or |plus )?(?:[\w']+ ){0,3}[\w']+)?"  # "me or the cto" (the split drops "or")
    r"(?: (?:basically|mostly|usually|personally|myself|really|i guess))*$"
)


class FacetDataError(ValueError):
    """``facets.yaml`` is malformed; the message names the file, the field and the reason."""


def _non_empty(values: tuple[str, ...]) -> tuple[str, ...]:
    if any(not value.strip() for value in values):
        raise ValueError("cues must be non-empty regular expressions")
    return values


class _FacetEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=3)
    step: str = Field(min_length=10)
    present: tuple[str, ...] = Field(min_length=1)
    absent: tuple[str, ...] = ()
    nouns: tuple[str, ...] = ()  # words that name the facet on their own in a denial: "no list"
    owner: bool = False  # the facet is a person: a reply naming the speaker ("me") shows it in place

    _cues = field_validator("present", "absent", "nouns")(_non_empty)


class _FacetFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    criteria: dict[str, tuple[_FacetEntry, ...]]

    @field_validator("criteria")
    @classmethod
    def _criteria(cls, value: dict[str, tuple[_FacetEntry, ...]]) -> dict[str, tuple[_FacetEntry, ...]]:
        for key, entries in value.items():
            if not is_official(key):
                raise ValueError(f"{key!r} is not one of the 61 SOC 2 criterion IDs")
            if len(entries) < 2:
                raise ValueError(f"{key}: a control needs at least two facets")
            ids = [e.id for e in entries]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{key}: facet ids must be unique, got {ids}")
        return value


@dataclass(frozen=True)
class Facet:
    """One part of a control: its name in the report, the step when missing, and its cues."""

    id: str
    name: str
    step: str
    present: CueSet
    absent: CueSet | None
    nouns: re.Pattern[str] | None = None
    owner: bool = False


@dataclass(frozen=True)
class FacetReading:
    """What one answer shows about each facet of a criterion, in the facets' order."""

    criterion_id: str
    states: tuple[tuple[Facet, FacetState], ...]

    def _with(self, state: FacetState) -> tuple[Facet, ...]:
        return tuple(facet for facet, s in self.states if s == state)

    @property
    def in_place(self) -> tuple[Facet, ...]:
        """Facets the answer shows in place."""
        return self._with("present")

    @property
    def missing(self) -> tuple[Facet, ...]:
        """Facets the answer says are missing (negated, planned, or named as absent)."""
        return self._with("absent")

    @property
    def unstated(self) -> tuple[Facet, ...]:
        """Facets the answer does not mention."""
        return self._with("unstated")

    @property
    def mentioned(self) -> bool:
        """True when the answer says something about at least one facet."""
        return any(state != "unstated" for _, state in self.states)

    @property
    def first_step(self) -> Facet | None:
        """The facet to put in place first: the first missing one, else the first not mentioned."""
        return next(iter(self.missing or self.unstated), None)


def _load_raw() -> object:
    try:
        text = (files("assessment.report") / "data" / FACETS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FacetDataError(f"{FACETS_FILE}: data file missing from the package") from exc
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise FacetDataError(f"{FACETS_FILE}: not valid YAML ({exc})") from exc


def _check_cues(source: str, cid: str, index: int, entry: _FacetEntry) -> None:
    for key in ("present", "absent", "nouns"):
        for number, pattern in enumerate(getattr(entry, key)):
            try:
                re.compile(pattern)
            except re.error as exc:
                field = f"criteria.{cid}.{index}.{key}.{number}"
                raise FacetDataError(
                    f"{source}: field {field!r}: regex {pattern!r} does not compile: {exc}"
                ) from None


def parse(raw: object, source: str = FACETS_FILE, compile_cues: bool = False) -> dict[str, tuple[Facet, ...]]:
    """Validate facet data; errors name the file, the field and the reason.

    With ``compile_cues`` every cue is compiled now (the tests do so for the shipped file);
    otherwise cues are compiled when an answer first needs them.
    """
    try:
        data = _FacetFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise FacetDataError(f"{source}: field {field!r}: {err['msg']}") from None
    out: dict[str, tuple[Facet, ...]] = {}
    for cid, entries in data.criteria.items():
        built = []
        for index, entry in enumerate(entries):
            if compile_cues:
                _check_cues(source, cid, index, entry)
            absent = CueSet(entry.absent) if entry.absent else None
            nouns = _nouns(source, f"criteria.{cid}.{index}.nouns", entry.nouns)
            built.append(
                Facet(entry.id, entry.name, entry.step, CueSet(entry.present), absent, nouns, entry.owner)
            )
        out[cid] = tuple(built)
    return out


def _nouns(source: str, field: str, nouns: tuple[str, ...]) -> re.Pattern[str] | None:
    """The facet's nouns as one pattern matched against whole words (a few per file: compiled now)."""
    if not nouns:
        return None
    try:
        return re.compile("|".join(f"(?:{noun})" for noun in nouns))
    except re.error as exc:
        raise FacetDataError(f"{source}: field {field!r}: regex does not compile: {exc}") from None


@lru_cache(maxsize=1)
def all_facets() -> dict[str, tuple[Facet, ...]]:
    """Every criterion's facets, read from the package data once per process."""
    return parse(_load_raw())


def facets_for(criterion_id: str) -> tuple[Facet, ...]:
    """The facets of ``criterion_id`` in the order to put them in place (empty when none are listed)."""
    return all_facets().get(criterion_id, ())


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    facet: Facet
    absent_cue: bool


# Per facet, the compiled cues an answer could match: (facet, present cues, absent cues).
_Matchers = list[tuple[Facet, "re.Pattern[str] | None", "re.Pattern[str] | None"]]


def _matchers(facets: tuple[Facet, ...], text: str) -> _Matchers:
    out: _Matchers = []
    for facet in facets:
        present = facet.present.matcher(text)
        absent = facet.absent.matcher(text) if facet.absent is not None else None
        if present is not None or absent is not None:
            out.append((facet, present, absent))
    return out


def _hits(part: str, matchers: _Matchers) -> list[_Hit]:
    found: list[_Hit] = []
    for facet, present, absent in matchers:
        absent_spans = []
        if absent is not None:
            for match in absent.finditer(part):
                absent_spans.append((match.start(), match.end()))
                found.append(_Hit(match.start(), match.end(), facet, True))
        if absent_spans or present is None:
            continue  # within one part an "absent" cue decides ("we haven't repeated it this year")
        for match in present.finditer(part):
            found.append(_Hit(match.start(), match.end(), facet, False))
    # The longer cue wins: "firewall" inside "firewall rules are never reviewed" is about the review.
    kept = [
        h
        for h in found
        if not any(
            o is not h and o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start
            for o in found
        )
    ]
    return sorted(kept, key=lambda h: (h.start, h.end))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given spans replaced by spaces (so a cue's own words are not counted)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _own_sense(text: str, hit: _Hit, data: InterpretData) -> list[tuple[int, int]]:
    """Spans of the negative-sense words inside a cue that has no plain negation of its own."""
    span = text[hit.start : hit.end]
    found = [(hit.start + m.start(), hit.start + m.end()) for m in data.cue["negative_sense"].finditer(span)]
    return found if found and negations(span, data) == len(found) else []


def _part_states(part: str, matchers: _Matchers, data: InterpretData) -> list[tuple[Facet, FacetState]]:
    hits = _hits(part, matchers)
    if not hits:
        return []
    # Negations are counted outside the text of "absent" cues, which often hold their own "no", and
    # without words of negative sense that a present cue holds as its own ("disable their accounts")
    # unless a plain negation in the cue turns them ("no exceptions").
    plain = _blank(part, [(h.start, h.end) for h in hits if h.absent_cue])
    plain = _blank(plain, [span for h in hits if not h.absent_cue for span in _own_sense(plain, h, data)])
    not_yet = any(data.cue[name].search(part) for name in _NOT_YET_CUES)
    last_start = hits[-1].start
    out: list[tuple[Facet, FacetState]] = []
    for hit in hits:
        # A present cue may span its own negation ("reviews don't mention security").
        before = plain[: hit.end]
        count = negations(before, data) + len(_INSTEAD.findall(before))
        if hit.start == last_start and not hit.absent_cue:
            count += negations(plain[hit.end :], data)  # "restore testing isn't something we do"
        negated = count % 2 == 1
        if hit.absent_cue:
            state: FacetState = "present" if negated else "absent"
        else:
            state = "absent" if negated or not_yet else "present"
        out.append((hit.facet, state))
    return out


def _reply_states(
    part: str, facets: tuple[Facet, ...], data: InterpretData
) -> list[tuple[Facet, FacetState]]:
    """Facets a short reply names without a cue: an elliptical denial ("no list"), or the speaker."""
    if _SPEAKER.match(part) and not negations(part, data):
        return [(facet, "present") for facet in facets if facet.owner]
    denial = _DENIAL.match(part)
    if denial is None:
        return []
    words = [w for w in re.findall(r"[\w']+", denial.group("rest")) if w not in _FILLER]
    if not words or len(words) > _DENIED_WORDS_MAX:
        return []
    return [
        (facet, "absent")
        for facet in facets
        if facet.nouns is not None and any(facet.nouns.fullmatch(word) for word in words)
    ]


def _denies_previous(clause: str, data: InterpretData) -> bool:
    """A clause that only denies what came before: "... but hasn't happened", "... but not yet"."""
    words = re.findall(r"[\w']+", clause)
    return bool(words) and all(w in _EMPTY_WORDS for w in words) and negations(clause, data) % 2 == 1


def read_facets(criterion_id: str, text: str) -> FacetReading | None:
    """What ``text`` (one or more answers) shows about each facet; None when the criterion has none."""
    facets = facets_for(criterion_id)
    if not facets:
        return None
    normalized = normalize_answer(text)
    matchers = _matchers(facets, normalized)
    seen: dict[str, FacetState] = {}
    replies = any(f.nouns is not None or f.owner for f in facets)
    if not matchers and not replies:  # nothing can match: no need to load the reader's lexicon
        return FacetReading(criterion_id, tuple((f, "unstated") for f in facets))
    data = load_data()
    last: Facet | None = None
    for clause in clauses(normalized):
        if last is not None and seen.get(last.id) == "present" and _denies_previous(clause, data):
            seen[last.id] = "absent"
            continue
        for part in coordinated_parts(clause, data):
            part = one_line(part)  # the split leaves the spaces around a removed "and"
            states = _part_states(part, matchers, data)
            named = {facet.id for facet, _ in states}
            states += [(f, state) for f, state in _reply_states(part, facets, data) if f.id not in named]
            for facet, state in states:
                seen[facet.id] = state  # the last mention wins
                last = facet
    return FacetReading(criterion_id, tuple((f, seen.get(f.id, "unstated")) for f in facets))
