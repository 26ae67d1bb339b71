"""Scoping: parse answers about the company, recommend categories, and decide carve-outs.

Everything here is a pure function of the answer text and the company profile, so a session replays
to the same profile every time.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from assessment.bank import ScopingQuestion
from assessment.interpret import interpret
from assessment.models import Label
from assessment.templates import render_message
from knowledge.models import CATEGORIES, CATEGORY_TITLES

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
_CLOUD_WORDS = (
    "aws",
    "amazon",
    "gcp",
    "google cloud",
    "azure",
    "cloud",
    "heroku",
    "vercel",
    "netlify",
    "digitalocean",
    "digital ocean",
    "render",
    "fly.io",
    "railway",
    "hetzner",
    "ovh",
    "linode",
    "supabase",
    "firebase",
    "serverless",
    "lambda",
    "saas",
    "paas",
    "kubernetes engine",
)
_SELF_WORDS = (
    "own data center",
    "own datacenter",
    "own data centre",
    "datacenter",
    "data center",
    "data centre",
    "on-prem",
    "on prem",
    "onprem",
    "premises",
    "colo",
    "colocation",
    "our own servers",
    "own servers",
    "own hardware",
    "server room",
    "rack",
    "basement",
)
_HYBRID_WORDS = ("hybrid", "both", "mix of", "mixture", "partly cloud", "some on")
_ACCEPT = re.compile(
    r"^(?:accept(?:ed)?|yes|yeah|yep|yup|ok(?:ay)?|sure|fine|agreed?|correct|right|confirm(?:ed)?|"
    r"sounds (?:good|right|fine)|looks (?:good|right|fine)|go ahead|perfect|great|that works|"
    r"that'?s (?:right|fine|correct|good)|let'?s go|keep it|as recommended)\b"
)
_ADD = re.compile(r"\b(?:add|include|plus|also|with|and|want|need|keep)\b")
_DROP = re.compile(
    r"\b(?:drop|remove|without|exclude|skip|no|not|don'?t|do not|leave out|take out|minus|except)\b"
)
_TOO = re.compile(r"[a-z ]{2,25}?\s+(?:too|as well)\b")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
    "couple": 2,
    "few": 3,
    "just me": 1,
    "solo": 1,
}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}


@dataclass(frozen=True)
class ParsedScoping:
    """A scoping answer as understood: ``value`` is None when the user did not know."""

    value: Any
    confident: bool
    shown: str  # how it was understood, for the reply and the appendix


def normalize(text: str) -> str:
    """Lower-case with single spaces."""
    return re.sub(r"\s+", " ", text).strip().lower()


def _is_unsure(text: str) -> bool:
    # a cheap word check: scoping must not pay for the embedding model on every answer
    return bool(
        re.search(
            r"\b(not sure|unsure|don'?t know|no idea|dunno|unknown|maybe|no date|tbd|not yet|not decided)\b",
            text,
        )
    )


def _match_option(question: ScopingQuestion, text: str) -> Any:
    """The value of the option whose label or value the text names; raises LookupError if none."""
    norm = normalize(text).rstrip(".! ")
    for option in question.options:
        if norm in (normalize(option.label), normalize(str(option.value))):
            return option.value
    words = set(re.findall(r"[a-z0-9]+", norm))
    best, best_score = None, 0.0
    for option in question.options:
        option_words = set(re.findall(r"[a-z0-9]+", normalize(f"{option.label} {option.value or ''}")))
        option_words -= {"a", "an", "the", "or", "and", "we", "our", "of", "yes", "no"}
        if not option_words:
            continue
        score = len(words & option_words) / len(option_words)
        if score > best_score:
            best, best_score = option.value, score
    if best_score >= 0.5:
        return best
    raise LookupError(text)


def hosting_kind(value: Any) -> str | None:
    """Classify a hosting value or answer as ``cloud``, ``self_hosted``, ``hybrid`` or None."""
    if value is None:
        return None
    text = normalize(str(value)).replace("_", " ")
    if any(w in text for w in _HYBRID_WORDS):
        return "hybrid"
    if any(w in text for w in _SELF_WORDS) or text in {"own datacenter", "self hosted", "self-hosted"}:
        return "self_hosted"
    if any(w in text for w in _CLOUD_WORDS) or text in {"gcp", "aws", "azure", "other cloud"}:
        return "cloud"
    return None


def _parse_hosting(question: ScopingQuestion, text: str) -> Any:
    kind = hosting_kind(text)
    values = [o.value for o in question.options]
    if kind == "hybrid":
        for value in values:
            if hosting_kind(value) == "hybrid":
                return value
    if kind == "self_hosted":
        for value in values:
            if hosting_kind(value) == "self_hosted":
                return value
    try:
        return _match_option(question, text)
    except LookupError:
        pass
    if kind == "cloud":
        for value in values:
            if hosting_kind(value) == "cloud" and "other" in str(value):
                return value
        return "cloud"
    raise LookupError(text)


def _parse_int(question: ScopingQuestion, text: str) -> int:
    norm = normalize(text)
    match = re.search(r"\d[\d,]*", norm)
    if match:
        number = int(match.group(0).replace(",", ""))
        if re.search(rf"{re.escape(match.group(0))}\s*k\b", norm):
            number *= 1000
        return number
    for word, number in _NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", norm):
            return number
    value = _match_option(question, text)
    if isinstance(value, int):
        return value
    raise LookupError(text)


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_date(text: Any, today: date) -> date | None:
    """A target date from ``2026-03-31``, ``+6m``, ``March 2026``, ``Q3 2026`` or ``in 4 months``."""
    norm = normalize(str(text))
    if match := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", norm):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if match := re.fullmatch(r"\+(\d{1,2})m", norm):
        return _add_months(today, int(match[1]))
    if match := re.search(r"\bq([1-4])\s*(?:of\s*)?(\d{4})", norm):
        quarter_end = int(match[1]) * 3
        return date(int(match[2]), quarter_end, calendar.monthrange(int(match[2]), quarter_end)[1])
    relative = r"\bin\s+(?:about\s+|around\s+|roughly\s+)?(\d{1,2}|a|one|two|three|six)\s+(month|week|year)"
    if match := re.search(relative, norm):
        amount = {"a": 1, "one": 1, "two": 2, "three": 3, "six": 6}.get(match[1]) or int(match[1])
        months = {"month": amount, "week": max(1, round(amount / 4)), "year": amount * 12}[match[2]]
        return _add_months(today, months)
    for name, month in _MONTHS.items():
        if match := re.search(rf"\b{name}\w*\.?\s+(\d{{4}})", norm):
            year = int(match[1])
            return date(year, month, calendar.monthrange(year, month)[1])
    if "next year" in norm:
        return date(today.year + 1, 6, 30)
    if "end of (the )?year" in norm or re.search(r"end of (?:the )?year", norm):
        return date(today.year, 12, 31)
    return None


def parse_scoping_answer(question: ScopingQuestion, text: str, today: date) -> ParsedScoping:
    """Understand a scoping answer; ``confident`` False means ask one short clarification."""
    norm = normalize(text)
    if question.value_type == "text":
        return ParsedScoping(text.strip() or None, True, text.strip())
    if question.value_type == "date":
        option_value = None
        with contextlib.suppress(LookupError):
            option_value = _match_option(question, text)
        parsed = parse_date(option_value if option_value is not None else text, today)
        if parsed is not None:
            return ParsedScoping(parsed.isoformat(), True, parsed.isoformat())
        if option_value is None and (_is_unsure(norm) or re.search(r"\b(no|none|not yet|whenever)\b", norm)):
            return ParsedScoping(None, True, "no date yet")
        return ParsedScoping(None, False, "")
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
    try:
        value = _match_option(question, text)
        if value is None or isinstance(value, bool):
            return value
    except LookupError:
        pass
    understood = interpret(text, question=question.text, options=("Yes", "No", "Not sure"))
    label: Label = understood.label
    if label == "unknown" and _is_unsure(normalize(text)):
        return None
    if understood.confidence < 0.5:
        raise LookupError(text)
    if label in ("yes", "partial"):
        return True
    if label in ("no", "not_applicable"):
        return False
    raise LookupError(text)


def _parse_choice(question: ScopingQuestion, text: str) -> Any:
    norm = normalize(text)
    if question.field == "report_type":
        if re.search(r"\btype\s*(?:2|ii|two)\b|\btype2\b", norm):
            return "type2"
        if re.search(r"\btype\s*(?:1|i|one)\b|\btype1\b", norm):
            return "type1"
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
    norm = " " + normalize(text).replace("_", " ") + " "
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
    norm = normalize(text).rstrip(".!?")
    if re.search(r"\b(all (?:five|5|of them|categories)|everything|all$|full scope)\b", norm):
        return CATEGORIES
    mentioned = category_names(norm)
    if not mentioned:
        if _ACCEPT.match(norm) or norm in {"accept", "y", "k", "ok"}:
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
        if _ACCEPT.match(norm):
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
