"""Crash safety of the session store: SIGKILL a real process mid-interview, then reopen the database.

A small driver script (written into ``tmp_path``) runs an ``Interview`` and saves it to a SQLite
``SessionStore`` after every answer, printing ``saving N <digest>`` before and ``saved N <digest>``
after each save. The test kills it with SIGKILL at chosen moments (inside the commit, just as a
large write starts, just after a save) and checks that the file is intact, still in WAL mode, and
holds the last saved session or the one in flight, never anything half-written. Damaged files
(garbage, truncated, a folder in its place) are moved aside; a merely locked one is left alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from assessment.interview.engine import Interview
from assessment.interview.storage import DB_FILENAME, SessionStore, StoreError, default_url, new_session_id

ROOT = Path(__file__).resolve().parents[2]
LINE_TIMEOUT_S = 60
# Plain answers the rule layer understands, so the driver never needs to load the embedding model.
ANSWERS = [
    "yes, via Okta for everyone",
    "no, not yet",
    "partly: only production, not staging",
    "we do that quarterly with tickets",
    "not sure",
    "yes",
]

DRIVER = """
import hashlib, json, os, sys, time

from sqlalchemy import event

from assessment.interview.engine import Interview
from assessment.interview.storage import SessionStore

ANSWERS = json.loads(os.environ["ANSWERS"])


