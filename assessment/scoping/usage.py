"""Is a tool (or a product feature) named in an answer in use today, or planned, past or denied?

"We might buy Okta next year", "we used to use Heroku" and "we don't use Jamf" name tools that are
not subservice organizations; "we moved from Heroku to AWS" names one that is (AWS) and one that is
not. The cue words live in ``usage_cues.yaml``; this module cuts the answer into clauses and reads
the words before (the lead) and after (the tail) each name. A name with no cue is in use.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from knowledge.yaml_files import load_yaml

USAGE_FILE = Path(str(files("assessment.scoping") / "usage_cues.yaml"))
Tense = Literal["future", "past", "use", "negative"]
CueKind = Literal["reach", "adjacent", "current", "present", "tail"]
Span = tuple[int, int]

_PLACEHOLDER = "\ue000"  # stands for another tool named in the same clause
_FILLERS = frozenset(
    {"a", "an", "the", "some", "our", "my", "their", "its", "this", "that", "these", "those"}
)
_LIST_WORDS = frozenset({"<v>", ",", "and", "or", "nor", "&", "+", "/"})
REACH_WORDS = 6  # a "reach" cue works this many words before the name
ADJACENT_WORDS = 2  # an "adjacent" cue allows this many fillers ("the", "our") before the name
NEGATION_WORDS = 8  # a negation reaches over at most this many light words
TAIL_WORDS = 8
LEAD_TOKENS = 40  # only the last words of a long clause can hold a cue for the name
WINDOW_CHARS = 400
GROUP_READS = 25  # a tool named 25 times, never as in use, is not in use
MODAL_WORDS = 3
_TOKEN = re.compile(rf"{_PLACEHOLDER}+|[a-z0-9]+(?:[.\-][a-z0-9]+)*|[,&+/]")
_CONTRACTIONS = (
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"\b(it|that|there|what|everything|here)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),
)


class UsageCuesError(ValueError):
    """``usage_cues.yaml`` is malformed; the message names the file, the field and the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Tenses(_Strict):
    future: tuple[str, ...] = Field(min_length=1)
    past: tuple[str, ...] = Field(min_length=1)
    use: tuple[str, ...] = Field(min_length=1)

    @field_validator("future", "past", "use")
    @classmethod
    def _not_blank(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        blank = [i for i, v in enumerate(values) if not str(v).strip()]
        if blank:
            raise ValueError(f"blank phrase at position {blank[0]}")
        return tuple(str(v).lower() for v in values)


class _Adjacent(_Tenses):
    current: tuple[str, ...] = Field(min_length=1)
    present: tuple[str, ...] = Field(min_length=1)


class _Lead(_Strict):
    reach: _Tenses
    adjacent: _Adjacent


class _Tail(_Strict):
    future: tuple[str, ...] = Field(min_length=1)
    past: tuple[str, ...] = Field(min_length=1)
    negative: tuple[str, ...] = Field(min_length=1)


class _Boundaries(_Strict):
    words: tuple[str, ...] = Field(min_length=1)
    subjects: tuple[str, ...] = Field(min_length=1)


class _File(_Strict):
    negations: tuple[str, ...] = Field(min_length=1)
    negation_exceptions: tuple[str, ...] = ()
    light_words: tuple[str, ...] = Field(min_length=1)
    modals: tuple[str, ...] = Field(min_length=1)
    past_modals: tuple[str, ...] = Field(min_length=1)
    persist_words: tuple[str, ...] = Field(min_length=1)
    attributive_nouns: tuple[str, ...] = Field(min_length=1)
    lead: _Lead
    tail: _Tail
    boundaries: _Boundaries


@dataclass(frozen=True)
class _Cue:
    words: tuple[str, ...]
    tense: Tense
    kind: CueKind


@dataclass(frozen=True)
class _Index:
    """Cues by their first word, so each word of an answer is tried only against its own cues."""

    by_first: dict[str, tuple[_Cue, ...]]
    prefixed: tuple[_Cue, ...]  # first word ends with "*"
    seen: dict[str, tuple[_Cue, ...]] = field(default_factory=dict, compare=False)  # memo

    @classmethod
    def of(cls, cues: Sequence[_Cue]) -> _Index:
        """Index ``cues`` (in the given order) by their first word."""
        by_first: dict[str, list[_Cue]] = {}
        for cue in cues:
            if not cue.words[0].endswith("*"):
                by_first.setdefault(cue.words[0], []).append(cue)
        prefixed = tuple(c for c in cues if c.words[0].endswith("*"))
        return cls({k: tuple(v) for k, v in by_first.items()}, prefixed)

    def starting_with(self, token: str) -> tuple[_Cue, ...]:
        """The cues whose first word matches ``token``."""
        cached = self.seen.get(token)
        if cached is None:
            more = tuple(c for c in self.prefixed if token.startswith(c.words[0][:-1]))
            cached = self.by_first.get(token, ()) + more
            if len(self.seen) < 50_000:
                self.seen[token] = cached
        return cached


@dataclass(frozen=True)
class _Rules:
    cues: _Index
    tail: _Index
    negations: frozenset[str]
    exceptions: tuple[tuple[str, ...], ...]
    light: frozenset[str]
    modals: frozenset[str]
    past_modals: tuple[tuple[str, ...], ...]
    persist: frozenset[str]
    attributive: frozenset[str]
    boundary: re.Pattern[str]
    tail_boundary: re.Pattern[str]


def _words(phrase: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in phrase.split():
        if part == "~" or part.endswith("*"):
            out.append(part.lower())
        else:
            out += _TOKEN.findall(expand(part)) or [part]
    return tuple(out)


def _build(data: _File) -> _Rules:
    cues: list[_Cue] = []
    lead: tuple[tuple[CueKind, _Tenses], ...] = (("reach", data.lead.reach), ("adjacent", data.lead.adjacent))
    for kind, group in lead:
        by_tense: tuple[tuple[Tense, tuple[str, ...]], ...] = (
            ("future", group.future),
            ("past", group.past),
            ("use", group.use),
        )
        cues += [_Cue(_words(p), tense, kind) for tense, phrases in by_tense for p in phrases]
    cues += [_Cue(_words(p), "use", "current") for p in data.lead.adjacent.current]
    cues += [_Cue(_words(p), "use", "present") for p in data.lead.adjacent.present]
    tails: tuple[tuple[Tense, tuple[str, ...]], ...] = (
        ("negative", data.tail.negative),
        ("future", data.tail.future),
        ("past", data.tail.past),
    )
    tail = [_Cue(_words(p), tense, "tail") for tense, phrases in tails for p in phrases]
    words = "|".join(re.escape(w) for w in data.boundaries.words)
    subjects = "|".join(re.escape(w) for w in sorted(data.boundaries.subjects, key=len, reverse=True))
    strong = r"[.!?;:]+(?=\s|$)|\n|\s[-\u2013\u2014]+\s|[)\]]"  # an aside "(...)" belongs to its clause
    joined = rf"(?:,|\b(?:and|so|or)\b)\s*(?:(?:and|but|so)\s+)?(?=(?:{subjects})\b)"
    boundary = re.compile(rf"{strong}|\b(?:{words})\b|{joined}")
    tail_boundary = re.compile(
        rf"{strong}|\b(?:{words})\b|,(?!\s*(?:which|that|who|where)\b)|\b(?:and|or)\b|[+/&]"
    )
    return _Rules(
        _Index.of(cues),
        _Index.of(tail),
        frozenset(data.negations),
        tuple(_words(p) for p in data.negation_exceptions),
        frozenset(data.light_words),
        frozenset(data.modals),
        tuple(_words(p) for p in data.past_modals),
        frozenset(data.persist_words),
        frozenset(data.attributive_nouns),
        boundary,
        tail_boundary,
    )


@lru_cache(maxsize=1)
def load_rules(path: Path = USAGE_FILE) -> _Rules:
    """Load and validate ``usage_cues.yaml`` once per process."""
    try:
        return _build(_File.model_validate(load_yaml(path.read_text(encoding="utf-8"))))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageCuesError(f"{path}: cannot read: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise UsageCuesError(f"{path}: field {field!r}: {err['msg']}") from exc


def expand(text: str) -> str:
    """Lower-case ``text`` with straight apostrophes and contractions spelled out ("don't" -> "do not")."""
    out = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    for pattern, replacement in _CONTRACTIONS:
        out = pattern.sub(replacement, out)
    return out


def _tokens(text: str) -> list[str]:
    return ["<v>" if t.startswith(_PLACEHOLDER) else t for t in _TOKEN.findall(expand(text))]


def _ends(tokens: Sequence[str], start: int, words: tuple[str, ...]) -> list[int]:
    """End indexes (exclusive) where ``words`` matches ``tokens`` from ``start``."""
    if not words:
        return [start]
    head, rest = words[0], words[1:]
    if head == "~":
        return [
            end
            for skip in range(3)
            if start + skip <= len(tokens)
            for end in _ends(tokens, start + skip, rest)
        ]
    if start >= len(tokens):
        return []
    token = tokens[start]
    matched = token.startswith(head[:-1]) if head.endswith("*") else token == head
    return _ends(tokens, start + 1, rest) if matched else []


def _gap_ok(gap: Sequence[str], kind: str) -> bool:
    content = [t for t in gap if t not in _LIST_WORDS]
    if kind == "reach":
        return len(content) <= REACH_WORDS
    return len(content) <= ADJACENT_WORDS and all(t in _FILLERS for t in content)


def _present_tense(rules: _Rules, tokens: Sequence[str], start: int) -> Tense:
    """A present-tense verb ("use") is future after a modal ("we might use", "we plan to use") and
    past after "used to" or "no longer"."""
    before = tokens[max(0, start - MODAL_WORDS) : start]
    for words in rules.past_modals:
        n = len(words)
        if any(tuple(before[i : i + n]) == words for i in range(len(before) - n + 1)):
            return "past"
    for token in reversed(before):
        if token in rules.persist:
            return "use"
        if token in rules.modals:
            return "future"
    return "use"


def _lead_cue(rules: _Rules, tokens: Sequence[str], adjacent: bool = True) -> tuple[Tense, bool] | None:
    """The tense of the cue nearest the name (the longest when two end together), and whether it
    settles the matter whatever the tail says ("now", "currently", "we'll keep"). With ``adjacent``
    False only "reach" cues count (the name is not the verb's object: "we get a Slack alert")."""
    best: tuple[int, int, Tense, bool] | None = None
    for start, token in enumerate(tokens):
        for cue in rules.cues.starting_with(token):
            if not adjacent and cue.kind != "reach":
                continue
            for end in _ends(tokens, start, cue.words):
                if end == start or not _gap_ok(tokens[end:], "reach" if cue.kind == "reach" else "adjacent"):
                    continue
                tense = _present_tense(rules, tokens, start) if cue.kind == "present" else cue.tense
                marker = cue.kind == "current" or (cue.kind == "reach" and cue.tense == "use")
                key = (end, end - start, tense, marker)
                if best is None or key[:2] > best[:2]:
                    best = key
    return None if best is None else (best[2], best[3])


def _negated(rules: _Rules, tokens: Sequence[str]) -> bool:
    last = -1
    for index, token in enumerate(tokens):
        if token not in rules.negations:
            continue
        if any(tuple(tokens[index : index + len(e)]) == e for e in rules.exceptions):
            continue
        last = index
    if last < 0:
        return False
    scope = tokens[last + 1 :]
    return len(scope) <= NEGATION_WORDS and all(t in rules.light or t in _LIST_WORDS for t in scope)


def _tail_tense(rules: _Rules, tokens: Sequence[str]) -> Tense | None:
    """The tense of the first tail cue ("is on the roadmap", "which we left"), if any."""
    window = tokens[:TAIL_WORDS]
    for start, token in enumerate(window):
        for cue in rules.tail.starting_with(token):
            if not _ends(window, start, cue.words):
                continue
            # "Okta will be our IdP" (a modal right after the name), "Okta is not set up" (near it)
            if (cue.tense == "negative" and start > 2) or (cue.words[0] in rules.modals and start > 1):
                continue
            return cue.tense
    return None


def _window(low: str, begin: int, stop: int, spans: Sequence[Span], starts: Sequence[int], keep: int) -> str:
    """``low[begin:stop]`` with every other named tool replaced by a placeholder."""
    chars = list(low[begin:stop])
    first = max(0, bisect.bisect_left(starts, begin) - 1)
    for index in range(first, bisect.bisect_left(starts, stop)):
        start, end = spans[index]
        if index != keep and end > begin:
            a, b = max(start, begin) - begin, min(end, stop) - begin
            chars[a:b] = _PLACEHOLDER * (b - a)
    return "".join(chars)


def _lower_same_length(text: str) -> str:
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.replace("e.g.", "eg  ").replace("i.e.", "ie  ")


def in_use(text: str, spans: Sequence[Span], groups: Sequence[Hashable] | None = None) -> tuple[bool, ...]:
    """For each ``(start, end)`` span of ``text`` naming a tool or feature: is it in use today?

    False when the clause naming it plans it ("might buy", "is evaluating", "plans to move to"),
    puts it in the past ("used to use", "no longer uses", "moved off") or denies it ("don't use").
    ``groups`` (one key per span, e.g. the vendor's name) saves work on long answers: once one span
    of a group is in use, the group's later spans are not read (and reported in use too); after
    ``GROUP_READS`` spans of a group that were not in use, its further spans are not read either.
    """
    rules = load_rules()
    low = _lower_same_length(str(text))
    clause_starts = [m.end() for m in rules.boundary.finditer(low)]
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    spans = [spans[i] for i in order]
    span_starts = [start for start, _ in spans]
    results: list[bool] = []
    settled: set[Hashable] = set()
    reads: dict[Hashable, int] = {}
    for index, (start, end) in enumerate(spans):
        group = groups[order[index]] if groups is not None else None
        if group is not None and (group in settled or reads.get(group, 0) >= GROUP_READS):
            results.append(group in settled)
            continue
        if group is not None:
            reads[group] = reads.get(group, 0) + 1
        position = bisect.bisect_right(clause_starts, start) - 1
        lead_start = max(clause_starts[position] if position >= 0 else 0, start - WINDOW_CHARS)
        lead = _tokens(_window(low, lead_start, start, spans, span_starts, index))
        limit = min(len(low), end + WINDOW_CHARS)
        cut = rules.tail_boundary.search(low, end, limit)
        following = bisect.bisect_left(span_starts, end)
        tail_end = min(
            cut.start() if cut else limit, span_starts[following] if following < len(spans) else limit
        )
        tail = _tokens(_window(low, end, tail_end, spans, span_starts, index))
        results.append(_decide(rules, lead[-LEAD_TOKENS:], tail))
        if results[-1] and group is not None:
            settled.add(group)
    in_given_order = [False] * len(spans)
    for position, original in enumerate(order):
        in_given_order[original] = results[position]
    return tuple(in_given_order)


def _decide(rules: _Rules, lead: Sequence[str], tail: Sequence[str]) -> bool:
    if _negated(rules, lead):
        return False
    cue = _lead_cue(rules, lead, adjacent=not (tail and tail[0] in rules.attributive))
    if cue is not None and cue[1]:  # "now", "currently", "today": in use whatever follows
        return True
    if _tail_tense(rules, tail) is not None:
        return False
    return cue is None or cue[0] == "use"
