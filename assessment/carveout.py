"""Carve-outs: when a cloud provider's own SOC 2 report covers some criteria, and who the
subservice organizations are (the provider and vendors named in answers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.interpret import interpret
from assessment.models import Subservice
from assessment.scoping import Profile, hosting_kind, normalize
from assessment.templates import render_message


def carve_out_candidates(profile: Profile) -> tuple[str, ...] | None:
    """Carve-out kinds the profile supports; None when hosting or office is unknown (ask directly)."""
    kind = hosting_kind(profile.get("hosting"))
    if kind is None:
        return None
    if kind != "cloud":
        return ()
    office = profile.get("has_office")
    if office is None:
        return None
    return ("infrastructure",) if office else ("physical", "infrastructure")


def provider_name(*texts: Any) -> str | None:
    """The cloud provider named in any of the texts (``AWS``, ``Google Cloud``...), if one is."""
    from assessment.vendors import mentioned_vendors

    aliases = {"gcp": "Google Cloud", "aws": "AWS", "azure": "Microsoft Azure"}
    for text in texts:
        if text is None:
            continue
        if str(text).lower() in aliases:
            return aliases[str(text).lower()]
        for vendor in mentioned_vendors(str(text)):
            if vendor.is_hosting:
                return vendor.name
    return None


_NEGATED_SELF = re.compile(
    r"\b(?:no|not|don'?t|do not|without|never|zero|nor)\b[^.,;]{0,30}?"
    r"(?:data ?cent(?:er|re)s?|servers?|on-?prem\w*|hardware|racks?)"
)
_NO_OFFICE = re.compile(
    r"\b(?:no|without|don'?t have an?|do not have an?|never had an?)\s+(?:\w+\s+)?offices?\b|"
    r"\bfully remote\b|\bremote[- ]first\b|\ball remote\b|\b100% remote\b|\bdistributed team\b|\bcoworking\b"
)
_HAS_OFFICE = re.compile(
    r"\b(?:have|got|rent|lease|own|with|in)\s+(?:an?\s+|our\s+|the\s+)?(?:\w+\s+)?offices?\b"
)


@dataclass(frozen=True)
class CarveDecision:
    """What the carve-out answer decided; ``kinds`` is None when the answer was unclear."""

    kinds: tuple[str, ...] | None
    hosting: str | None = None
    has_office: bool | None = None


def office_mentioned(text: str) -> bool | None:
    """True/False when the text says whether the company has an office it controls."""
    norm = normalize(text)
    if _NO_OFFICE.search(norm):
        return False
    if _HAS_OFFICE.search(norm):
        return True
    return None


def parse_carve_answer(text: str, candidates: tuple[str, ...] | None, available: set[str]) -> CarveDecision:
    """Decide the carve-out from a reply: a confirmation when candidates are known, else asked directly."""
    norm = normalize(text)
    label = interpret(text).label
    if candidates is not None:  # we proposed a carve-out; the user confirms or declines
        if label in ("yes", "partial"):
            return CarveDecision(tuple(sorted(available & set(candidates))))
        if label in ("no", "not_applicable"):
            return CarveDecision(())
        return CarveDecision(None)
    hosting = hosting_kind(_NEGATED_SELF.sub(" ", norm))
    office = office_mentioned(norm)
    if hosting in ("self_hosted", "hybrid"):
        return CarveDecision((), hosting, office)
    if hosting == "cloud" or label in ("yes", "partial"):
        if office is None:
            office = label == "no"  # "no" to "cloud and no office" while naming a cloud: an office
        kinds = ("infrastructure",) if office else ("physical", "infrastructure")
        return CarveDecision(tuple(sorted(available & set(kinds))), "cloud", office)
    if label in ("no", "not_applicable"):
        return CarveDecision((), None, office)
    return CarveDecision(None, None, office)


def build_subservices(
    carved: Mapping[str, str], answer_texts: Sequence[str], in_scope: Sequence[str]
) -> tuple[Subservice, ...]:
    """Subservice organizations: the carve-out provider first, then vendors named in answers."""
    from assessment.vendors import mentioned_vendors

    review = render_message("cuec_review_report")
    found: dict[str, Subservice] = {}
    for provider in dict.fromkeys(carved.values()):
        vendors = mentioned_vendors(provider)
        controls = vendors[0].complementary_controls if vendors else (render_message("cuec_configure"),)
        criteria = tuple(c for c in in_scope if carved.get(c) == provider)
        name = vendors[0].name if vendors else provider
        found[name] = Subservice(name, render_message("role_carved"), criteria, (review, *controls))
    for text in answer_texts:
        for vendor in mentioned_vendors(text):
            if vendor.name not in found:
                criteria = tuple(c for c in in_scope if c in vendor.covers)
                found[vendor.name] = Subservice(
                    vendor.name, vendor.role, criteria, (review, *vendor.complementary_controls)
                )
    return tuple(found.values())
