"""Coming back for what is open: before the end, one offer to answer the skipped and "not sure" questions.

The offer is asked once, when every other question is settled and some are open ("You skipped 2
questions and weren't sure about 3: answer them now, or leave them open?"). The founder's choice is
an event of kind ``revisit`` in the log, so it survives ``to_dict``/``from_dict`` and ``back`` undoes
it. "Now" walks the open questions again in the order asked; an answer given then (or a second skip)
settles each one, and the interview ends after the last. "Leave" ends the interview at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from assessment.interview.records import REVISABLE_KINDS, latest_events
from assessment.interview.session import new_event
from assessment.models import Question, Reply
from assessment.templates import render_message
from knowledge.text import fold_quotes, lower_line

REVISIT_ID = "revisit"
Decision = Literal["now", "leave"]
Item = tuple[str, str]  # (kind, question ID) of an open scored question or follow-up
_NOW = re.compile(
    r"\b(?:yes|yeah|yep|yup|sure|ok|okay|now|answer|go|let'?s|lets|do (?:it|them)|please|walk|ask|"
    r"take (?:them|those)|why not)\b"
)
_LEAVE = re.compile(
    r"\b(?:no|nope|nah|not|leave|open|later|skip|done|finish|finished|stop|enough|don'?t|dont|"
    r"haven'?t|havent|never|end)\b"
)


@dataclass(frozen=True)
class OpenItems:
    """Open questions by their latest answer: skipped, "not sure", and both in the order asked."""

    skipped: tuple[Item, ...]
    unsure: tuple[Item, ...]
    all: tuple[Item, ...]


def open_items(
    events: list[dict[str, Any]],
    implied: Mapping[str, Any],
    relevant: Callable[[str, str], bool],
) -> OpenItems:
    """Skipped and "not sure" questions in ``events`` that still matter (``relevant(kind, qid)``)."""
    skipped: list[Item] = []
    unsure: list[Item] = []
    for event in latest_events(events):
        kind, qid = event["kind"], event["qid"]
        if kind not in REVISABLE_KINDS or qid in implied or not relevant(kind, qid):
            continue
        if event["skipped"]:
            skipped.append((kind, qid))
        elif event["label"] == "unknown":
            unsure.append((kind, qid))
    first = {(e["kind"], e["qid"]): i for i, e in reversed(list(enumerate(events)))}
    both = sorted([*skipped, *unsure], key=first.__getitem__)
    return OpenItems(tuple(skipped), tuple(unsure), tuple(both))


def decision_at(events: list[dict[str, Any]]) -> tuple[Decision | None, int | None]:
    """The founder's choice on the offer and the index of its event (None, None before it)."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event["kind"] == "revisit":
            value = event.get("value") or {}
            decision: Decision = "leave" if event["skipped"] else value.get("decision", "leave")
            return decision, index
    return None, None


def still_to_walk(
    events: list[dict[str, Any]],
    implied: Mapping[str, Any],
    relevant: Callable[[str, str], bool],
) -> tuple[Item, ...]:
    """After "now": the open questions at the offer that have not been settled again since."""
    decision, at = decision_at(events)
    if decision != "now" or at is None:
        return ()
    before = open_items(events[:at], implied, relevant).all
    answered_since = {(e["kind"], e["qid"]) for e in events[at + 1 :]}
    return tuple(item for item in before if item not in answered_since and item[1] not in implied)


def offer_ahead(events: list[dict[str, Any]]) -> bool:
    """True while the offer to take up open questions is still to come (no choice recorded yet)."""
    return decision_at(events)[0] is None


def next_item(
    events: list[dict[str, Any]],
    implied: Mapping[str, Any],
    relevant: Callable[[str, str], bool],
) -> Item | None:
    """What the end of the interview asks: the offer (``("revisit", REVISIT_ID)``), an open question
    being walked again, or None when nothing is left."""
    decision, _ = decision_at(events)
    if decision is None:
        return ("revisit", REVISIT_ID) if open_items(events, implied, relevant).all else None
    walk = still_to_walk(events, implied, relevant)
    return walk[0] if walk else None


def remaining(
    events: list[dict[str, Any]],
    implied: Mapping[str, Any],
    relevant: Callable[[str, str], bool],
) -> int:
    """Questions the revisit still adds: the offer itself, or the open questions left to walk."""
    decision, _ = decision_at(events)
    if decision is None:
        return 1 if open_items(events, implied, relevant).all else 0
    return len(still_to_walk(events, implied, relevant))


def _count(count: int) -> str:
    return render_message("revisit_count_one" if count == 1 else "revisit_count_many", count=count)


def offer_question(items: OpenItems) -> Question:
    """The one question that offers the open questions again."""
    skipped, unsure = len(items.skipped), len(items.unsure)
    them = render_message("revisit_it" if skipped + unsure == 1 else "revisit_them")
    if skipped and unsure:
        text = render_message("revisit_offer_both", skipped=_count(skipped), unsure=unsure, them=them)
    elif skipped:
        text = render_message("revisit_offer_skipped", skipped=_count(skipped), them=them)
    else:
        text = render_message("revisit_offer_unsure", unsure=_count(unsure), them=them)
    options = (render_message("option_revisit_now"), render_message("option_revisit_leave"))
    return Question(
        REVISIT_ID,
        text,
        "scoping",
        (),
        options,
        render_message("revisit_why"),
        "revisit",
    )


def again_text(question: Question, was_skipped: bool) -> str:
    """How a question walked again is shown: a short reminder of why it comes back, then the question."""
    name = "revisit_again_skipped" if was_skipped else "revisit_again_unsure"
    return render_message(name, question=question.display_text)


def read_decision(text: str) -> Decision | None:
    """ "now" or "leave" from the founder's reply to the offer (a quick reply or own words), else None."""
    norm = lower_line(fold_quotes(text)).strip(" .!")
    if norm in (render_message("option_revisit_now").lower(), "1"):
        return "now"
    if norm in (render_message("option_revisit_leave").lower(), "2"):
        return "leave"
    leave, now = bool(_LEAVE.search(norm)), bool(_NOW.search(norm))
    if leave != now:
        return "leave" if leave else "now"
    return None  # neither, or both ("no, let's answer them"): ask to choose


def decision_event(decision: Decision, text: str, source: str = "revisit") -> dict[str, Any]:
    """The event recording the founder's choice."""
    return new_event(REVISIT_ID, "revisit", text=text, value={"decision": decision}, source=source)


def decision_reply(decision: Decision, count: int) -> Reply:
    """What the assistant says to the choice (the next question, if any, follows on its own)."""
    if decision == "now":
        return Reply(render_message("revisit_now", count=_count(count)), None, "answer")
    return Reply(render_message("revisit_leave"), None, "answer")


def shown_again(events: list[dict[str, Any]], question: Question) -> Question:
    """A question asked a second time (walked again before the end) says why it comes back."""
    previous = next((e for e in reversed(events) if e["qid"] == question.id), None)
    if previous is None or previous["kind"] not in REVISABLE_KINDS:
        return question
    return replace(question, display_text=again_text(question, bool(previous["skipped"])))
