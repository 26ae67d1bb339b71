"""What the chat box sent, drained into the app's action queue once per submission id (no Streamlit).

The browser holds every submission (an id and the text) until the server acknowledges its id, and each
send carries all the unacknowledged ones, so the same submission can arrive several times and a later
send repeats an earlier one. ``drain`` moves each id into the queue exactly once, in the order sent;
``acknowledged`` lists what the browser may forget.

What this server session took is in memory (``SeenIds``); what any server session answered is saved
with the session (``Interview.submission_ids``), so a resend after the page reconnected to a restarted
server or another replica is a repeat too. A submission is queued with its id, and the app answers it
with ``Interview.answer_once`` inside the compare-and-set: that is the check that always holds, also
when the session was not loaded yet at drain time or two replicas take the same resend at once.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessment.interview.session_schema import MAX_SUBMISSION_IDS, SUBMISSION_ID

log = logging.getLogger("soc2_ready.chat_box")

MAX_OUTBOX = MAX_SUBMISSION_IDS  # submissions one send may carry (the browser sends far fewer): a
# session keeps as many answered ids, so it recognises any resend
REMEMBERED_IDS = 5000  # ids kept per browser session to ignore repeats (a send repeats only unacked ones)
SUBMISSION = "submission"  # the queued action: value (id, text), answered once per id


class Submission(BaseModel):
    """One message typed into the chat box: the browser's id for it and the text as typed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SUBMISSION_ID.pattern)  # what a session can save: 1-80 of A-Za-z0-9_.:-
    text: str


class Outbox(BaseModel):
    """One send from the browser: every submission it has not seen acknowledged, oldest first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outbox: list[Submission] = Field(max_length=MAX_OUTBOX)
    attempt: int = Field(default=0, ge=0)


class SeenIds:
    """The submission ids already moved into the queue, the most recent ``capacity`` of them."""

    def __init__(self, capacity: int = REMEMBERED_IDS) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, submission_id: object) -> bool:
        return submission_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, submission_id: str) -> None:
        """Remember ``submission_id``; the oldest one is forgotten beyond ``capacity``."""
        self._ids[submission_id] = None
        self._ids.move_to_end(submission_id)
        while len(self._ids) > self.capacity:
            self._ids.popitem(last=False)


def parse_outbox(payload: Any) -> list[Submission]:
    """The submissions in one send (a dict, or its JSON text); a malformed send yields none.

    Only a tampered or broken page can send a malformed payload; it is logged and ignored rather than
    shown, since nothing the founder typed can be recovered from it.
    """
    if payload is None:
        return []
    try:
        if isinstance(payload, str | bytes):
            return list(Outbox.model_validate_json(payload).outbox)
        return list(Outbox.model_validate(payload).outbox)
    except (ValidationError, ValueError, json.JSONDecodeError) as exc:
        log.warning("malformed chat box payload ignored: %s", str(exc).splitlines()[0])
        return []


def drain(
    outbox: Iterable[Submission],
    seen: SeenIds,
    queue: list[tuple[str, Any]],
    max_chars: int | None = None,
    applied: Collection[str] = (),
) -> list[Submission]:
    """Append each submission not seen before to ``queue`` as ``("submission", (id, text))``, in order.

    A repeat is an id in ``seen`` or in ``applied`` (the ids saved with the session being answered);
    it is recorded in ``seen``, so it is acknowledged, and not queued. An id is recorded in ``seen``
    in the same step as its text enters the queue (no call in between that could stop the script), so
    a repeated send adds nothing and no send is half-applied. Repeats inside one send count once too.
    A text over ``max_chars`` is cut there, as the page's own box does (only a tampered page can send a
    longer one). Returns the submissions queued.
    """
    added: list[Submission] = []
    for submission in outbox:
        if submission.id in seen:
            continue
        if submission.id not in applied:
            said = submission.text if max_chars is None else submission.text[:max_chars]
            queue.append((SUBMISSION, (submission.id, said)))
            added.append(submission)
        seen.add(submission.id)
    return added


def acknowledged(outbox: Sequence[Submission], seen: SeenIds) -> list[str]:
    """The ids of ``outbox`` the server has taken, which the browser may drop from its queue."""
    return [submission.id for submission in outbox if submission.id in seen]
