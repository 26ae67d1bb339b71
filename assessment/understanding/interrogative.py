"""The one "is this a question?" detector: a question mark or an interrogative opening.

Three openings, from broad to strict, because what counts depends on what else the text may be:

* :data:`INTERROGATIVE` (any question opening, "does", "is" and "can" included) and
  :func:`looks_like_question`: whether a text is worded as a question at all;
* :data:`QUESTION_WORDS`: first words with which the fallback rules read an answer as a question
  back ("sorry?", "meaning?", "huh");
* :data:`ASKING_START`: the openings that ask something even without a "?" ("what", "how",
  "explain"). Answers often open with "should be yes", "is in place" or "when someone leaves",
  so "should", "is" and "when" are left out.
"""

from __future__ import annotations

import re

from knowledge.text import lower_line

INTERROGATIVE = re.compile(
    r"^(?:what|what's|whats|how|who|which|where|when|why|does|do|is|are|can|could|should|would|will|"
    r"explain|tell me|define|describe|meaning of)\b"
)
QUESTION_WORDS = frozenset(
    """what what's whats which how why who whom when where huh sorry pardon
    meaning define explain clarify can could would does do is are should""".split()  # noqa: SIM905
)
# Asking about a decision rather than making it ("do we need privacy?", "is PI required?",
# "shouldn't we keep A1?"); "can you ..." requests are not in it.
DECISION_QUESTION_START = re.compile(
    r"^(?:do|does|did|is|are|should|shall|must|need|would|will|can we|could we|why|what|which|how|"
    r"isn'?t|aren'?t|don'?t|doesn'?t|wouldn'?t|shouldn'?t|who|when)\b"
)
ASKING_START = re.compile(r"^\W*(?:what|what'?s|how|who|why|explain|tell me|define|describe|meaning of)\b")
_WORD = re.compile(r"[^\W\d_]{2,}")


def looks_like_question(text: str) -> bool:
    """True for text worded as a question: it has words and a "?" or opens like a question."""
    norm = lower_line(text)
    if not _WORD.search(norm):
        return False  # "?!?!", markup or symbols alone ask nothing
    return "?" in norm or bool(INTERROGATIVE.match(norm))
