"""Scoping: parse answers about the company, recommend categories, and decide carve-outs.

Everything here is a pure function of the answer text and the company profile, so a session replays
to the same profile every time.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from assessment.bank.loader import ScopingQuestion
from assessment.scoping.dates import DateReading, read_deadline
from assessment.scoping.text import (
    head_count,
    hosting_kind,
    is_go_ahead,
    leading_yes_no,
    named_provider,
    office_mentioned,
    without_lead_in,
)
from assessment.templates import render_message
from assessment.understanding.reader import interpret, needs_clarification
from knowledge.models import CATEGORIES, CATEGORY_TITLES
from knowledge.text import lower_line, one_line

Profile = Mapping[str, Any]
# profile field that recommends a category when true
CATEGORY_FIELDS: dict[str, str] = {
    "availability": "uptime_commitment",
    "processing_integrity": "processes_for_customers",
    "confidentiality": "confidential_data",
    "privacy": "personal_data",
}
_CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "security": ("security", "common criteria", "sec"),
    "availability": ("availability", "available", "uptime", "avail"),
    "processing_integrity": (
        "processing integrity",
        "processing-integrity",
        "processing_integrity",
        "pi",
        "integrity",
        "processing",
    ),
    "confidentiality": ("confidentiality", "confidential", "conf"),
    "privacy": ("privacy", "personal data", "private"),
}
_ADD = re.compile(r"\b(?:add|include|plus|also|with|and|want|need|keep)\b")
_DROP = re.compile(
    r"\b(?:drop|remove|without|exclude|skip|no|not|don'?t|do not|leave out|take out|minus|except)\b"
)
_TOO = re.compile(r"[a-z ]{2,25}?\s+(?:too|as well)\b")
_NEGATED = re.compile(
    r"\b(?:no|not|never|none|nothing|without|neither|nor|cannot|dont|doesnt|isnt|arent)\b|n't\b"
)
_NO_CHANGE = re.compile(
    r"^(?:no|nope|nah)\b[, ]*(?:changes?|that'?s (?:fine|good|right)|all good|looks? (?:good|right|fine))|"
    r"\bno changes?\b|\bkeep (?:it |that |the scope )?as (?:is|it is)\b|\bleave it as is\b"
)


@dataclass(frozen=True)
class ParsedScoping:
    """A scoping answer as understood: ``value`` is None when the user did not know."""

    value: Any
    confident: bool
    shown: str  # how it was understood, for the reply and the appendix
    reading: DateReading | None = None  # a deadline worked out from words ("next autumn"): how


def _is_unsure(text: str) -> bool:
    # a cheap word check: scoping must not pay for the embedding model on every answer
    return bool(
        re.search(
            r"\b(not sure|unsure|don'?t know|no idea|dunno|unknown|maybe|no date|tbd|not yet|not decided)\b",
            text,
        )
    )


def _exact_option(question: ScopingQuestion, text: str) -> tuple[bool, Any]:
    """(True, value) when the text is exactly one option's label or value."""
    norm = lower_line(text).rstrip(".! ")
    for option in question.options:
        if norm in (lower_line(option.label), lower_line(str(option.value))):
            return True, option.value
    return False, None


def _match_option(question: ScopingQuestion, text: str) -> Any:
    """The value of the option whose label or value the text names; raises LookupError if none."""
    found, value = _exact_option(question, text)
    if found:
        return value
    words = set(re.findall(r"[a-z0-9]+", lower_line(text)))
    best, best_score = None, 0.0
    for option in question.options:
        option_words = set(re.findall(r"[a-z0-9]+", lower_line(f"{option.label} {option.value or ''}")))
        option_words -= {"a", "an", "the", "or", "and", "we", "our", "of", "yes", "no", "not", "sure"}
        if not option_words:
            continue
        score = len(words & option_words) / len(option_words)
        if score > best_score:
            best, best_score = option.value, score
    if best_score >= 0.5:
        return best
    raise LookupError(text)


