"""How far the interview is: per-category counts, questions left and the "how far am I?" reply.

While scoping is still running the scope is not known, so the questions left are estimated: the
categories the answers so far bring in count fully, and each category not decided yet counts for
half its questions. The estimate then moves by a few questions per scoping answer, never by a jump.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.interview.flow import Context, Derived, is_eligible, planning_scope, remaining_mandatory
from assessment.interview.session import SessionState
from assessment.scoping.profile import CATEGORY_FIELDS
from assessment.templates import render_message
from knowledge.models import CATEGORY_TITLES

UNDECIDED_SHARE = 0.5  # how much of a category not decided yet the estimate counts


@dataclass(frozen=True)
class CategoryProgress:
    """Progress of one in-scope category: questions answered of its total, and its running score."""

    answered: int
    skipped: int
    total: int
    score: float


@dataclass(frozen=True)
class Progress:
    """How far the interview is: per-category progress, questions asked, and an overall percentage."""

    categories: dict[str, CategoryProgress]
    questions_asked: int
    questions_left: int
    percent: int
    overall: float
    finished: bool


def category_counts(d: Derived, ctx: Context, category: str) -> tuple[int, int, int]:
    """(answered, skipped, total) eligible scored questions of a category."""
    scope = planning_scope(d)
    eligible = [q for q in ctx.bank.scored if q.category == category and is_eligible(q, d, scope)]
    answered = sum(1 for q in eligible if q.id in d.answers)
    skipped = sum(1 for q in eligible if q.id in d.settled and q.id not in d.answers)
    return answered, skipped, len(eligible)


def questions_left(d: Derived, state: SessionState, ctx: Context) -> int:
    """Questions still to ask: exact once the scope is set, an estimate while scoping runs."""
    if d.scope is not None:
        return remaining_mandatory(d, state, ctx)
    left: float = remaining_mandatory(d, state, ctx)  # the categories the answers so far bring in
    undecided = [c for c, name in CATEGORY_FIELDS.items() if d.profile.get(name) is None]
    for category in undecided:
        scope = (category,)
        count = sum(1 for q in ctx.ordered if q.category == category and is_eligible(q, d, scope))
        left += UNDECIDED_SHARE * count
    return round(left)


def progress_message(progress: Progress) -> str:
    """The reply to "how far am I?": a summary line, one bullet per category, the running score."""
    lines = [
        render_message(
            "progress_line",
            title=CATEGORY_TITLES[c],
            answered=p.answered,
            total=p.total,
            score=f"{p.score:.0f}",
        )
        for c, p in progress.categories.items()
    ]
    return render_message(
        "progress",
        asked=progress.questions_asked,
        left=progress.questions_left,
        percent=progress.percent,
        lines="\n".join(lines),
        overall=f"{progress.overall:.0f}",
    )
