"""Structural answer patterns the cue lists cannot express: coverage figures, stale one-off
activities, scoped affirmations, caveats after a contrast, and whether an answer is on topic.

Each function reads normalized (lower-cased) text and returns a plain finding; the weighing of
findings against other cues happens in ``interpret_rules``.
"""

from __future__ import annotations

import datetime as _dt
import re

from assessment.models import Label
from assessment.understanding.lexicon import InterpretData

# "80% of laptops", "about 80 percent", "100% of staff": coverage, not an SLA figure like "99.9% uptime".
_PERCENT = re.compile(
    r"(?:(?:about|around|roughly|approximately|approx|maybe|nearly|almost|over|under|~)\s*)?"
    r"\b(\d{1,3})(?:\.\d+)?\s*(?:%|percent|per cent)"
    r"(?=\s+(?:of|are|is|have|has|use|got|done|covered|enrolled))"
)
# "3 out of 40 laptops", "9 of our 10 repos", "two of 5 engineers".
_FRACTION = re.compile(r"\b(\d{1,4})\s+(?:out\s+)?of\s+(?:the\s+|our\s+|my\s+|their\s+)?(\d{1,5})\b")
_HALF = re.compile(r"\b(?:half|third|quarter|quarters|thirds)\s+(?:of|are|is|have|the)\b")
_YEAR = re.compile(r"\b(20[0-4]\d)\b")
_SINCE = re.compile(r"\b(?:since|from|starting|started|in place|running|live)\s+(?:\w+\s+){0,2}$")
# "yes for the backend, ..." / "yes on prod; ..." : an affirmation limited to a named scope.
_SCOPED_YES = re.compile(
    r"^(?:yes|yeah|yep|yup|ya|sure)\s+(?:for|on|in)\s+"
    r"(?!all\b|every|each\b|any\b|the whole\b|everything|everyone|everybody|all of)"
    r"(?:the\s+|our\s+)?[\w-]+(?:\s+[\w-]+)?\s*[,;:]\s*\S"
)
_STOP = frozenset(
    """that this with have your from they them their what when where which there these those about
    such into only also than then does were will would could should being been some more most
    other each every like make made must""".split()  # noqa: SIM905 - a word list reads better as text
)


def coverage_label(text: str) -> Label | None:
    """The label a stated coverage figure implies: all -> yes, none -> no, anything between -> partial."""
    for match in _FRACTION.finditer(text):
        part, whole = int(match.group(1)), int(match.group(2))
        if whole > 0 and part <= whole:
            return "yes" if part == whole else "no" if part == 0 else "partial"
    for match in _PERCENT.finditer(text):
        share = int(match.group(1))
        if share <= 100:
            return "yes" if share == 100 else "no" if share == 0 else "partial"
    if _HALF.search(text):
        return "partial"
    return None


def stale_one_off(text: str, data: InterpretData, today: _dt.date | None = None) -> bool:
    """A one-off activity dated two or more calendar years ago ("we did a pen test in 2021")."""
    this_year = (today or _dt.date.today()).year
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        if year > this_year - 2 or _SINCE.search(text[: match.start()]):
            continue
        clause_start = max(text.rfind(sep, 0, match.start()) for sep in (".", ";", ",", " but "))
        clause = text[clause_start + 1 : match.end() + 40]
        if data.cue["one_off"].search(clause):
            return True
    return False


def scoped_yes(text: str) -> bool:
    """An affirmation limited to one named part and followed by more ("yes for the backend, the ...")."""
    return bool(_SCOPED_YES.match(text))


def caveat_weight(after: str, data: InterpretData) -> float:
    """How strongly the text after a contrast word limits an affirmation (0 when it only adds colour)."""
    if data.cue["current_state"].search(after) and not data.cue["limitation"].search(after):
        return 0.0  # "... but now everyone uses SSO": the present state is the answer
    if data.cue["limitation"].search(after) or data.cue["partial"].search(after):
        return 3.0
    return 2.0


def is_topical(text: str, question: str, data: InterpretData) -> bool:
    """True when the answer uses the interview's vocabulary or a content word of the question."""
    if data.cue["topic"].search(text):
        return True
    asked = {_stem(w) for w in re.findall(r"[a-z0-9]+", question.lower()) if len(w) >= 4 and w not in _STOP}
    said = {_stem(w) for w in re.findall(r"[a-z0-9]+", text) if len(w) >= 4 and w not in _STOP}
    return bool(asked & said)


def _stem(word: str) -> str:
    return word[:5]
