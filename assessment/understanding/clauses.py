"""Clause-level reading of an answer: splitting into clauses, negation parity, and the clause-aware
findings that need more than a cue match (an owner named beside a yes, a gap word, a scope limit,
a carve-out whose negation really targets a qualifier).

Functions read normalized (lower-cased) text; ``interpret_rules`` weighs what they find.
"""

from __future__ import annotations

import re

from assessment.models import Label
from assessment.understanding.lexicon import InterpretData

_CLAUSE_SPLIT = re.compile(r"[.;!?\n]+|,\s+|\s+[-–—]\s+|\s\(|\)\s")
_COORDINATION = re.compile(r",|\b(?:and|or|nor|plus)\b")
# A coordinated part opening with one of these has its own subject ("... and we have no alerts").
_SUBJECTS = frozenset(
    {"we", "we're", "we've", "i", "i'm", "they", "they're", "there", "there's", "it", "it's", "nobody"}
)
# Words that open an instruction to someone else ("ask Sarah"), which never affirms a control.
_IMPERATIVES = frozenset({"ask", "check", "talk", "ping", "see", "contact", "email", "message", "speak"})
# A gap word after these describes what a control detects ("alert when a backup is missing").
_DETECTS = re.compile(
    r"\b(?:if|when|whenever|in case|alerts?|alerted|flags?|flagged|detects?|catch(?:es)?|"
    r"checks? for|finds?)\b"
)
# Qualifiers after "we don't keep personal data": the negation targets them, so it is not a carve-out.
_QUALIFIED = re.compile(
    r"^[^.;,!?]*?\b(?:only as long|as long as|longer than|beyond|past (?:the|its|their)|securely|properly|"
    r"separately|encrypted|in (?:plain|clear) ?text)\b"
)
# Words that describe how a practice runs, beyond naming who runs it.
_CADENCE = re.compile(
    r"\b(?:every|each|always|daily|weekly|monthly|quarterly|nightly|yearly|annually|before|after|automatically)\b"
)
# A restriction the question asks for ("only the access their role needs") is met, not limited, by "only".
_RESTRICTIVE_QUESTION = re.compile(
    r"\b(?:only (?:the|to|after|for|through|via|by|as|necessary|authori[sz]ed)|least (?:privilege|access)|"
    r"(?:strictly )?necessary (?:ports|access)|restricted to|intended recipients?)\b"
)


def negations(part: str, data: InterpretData) -> int:
    """How many negations a piece of text holds, counting words like "optional" that flip meaning."""
    return _plain_negations(part, data) + len(data.cue["negative_sense"].findall(part))


def _plain_negations(part: str, data: InterpretData) -> int:
    words = re.findall(r"[\w']+", part)
    return sum(
        1 for w in words if w in data.negators or w.endswith("n't") or w.split("'")[0] in data.negators
    )


def _coordinated(clause: str, data: InterpretData) -> list[str]:
    """Split "no tests and no alerts" into its parts; "no way in without it or a key" stays whole."""
    parts: list[str] = []
    for piece in _COORDINATION.split(clause):
        first = piece.split()[:1]
        own_subject = bool(first) and first[0] in _SUBJECTS
        if parts and not own_subject and not any(w in data.negators for w in first):
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return parts


def coordinated_parts(clause: str, data: InterpretData) -> list[str]:
    """The parts of a clause that carry their own negation ("no tests" / "no alerts"), as
    ``clause_polarity`` counts them; the report's facet reader uses the same split."""
    return _coordinated(clause, data)


def clause_polarity(clause: str, data: InterpretData) -> int:
    """+1 affirmative, -1 negated, +2 double negation, 0 no content (even negations affirm)."""
    words = re.findall(r"[\w']+", clause)
    if not words:
        return 0
    # Parity is counted per coordinated part: "no tests and no alerts" is two negations, not a double one.
    counts = [negations(part, data) for part in _coordinated(clause, data)]
    if not any(counts):
        return 1 if len(words) >= 2 else 0
    if any(c and c % 2 == 0 for c in counts):
        return 2
    return -1


def clauses(text: str) -> list[str]:
    """The answer's clauses, split at sentence punctuation, dashes and contrast words."""
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(text)]
    out: list[str] = []
    for part in parts:
        # Split at contrast words so "we collect logs but nobody looks" gives two clauses.
        out.extend(
            s.strip() for s in re.split(r"\b(?:but|however|although|though|whereas)\b", part) if s.strip()
        )
    return out


def affirms_elsewhere(text: str, data: InterpretData, skip: re.Pattern[str]) -> bool:
    """True when a clause not matching ``skip`` states something affirmatively ("in place for years")."""
    for clause in clauses(text):
        words = clause.split()
        if skip.search(clause) or clause in data.fillers or not words or words[0] in _IMPERATIVES:
            continue
        if any(data.cue[name].search(clause) for name in ("unknown", "delegation", "question_back")):
            continue
        if data.words.get(clause) == "yes" or (len(words) >= 3 and clause_polarity(clause, data) > 0):
            return True
    return False


def names_owner_only(text: str, owner: re.Match[str]) -> bool:
    """True when a clause naming who runs a control says no more ("my cofounder handles that"),
    rather than describing the practice ("... and does them before every contract", "set it up")."""
    if re.search(r"\bset (?:it|that|this|them) up\b", owner.group(0)):
        return False  # a finished set-up states that the control exists
    rest = re.split(r"[.;,!?]| but ", text[owner.end() :], maxsplit=1)[0].split()
    return len(rest) <= 3 and not _CADENCE.search(" ".join(rest))


def gap_label(text: str, data: InterpretData, affirmed: bool) -> tuple[Label, str] | None:
    """What a gap word says: "that's a gap for us" -> no, after a yes -> partial, "no gaps" -> yes."""
    for match in data.cue["gap"].finditer(text):
        start = max(text.rfind(sep, 0, match.start()) for sep in (".", ";", ",", "!", "?", " but "))
        before = text[start + 1 : match.start()]
        if _DETECTS.search(before):
            continue  # "we get alerted when a backup is missing" describes the control working
        end = min((i for i in (text.find(sep, match.end()) for sep in ".;,!?") if i >= 0), default=len(text))
        clause = text[start + 1 : end]
        if (_plain_negations(clause, data) - _plain_negations(match.group(0), data)) % 2:
            return "yes", match.group(0)  # "no gaps there", "nothing is missing"
        return ("partial" if affirmed else "no"), match.group(0)
    return None


def applies_not(text: str, data: InterpretData) -> bool:
    """A carve-out cue ("we don't keep personal data") whose negation is not aimed at a qualifier
    ("... only as long as needed", "... longer than needed")."""
    return any(not _QUALIFIED.match(text[m.end() :]) for m in data.cue["not_applicable"].finditer(text))


def restrictive_question(question: str) -> bool:
    """True when the question asks for a restriction, so "only X" in an answer may meet it."""
    return bool(_RESTRICTIVE_QUESTION.search(question.lower()))


def limited_scope(text: str, question: str, data: InterpretData) -> str | None:
    """The phrase confining a control to part of its scope ("for prod only"), unless the question
    itself asks for a restriction ("only the access their role needs")."""
    if restrictive_question(question):
        return None
    match = data.cue["scope_limit"].search(text)
    return match.group(0) if match else None
