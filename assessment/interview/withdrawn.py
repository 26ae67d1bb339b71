"""Which chat turns belong to which answer, and marking them withdrawn when the answer is undone.

The turns of one ``Interview.answer`` call that recorded an answer (what the founder typed and the
reply that echoed it) carry ``event``: the index of that answer's event. Turns that started a
clarification carry the index the answer will take once it is settled. ``back`` pops the event and
marks its turns ``withdrawn`` (and drops their ``event``, which the next answer reuses); ``restart``
withdraws every answer's turns. The transcript keeps them, since nothing typed is lost, but a chat
shows them as withdrawn and they are never read back to the optional LLM as context.

Invariant: a live turn's ``event`` is below ``len(events)``, or equal to it for the pending answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessment.interview.session import SessionState

Transcript = list[dict[str, Any]]


@dataclass(frozen=True)
class ChatTurn:
    """One line of the chat as a UI replays it; ``withdrawn``: its answer was undone."""

    role: str
    text: str
    withdrawn: bool = False


def chat_turns(transcript: Transcript) -> tuple[ChatTurn, ...]:
    """The transcript as ``ChatTurn`` values, oldest first."""
    return tuple(ChatTurn(t["role"], t["text"], bool(t.get("withdrawn"))) for t in transcript)


def claim(state: SessionState, start: int, events_before: int, pending_before: dict[str, Any] | None) -> None:
    """Tag ``transcript[start:]`` (one answer call) with the answer it recorded or began, if any.

    An event recorded: its index. A clarification begun or reopened ("that's not right"), seen as a
    new pending answer: the index it will take. A command, side question or error: nothing.
    """
    if len(state.events) > events_before:
        index = len(state.events) - 1
    elif state.pending is not None and state.pending is not pending_before:
        index = len(state.events)
    else:
        return
    for turn in state.transcript[start:]:
        turn["event"] = index


def withdraw(transcript: Transcript, index: int) -> None:
    """Mark the live turns of answer ``index`` withdrawn (``back`` has just removed that answer)."""
    for turn in transcript:
        if turn.get("event") == index:
            del turn["event"]
            turn["withdrawn"] = True


def withdraw_all(transcript: Transcript) -> None:
    """Mark every answer's live turns withdrawn (``restart`` has just cleared every answer)."""
    for turn in transcript:
        if "event" in turn:
            del turn["event"]
            turn["withdrawn"] = True


def make_room(transcript: Transcript, index: int) -> None:
    """Move the pending answer's turns from ``index`` to ``index + 1``: an event is inserted at ``index``.

    ``revise`` appends a changed implied answer as an event of its own; the answer still awaiting
    a clarification then settles one place later.
    """
    for turn in transcript:
        if turn.get("event") == index:
            turn["event"] = index + 1
