"""Lexical side of retrieval: tokenizing, jargon expansion, typo tolerance and a BM25 ranking."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import Stemmer
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from rapidfuzz.distance import OSA

from knowledge.text import words as text_words
from knowledge.yaml_files import load_yaml

if TYPE_CHECKING:
    import numpy as np

SYNONYMS_FILE = Path(str(files("knowledge") / "synonyms.yaml"))

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    """a about an and any are as at be been but by can could do does doing for from had has have how
    i if in into is it its just me my no not of on or our ours should so some than that the their them
    then there these they this those to too us was we were what when where which who why will with would
    you your yours get got need needs want wants really actually please hey hi okay ok also like thing
    things stuff kind sort""".split()  # noqa: SIM905 - a word list reads better as text
)
# Every question is about SOC 2, so naming it ("do we need MFA for SOC 2?") carries no meaning and
# only pulls in the passages that mention SOC 2 reports. "SOC 2 report(s)" is a real artefact, so it stays.
_FILLER = re.compile(
    r"\b(?:for\s+|under\s+|in\s+)?(?:soc\s*-?\s*(?:2|ii|two)|soc2)(?:\s+type\s*(?:1|2|i|ii|one|two))?\b"
    r"(?!\s*(?:type\s*(?:1|2|i|ii)\s+)?reports?\b)",
    re.IGNORECASE,
)
_STEMMERS = threading.local()


class SynonymsError(ValueError):
    """The synonyms file is malformed; the message names the file, the field and the reason."""


class _SynonymsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    expansions: dict[str, str]

    @field_validator("expansions")
    @classmethod
    def _check(cls, value: dict[str, str]) -> dict[str, str]:
        for key, words in value.items():
            if not str(key).strip() or not str(words).strip():
                raise ValueError(f"entry {key!r}: key and expansion must both be written")
            if _normalize(str(key)) != str(key).strip().lower():
                raise ValueError(f"entry {key!r}: keys are lower-case words separated by single spaces")
        return value


def _normalize(text: str) -> str:
    """Lower-case, with anything that is not a letter or digit turned into single spaces."""
    return " ".join(text_words(text))


def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word, so "encrypted", "encryption" and "encrypt" meet."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:  # a PyStemmer stemmer must not be shared between threads
        stemmer = _STEMMERS.english = Stemmer.Stemmer("english")
    return str(stemmer.stemWord(word))


@dataclass(frozen=True)
class Synonyms:
    """Jargon expansions: a phrase found in text adds plain words that mean the same."""

    expansions: dict[str, str]
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = sorted(self.expansions, key=len, reverse=True)
        # A plural ("subprocessors", "background check" -> "checks") means the same as its key.
        pattern = r"\b(" + "|".join(re.escape(k) for k in keys) + r")(?:s|es)?\b" if keys else r"(?!x)x"
        object.__setattr__(self, "_pattern", re.compile(pattern))

    def expand(self, text: str) -> str:
        """The words the jargon in ``text`` stands for (empty if none), without ``text`` itself."""
        normalized = _normalize(text)
        added: list[str] = []
        for match in self._pattern.finditer(normalized):
            words = self.expansions[match.group(1)]
            if words not in added:
                added.append(words)
        return " ".join(added)


def load_synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    """Load and validate a synonyms file, raising ``SynonymsError`` naming file, field and reason."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SynonymsError(f"{path.name}: cannot be read as YAML: {exc}") from exc
    try:
        parsed = _SynonymsFile.model_validate(raw)
    except ValidationError as exc:
        details = "; ".join(
            f"field {'.'.join(str(p) for p in item['loc']) or 'top level'}: {item['msg']}"
            for item in exc.errors()
        )
        raise SynonymsError(f"{path.name}: {details}") from exc
    return Synonyms({_normalize(k): _normalize(v) for k, v in parsed.expansions.items()})


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    """The packaged synonyms table, loaded once per process (it is immutable)."""
    return load_synonyms()


def strip_filler(query: str) -> str:
    """``query`` without mentions of SOC 2 itself, unless nothing else is left."""
    stripped = _FILLER.sub(" ", query)
    return stripped if _WORD.search(stripped) else query


def _within_one_edit(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap."""
    return OSA.distance(a, b, score_cutoff=1) <= 1


class LexicalIndex:
    """BM25 over passages, with jargon expansion on both sides and typo correction of query words.

    Read-only after construction, so one instance serves many threads.
    """

    def __init__(self, passages: Sequence[str], synonyms: Synonyms) -> None:
        self._synonyms = synonyms
        corpus_tokens = [self.tokenize(text + " " + synonyms.expand(text)) for text in passages]
        words = {w for text in passages for w in text_words(text) if w not in _STOPWORDS}
        self._known_words = frozenset(words)
        by_initial: dict[str, list[str]] = {}
        for word in sorted(words):
            if len(word) >= 4 and not word.isdigit():
                by_initial.setdefault(word[0], []).append(word)
        self._by_initial = {k: tuple(v) for k, v in by_initial.items()}
        import bm25s  # with scipy ~0.5 s: loaded only when an index is built, not for tokenizing

        self._bm25 = bm25s.BM25()
        # An empty token list would make bm25s fail; a placeholder keeps the passage in the index.
        self._bm25.index([tokens or ["_"] for tokens in corpus_tokens], show_progress=False)
        self._size = len(passages)

    @staticmethod
    def tokenize(text: str) -> list[str]:
        """Stemmed content words of ``text``."""
        return [stem(w) for w in text_words(text) if w not in _STOPWORDS]

    def correct(self, word: str) -> str:
        """The known word one typo away from ``word`` (or ``word`` itself if known or no single match)."""
        if len(word) < 5 or word in self._known_words or word.isdigit():
            return word
        if word in self._synonyms.expansions:
            return word
        candidates = sorted(c for c in self._by_initial.get(word[0], ()) if _within_one_edit(word, c))
        return candidates[0] if candidates else word

    def query_text(self, query: str) -> str:
        """The query without "SOC 2" filler, with typos corrected and jargon expansions appended
        (used for both rankings)."""
        words = text_words(strip_filler(query))
        corrected = " ".join(self.correct(w) for w in words)
        expansion = self._synonyms.expand(corrected)
        return f"{corrected} {expansion}".strip()

    def scores(self, query_text: str) -> np.ndarray:
        """BM25 score of every passage for an already prepared query (see ``query_text``)."""
        import numpy as np

        tokens = self.tokenize(query_text)
        if not tokens:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
