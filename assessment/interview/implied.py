"""Implied answers: an answer that denies a control settles the questions that presuppose it.

"We've never done a risk assessment" leaves nothing to ask about the risk register: the follow-ups
of a question (asked only when it is at least partly in place, ``FollowUp.ask_when``) and the scored
questions that name it as their premise (``ScoredQuestion.presupposes``) are settled as "no"
without asking, recorded with source ``implied`` so ``answers()`` and the report show where they
came from. An explicit answer always wins over an implied one, and changing the denial (``back``,
``revise``) un-settles them again: implied answers are derived from the log, never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from assessment.bank.loader import QuestionBank, ScoredQuestion
from assessment.interview.session import new_event
from assessment.models import Label

IMPLIED_SOURCE = "implied"
DENIAL: Label = "no"  # the reading that settles what presupposes it
_MAX_DEPTH = 4  # a premise of a premise ...: chains in the bank are one or two links long


def implied_answers(
    answers: Mapping[str, dict[str, Any]],
    bank: QuestionBank,
    report_type: str,
    eligible: Callable[[ScoredQuestion], bool],
) -> dict[str, dict[str, Any]]:
    """Question ID -> implied event for every question a denial settles (explicit answers excluded).

    ``answers`` are the explicit answers (question ID -> event); ``eligible`` says whether a scored
    question is asked at all (in scope, not carved out, its condition holds). Each implied event
    carries ``implied_by``, the ID of the founder's answer it follows from.
    """
    implied: dict[str, dict[str, Any]] = {}
    for _ in range(_MAX_DEPTH):
        known = {**answers, **implied}
        found = False
        for question in bank.scored:
            parent = known.get(question.id)
            if parent is not None and parent["label"] == DENIAL:
                for item in question.followups:
                    if DENIAL in item.ask_when or (item.only_for_type2 and report_type != "type2"):
                        continue
                    found |= _settle(implied, known, item.id, "followup", parent)
            premise = known.get(question.presupposes or "")
            if premise is not None and premise["label"] == DENIAL and eligible(question):
                found |= _settle(implied, known, question.id, "scored", premise)
        if not found:
            break
    return implied


def _settle(
    implied: dict[str, dict[str, Any]],
    known: Mapping[str, dict[str, Any]],
    qid: str,
    kind: str,
    parent: dict[str, Any],
) -> bool:
    if qid in known:
        return False
    implied[qid] = {
        **new_event(
            qid,
            kind,
            text=parent["text"],
            clarification=parent.get("clarification"),
            label=DENIAL,
            confidence=parent["confidence"],
            source=IMPLIED_SOURCE,
        ),
        "implied_by": parent.get("implied_by") or parent["qid"],  # the answer the founder gave
    }
    return True


def is_implied(event: Mapping[str, Any]) -> bool:
    """True for an answer settled by implication rather than given."""
    return event.get("source") == IMPLIED_SOURCE
