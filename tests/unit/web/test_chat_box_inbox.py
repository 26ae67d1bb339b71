"""The chat box's server side: each submission id enters the action queue once, in the order sent.

A submission is queued with its id (``("submission", (id, text))``), so the app answers it once per id
also across server sessions (``Interview.answer_once``; tests/unit/web/test_chat_box_resend.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.web.chat_box.inbox import (
    MAX_OUTBOX,
    SeenIds,
    Submission,
    acknowledged,
    drain,
    parse_outbox,
)


def _sub(n: int, text: str | None = None) -> Submission:
    return Submission(id=f"c1-{n}", text=text if text is not None else f"answer {n}")


def test_a_repeated_send_adds_nothing_and_a_longer_one_adds_only_the_new_tail() -> None:
    seen, queue = SeenIds(), []
    assert drain([_sub(1)], seen, queue) == [_sub(1)]
    # The browser had no acknowledgement yet: it sends 1 again together with 2 and 3.
    assert drain([_sub(1), _sub(2), _sub(3)], seen, queue) == [_sub(2), _sub(3)]
    assert drain([_sub(1), _sub(2), _sub(3)], seen, queue) == []  # a resend after a lost ack
    assert queue == [("submission", (f"c1-{n}", f"answer {n}")) for n in (1, 2, 3)]
    assert acknowledged([_sub(2), _sub(3)], seen) == ["c1-2", "c1-3"]


def test_two_submissions_with_the_same_text_are_two_answers_but_one_id_is_one() -> None:
    seen, queue = SeenIds(), []
    drain([_sub(1, "yes"), _sub(2, "yes"), _sub(2, "yes")], seen, queue)
    assert queue == [("submission", ("c1-1", "yes")), ("submission", ("c1-2", "yes"))]


def test_drain_appends_after_what_is_already_queued() -> None:
    seen = SeenIds()
    queue: list[tuple[str, Any]] = [("back", None)]
    drain([_sub(7)], seen, queue)
    assert queue == [("back", None), ("submission", ("c1-7", "answer 7"))]


def test_a_text_over_the_cap_is_cut_to_it() -> None:
    queue: list[tuple[str, Any]] = []
    drain([_sub(1, "x" * 50), _sub(2, "short")], SeenIds(), queue, max_chars=10)
    assert queue == [("submission", ("c1-1", "x" * 10)), ("submission", ("c1-2", "short"))]


def test_an_id_saved_with_the_session_is_a_repeat_even_to_an_empty_memory() -> None:
    # A new server session (a restart, another replica): SeenIds is empty, but the saved session
    # holds the ids of the typed messages it has answered. A repeat is acknowledged, not queued.
    seen, queue = SeenIds(), []
    assert drain([_sub(1), _sub(2)], seen, queue, applied=("c1-1",)) == [_sub(2)]
    assert queue == [("submission", ("c1-2", "answer 2"))]
    assert acknowledged([_sub(1), _sub(2)], seen) == ["c1-1", "c1-2"]
    assert drain([_sub(1), _sub(2)], seen, queue, applied=()) == []  # and in memory from now on


def test_unseen_ids_are_not_acknowledged() -> None:
    seen = SeenIds()
    drain([_sub(1)], seen, [])
    assert acknowledged([_sub(1), _sub(2)], seen) == ["c1-1"]


def test_seen_ids_forget_the_oldest_beyond_capacity() -> None:
    seen = SeenIds(capacity=3)
    for n in range(5):
        seen.add(f"id-{n}")
    assert len(seen) == 3
    assert "id-0" not in seen and "id-1" not in seen and "id-4" in seen
    seen.add("id-2")  # seen again: becomes the newest, so the next eviction takes id-3
    seen.add("id-5")
    assert "id-2" in seen and "id-3" not in seen


def test_parse_outbox_reads_the_browser_payload_as_dict_or_json() -> None:
    payload = {"outbox": [{"id": "ab12-1", "text": "we use Okta"}], "attempt": 2}
    assert parse_outbox(payload) == [Submission(id="ab12-1", text="we use Okta")]
    assert parse_outbox(json.dumps(payload)) == [Submission(id="ab12-1", text="we use Okta")]
    assert parse_outbox(None) == []


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        42,
        {"outbox": "yes"},
        {"outbox": [{"id": "", "text": "x"}]},
        {"outbox": [{"id": "a b", "text": "x"}]},  # ids are the browser's hex-and-counter, nothing else
        {"outbox": [{"id": "a", "text": "x", "extra": 1}]},
        {"outbox": [{"id": "a"}]},
        {"outbox": [], "unknown": True},
        {"outbox": [{"id": f"a-{n}", "text": "x"} for n in range(MAX_OUTBOX + 1)]},
    ],
)
def test_a_malformed_payload_yields_nothing(payload: object, caplog: pytest.LogCaptureFixture) -> None:
    assert parse_outbox(payload) == []
    assert "malformed chat box payload" in caplog.text


@given(
    sends=st.lists(
        st.lists(st.integers(min_value=0, max_value=30), max_size=8).map(sorted), min_size=1, max_size=20
    )
)
def test_any_sequence_of_overlapping_sends_queues_each_id_once_in_first_seen_order(
    sends: list[list[int]],
) -> None:
    seen, queue = SeenIds(), []
    for send in sends:
        drain([_sub(n) for n in send], seen, queue)
    first_seen: list[int] = []
    for n in (n for send in sends for n in send):
        if n not in first_seen:
            first_seen.append(n)
    assert queue == [("submission", (f"c1-{n}", f"answer {n}")) for n in first_seen]
