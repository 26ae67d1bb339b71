"""The chat box through the app (AppTest): each submission id is recorded once, in order, and acked.

The browser re-sends every submission it has not seen acknowledged, so the server sees the same id
again and again; only the first counts. AppTest cannot run the component's JavaScript, so
``fakes.apptest.send_chat_box`` sends what it would.
"""

from __future__ import annotations

import json
from pathlib import Path

from fakes.apptest import assert_clean, chat_boxes, interview, new_app, say, send_chat_box, start
from streamlit.testing.v1 import AppTest


def _typed(at: AppTest) -> list[str]:
    return [said for role, said in interview(at).transcript if role == "user"]


def _acked(at: AppTest) -> list[str]:
    (box,) = chat_boxes(at)
    return list(json.loads(box.proto.json)["acked"])


def _send(at: AppTest, items: list[tuple[str, str]]) -> None:
    send_chat_box(at, {"outbox": [{"id": i, "text": said} for i, said in items], "attempt": 1})
    assert_clean(at)


def test_a_repeated_submission_is_recorded_once_and_acknowledged(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    say(at, "yes, customer data is classified", ids=("b0-1",))
    assert_clean(at)
    assert _typed(at) == ["yes, customer data is classified"]
    assert _acked(at) == ["b0-1"]
    say(at, "yes, customer data is classified", ids=("b0-1",))  # a resend: the ack was not seen yet
    assert_clean(at)
    assert _typed(at) == ["yes, customer data is classified"]


def test_a_send_carrying_unacknowledged_ones_adds_only_the_new_ones_in_order(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    _send(at, [("b1-1", "first: yes")])
    # The page had not seen 1 acknowledged when 2 and 3 were typed: all three arrive in one send.
    _send(at, [("b1-1", "first: yes"), ("b1-2", "second: no"), ("b1-3", "third: partly")])
    assert _typed(at) == ["first: yes", "second: no", "third: partly"]
    assert _acked(at) == ["b1-1", "b1-2", "b1-3"]
    _send(at, [("b1-4", "yes")])  # once acked, the page sends only what is new
    assert _typed(at)[-1] == "yes" and len(_typed(at)) == 4


def test_a_resend_to_a_new_server_session_of_the_saved_session_adds_nothing(app_env: Path) -> None:
    # The server saved the answer, but the page never saw the ack: it reconnects to a restarted
    # server or another replica (a new session state, no ids in memory) and sends it again.
    at = start(new_app(), ["confidentiality"])
    _send(at, [("b3-1", "yes, customer data is classified")])
    sid = str(at.session_state["sid"])
    again = new_app(sid)
    assert_clean(again)
    assert _typed(again) == ["yes, customer data is classified"]
    _send(again, [("b3-1", "yes, customer data is classified"), ("b3-2", "no")])
    assert _typed(again) == ["yes, customer data is classified", "no"]
    assert _acked(again) == ["b3-1", "b3-2"]  # the repeat is acknowledged too: the page drops it
    third = new_app(sid)  # and once more, to yet another server session
    _send(third, [("b3-2", "no")])
    assert _typed(third) == ["yes, customer data is classified", "no"]


def test_a_malformed_send_changes_nothing_and_shows_no_error(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    before = interview(at).to_dict()
    send_chat_box(at, {"outbox": [{"id": "bad id with spaces", "text": "yes"}]})
    assert_clean(at)
    send_chat_box(at, "garbage")
    assert_clean(at)
    assert interview(at).to_dict() == before
    assert chat_boxes(at)  # the chat box is still there to type into
