"""The answers appendix: what the founder typed, kept whole, and how each answer was read, in plain words.

Every format lays out the same ``AnswerView``: the quote holds only the founder's own words (for an
answer implied by an earlier one, their words there), a reply to a clarifying question stands on its
own line, and ``understood`` says how it was read ("read from your words, 98% sure", "quick reply",
"follows from your answer to CC3.2 …") instead of the engine's source names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assessment.models import AnswerRecord
from assessment.report.text import clean, normalize, one_line
from assessment.report.wording import say

_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")


def unnest(text: str) -> str:
    """``text`` without parentheses of its own, for a place that puts it in parentheses:
    "cloud hosting (infrastructure)" becomes "cloud hosting, infrastructure"."""
    return _PARENTHESES.sub(r", \1", text)


@dataclass(frozen=True)
class AnswerView:
    """One question and the founder's whole answer, as understood.

    ``answer`` is only what the founder typed (for an answer implied by an earlier one: their words
    there), ``clarification`` their reply to a clarifying question; ``understood`` says in plain
    words how it was read. ``label`` and ``source`` stay the engine's terms for JSON and OSCAL.
    """

    number: int
    question_id: str
    question: str
    answer: str
    label: str
    confidence: int
    source: str
    criteria: tuple[str, ...]
    clarification: str = ""
    follows_from: str = ""  # the criterion of the earlier answer this one follows from
    understood: str = ""
    label_text: str = ""  # the label in plain words ("not sure", "partly")
    how: str = ""  # how it was read, in plain words ("read from your words, 98% sure", "quick reply")

    @property
    def skipped(self) -> bool:
        """True for a question that was skipped (no answer to quote)."""
        return self.label == "skipped"

    @property
    def clarified(self) -> str:
        """The founder's reply to the clarifying question, as one line (empty when none was asked)."""
        if not self.clarification.strip():
            return ""
        return say("appendix_clarified_note", clarification=one_line(self.clarification))


# How an answer was read, in plain words (strings.yaml); any other source is the reader's reading.
_SOURCE_WORDS = {"quick_reply": "source_quick_reply", "llm": "source_llm", "evidence": "source_evidence"}


def _how(a: AnswerRecord, confidence: int, t: Mapping[str, str]) -> str:
    """How an answer was read, in plain words: "read from your words, 98% sure", "quick reply"."""
    if a.label == "skipped":
        return t["source_skipped"]
    if a.follows_from:
        return say("source_implied", criterion=one_line(clean(a.follows_from)))
    key = _SOURCE_WORDS.get(a.source)
    if key is not None:
        return t[key]
    return say("source_words_sure", confidence=confidence) if confidence < 100 else t["source_words"]


def _understood(a: AnswerRecord, label: str, how: str, t: Mapping[str, str]) -> str:
    if a.label == "skipped":
        return t["appendix_understood_skipped"]
    if a.follows_from:
        return say("appendix_understood_implied", label=label, how=how)
    return say("appendix_understood", label=label, how=how)


def answer_views(answers: tuple[AnswerRecord, ...], t: Mapping[str, str]) -> tuple[AnswerView, ...]:
    """The appendix entries, numbered in the order asked."""
    views = []
    for index, a in enumerate(answers, start=1):
        label = clean(a.label).replace("_", " ")
        confidence = round(max(0.0, min(1.0, float(a.confidence))) * 100)
        label_text = unnest(t.get(f"answer_label_{a.label}", label))
        how = _how(a, confidence, t)
        views.append(
            AnswerView(
                number=index,
                question_id=clean(a.question_id),
                question=normalize(clean(a.question_text)),
                answer="" if a.label == "skipped" else normalize(clean(a.typed)),
                label=label,
                confidence=confidence,
                source=clean(a.source),
                criteria=tuple(clean(c) for c in a.criteria),
                clarification=normalize(clean(a.clarification)),
                follows_from=one_line(clean(a.follows_from)),
                understood=_understood(a, label_text, how, t),
                label_text=label_text,
                how=how,
            )
        )
    return tuple(views)
