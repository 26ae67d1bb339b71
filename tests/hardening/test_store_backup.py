"""Issue 15, item 6: a garbage write-ahead log and a damaged database file lose nothing for good.

Reproduced first: 10 sessions checkpointed into ``sessions.db``, then a real process saves 50 more
and is killed with SIGKILL (the 50 live only in ``sessions.db-wal``), then garbage is written over
the WAL. Before the fix the store opened with no notice, showed the 10 old sessions and SQLite
silently overwrote the WAL: 50 sessions gone without a word. Now the WAL is checked before SQLite
opens it, moved aside byte for byte with a notice, and the rolling backup (SQLite's online backup
API) brings every session back through ``soc2-ready sessions restore-backup``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment.cli.main import main as cli_main
from assessment.interview.storage import (
    DB_FILENAME,
    BackupPolicy,
    RollingBackups,
    SessionStore,
    new_session_id,
)
from assessment.interview.storage.wal import header_damage, in_use, wal_checksum, wal_damage
from assessment.templates import render_message

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = 10, 50

DRIVER = """
import sys, time
from assessment.interview.storage import SessionStore

store = SessionStore(url=sys.argv[1])
for n in range(int(sys.argv[2])):
    store.save(f"driver-session-{n:04d}", {"n": n, "text": f"answer number {n} " * 20})
backups = getattr(store, "backups", None)
if backups is not None:
    backups.wait()
print("saved", flush=True)
time.sleep(600)
"""


def session(n: int) -> dict[str, object]:
    return {"n": n, "text": f"answer number {n} " * 20}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory the store, the CLI and the driver all use; one backup after 50 saves."""
    directory = tmp_path / "data"
    monkeypatch.setenv("SOC2_READY_DATA_DIR", str(directory))
    monkeypatch.delenv("SOC2_READY_SESSION_DB_URL", raising=False)
    monkeypatch.setenv("SOC2_READY_SESSION_BACKUP_EVERY_SAVES", str(NEW))
    return directory


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)