def answer_text(n):
    said = f"{ANSWERS[n % len(ANSWERS)]} #{n}"
    pad = int(os.environ.get("PAD", "0"))
    return said + (" padding" * (pad // 8) if pad else "")


def digest(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


url, sid = sys.argv[1], sys.argv[2]
pause_at = int(os.environ.get("PAUSE_AT", "0"))
store = SessionStore(url=url)
data = store.load(sid)
iv = Interview.from_dict(data) if data else Interview(scope={"security", "availability"})
n = sum(1 for role, _ in iv.transcript if role == "user")
current = {"n": -1}


def on_commit(conn):
    # Hold the transaction open at the chosen save so the parent can kill us inside it.
    if current["n"] == pause_at:
        print(f"committing {current['n']}", flush=True)
        time.sleep(120)


event.listen(store.engine, "commit", on_commit)
print(f"ready {n}", flush=True)
while iv.next_question() is not None:
    n += 1
    iv.answer(answer_text(n))
    data = iv.to_dict()
    current["n"] = n
    print(f"saving {n} {digest(data)}", flush=True)
    store.save(sid, data)
    print(f"saved {n} {digest(data)}", flush=True)
print(f"done {n}", flush=True)
"""


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _answer_text(n: int, pad: int = 0) -> str:
    said = f"{ANSWERS[n % len(ANSWERS)]} #{n}"
    return said + (" padding" * (pad // 8) if pad else "")


@dataclass
class Driver:
    """A running driver process and the lines it has printed so far."""

    proc: subprocess.Popen[str]
    lines: queue.Queue[str | None]
    seen: list[str]

    def wait_for(self, prefix: str) -> str:
        """Read lines until one starts with ``prefix``; fail if the driver ends or stalls first."""
        while True:
            line = self.lines.get(timeout=LINE_TIMEOUT_S)
            if line is None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(
                    f"driver ended before {prefix!r}; output {self.seen[-5:]}\n{err[-3000:]}"
                )
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def kill(self) -> list[str]:
        """SIGKILL the driver and return everything it printed."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=LINE_TIMEOUT_S)
        return self.drain()

    def finish(self) -> list[str]:
        """Let the driver run to its end and return everything it printed."""
        assert self.proc.wait(timeout=LINE_TIMEOUT_S * 3) == 0, (
            self.proc.stderr.read() if self.proc.stderr else ""
        )
        return self.drain()

    def drain(self) -> list[str]:
        while (line := self.lines.get(timeout=LINE_TIMEOUT_S)) is not None:
            self.seen.append(line)
        if self.proc.stderr:
            self.proc.stderr.close()
        return self.seen


@pytest.fixture
def driver_script(tmp_path: Path) -> Path:
    path = tmp_path / "driver.py"
    path.write_text(DRIVER, encoding="utf-8")
    return path


@pytest.fixture
def launched() -> Iterator[list[Driver]]:
    """Every driver started by a test; any still running at the end is killed."""
    drivers: list[Driver] = []
    yield drivers
    for d in drivers:
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait(timeout=LINE_TIMEOUT_S)


def start_driver(
    script: Path, db: Path, sid: str, launched: list[Driver], pause_at: int = 0, pad: int = 0
) -> Driver:
    env = {
        **os.environ,
        "PAUSE_AT": str(pause_at),
        "PAD": str(pad),
        "ANSWERS": json.dumps(ANSWERS),
        "SOC2_READY_DATA_DIR": str(db.parent / "data"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SOC2_READY_SESSION_DB_URL", None)
    env.pop("SOC2_READY_LLM", None)
    proc = subprocess.Popen(
        [sys.executable, str(script), default_url(db.parent), sid],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    driver = Driver(proc, lines, [])
    launched.append(driver)
    return driver


def assert_database_healthy(db: Path) -> None:
    """The file passes SQLite's full integrity check and is still in WAL mode."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def saves(lines: list[str], kind: str) -> list[tuple[int, str]]:
    """``(answer number, digest)`` of every ``saving``/``saved`` line."""
    out = []
    for line in lines:
        parts = line.split()
        if parts and parts[0] == kind:
            out.append((int(parts[1]), parts[2]))
    return out


def user_turns(data: dict[str, Any]) -> list[str]:
    """What the founder typed, long answers included (the file keeps those once, in their event)."""
    from assessment import Interview

    return [text for role, text in Interview.from_dict(data).transcript if role == "user"]


def load_after_crash(db: Path, sid: str) -> dict[str, Any] | None:
    """Reopen the store the way the app does after a crash: it must open cleanly, with no notice."""
    assert_database_healthy(db)
    store = SessionStore(url=default_url(db.parent))
    try:
        assert store.notice is None
        return store.load(sid)
    finally:
        store.close()


# -- SIGKILL at chosen moments ------------------------------------------------------------------


@pytest.mark.slow  # driver processes killed with SIGKILL
@pytest.mark.parametrize("pause_at", [1, 4, 11])
def test_kill_inside_the_commit_loses_only_the_answer_in_flight(
    tmp_path: Path, driver_script: Path, launched: list[Driver], pause_at: int
) -> None:
    db = tmp_path / DB_FILENAME
    sid = new_session_id()
    driver = start_driver(driver_script, db, sid, launched, pause_at=pause_at)
    driver.wait_for(f"committing {pause_at}")
    lines = driver.kill()

    data = load_after_crash(db, sid)
    saved = saves(lines, "saved")
    assert [n for n, _ in saved] == list(range(1, pause_at))
    if pause_at == 1:
        assert data is None  # the very first save was in flight: nothing else existed yet
    else:
        assert data is not None and _digest(data) == saved[-1][1]
        assert user_turns(data) == [_answer_text(n) for n in range(1, pause_at)]
        iv = Interview.from_dict(data)
        assert iv.next_question() is not None

    # The process restarts, resumes from the store and finishes; the killed answer is simply asked again.
    rerun = start_driver(driver_script, db, sid, launched)
    lines = rerun.finish()
    assert lines[0] == f"ready {pause_at - 1}"
    final = load_after_crash(db, sid)
    assert final is not None and _digest(final) == saves(lines, "saved")[-1][1]
    last = int(lines[-1].split()[1])
    assert user_turns(final) == [_answer_text(n) for n in range(1, last + 1)]
    resumed = Interview.from_dict(final)
    assert resumed.finished
    report = resumed.report()
    assert report.finished and set(report.category_scores) == {"security", "availability"}


@pytest.mark.slow  # driver processes killed again and again
@pytest.mark.parametrize(
    ("pad", "kill_points"),
    [
        (0, [("saved", 2), ("saving", 7), ("saved", 13), ("saving", 20)]),
        # Large answers make every save a multi-megabyte write, so a kill on "saving" lands inside it.
        (60_000, [("saving", 3), ("saving", 6), ("saving", 9)]),
    ],
)
def test_repeated_kills_keep_every_answer_but_the_one_in_flight(
    tmp_path: Path,
    driver_script: Path,
    launched: list[Driver],
    pad: int,
    kill_points: list[tuple[str, int]],
) -> None:
    db = tmp_path / DB_FILENAME
    sid = new_session_id()
    kept = 0
    for kind, at in kill_points:
        driver = start_driver(driver_script, db, sid, launched, pad=pad)
        assert driver.wait_for("ready") == f"ready {kept}"
        driver.wait_for(f"{kind} {at} ")
        lines = driver.kill()

        data = load_after_crash(db, sid)
        assert data is not None
        saved = saves(lines, "saved")
        last_saved = saved[-1] if saved else (kept, None)
        in_flight = [s for s in saves(lines, "saving") if s[0] == last_saved[0] + 1]
        allowed = {last_saved[1], *(d for _, d in in_flight)} - {None}
        # Either the last completed save, or (killed between commit and print) the one in flight.
        assert _digest(data) in allowed
        kept = len(user_turns(data))
        assert kept in (last_saved[0], last_saved[0] + 1)
        assert user_turns(data) == [_answer_text(n, pad) for n in range(1, kept + 1)]
        Interview.from_dict(data)

    final_run = start_driver(driver_script, db, sid, launched, pad=pad)
    lines = final_run.finish()
    assert lines[0] == f"ready {kept}"
    final = load_after_crash(db, sid)
    assert final is not None and Interview.from_dict(final).finished


# -- one transaction per save -----------------------------------------------------------------------


def test_each_save_is_one_transaction_and_a_failed_save_changes_nothing(tmp_path: Path) -> None:
    store = SessionStore(data_dir=tmp_path)
    sid = new_session_id()
    iv = Interview(scope={"confidentiality"})
    store.save(sid, iv.to_dict())
    before = iv.to_dict()

    counts = {"begin": 0, "commit": 0, "rollback": 0}
    for name in counts:
        event.listen(store.engine, name, lambda conn, name=name: counts.__setitem__(name, counts[name] + 1))
    question = iv.next_question()
    assert question is not None
    iv.answer(question.options[0])
    store.save(sid, iv.to_dict())
    assert counts == {"begin": 1, "commit": 1, "rollback": 0}
    assert store.load(sid) == iv.to_dict()

    # A write that fails inside the transaction is rolled back whole: the previous state stays.
    def fail(*_args: Any) -> None:
        raise OSError("disk full (simulated)")

    event.listen(store.engine, "after_cursor_execute", fail)
    saved = iv.to_dict()
    iv.answer("no")
    with pytest.raises(OSError, match="disk full"):
        store.save(sid, iv.to_dict())
    event.remove(store.engine, "after_cursor_execute", fail)
    assert counts["commit"] == 1 and counts["rollback"] >= 1  # rolled back, never committed
    assert store.load(sid) == saved != before
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()
    assert_database_healthy(tmp_path / DB_FILENAME)


# -- damaged and locked files -------------------------------------------------------------------


def _filled_database(directory: Path, sessions: int = 40) -> Path:
    store = SessionStore(data_dir=directory)
    for i in range(sessions):
        store.save(new_session_id(), {"i": i, "text": "answer " * 400})
    store.close()
    db = directory / DB_FILENAME
    with sqlite3.connect(db) as conn:  # fold the WAL into the main file, as a clean shutdown does
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


def _damage(kind: str, directory: Path) -> bytes | None:
    """Break the database at ``directory`` in the way ``kind`` says; the bytes it then holds."""
    db = directory / DB_FILENAME
    if kind == "garbage":
        db.write_bytes(os.urandom(16_384))
    elif kind == "truncated":
        raw = _filled_database(directory).read_bytes()
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        db.write_bytes(raw[: len(raw) // 3])
    elif kind == "header_only":
        raw = _filled_database(directory).read_bytes()
        db.write_bytes(raw[:100])
    elif kind == "folder":
        db.mkdir()
        (db / "note.txt").write_text("someone put a folder here")
        return None
    return db.read_bytes()


@pytest.mark.parametrize("kind", ["garbage", "truncated", "header_only", "folder"])
def test_damaged_database_is_moved_aside_and_replaced(tmp_path: Path, kind: str) -> None:
    content = _damage(kind, tmp_path)
    store = SessionStore(data_dir=tmp_path)
    assert store.notice is not None
    assert "damaged" in store.notice and "moved to" in store.notice and "SESSION.json" in store.notice
    moved = [p for p in tmp_path.iterdir() if p.name.startswith(f"{DB_FILENAME}.damaged-")]
    assert len(moved) == 1 and str(moved[0]) in store.notice
    if content is None:
        assert moved[0].is_dir() and (moved[0] / "note.txt").exists()
        assert "folder" in store.notice
    else:
        assert moved[0].read_bytes() == content  # kept byte for byte, never deleted
    sid = new_session_id()
    store.save(sid, {"fresh": True})
    assert store.load(sid) == {"fresh": True}
    store.close()
    assert_database_healthy(tmp_path / DB_FILENAME)


def test_two_faults_in_the_same_second_keep_both_damaged_copies(tmp_path: Path) -> None:
    contents = []
    for _ in range(2):
        contents.append(_damage("garbage", tmp_path))
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp_path / DB_FILENAME}{suffix}").unlink(missing_ok=True)
        SessionStore(data_dir=tmp_path).close()
        (tmp_path / DB_FILENAME).unlink()
    moved = sorted(p for p in tmp_path.iterdir() if p.name.startswith(f"{DB_FILENAME}.damaged-"))
    assert len(moved) == 2
    assert sorted(p.read_bytes() for p in moved) == sorted(c for c in contents if c is not None)


@pytest.mark.slow  # waits out the store's lock timeout
def test_locked_database_is_left_in_place_with_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")  # still in rollback-journal mode, so a lock blocks everyone
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO other VALUES (1)")
    try:
        with pytest.raises(StoreError, match="locked"):
            SessionStore(data_dir=tmp_path)
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert not [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT x FROM other").fetchall() == [(1,)]
    conn.close()


def test_database_of_another_program_is_refused_not_moved(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, cookie TEXT)")
        conn.execute("INSERT INTO sessions (cookie) VALUES ('keep me')")
    conn.close()
    with pytest.raises(StoreError, match="belongs to something else"):
        SessionStore(data_dir=tmp_path)
    assert not [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT cookie FROM sessions").fetchall() == [("keep me",)]
    conn.close()
