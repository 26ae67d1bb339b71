"""General SOC 2 questions (report types, audits, costs, other frameworks...) answered from the
knowledge base of SOC 2 basics in ``knowledge/basics/*.yaml`` (the one place for such answers).

With the real retriever the basics are searched by meaning; a retriever without basics search (a
test fake) or a broken index falls back to a strict keyword match on the entries' titles and
typical questions, so the interview can still answer the common questions offline.
"""

from __future__ import annotations

from typing import Any

from knowledge.basics_kb import BasicHit, Basics, default_basics
from knowledge.corpus import Corpus
from knowledge.lexical import LexicalIndex, strip_filler

# The keyword fallback answers only when this share of the question's content words (and at
# least two of them) appear in one entry's title or typical questions.
LEXICAL_COVERAGE = 0.75
_LEXICAL_MIN_WORDS = 2


def _words(text: str) -> set[str]:
    # Single letters are left over from contractions ("what's"); single digits ("SOC 1") count.
    return {w for w in LexicalIndex.tokenize(text) if len(w) > 1 or w.isdigit()}


def lexical_basics(question: str, basics: Basics | None = None, k: int = 3) -> list[BasicHit]:
    """Entries sharing most of the question's content words, best first; ``score`` is the share."""
    wanted = _words(strip_filler(question)) or _words(question)
    if len(wanted) < _LEXICAL_MIN_WORDS:
        return []
    scored = []
    for order, entry in enumerate((basics or default_basics()).entries):
        vocabulary = _words(" ".join([entry.title, *entry.questions]))
        share = len(wanted & vocabulary) / len(wanted)
        if share >= LEXICAL_COVERAGE:
            scored.append((-share, order, entry))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [BasicHit(e.id, e.title, e.text, e.criteria, -share) for share, _, e in scored[:k]]


def search_basics(question: str, retriever: Any, k: int = 3) -> list[BasicHit] | None:
    """The basics entries closest in meaning to the question, or None when the retriever cannot
    search the basics (then use ``lexical_basics``)."""
    search = getattr(retriever, "search_basics", None)
    if search is None:
        return None
    try:
        hits = search(question, k=k)
    except Exception:  # a broken basics index must not end the interview
        return None
    return list(hits)


def cited_criteria(hit: BasicHit, corpus: Corpus) -> tuple[str, ...]:
    """The criteria an entry touches that the corpus knows, in the entry's order."""
    return tuple(c for c in hit.criteria if c in corpus.ids)
