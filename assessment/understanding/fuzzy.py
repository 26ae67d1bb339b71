"""Typo tolerance for reply words: "yess", "partialy", "defintely", "no ide"."""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from assessment.models import Label
from assessment.understanding.lexicon import InterpretData


def _collapse_repeats(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _osa(a: str, b: str, limit: int = 2) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), capped at ``limit``+1."""
    return int(OSA.distance(a, b, score_cutoff=limit))


def fuzzy_word(word: str, data: InterpretData) -> tuple[Label, str] | None:
    """The label of a misspelt reply word ("yess", "partialy", "defintely"), or None."""
    if word in data.words:
        return data.words[word], word
    collapsed = _collapse_repeats(word)
    for candidate in (collapsed, re.sub(r"(.)\1+", r"\1\1", word)):
        if candidate in data.words:
            return data.words[candidate], candidate
    if not word.isalpha() or len(word) < 3:
        return None
    best: tuple[int, str] | None = None
    for known in data.words:
        if not known.isalpha() or abs(len(known) - len(word)) > 1:
            continue
        if len(word) == 3:  # three letters: only a swap ("yse"), anything else is too risky
            if len(known) == 3 and sorted(known) == sorted(word) and _osa(word, known, 1) == 1:
                best = (1, known)
            continue
        if len(known) < 4:
            continue
        dist = _osa(word, known, 1)
        if dist <= 1 and (best is None or dist < best[0]):
            best = (dist, known)
    return (data.words[best[1]], best[1]) if best else None


def fuzzy_phrase(text: str, data: InterpretData) -> tuple[Label, str] | None:
    """A short reply phrase whose last word is misspelt ("no ide", "not suer"), or None."""
    tokens = text.split(" ")
    if not 2 <= len(tokens) <= 3 or len(tokens[-1]) < 3 or not tokens[-1].isalpha():
        return None
    for known, label in data.words.items():
        parts = known.split(" ")
        if len(parts) != len(tokens) or parts[:-1] != tokens[:-1] or len(parts[-1]) < 4:
            continue
        if _osa(tokens[-1], parts[-1], 1) <= 1:
            return label, known
    return None
