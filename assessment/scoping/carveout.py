"""Carve-outs: when a cloud provider's own SOC 2 report covers some criteria, and who the
subservice organizations are (the provider and vendors named in answers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.clouds import cloud_provider
from assessment.models import Subservice
from assessment.scoping.profile import Profile, hosting_kind
from assessment.scoping.text import is_go_ahead, leading_yes_no, office_mentioned
from assessment.templates import render_message
from assessment.understanding.reader import interpret
from knowledge.text import lower_line


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
    """The cloud provider named as in use in any of the texts (``AWS``, ``Google Cloud``...), if one is.

    "We plan to move to GCP" names no provider: only a host in use today carries the carve-out.
    """
    from assessment.scoping.vendors import vendors_in_use

    for text in texts:
        if text is None:
            continue
        if cloud := cloud_provider(str(text)):  # a hosting answer's value: "gcp" -> "Google Cloud"
            return cloud.name
        for vendor in vendors_in_use(str(text)):
            if vendor.is_hosting:
                return vendor.name
    return None


@dataclass(frozen=True)
class CarveDecision:
    """What the carve-out answer decided; ``kinds`` is None when the answer was unclear."""

    kinds: tuple[str, ...] | None
    hosting: str | None = None
    has_office: bool | None = None


def parse_carve_answer(
    text: str, candidates: tuple[str, ...] | None, available: set[str], question: str = ""
) -> CarveDecision:
    """Decide the carve-out from a reply: a confirmation when candidates are known, else asked directly.

    ``question`` is the carve-out question as asked: the reader reads the reply against it.
    """
    norm = lower_line(text)
    plain = leading_yes_no(norm)
    if plain is None and is_go_ahead(norm):
        plain = True  # "sounds right, go ahead"
    label = {True: "yes", False: "no"}[plain] if plain is not None else interpret(text, question).label
    hosting = hosting_kind(norm)  # negated mentions ("no servers of our own") are ignored there
    office = office_mentioned(norm)
    if candidates is not None:  # we proposed a carve-out; the user confirms, declines or corrects
        if hosting in ("self_hosted", "hybrid"):
            return CarveDecision((), hosting, office)
        proposed = set(candidates) - ({"physical"} if office else set())  # "AWS, but we have an office"
        if label in ("yes", "partial") or (hosting == "cloud" and label != "no"):
            return CarveDecision(tuple(sorted(available & proposed)), hosting, office)
        if label in ("no", "not_applicable"):
            return CarveDecision(tuple(sorted(available & proposed)) if office else (), hosting, office)
        return CarveDecision(None)
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
    """Subservice organizations: the carve-out provider first, then vendors answers name as in use.

    A tool the founder only plans, evaluates, used to use or denies ("we might buy Okta") is not a
    subservice organization (``vendors_in_use``). Each one lists the in-scope criteria its own SOC 2
    report covers and the complementary controls that stay with the founder.
    """
    from assessment.scoping.vendors import mentioned_vendors, vendors_in_use

    review = render_message("cuec_review_report")
    found: dict[str, Subservice] = {}
    for provider in dict.fromkeys(carved.values()):
        vendors = mentioned_vendors(provider)
        controls = vendors[0].complementary_controls if vendors else (render_message("cuec_configure"),)
        criteria = tuple(c for c in in_scope if carved.get(c) == provider)
        name = vendors[0].name if vendors else provider
        found[name] = Subservice(name, render_message("role_carved"), criteria, (review, *controls))
    for text in answer_texts:
        for vendor in vendors_in_use(text):
            if vendor.name not in found:
                criteria = tuple(c for c in in_scope if c in vendor.covers)
                found[vendor.name] = Subservice(
                    vendor.name, vendor.role, criteria, (review, *vendor.complementary_controls)
                )
    return tuple(found.values())
