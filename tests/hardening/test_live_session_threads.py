"""Two script runs of one browser tab at once: a reload in one never undoes an answer the other saves.

Streamlit starts a new run on a new thread while the previous one is still finishing, so one tab's
``LiveSession`` is used by two threads: the new run refreshes it (another tab answered meanwhile)
while the old run is applying the next answer. Without a lock the refresh swapped the interview out
between the answer and its save, and the answer was lost without a trace (seen in
``tests/e2e/test_e2e_fast_typing.py``: 11 of 12 answers typed 50 ms apart stored, the second one gone).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from assessment.interview.engine import Interview
from assessment.interview.live import LiveSession
from assessment.interview.storage import SessionStore, new_session_id

# Answers the rule layer understands, so no test here needs the embedding model.
ANSWERS = ["yes, via Okta for everyone", "no, not yet", "we do that quarterly with tickets"]


def _typed(data: dict[str, Any] | None) -> list[str]:
    assert data is not None
    return [turn["text"] for turn in data["transcript"] if turn["role"] == "user"]


def test_a_reload_in_one_run_cannot_swap_out_an_answer_being_saved_in_another(tmp_path: Path) -> None:
    store = SessionStore(url=f"sqlite:///{tmp_path / 'sessions.db'}")
    sid = new_session_id()
    tab = LiveSession(store, sid, Interview(scope={"security"}))
    tab.apply(lambda iv: iv.answer(ANSWERS[0]), Interview.from_dict)
    other_tab = LiveSession.open(store, sid, Interview.from_dict)
    assert other_tab is not None
    other_tab.apply(lambda iv: iv.answer(f"{ANSWERS[1]} (other tab)"), Interview.from_dict)

    answering = threading.Event()

    def slow_restore(data: dict[str, Any]) -> Interview:  # rebuilding a long session takes a while
        answering.wait(timeout=1.0)  # with the lock, the other run cannot start its answer meanwhile
        return Interview.from_dict(data)

    def answer(iv: Interview) -> None:
        answering.set()
        time.sleep(0.3)  # without the lock, the reload finishes now and swaps the interview out
        iv.answer(f"{ANSWERS[2]} (this tab)")

    new_run = threading.Thread(target=tab.refresh, args=(slow_restore,))
    new_run.start()
    time.sleep(0.1)  # the new run is reloading
    tab.apply(answer, Interview.from_dict)  # the old run applies the next queued answer
    new_run.join()
    assert _typed(store.load(sid)) == [ANSWERS[0], f"{ANSWERS[1]} (other tab)", f"{ANSWERS[2]} (this tab)"]
    assert _typed(tab.interview.to_dict()) == _typed(store.load(sid))
    store.close()
