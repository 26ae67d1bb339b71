"""Issue 15, item 9 (the store's side): sessions owned by a user, each user sees and opens only theirs.

``SessionStore.as_user(owner)`` is the view the app uses when a login is on. Every test runs on
SQLite and, when a server can start, on a real PostgreSQL (``store_url``). Item 10's SQLite URL:
a data directory whose path holds ``?``, ``%20`` or ``#`` keeps the database inside it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from assessment.cli.main import main as cli_main
from assessment.interview.engine import Interview
from assessment.interview.live import LiveSession
from assessment.interview.storage import (
    DB_FILENAME,
    SessionNotYours,
    SessionStore,
    default_url,
    new_session_id,
)

ALICE, BOB = "alice@example.com", "bob@example.com"


def owner_of(url: str, sid: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text("SELECT owner FROM sessions WHERE session_id = :s"), {"s": sid}).scalar()
    engine.dispose()
    return None if value is None else str(value)


def test_a_users_view_lists_and_loads_only_their_sessions_newest_first(store_url: str) -> None:
    store = SessionStore(url=store_url)
    alice, bob = store.as_user(ALICE), store.as_user(BOB)
    mine = [new_session_id() for _ in range(3)]
    for n, sid in enumerate(mine):
        alice.save(sid, {"who": "alice", "n": n})
    theirs = new_session_id()
    bob.save(theirs, {"who": "bob"})
    unowned = new_session_id()
    store.save(unowned, {"who": "nobody"})
    alice.save(mine[0], {"who": "alice", "n": 9})  # updated last: listed first

    listed = alice.list_recent()
    assert [info.session_id for info in listed] == [mine[0], mine[2], mine[1]]
    assert {info.owner for info in listed} == {ALICE}
    assert [info.session_id for info in store.list_owned(BOB)] == [theirs]
    assert alice.load(mine[0]) == {"who": "alice", "n": 9}
    assert alice.exists(mine[1]) and not alice.exists(theirs) and alice.version_of(theirs) is None
    assert owner_of(store_url, mine[1]) == ALICE and owner_of(store_url, unowned) is None
    store.close()


def test_another_users_session_is_refused_and_left_unchanged(store_url: str) -> None:
    store = SessionStore(url=store_url)
    alice, bob = store.as_user(ALICE), store.as_user(BOB)
    sid = new_session_id()
    alice.save(sid, {"secret": "alice's answers"})
    unowned = new_session_id()
    store.save(unowned, {"secret": "from before the login"})
    for target in (sid, unowned):
        assert bob.refuses(target)
        with pytest.raises(SessionNotYours) as refused:
            bob.load(target)
        assert "alice" not in str(refused.value) and "secret" not in str(refused.value)
        for expected in (None, 1):
            with pytest.raises(SessionNotYours):
                bob.save(target, {"secret": "overwritten by bob"}, expected_version=expected)
        assert not bob.delete(target)
    assert not alice.refuses(sid) and not bob.refuses(new_session_id())
    assert store.load(sid) == {"secret": "alice's answers"}
    assert store.load(unowned) == {"secret": "from before the login"}
    assert owner_of(store_url, sid) == ALICE
    store.close()


def test_without_a_login_every_session_loads_and_saves_as_before(store_url: str) -> None:
    store = SessionStore(url=store_url)
    sid = new_session_id()
    store.as_user(ALICE).save(sid, {"step": 1})
    assert store.load(sid) == {"step": 1}
    assert store.save(sid, {"step": 2}, expected_version=1) == 2
    assert owner_of(store_url, sid) == ALICE  # saving without a login keeps the owner
    assert store.as_user(None) is store
    assert [info.session_id for info in store.list_recent()] == [sid]
    with pytest.raises(ValueError):
        store.as_user(" padded@example.com ")
    store.close()


def test_a_live_session_through_a_users_view_is_theirs(store_url: str) -> None:
    store = SessionStore(url=store_url)
    sid = new_session_id()
    live = LiveSession(store.as_user(ALICE), sid, Interview(scope={"security"}))
    live.apply(lambda iv: iv.answer("yes, via Okta for everyone"), Interview.from_dict)
    assert owner_of(store_url, sid) == ALICE
    assert LiveSession.open(store.as_user(ALICE), sid, Interview.from_dict) is not None
    with pytest.raises(SessionNotYours):
        LiveSession.open(store.as_user(BOB), sid, Interview.from_dict)
    store.close()


def test_an_existing_database_without_owners_is_migrated(store_url: str) -> None:
    engine = create_engine(store_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:  # the table as the release before owners wrote it
        conn.execute(
            text(
                "CREATE TABLE sessions (session_id VARCHAR(64) PRIMARY KEY, data TEXT NOT NULL, "
                "created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, "
                "version INTEGER NOT NULL DEFAULT 0)"
            )
        )
        conn.execute(
            text("INSERT INTO sessions VALUES ('legacy-session-0001', '{\"old\": true}', :t, :t, 3)"),
            {"t": now},
        )
    engine.dispose()
    store = SessionStore(url=store_url)
    columns = {c["name"] for c in inspect(store.engine).get_columns("sessions")}
    assert "owner" in columns
    assert "ix_sessions_owner" in {i["name"] for i in inspect(store.engine).get_indexes("sessions")}
    assert store.load("legacy-session-0001") == {"old": True}
    assert store.as_user(ALICE).refuses("legacy-session-0001")  # nobody's yet: not shown to anyone
    assert store.set_owner("legacy-session-0001", ALICE)
    assert store.as_user(ALICE).load("legacy-session-0001") == {"old": True}
    assert store.save("legacy-session-0001", {"old": False}, expected_version=3) == 4
    store.close()
    SessionStore(url=store_url).close()  # opening a migrated store again changes nothing


def test_set_owner_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOC2_READY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SOC2_READY_SESSION_DB_URL", raising=False)
    store = SessionStore(data_dir=tmp_path)
    sid = new_session_id()
    store.save(sid, {"step": 1})
    assert cli_main(["sessions", "set-owner", sid, ALICE]) == 0
    assert [info.session_id for info in store.list_owned(ALICE)] == [sid]
    assert cli_main(["sessions", "set-owner", "no-such-session-id", ALICE]) == 2
    assert cli_main(["sessions", "set-owner", sid, "not\nprintable"]) == 2
    store.close()


@pytest.mark.parametrize("folder", ["what?now", "with%20space", "hash#tag", "all?of%20it#x"])
def test_a_data_dir_with_url_characters_keeps_the_database_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    data_dir = tmp_path / folder
    monkeypatch.delenv("SOC2_READY_SESSION_DB_URL", raising=False)
    monkeypatch.setenv("SOC2_READY_DATA_DIR", str(data_dir))
    for store in (SessionStore(data_dir=data_dir), SessionStore(url=default_url(data_dir)), SessionStore()):
        sid = new_session_id()
        store.save(sid, {"folder": folder})
        assert store.load(sid) == {"folder": folder}
        store.close()
    assert (data_dir / DB_FILENAME).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # nothing written beside it
    reopened = SessionStore(data_dir=data_dir)
    assert len(reopened.list_recent()) == 3
    reopened.close()