def _parse_hosting(question: ScopingQuestion, text: str) -> Any:
    found, value = _exact_option(question, text)
    if found:
        return value
    kind = hosting_kind(text)
    values = [o.value for o in question.options]
    if kind in ("hybrid", "self_hosted"):
        for value in values:
            if hosting_kind(value) == kind:
                return value
        return kind
    if kind == "cloud":
        provider = named_provider(text)
        if provider in values:
            return provider
        for value in values:
            if hosting_kind(value) == "cloud" and "other" in str(value):
                return value
        return "cloud"
    return _match_option(question, text)


def _parse_int(question: ScopingQuestion, text: str) -> int:
    found, value = _exact_option(question, text)
    if found and isinstance(value, int):
        return value
    number = head_count(lower_line(text))
    if number is not None:
        return number
    value = _match_option(question, text)
    if isinstance(value, int):
        return value
    raise LookupError(text)


def _parse_date(question: ScopingQuestion, text: str, today: date) -> ParsedScoping:
    norm = lower_line(text)
    found, option_value = _exact_option(question, text)
    if found and option_value is not None:  # a quick reply: its value decides, its label is the words
        reading = read_deadline(option_value, today)
        label = next(o.label for o in question.options if o.value == option_value)
        worded = read_deadline(label, today)
        if reading is not None:
            reading = worded if worded and worded.value == reading.value else replace(reading, phrase=label)
    else:
        reading = read_deadline(text, today)
    if reading is not None:
        return _date_parsed(reading, text)
    if (
        found
        or _is_unsure(norm)
        or re.search(r"\b(no|none|null|n/a|not yet|whenever|no rush|flexible)\b", norm)
    ):
        return ParsedScoping(None, True, "no date yet")
    with contextlib.suppress(LookupError):
        option_value = _match_option(question, text)
        reading = read_deadline(option_value, today) if option_value is not None else None
        if reading is not None:
            return _date_parsed(reading, text)
    return ParsedScoping(None, False, "")


def _date_parsed(reading: DateReading, text: str) -> ParsedScoping:
    """The deadline as recorded; a date worked out from words keeps the founder's own words for them."""
    if reading.exact:
        return ParsedScoping(reading.value.isoformat(), True, reading.value.isoformat())
    said = re.search(re.escape(reading.phrase), one_line(text), re.IGNORECASE)
    phrase = _MARKUP.sub(" ", said[0] if said else reading.phrase)  # shown in a Markdown chat bubble
    return ParsedScoping(
        reading.value.isoformat(), True, reading.value.isoformat(), replace(reading, phrase=one_line(phrase))
    )


