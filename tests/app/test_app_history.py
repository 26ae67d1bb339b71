"""A session with tens of thousands of turns renders a bounded page of them (issue 15, item 11).

An uploaded 0.9 MB session with 30,000 turns used to hang the tab for minutes: every turn became a
chat message. Now the latest bubbles stay on the page and older ones are shown one page at a time.
"""

from __future__ import annotations

from pathlib import Path

from fakes.apptest import assert_clean, new_app

from assessment.interview.engine import Interview
from assessment.interview.storage import SessionStore, new_session_id
from assessment.web import history, support
from assessment.web.chat import LIVE_BUBBLES, PAGE_BUBBLES

TURNS = 30_000


def _long_session() -> dict[str, object]:
    iv = Interview(scope={"confidentiality"})
    iv.next_question()
    iv.answer("yes, customer data is classified and encrypted")
    data = iv.to_dict()
    filler = [
        {"role": "user" if i % 2 == 0 else "assistant", "text": f"turn {i}: what is a bridge letter?"}
        for i in range(TURNS)
    ]
    transcript = data["transcript"]
    assert isinstance(transcript, list)
    data["transcript"] = filler + transcript
    return data


def test_thirty_thousand_turns_render_one_page_at_a_time(app_env: Path) -> None:
    data = _long_session()
    store = SessionStore(url=f"sqlite:///{app_env}")
    sid = new_session_id()
    store.save(sid, data, expected_version=0)
    store.close()
    at = new_app(sid)
    assert_clean(at)
    shown = at.get("chat_message")
    assert 0 < len(shown) <= LIVE_BUBBLES + PAGE_BUBBLES
    picker = at.selectbox(key="history_page")
    assert len(picker.options) == -(
        -(len(support.transcript_turns(data["transcript"])) - LIVE_BUBBLES) // PAGE_BUBBLES
    )
    # The oldest page can be opened; still a bounded number of bubbles.
    picker.set_value(history.history_pages(TURNS, PAGE_BUBBLES)[0]).run()
    assert_clean(at)
    assert len(at.get("chat_message")) <= LIVE_BUBBLES + PAGE_BUBBLES
    assert any("turn 0:" in m.value for m in at.markdown)


def test_history_pages_cover_every_bubble_once() -> None:
    bubbles = [("user", str(i)) for i in range(123)]
    earlier, latest = history.split_history(bubbles, 20)
    assert latest == bubbles[-20:] and earlier == bubbles[:-20]
    pages = history.history_pages(len(earlier), 50)
    assert [(p.first, p.last) for p in pages] == [(1, 50), (51, 100), (101, 103)]
    assert [b for p in pages for b in earlier[p.start : p.stop]] == earlier
    assert history.split_history(bubbles[:5], 20) == ([], bubbles[:5])
    assert len(history.history_pages(0, 50)) == 1
