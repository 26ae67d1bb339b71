"""What the chat box sent, drained into the app's action queue once per submission id (no Streamlit).

The browser holds every submission (an id and the text) until the server acknowledges its id, and each
send carries all the unacknowledged ones, so the same submission can arrive several times and a later
send repeats an earlier one. ``drain`` moves each id into the queue exactly once, in the order sent;
``acknowledged`` lists what the browser may forget.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger("soc2_ready.chat_box")

MAX_OUTBOX = 500  # submissions one send may carry; the browser sends far fewer
MAX_ID_CHARS = 80
REMEMBERED_IDS = 5000  # ids kept per browser session to ignore repeats (a send repeats only unacked ones)


class Submission(BaseModel):
    """One message typed into the chat box: the browser's id for it and the text as typed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=MAX_ID_CHARS, pattern=r"^[A-Za-z0-9_.:-]+$")
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
    action: str = "answer",
    max_chars: int | None = None,
) -> list[Submission]:
    """Append each submission not seen before to ``queue`` as ``(action, text)``, in order; return them.

    An id is recorded in ``seen`` in the same step as its text enters the queue (no call in between
    that could stop the script), so a repeated send adds nothing and no send is half-applied.
    Repeats inside one send count once too. A text over ``max_chars`` is cut there, as the page's
    own box does (only a tampered page can send a longer one).
    """
    added: list[Submission] = []
    for submission in outbox:
        if submission.id in seen:
            continue
        queue.append((action, submission.text if max_chars is None else submission.text[:max_chars]))
        seen.add(submission.id)
        added.append(submission)
    return added


def acknowledged(outbox: Sequence[Submission], seen: SeenIds) -> list[str]:
    """The ids of ``outbox`` the server has taken, which the browser may drop from its queue."""
    return [submission.id for submission in outbox if submission.id in seen]
