"""Regular-expression cues compiled on first use, and only those an answer could match.

The facet data holds about a thousand cue patterns; compiling them all costs a ``soc2-ready report``
about 0.3 s at start-up. Each cue's *required literal text* is found by a small scan of the pattern
(``required_literals``: "snapshots?" needs "snapshot", "(?:every|each) year" needs " year"), and
``CueSet.matcher`` compiles the alternation of just the cues whose literal text occurs in the answer.
That is exact: a cue can only match text that holds its required literal, and dropping alternatives
that cannot match anywhere changes no match, because the order of the others is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise

# Characters that end a literal run in a pattern.
_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth)`` for each ``(``, ``)`` and ``|`` of ``pattern`` from ``start`` that is
    not escaped or inside a character class; ``depth`` counts the groups open after the char."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[ch]
            yield i, ch, depth
        i += 1


def _group_end(pattern: str, start: int) -> int | None:
    """Index of the ``)`` closing the group opened at ``start``, or None when unbalanced."""
    return next((i for i, ch, depth in _structure(pattern, start) if ch == ")" and depth == 0), None)


def _class_end(pattern: str, start: int) -> int:
    i = start + 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def _top_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (not inside a group or a character class)."""
    cuts = [i for i, ch, depth in _structure(pattern) if ch == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1 : b] for a, b in pairwise(bounds)]


def _optional(pattern: str, i: int) -> bool:
    """True when the atom ending before ``i`` may be absent (``?``, ``*`` or ``{0,…}``)."""
    return pattern[i : i + 1] in ("?", "*") or pattern.startswith("{0", i)


def _after_quantifier(pattern: str, i: int) -> int:
    if pattern[i : i + 1] in ("?", "*", "+"):
        return i + 2 if pattern[i + 1 : i + 2] == "?" else i + 1
    if pattern[i : i + 1] == "{":
        end = pattern.find("}", i)
        return len(pattern) if end == -1 else end + 1
    return i


def required_literals(pattern: str, min_len: int = 2) -> frozenset[str] | None:
    """Texts of which every match of ``pattern`` holds at least one, or None when none is found.

    The longest required literal run is used ("cross[- ]region" needs "cross"); a required group of
    alternatives gives one literal per alternative ("(?:every|each) year" needs " year", and
    "(?:soc ?2|iso)" needs "soc" or "iso").
    """
    alternatives = _top_alternatives(pattern)
    if len(alternatives) > 1:
        found: set[str] = set()
        for alternative in alternatives:
            needs = required_literals(alternative, min_len)
            if needs is None:
                return None
            found |= needs
        return frozenset(found)
    best: str = ""
    group: frozenset[str] | None = None
    run, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch not in _SPECIAL:
            run, i = run + ch, i + 1
            continue
        if ch in "?*{+":  # a quantifier on the literal character just read
            required_once = ch == "+"
            run, tail = (run, run[-1:]) if required_once else (run[:-1], "")
            best = max(best, run, key=len)
            run, i = tail, _after_quantifier(pattern, i)
            continue
        best, run = max(best, run, key=len), ""
        if ch == "(":
            end = _group_end(pattern, i)
            if end is None:
                return None
            inner = pattern[i + 1 : end]
            if group is None and not _optional(pattern, end + 1) and inner.startswith("?:"):
                group = required_literals(inner[2:], min_len)
            i = _after_quantifier(pattern, end + 1)
        elif ch == "[":
            i = _after_quantifier(pattern, _class_end(pattern, i) + 1)
        elif ch == "\\":
            i = _after_quantifier(pattern, i + 2)
        else:  # . ^ $ |
            i = _after_quantifier(pattern, i + 1)
    best = max(best, run, key=len)
    if len(best.strip()) >= min_len:
        return frozenset({best})
    return group


def _holds(text: str, literal: str) -> bool:
    """True when every word of ``literal`` is in ``text`` (answers are read in parts that drop an
    "and" between words, so a literal spanning words is checked word by word)."""
    return all(word in text for word in literal.split())


@lru_cache(maxsize=4096)
def compile_cues(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching any of ``patterns`` as whole words (longest pattern first)."""
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<![\w'@])(?:{body})(?![\w'])")


class CueSet:
    """The cues of one facet, kept longest first; compiled per answer from the cues it could match."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = tuple(sorted(patterns, key=len, reverse=True))
        self._needs = tuple(required_literals(p) for p in self.patterns)

    def matcher(self, text: str) -> re.Pattern[str] | None:
        """A regex of the cues that could match ``text`` (lower-cased), or None when none can."""
        chosen = tuple(
            pattern
            for pattern, needs in zip(self.patterns, self._needs, strict=True)
            if needs is None or any(_holds(text, literal) for literal in needs)
        )
        return compile_cues(chosen) if chosen else None
