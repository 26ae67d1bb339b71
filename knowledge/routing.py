"""Decide what answers a side question: a SOC 2 basics entry, the criteria, or an honest "I don't know".

Both searches give cosine similarities (``BasicHit.score`` and ``Hit.similarity``), which unlike the
criteria ranking score mean the same thing from one query to the next, so fixed thresholds work.
The thresholds were chosen on ``tests/data/side_questions_dev.jsonl`` and checked, untuned, on
``tests/data/side_questions_blind.jsonl`` (``bench/retrieval.py --side FILE`` prints both figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.basics_kb import BasicHit
from knowledge.models import Hit

# A basics entry answers when it is this close to the question...
BASICS_THRESHOLD = 0.50
# ...and clearly closer than the best criterion (basics questions usually brush some criterion).
BASICS_MARGIN = 0.16
# Otherwise the criteria answer when the best one is at least this close; below both, we say so.
CRITERIA_THRESHOLD = 0.37

Source = Literal["basics", "criteria", "none"]


@dataclass(frozen=True)
class Route:
    """Which source answers, with the hits that support it (empty for "none")."""

    source: Source
    basics: tuple[BasicHit, ...] = ()
    criteria: tuple[Hit, ...] = ()


def route(basics: Sequence[BasicHit], criteria: Sequence[Hit]) -> Route:
    """Pick the answer source from the best basics entries and criteria (both best first)."""
    best_basic = basics[0].score if basics else 0.0
    best_criterion = criteria[0].similarity if criteria else 0.0
    if basics and best_basic >= BASICS_THRESHOLD and best_basic >= best_criterion + BASICS_MARGIN:
        return Route("basics", basics=tuple(basics))
    if criteria and best_criterion >= CRITERIA_THRESHOLD:
        return Route("criteria", criteria=tuple(criteria))
    return Route("none")


def answer_id(result: Route) -> str | None:
    """The entry ID or criterion ID that answers, or None when nothing matches well (for scoring)."""
    if result.source == "basics":
        return result.basics[0].entry_id
    if result.source == "criteria":
        return result.criteria[0].criterion_id
    return None
