"""Two tabs, two processes, one session: compare-and-set saves keep every writer's answers.

Before versions, a save replaced the whole row: tab B, opened on the same session, answering once
after tab A answered four times left the store with tab A's first answer and tab B's only.
``store_url`` runs each test on SQLite and, when a server is available, on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.interview.engine import Interview
from assessment.interview.live import LiveSession
from assessment.interview.storage import SessionStore, VersionConflict, new_session_id

ROOT = Path(__file__).resolve().parents[2]
# Answers the rule layer understands, so no test here needs the embedding model.
ANSWERS = ["yes, via Okta for everyone", "no, not yet", "we do that quarterly with tickets", "not sure"]


def user_turns(data: dict[str, object]) -> list[str]:
    """What the founder typed, in order, from a stored session."""
    transcript = data["transcript"]
    assert isinstance(transcript, list)
    return [turn["text"] for turn in transcript if turn["role"] == "user"]


def test_stale_compare_and_set_is_refused(store_url: str) -> None:
    store = SessionStore(url=store_url)
    sid = new_session_id()
    assert store.save(sid, {"step": 1}, expected_version=0) == 1
    with pytest.raises(VersionConflict):
        store.save(sid, {"step": "again"}, expected_version=0)  # "new" twice: the second loses
    assert store.save(sid, {"step": 2}, expected_version=1) == 2
    with pytest.raises(VersionConflict):
        store.save(sid, {"step": "stale"}, expected_version=1)
    assert store.load(sid) == {"step": 2}
    assert store.save(sid, {"step": 3}) == 3  # an unconditional save still bumps the version
    store.close()


def test_two_tabs_on_one_session_keep_every_answer(store_url: str) -> None:
    store = SessionStore(url=store_url)
    sid = new_session_id()
    first = LiveSession(store, sid, Interview(scope={"security"}))
    first.apply(lambda iv: iv.answer("yes, via Okta for everyone"), Interview.from_dict)
    # Tab B opens the same link, then tab A answers four more, then tab B answers once.
    tab_a = LiveSession.open(store, sid, Interview.from_dict)
    tab_b = LiveSession.open(store, sid, Interview.from_dict)
    assert tab_a is not None and tab_b is not None
    for n in range(4):
        tab_a.apply(lambda iv, n=n: iv.answer(f"{ANSWERS[n]} (A{n})"), Interview.from_dict)
    tab_b.apply(lambda iv: iv.answer("no, not yet (B)"), Interview.from_dict)
    stored = store.load(sid)
    assert stored is not None
    expected = ["yes, via Okta for everyone", *(f"{ANSWERS[n]} (A{n})" for n in range(4)), "no, not yet (B)"]
    assert user_turns(stored) == expected
    assert len(Interview.from_dict(stored).to_dict()["events"]) == 6  # all six recorded, not just typed
    # Tab A sees tab B's answer on its next look, without a reload of the page.
    assert tab_a.refresh(Interview.from_dict) and user_turns(tab_a.interview.to_dict()) == expected
    store.close()


DRIVER = """
import json, os, sys
from assessment.interview.engine import Interview
from assessment.interview.live import LiveSession
from assessment.interview.storage import SessionStore

url, sid, name = sys.argv[1], sys.argv[2], sys.argv[3]
store = SessionStore(url=url)
for n in range(int(os.environ["TURNS"])):
    live = LiveSession.open(store, sid, Interview.from_dict)  # a stale copy is the normal case
    live.apply(lambda iv: iv.answer(f"not sure ({name}{n})"), Interview.from_dict)
print("done", flush=True)
"""


@pytest.mark.slow  # two Python processes, each loading the engine and the reader
def test_two_processes_writing_one_session_keep_both_answers(store_url: str, tmp_path: Path) -> None:
    store = SessionStore(url=store_url)
    sid = new_session_id()
    LiveSession(store, sid, Interview(scope={"security", "availability"})).save()
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    env = {**os.environ, "TURNS": "8", "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), store_url, sid, name], env=env, stdout=subprocess.PIPE, text=True
        )
        for name in ("P", "Q")
    ]
    outputs = [proc.communicate(timeout=300)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    stored = store.load(sid)
    assert stored is not None
    typed = user_turns(stored)
    for name in ("P", "Q"):
        mine = [t for t in typed if t.endswith(tuple(f"({name}{n})" for n in range(8)))]
        assert mine == [f"not sure ({name}{n})" for n in range(8)]  # every one, in order, once
    assert len(typed) == 16
    json.dumps(stored)
    store.close()