# An optional free-text answer that declines ("no", "rather not say", "leave it blank").
_DECLINE = re.compile(
    r"^(?:no|nope|none|n/?a|nil|null|-+|no name|not now|not sure|unsure|no idea|don'?t know|"
    r"(?:i'?d )?rather not(?: say)?|(?:i )?prefer not(?: to say)?|leave it (?:out|blank|empty)|"
    r"blank|empty|anonymous|skip(?: it| this| that)?|pass|nothing|no thanks|no thank you)\W*$"
)
_NAME_LEAD = re.compile(
    r"^(?:(?:it'?s|it is|we are|we'?re|we'?re called|we are called|i'?m with|"
    r"(?:our|the) (?:company|startup|business|organi[sz]ation)(?:'?s)?(?: name)?(?: is)?(?: called)?|"
    r"(?:company )?name(?: is)?|call (?:us|it)|called)\s*[:\-]?\s+)",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»`"
_MARKUP = re.compile(r"[\[\]()!*_`<>#|~\\$]")
NAME_MAX_CHARS = 120


def company_name_from(text: str) -> str | None:
    """The company's name in an answer ("We're Acme Analytics." -> "Acme Analytics"); None if declined."""
    flat = one_line("".join(c if c.isprintable() else " " for c in str(text)))
    if not flat or _DECLINE.match(flat.lower()):
        return None
    name = _NAME_LEAD.sub("", flat, count=1).strip().strip(_QUOTES)
    abbreviation = re.search(r"\b(?:inc|ltd|co|corp|llc|plc|gmbh|s\.a|n\.v|b\.v|pty)\.$", name, re.IGNORECASE)
    name = name if abbreviation else name.rstrip(".!?,;: ").strip(_QUOTES).strip()
    name = name or flat
    return name[:NAME_MAX_CHARS].rstrip() or None


def _parse_text(question: ScopingQuestion, text: str) -> ParsedScoping:
    if question.field == "company_name":
        name = company_name_from(text)
    elif question.optional and _DECLINE.match(lower_line(text)):
        name = None
    else:
        name = text.strip() or None
    if name is None:
        return ParsedScoping(None, True, render_message("scoping_not_given"))
    shown = one_line(_MARKUP.sub(" ", name))  # the chat shows it as Markdown: only the words
    return ParsedScoping(name, True, shown or render_message("scoping_not_given"))


def parse_scoping_answer(question: ScopingQuestion, text: str, today: date) -> ParsedScoping:
    """Understand a scoping answer; ``confident`` False means ask one short clarification."""
    if question.value_type == "text":
        return _parse_text(question, text)
    text = without_lead_in(text)  # "as I said, next autumn": the answer is what follows
    norm = lower_line(text)
    if asks_back(question, text):
        return ParsedScoping(None, False, "")  # not an answer: the engine answers it and asks again
    if question.value_type == "date":
        return _parse_date(question, text, today)
    if _is_unsure(norm) and question.value_type != "bool":
        return ParsedScoping(None, True, "not sure")
    try:
        if question.field == "hosting":
            value = _parse_hosting(question, text)
        elif question.value_type == "int":
            value = _parse_int(question, text)
        elif question.value_type == "bool":
            value = _parse_bool(question, text)
        else:
            value = _parse_choice(question, text)
    except LookupError:
        return ParsedScoping(None, False, "")
    return ParsedScoping(value, True, _shown(question, value))


def _parse_bool(question: ScopingQuestion, text: str) -> bool | None:
    """A yes/no scoping answer: an exact option, else the same trained reader as every answer."""
    found, value = _exact_option(question, text)
    if found and (value is None or isinstance(value, bool)):
        return value
    norm = lower_line(text)
    # Exact parsers first: an office named or denied, or an answer that opens with a plain yes/no.
    if question.field == "has_office" and (office := office_mentioned(norm)) is not None:
        return office
    lead = leading_yes_no(norm)
    if lead is not None and not re.match(r"^(?:not sure|no idea|no clue)\b", norm):
        return lead
    understood = interpret(text, question=question.text, options=("Yes", "No", "Not sure"))
    if needs_clarification(understood):
        raise LookupError(text)  # unclear, or a question back: the engine asks or answers it
    if understood.label == "unknown":
        return None
    return understood.label in ("yes", "partial")


def asks_back(question: ScopingQuestion, text: str) -> bool:
    """The answer to a scoping question is itself a question ("does a WeWork desk count?")."""
    if _exact_option(question, text)[0]:
        return False
    return interpret(text, question=question.text).asks


def _parse_choice(question: ScopingQuestion, text: str) -> Any:
    norm = lower_line(text)
    if question.field == "report_type":
        # the first type named wins: "Type 1, then Type 2 next year" aims for Type 1 now
        match = re.search(r"\btype\s*(2|ii|two|1|i|one)\b|^(2|ii|two|1|i|one)$", norm)
        if match:
            return "type2" if (match[1] or match[2]) in ("2", "ii", "two") else "type1"
    return _match_option(question, text)


def _shown(question: ScopingQuestion, value: Any) -> str:
    for option in question.options:
        if option.value == value and value is not None:
            return option.label
    if value is None:
        return "not sure"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- scope recommendation ------------------------------------------------------------------


def recommend_scope(profile: Profile) -> tuple[tuple[str, ...], dict[str, str]]:
    """Recommended categories (security always) and a one-line reason for every category."""
    chosen = ["security"]
    reasons = {"security": render_message("reason_security")}
    for category, field in CATEGORY_FIELDS.items():
        value = profile.get(field)
        if value is True:
            chosen.append(category)
            reasons[category] = render_message(f"reason_{category}_yes")
        elif value is None:
            reasons[category] = render_message(f"reason_{category}_unsure")
        else:
            reasons[category] = render_message(f"reason_{category}_no")
    return tuple(c for c in CATEGORIES if c in chosen), reasons


def category_names(text: str) -> list[tuple[str, int]]:
    """Categories named in the text with their position, in order of mention."""
    norm = " " + lower_line(text).replace("_", " ") + " "
    found: dict[str, int] = {}
    for category, aliases in _CATEGORY_ALIASES.items():
        for alias in sorted(aliases, key=len, reverse=True):
            match = re.search(rf"(?<![a-z]){re.escape(alias)}(?![a-z])", norm)
            if match and (category not in found or match.start() < found[category]):
                found[category] = match.start()
    if re.search(r"(?<![a-z])integrity(?![a-z])", norm) and "processing_integrity" not in found:
        found["processing_integrity"] = norm.index("integrity")
    return sorted(found.items(), key=lambda item: item[1])


def parse_scope_change(text: str, recommended: tuple[str, ...]) -> tuple[str, ...] | None:
    """The scope the user wants after seeing the recommendation; None when not understood."""
    norm = lower_line(text).rstrip(".!?")
    everything = r"everything(?! (?:looks|sounds|seems|is|'s|fine|good|ok))"
    if re.search(rf"\b(all (?:five|5|of them|categories)|{everything}|all$|full scope)\b", norm):
        return CATEGORIES
    mentioned = category_names(norm)
    if not mentioned:
        if is_go_ahead(norm) or norm in {"accept", "y", "k", "ok"} or _NO_CHANGE.search(norm):
            return recommended
        return None
    if re.search(r"\b(only|just)\b", norm):
        return _ordered({"security", *(c for c, _ in mentioned)})
    chosen = set(recommended)
    verb_used = False
    for category, position in mentioned:
        before = norm[max(0, position - 25) : position]
        clause = re.split(r"[,;]| and | but ", before)[-1] if before else ""
        if _DROP.search(clause):
            chosen.discard(category)
            verb_used = True
        elif _ADD.search(clause) or _TOO.match(norm[position:]):
            chosen.add(category)
            verb_used = True
    if not verb_used:
        if leading_yes_no(norm) is True or is_go_ahead(norm):
            chosen |= {c for c, _ in mentioned}
        else:
            chosen = {c for c, _ in mentioned}
    chosen.add("security")
    return _ordered(chosen)


def _ordered(categories: set[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in CATEGORIES if c in categories)


def validate_scope(scope: object) -> tuple[str, ...]:
    """Normalise an explicitly given scope; ``ValueError`` naming unknown categories.

    An explicit scope is honoured as given (the caller decided, e.g. re-assessing one category);
    the recommendation made after the scoping questions always includes Security.
    """
    if isinstance(scope, str):
        scope = [part for part in re.split(r"[,\s]+", scope) if part]
    if not isinstance(scope, (set, frozenset, list, tuple)):
        raise ValueError(f"scope must be a set of category names, got {type(scope).__name__}")
    names = [str(item).strip().lower().replace("-", "_").replace(" ", "_") for item in scope]
    unknown = sorted({n for n in names if n not in CATEGORIES})
    if unknown:
        raise ValueError(f"unknown category {', '.join(unknown)}; choose from {', '.join(CATEGORIES)}")
    if not names:
        raise ValueError(f"scope is empty; choose at least one of {', '.join(CATEGORIES)}")
    return _ordered(set(names))


def scope_titles(scope: tuple[str, ...]) -> str:
    """Human list of category titles, e.g. ``Security, Privacy``."""
    return ", ".join(CATEGORY_TITLES[c] for c in scope)
