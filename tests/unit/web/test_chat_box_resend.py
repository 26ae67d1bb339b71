"""A chat box resend reaching a new server session (a restart, another replica) adds nothing.

The ids a server session has taken live in its memory (``SeenIds``); the ids of the typed messages
answered live in the saved session too, so a new server session with the saved session recognises a
message the page sends again because the acknowledgement of its first send was lost. No Streamlit:
the chat box's ``drain`` and the app's ``apply_turns`` over a real SQLite store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assessment.interview.engine import Interview
from assessment.interview.live import LiveSession
from assessment.interview.storage import SessionStore, new_session_id
from assessment.web.chat_box.inbox import SeenIds, Submission, acknowledged, drain
from assessment.web.support import apply_turns

# Answers the rule layer understands, so no test here needs the embedding model.
FIRST, SECOND = "yes, via Okta for everyone", "no, not yet"


@pytest.fixture
def store(tmp_path: Path) -> Any:
    store = SessionStore(url=f"sqlite:///{tmp_path / 'sessions.db'}")
    yield store
    store.close()


def _typed(data: dict[str, Any] | None) -> list[str]:
    assert data is not None
    return [turn["text"] for turn in data["transcript"] if turn["role"] == "user"]


def _server_session_takes(live: LiveSession, outbox: list[Submission], applied: bool = False) -> list[str]:
    """One server session with empty memory takes one send; returns the ids it acknowledges.

    ``applied``: the session was loaded when the send arrived, so ``drain`` already knows its ids
    (else only ``apply_turns`` can tell, as when the send comes before the session is loaded).
    """
    seen, queue = SeenIds(), []
    known = {"applied": live.interview.submission_ids} if applied else {}
    drain(outbox, seen, queue, **known)
    apply_turns(queue, live, Interview.from_dict)
    return acknowledged(outbox, seen)


@pytest.mark.parametrize("applied", [False, True])
def test_a_resend_to_a_new_server_session_with_the_saved_session_adds_nothing(
    store: SessionStore, applied: bool
) -> None:
    sid = new_session_id()
    first = LiveSession(store, sid, Interview(scope={"security"}))
    sent = [Submission(id="c1-1", text=FIRST)]
    assert _server_session_takes(first, sent) == ["c1-1"]  # applied and saved; the ack is lost

    restarted = LiveSession.open(store, sid, Interview.from_dict)
    assert restarted is not None
    resent = [*sent, Submission(id="c1-2", text=SECOND)]
    assert _server_session_takes(restarted, resent, applied) == ["c1-1", "c1-2"]
    assert _typed(store.load(sid)) == [FIRST, SECOND]


def test_two_replicas_taking_the_same_resend_at_once_record_it_once(store: SessionStore) -> None:
    sid = new_session_id()
    LiveSession(store, sid, Interview(scope={"security"})).save()
    replica_a = LiveSession.open(store, sid, Interview.from_dict)
    replica_b = LiveSession.open(store, sid, Interview.from_dict)
    assert replica_a is not None and replica_b is not None
    sent = [Submission(id="c2-1", text=FIRST)]
    _server_session_takes(replica_a, sent)
    # B loaded the session before A saved: its save conflicts, it reloads and replays the send,
    # and the reloaded session already holds the id (the check is inside the compare-and-set).
    _server_session_takes(replica_b, sent)
    assert _typed(store.load(sid)) == [FIRST]
    assert _typed(replica_b.interview.to_dict()) == [FIRST]