def run_and_kill(data_dir: Path, started: list[subprocess.Popen[str]]) -> None:
    """A real process saves 50 sessions and is killed with SIGKILL while it still holds the database."""
    script = data_dir.parent / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    url = f"sqlite:///{data_dir / DB_FILENAME}"
    proc = subprocess.Popen(
        [sys.executable, str(script), url, str(NEW)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    started.append(proc)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "saved"
    assert in_use(data_dir / DB_FILENAME)  # another process has it open: its WAL is never touched
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert not in_use(data_dir / DB_FILENAME)


def old_sessions(data_dir: Path) -> None:
    """10 sessions saved and checkpointed into the main file (the store closed cleanly)."""
    store = SessionStore(data_dir=data_dir)
    for n in range(OLD):
        store.save(f"old-session-{n:04d}", session(n))
    store.close()
    assert not Path(f"{data_dir / DB_FILENAME}-wal").exists()


@pytest.mark.slow  # a process killed with SIGKILL
def test_garbage_wal_after_a_kill_is_moved_aside_with_a_notice_and_the_backup_brings_all_back(
    data_dir: Path, driver: list[subprocess.Popen[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    old_sessions(data_dir)
    run_and_kill(data_dir, driver)
    db = data_dir / DB_FILENAME
    wal = Path(f"{db}-wal")
    assert wal.stat().st_size > 0  # the 50 new sessions live only in the WAL
    garbage = os.urandom(wal.stat().st_size)
    wal.write_bytes(garbage)

    store = SessionStore(data_dir=data_dir)
    assert store.notice is not None, "a garbage WAL was dropped without a word"
    moved = [p for p in data_dir.glob(f"{DB_FILENAME}-wal.damaged-*") if not p.name.endswith("-shm")]
    assert len(moved) == 1 and moved[0].read_bytes() == garbage  # kept byte for byte, never deleted
    reason = header_damage(garbage[:32])
    said = render_message("store_wal_damaged", "app.yaml", wal=wal, reason=reason, target=moved[0], path=db)
    assert store.notice.startswith(said)
    assert store.backups is not None
    best = store.backups.best()
    assert best is not None and best.sessions == OLD + NEW  # the copy taken after the 50th save
    taken = best.taken_at.strftime("%Y-%m-%d %H:%M UTC")
    hint = render_message("store_backup_hint", "app.yaml", backup=best.path, taken=taken, count=best.sessions)
    assert store.notice.endswith(hint)
    # Every session still readable keeps working, and new saves work.
    assert {info.session_id for info in store.list_recent(100)} == {
        f"old-session-{n:04d}" for n in range(OLD)
    }
    assert store.load("old-session-0003") == session(3)
    store.save(new_session_id(), {"fresh": True})
    store.close()

    assert cli_main(["sessions", "restore-backup"]) == 0
    assert "50" in capsys.readouterr().out  # the CLI says how many sessions came back
    again = SessionStore(data_dir=data_dir)
    assert again.notice is None
    for n in range(NEW):
        assert again.load(f"driver-session-{n:04d}") == session(n)
    assert len(again.list_recent(100)) == OLD + NEW + 1
    again.close()


@pytest.mark.slow  # a process killed with SIGKILL
def test_a_healthy_wal_left_by_a_kill_is_kept_and_read(
    data_dir: Path, driver: list[subprocess.Popen[str]]
) -> None:
    old_sessions(data_dir)
    run_and_kill(data_dir, driver)
    store = SessionStore(data_dir=data_dir)
    assert store.notice is None
    assert not list(data_dir.glob("*.damaged-*"))
    assert len(store.list_recent(100)) == OLD + NEW
    store.close()


def test_a_damaged_database_file_is_recovered_from_the_backup(data_dir: Path) -> None:
    store = SessionStore(data_dir=data_dir, backups=BackupPolicy(keep=3, every_saves=5))
    for n in range(20):
        store.save(f"session-{n:04d}", session(n))
        assert store.backups is not None
        store.backups.wait()
    store.close()
    db = data_dir / DB_FILENAME
    db.write_bytes(os.urandom(db.stat().st_size))

    damaged = SessionStore(data_dir=data_dir)
    assert (
        damaged.notice is not None and "20 sessions" in damaged.notice and "restore-backup" in damaged.notice
    )
    assert damaged.list_recent() == []
    assert damaged.backups is not None
    best = damaged.backups.best()
    assert best is not None and best.frozen and best.sessions == 20 and str(best.path) in damaged.notice
    path, result = damaged.restore_backup()
    assert path == best.path and (result.added, result.updated, result.unreadable) == (20, 0, 0)
    for n in range(20):
        assert damaged.load(f"session-{n:04d}") == session(n)
    _, twice = damaged.restore_backup()  # merging the same copy again changes nothing
    assert (twice.added, twice.updated, twice.unchanged) == (0, 0, 20)
    damaged.close()


def test_restoring_never_loses_a_newer_session(tmp_path: Path) -> None:
    store = SessionStore(data_dir=tmp_path, backups=BackupPolicy(keep=2, every_saves=1000))
    store.save("kept-newer-0001", {"step": 1})
    store.save("only-in-backup-1", {"step": 1})
    taken = store.backups.take() if store.backups else None
    assert taken is not None
    store.save("kept-newer-0001", {"step": 2})  # newer than the backup's copy
    store.delete("only-in-backup-1")
    _, result = store.restore_backup(taken)
    assert (result.added, result.unchanged) == (1, 1)
    assert store.load("kept-newer-0001") == {"step": 2}
    assert store.load("only-in-backup-1") == {"step": 1}
    store.close()


def test_backups_roll_keep_the_last_few_and_each_is_a_healthy_copy(tmp_path: Path) -> None:
    store = SessionStore(data_dir=tmp_path, backups=BackupPolicy(keep=3, every_saves=2, every_minutes=60))
    backups = store.backups
    assert backups is not None
    assert not backups.folder.exists()  # an empty store is not copied at open
    for n in range(14):
        store.save(f"session-{n:04d}", session(n))
        backups.wait()
    copies = sorted(backups.folder.glob("sessions-*.db"))
    assert len(copies) == 3
    counts = [info.sessions for info in backups.available()]
    assert counts == [14, 12, 10]  # newest first, one every second save
    for copy in copies:
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # standalone file
        conn.close()
    assert not list(backups.folder.glob(".*.tmp"))
    store.close()
    # Reopened unchanged: no new copy. Reopened after a save: one copy at open.
    SessionStore(data_dir=tmp_path, backups=BackupPolicy(keep=3, every_saves=2)).close()
    assert sorted(backups.folder.glob("sessions-*.db")) == copies
    again = SessionStore(data_dir=tmp_path, backups=BackupPolicy(keep=3, every_saves=1000))
    again.save("session-9999", session(9999))
    again.close()
    SessionStore(data_dir=tmp_path, backups=BackupPolicy(keep=3, every_saves=1000)).close()
    newest = backups.best()
    assert newest is not None and newest.sessions == 15


def test_a_backup_is_due_after_the_interval_and_never_delays_a_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(
        data_dir=tmp_path, backups=BackupPolicy(keep=3, every_saves=1000, every_minutes=0.002)
    )
    backups = store.backups
    assert backups is not None
    real_copy = RollingBackups._copy

    def slow_disk(self: RollingBackups) -> Path | None:
        time.sleep(1.5)
        return real_copy(self)

    monkeypatch.setattr(RollingBackups, "_copy", slow_disk)
    store.save("session-0001", {"n": 1})
    time.sleep(0.2)  # the interval (0.12 s) has passed: the next save starts a backup
    started = time.monotonic()
    for n in range(2, 12):
        store.save(f"session-{n:04d}", {"n": n})
    assert time.monotonic() - started < 1.0  # ten saves while a 1.5 s backup runs
    backups.wait()
    assert [info.sessions for info in backups.available()] == [11]  # a snapshot taken when it ran
    store.close()


def test_no_backups_when_turned_off_and_unhealthy_copies_are_never_offered(tmp_path: Path) -> None:
    off = SessionStore(data_dir=tmp_path / "off", backups=BackupPolicy(keep=0, every_saves=1))
    off.save("session-0001", {"n": 1})
    off.close()
    assert not (tmp_path / "off" / "backups").exists()

    store = SessionStore(data_dir=tmp_path / "on", backups=BackupPolicy(keep=3, every_saves=1))
    store.save("session-0001", {"n": 1})
    assert store.backups is not None
    store.backups.wait()
    good = store.backups.best()
    assert good is not None
    (store.backups.folder / "sessions-20990101T000000000000Z.db").write_bytes(b"garbage " * 500)
    best = store.backups.best()
    assert best is not None and best.path == good.path
    store.close()


def wal_header(magic: int = 0x377F0682, version: int = 3007000, page_size: int = 4096) -> bytes:
    """A WAL header with the given fields and a correct checksum."""
    start = struct.pack(">6I", magic, version, page_size, 0, 0x01020304, 0x05060708)
    return start + struct.pack(">2I", *wal_checksum(start, magic == 0x377F0683))


def test_wal_header_checks() -> None:
    assert header_damage(wal_header()) is None
    assert header_damage(wal_header(magic=0x377F0683)) is None  # big-endian checksums
    assert "fewer than" in (header_damage(wal_header()[:20]) or "")
    assert "magic" in (header_damage(b"\0" * 32) or "")
    assert "version" in (header_damage(wal_header(version=1)) or "")
    assert "page size" in (header_damage(wal_header(page_size=1000)) or "")
    broken = bytearray(wal_header())
    broken[31] ^= 1
    assert "checksum" in (header_damage(bytes(broken)) or "")


def test_a_real_wal_header_is_valid(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    header = Path(f"{db}-wal").read_bytes()[:32]
    assert wal_damage(db) is None and header_damage(header) is None
    flipped = bytearray(header)
    flipped[17] ^= 0xFF  # one bit of the salt: the checksum no longer matches
    assert "checksum" in (header_damage(bytes(flipped)) or "")
    conn.close()
