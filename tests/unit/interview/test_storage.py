"""The session store: round trips, timestamps, WAL mode, damaged files and concurrent writers."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment.interview.storage import (
    DB_FILENAME,
    SessionStore,
    default_url,
    is_valid_session_id,
    new_session_id,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(data_dir=tmp_path)
    yield s
    s.close()


def test_save_load_round_trip_keeps_nested_json(store: SessionStore) -> None:
    sid = new_session_id()
    data = {"version": 1, "scope": ["security"], "turns": [{"text": "Oui, via Okta ✓", "n": 3.5}], "x": None}
    store.save(sid, data)
    assert store.load(sid) == data


def test_load_unknown_or_malformed_id_returns_none(store: SessionStore) -> None:
    assert store.load(new_session_id()) is None
    assert store.load("../../etc/passwd") is None
    assert store.load("") is None


def test_save_replaces_and_keeps_created_timestamp(store: SessionStore) -> None:
    sid = new_session_id()
    store.save(sid, {"step": 1})
    first = store.list_recent()[0]
    store.save(sid, {"step": 2})
    second = store.list_recent()[0]
    assert store.load(sid) == {"step": 2}
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at
    assert second.updated_at.tzinfo is not None


def test_list_recent_is_newest_first_and_limited(store: SessionStore) -> None:
    ids = [new_session_id() for _ in range(3)]
    for sid in ids:
        store.save(sid, {"id": sid})
    store.save(ids[0], {"id": ids[0], "touched": True})
    recent = [info.session_id for info in store.list_recent(limit=2)]
    assert recent == [ids[0], ids[2]]


def test_delete(store: SessionStore) -> None:
    sid = new_session_id()
    store.save(sid, {"a": 1})
    assert store.delete(sid) is True
    assert store.load(sid) is None
    assert store.delete(sid) is False


def test_save_rejects_bad_id_and_non_dict(store: SessionStore) -> None:
    with pytest.raises(ValueError, match="invalid session id"):
        store.save("no spaces allowed", {})
    with pytest.raises(ValueError, match="must be a dict"):
        store.save(new_session_id(), ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.save(new_session_id(), {"obj": object()})


def test_sqlite_file_uses_wal_and_survives_reopen(tmp_path: Path) -> None:
    sid = new_session_id()
    first = SessionStore(data_dir=tmp_path)
    first.save(sid, {"kept": True})
    first.close()
    second = SessionStore(url=default_url(tmp_path))
    assert second.load(sid) == {"kept": True}
    second.close()
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_url_comes_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere" / "store.db"
    monkeypatch.setenv("SOC2_READY_SESSION_DB_URL", f"sqlite:///{target}")
    s = SessionStore()
    s.save(new_session_id(), {"a": 1})
    s.close()
    assert target.exists()
    assert s.url.endswith("store.db")


def test_data_dir_comes_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOC2_READY_SESSION_DB_URL", raising=False)
    monkeypatch.setenv("SOC2_READY_DATA_DIR", str(tmp_path / "data"))
    s = SessionStore()
    s.save(new_session_id(), {"a": 1})
    s.close()
    assert (tmp_path / "data" / DB_FILENAME).exists()


def test_damaged_file_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    garbage = b"this is not a database at all " * 200
    db.write_bytes(garbage)
    s = SessionStore(data_dir=tmp_path)
    assert s.notice is not None
    assert "damaged" in s.notice and "moved" in s.notice
    moved = [p for p in tmp_path.iterdir() if p.name.startswith(f"{DB_FILENAME}.damaged-")]
    assert len(moved) == 1
    assert moved[0].read_bytes() == garbage
    sid = new_session_id()
    s.save(sid, {"fresh": True})
    assert s.load(sid) == {"fresh": True}
    s.close()


def test_healthy_file_has_no_notice(store: SessionStore) -> None:
    assert store.notice is None


def test_concurrent_writers_do_not_lose_sessions(tmp_path: Path) -> None:
    stores = [SessionStore(data_dir=tmp_path) for _ in range(2)]
    ids = [new_session_id() for _ in range(20)]
    errors: list[BaseException] = []

    def work(store: SessionStore, chunk: list[str]) -> None:
        try:
            for sid in chunk:
                for step in range(3):
                    store.save(sid, {"sid": sid, "step": step})
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(stores[i % 2], ids[i::4])) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for sid in ids:
        assert stores[0].load(sid) == {"sid": sid, "step": 2}
    for s in stores:
        s.close()


def test_session_ids() -> None:
    sid = new_session_id()
    assert is_valid_session_id(sid)
    assert sid != new_session_id()
    assert not is_valid_session_id("short")
    assert not is_valid_session_id("has/slash-and-more")
    assert not is_valid_session_id(None)
