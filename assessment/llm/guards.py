"""Checks on what goes into and comes out of the LLM: founder text as data, strict replies.

Every check is a pure function. A reply that fails a check is dropped and the caller falls back to
offline behaviour, so these err on the side of rejecting.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from assessment.models import LABELS, Label, Question
from knowledge.ids import find_ids
from knowledge.text import one_line

MAX_RATIONALE_CHARS = 300
_DELIMITERS = re.compile(r"<\s*/?\s*(founder_answer|founder_question|conversation|system)\s*>", re.I)
_FENCE = re.compile(r"^```(?:json)?\s*\n?(.*?)\n?```$", re.S | re.I)
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)]|[a-e][.)])\s+\S", re.M)
# "1. everywhere 2. some places" or "(a) ... (b) ..." inside a sentence.
_INLINE_ENUM = re.compile(r"(?:(?<=\s)|^)(?:\d{1,2}[.)]|\(?[a-e1-9]\))\s+\S", re.M)
_CHOICE = re.compile(r"\b(yes|no|partly|partially|not sure|n/?a)\s*(/|\|)\s*\w", re.I)
_LABEL_TALK = re.compile(r"not_applicable|\blabels?\b|\boptions?\s*:|\bchoices?\s*:|\bquick repl", re.I)
_META = re.compile(r"^\s*(here('s| is)|rephrased|rewritten|question\s*:)", re.I)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_FREE_PHRASES = re.compile(
    r"\bSOC\s*2\b|\bType\s+(?:1|2|I{1,2})\b|\bISO(?:/IEC)?\s*27001(?::2022)?\b|^\s*\d{1,2}[.)]\s", re.I | re.M
)


def as_data(text: str, limit: int) -> str:
    """Founder text made safe to embed between delimiters: tags removed, length capped."""
    clean = _DELIMITERS.sub(" ", str(text)).strip()
    return clean if len(clean) <= limit else clean[:limit].rstrip() + " [...]"


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def parse_label_reply(text: str) -> tuple[Label, str] | None:
    """``(label, rationale)`` from a strict ``{"label": ..., "rationale": ...}`` reply, else None.

    Only a bare JSON object (optionally in one code fence) with exactly those two keys counts.
    """
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    if not body.startswith("{") or not body.endswith("}"):
        return None
    try:
        data = json.loads(body, object_pairs_hook=_reject_duplicate_keys)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"label", "rationale"}:
        return None
    label, rationale = data["label"], data["rationale"]
    if not isinstance(label, str) or label not in LABELS or not isinstance(rationale, str):
        return None
    rationale = one_line(rationale)
    if not rationale or len(rationale) > MAX_RATIONALE_CHARS:
        return None
    return label, rationale


def check_phrasing(text: str, question: Question) -> str | None:
    """The rephrased question if it is one short question without new options or labels, else None."""
    phrased = text.strip().strip('"“”').strip()
    limit = min(600, max(240, 3 * len(question.text)))
    if not phrased or len(phrased) > limit or "?" not in phrased:
        return None
    if _LIST_LINE.search(phrased) or len(_INLINE_ENUM.findall(phrased)) >= 2:
        return None
    if _CHOICE.search(phrased) or _LABEL_TALK.search(phrased):
        return None
    if _META.search(phrased) or _DELIMITERS.search(phrased):
        return None
    allowed_ids = set(question.criteria)
    if any(m.id not in allowed_ids and m.criterion_id not in allowed_ids for m in find_ids(phrased)):
        return None
    # Naming three or more of the quick replies means the model is listing answer options.
    words = phrased.lower()
    named = sum(1 for option in question.options if re.search(rf"\b{re.escape(option.lower())}\b", words))
    if len(question.options) >= 3 and named >= 3:
        return None
    return phrased


def cited_ids(text: str, allowed: Iterable[str]) -> tuple[str, ...]:
    """Criterion IDs cited in ``[...]`` in ``text`` that are in ``allowed``, in order, without repeats.

    A point of focus (``[CC6.1.3]``) counts for its criterion.
    """
    allowed_set = set(allowed)
    found: list[str] = []
    for group in re.findall(r"\[([^\[\]]{1,120})\]", text):
        for mention in find_ids(group):
            cid = mention.criterion_id
            if cid in allowed_set and cid not in found:
                found.append(cid)
    return tuple(found)


def _numbers_in(value: object, out: set[float]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        x = float(value)
        if math.isfinite(x):
            out.update({x, float(round(x)), float(math.floor(x)), float(math.ceil(x)), round(x, 1)})
        return
    if isinstance(value, str):
        out.update(float(token) for token in _NUMBER.findall(value.replace(",", "")))
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _numbers_in(key, out)
            _numbers_in(item, out)
        return
    if isinstance(value, Iterable):
        for item in value:
            _numbers_in(item, out)


def invented_numbers(text: str, figures: Mapping[str, object]) -> tuple[str, ...]:
    """Numbers in ``text`` (percentages, counts, IDs, dates) that the figures do not hold."""
    allowed: set[float] = set()
    _numbers_in(figures, allowed)
    allowed_rounded = {round(x, 6) for x in allowed}
    body = _NUMBER_FREE_PHRASES.sub(" ", re.sub(r"(?<=\d),(?=\d{3}\b)", "", text))
    return tuple(token for token in _NUMBER.findall(body) if round(float(token), 6) not in allowed_rounded)
