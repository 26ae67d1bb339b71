"""Recognise founder text that tries to instruct the assistant instead of answering.

Shared by the offline interpreter (such text is never taken as an answer) and the LLM guards
(such text is never sent to a model).
"""

from __future__ import annotations

import re

INJECTION_PATTERNS = tuple(
    re.compile(pattern, re.I | re.S)
    for pattern in (
        r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules?|guidelines)\b",
        r"\b(previous|prior|above|earlier)\s+(instructions?|prompts?)\b",
        r"\bsystem\s+prompt\b",
        r"\byou\s+are\s+now\b",
        r"\b(new|updated|real)\s+instructions?\b",
        r"\bmark\s+(it\s+|this\s+)?(everything|all|every\s+\w+)\b.{0,30}\b(met|yes|compliant|pass(ed)?|done)\b",
        r"\b(score|rate|label)\s+(everything|all|every\s+\w+|this|it)\b.{0,20}\b(met|yes|100|full)\b",
        r"[\"']label[\"']\s*:",
        r"<\s*/?\s*(founder_answer|founder_question|conversation|system)\s*>",
    )
)


def looks_like_injection(text: str) -> bool:
    """True when founder text reads like instructions to the model rather than an answer."""
    return any(pattern.search(text) for pattern in INJECTION_PATTERNS)
