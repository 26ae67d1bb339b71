"""The founder's reply to the scope recommendation, in words: a change of scope, or a question about it.

``read_scope_reply`` understands the exclusions the scoping parser reads too widely ("everything
except processing integrity", "all but PI") and a few more ways of dropping a category ("cut
availability", "privacy isn't needed"), then leaves the rest to
``assessment.scoping.profile.parse_scope_change``. ``is_scope_question`` tells a question ("do we
really need privacy? we're just a processor") from a decision, and ``answer_scope_question`` answers
it from the recommendation, leaving the scope as it is until the founder decides.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from assessment.scoping.profile import category_names, parse_scope_change, recommend_scope
from assessment.templates import render_message
from assessment.understanding.interrogative import DECISION_QUESTION_START
from knowledge.models import CATEGORIES, CATEGORY_TITLES
from knowledge.text import fold_quotes, lower_line

_ALL_EXCEPT = re.compile(
    r"\b(?:all|everything|every category|all (?:five|5|of them|categories|the categories))\s+"
    r"(?:except(?: for)?|but(?: not)?|other than|apart from|besides|minus|without|save)\s+(?P<rest>.+)$"
)
# Other ways of dropping a named category, rewritten as "drop <category>" for the scope parser.
_DROP_BEFORE = re.compile(
    r"\b(?:lose|cut|ditch|omit|forget(?: about)?|get rid of|no need for|not (?:interested in|doing)|"
    r"don'?t (?:need|want)|do not (?:need|want)|leave off)\s+(?=\S)"
)
_DROP_AFTER = re.compile(
    r"^\s*(?:is|are)?\s*(?:not (?:needed|required|necessary|relevant|important)|n'?t (?:needed|required|"
    r"necessary|relevant)|isn'?t (?:needed|required|necessary|relevant)|can go|unnecessary|out)\b"
)
_REQUEST = re.compile(r"^(?:can|could|would|will) you\b|^please\b")
# "keep everything else" keeps the rest of the recommendation, not every category.
_KEEP_REST = re.compile(r"\b(?:keep(?:ing)? )?(?:everything|all|anything) else\b")
_PROCESSOR = re.compile(
    r"\b(?:processor|sub-?processor|process (?:it|data) for|on (?:their|customers'?) behalf)\b"
)


def _norm(text: str) -> str:
    return lower_line(fold_quotes(text))


def _ordered(categories: Collection[str]) -> tuple[str, ...]:
    return tuple(c for c in CATEGORIES if c in categories)


def read_scope_reply(text: str, recommended: tuple[str, ...]) -> tuple[str, ...] | None:
    """The scope the founder wants after seeing the recommendation; None when not understood."""
    norm = _norm(text).rstrip(".!")
    match = _ALL_EXCEPT.search(norm)
    if match:
        excluded = {c for c, _ in category_names(match.group("rest"))} - {"security"}
        if excluded:
            return _ordered(set(CATEGORIES) - excluded)
    rewritten = _KEEP_REST.sub("keep the rest", _DROP_BEFORE.sub("drop ", norm))
    for category, found_at in reversed(category_names(rewritten)):
        position = max(0, found_at - 1)  # category_names pads the text with a leading space
        after = rewritten[position:]
        name_end = re.match(r"\S+(?:\s+integrity)?", after)
        rest = after[name_end.end() :] if name_end else ""
        if _DROP_AFTER.match(rest) and category != "security":
            rewritten = f"{rewritten[:position]}drop {after}"
    return parse_scope_change(rewritten, recommended)


def is_scope_question(text: str) -> bool:
    """True when the reply asks something about the scope instead of deciding it."""
    norm = _norm(text)
    if not norm:
        return False
    clauses = [c.strip(" ,;") for c in re.split(r"(?<=\?)", norm) if c.strip(" ,;")]
    for clause in clauses:
        if _REQUEST.match(clause):
            continue
        asked = clause.endswith("?")
        if DECISION_QUESTION_START.match(clause) and (
            asked or clause.startswith(("do we", "does", "should we", "why"))
        ):
            return True
    return False


def answer_scope_question(text: str, profile: Mapping[str, Any]) -> str | None:
    """An answer about the categories the question names, from the recommendation; None if it names none."""
    named = [c for c, _ in category_names(_norm(text))]
    if not named:
        return None
    recommended, reasons = recommend_scope(dict(profile))
    parts = []
    for category in named[:2]:
        title = CATEGORY_TITLES[category]
        if category == "security":
            parts.append(render_message("scope_answer_security"))
            continue
        verdict = "scope_answer_recommended" if category in recommended else "scope_answer_not_recommended"
        about = render_message(f"scope_about_{category}")
        parts.append(
            render_message(verdict, title=title, about=about, reason=reasons.get(category, "").rstrip("."))
        )
    if "privacy" in named and _PROCESSOR.search(_norm(text)):
        parts.append(render_message("scope_answer_processor"))
    return "\n\n".join(parts)
