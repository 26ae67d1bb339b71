"""The one "is this a question?" detector: a question mark or an interrogative opening."""

from __future__ import annotations

import re

INTERROGATIVE = re.compile(
    r"^(?:what|what's|whats|how|who|which|where|when|why|does|do|is|are|can|could|should|would|will|"
    r"explain|tell me|define|describe|meaning of)\b"
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def looks_like_question(text: str) -> bool:
    """True for text worded as a question: it has words and a "?" or opens like a question."""
    norm = " ".join(text.strip().lower().split())
    if not _WORD.search(norm):
        return False  # "?!?!", markup or symbols alone ask nothing
    return "?" in norm or bool(INTERROGATIVE.match(norm))
