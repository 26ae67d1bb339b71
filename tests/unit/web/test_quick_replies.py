"""A quick reply answers the question it was drawn under, never the one after it (a double click)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assessment.interview.engine import Interview
from assessment.interview.live import LiveSession
from assessment.interview.storage import SessionStore, new_session_id
from assessment.web.markup import markdown_literal
from assessment.web.support import apply_turns, text


@pytest.fixture
def live(tmp_path: Path) -> Any:
    store = SessionStore(url=f"sqlite:///{tmp_path / 'sessions.db'}")
    yield LiveSession(store, new_session_id(), Interview())
    store.close()


def test_a_second_click_of_a_quick_reply_does_not_answer_the_next_question(live: LiveSession) -> None:
    first = live.interview.present()
    assert first is not None and first.options
    option = first.options[0]
    queue: list[tuple[str, Any]] = [("reply", (first.id, option)), ("reply", (first.id, option))]
    notices = apply_turns(queue, live, Interview.from_dict)
    assert queue == []
    answers = [e for e in live.interview.to_dict()["events"]]
    assert [e["qid"] for e in answers] == [first.id]  # the second click recorded nothing
    assert notices == [("toast", text("stale_quick_reply", reply=markdown_literal(option)))]
    following = live.interview.next_question()
    assert following is not None and following.id != first.id


def test_a_quick_reply_for_the_current_question_is_recorded_like_typing_it(live: LiveSession) -> None:
    first = live.interview.present()
    assert first is not None and first.options
    assert apply_turns([("reply", (first.id, first.options[0]))], live, Interview.from_dict) == []
    assert [e["qid"] for e in live.interview.to_dict()["events"]] == [first.id]
