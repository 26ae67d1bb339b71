"""Session store: the JSON of ``Interview.to_dict()`` kept per session id in a SQL database.

By default a SQLite file under ``Settings().data_dir`` in WAL mode; a deployment with several
app replicas points ``SOC2_READY_SESSION_DB_URL`` at PostgreSQL instead. Every write is one
transaction, so a crash leaves either the old or the new state, never half of one.

Each row carries a version. ``save(..., expected_version=n)`` is a compare-and-set: it writes only
if the stored version is still ``n`` and raises ``VersionConflict`` otherwise, so two tabs, two
processes or two replicas never overwrite each other's answers (``assessment.interview.live``
reloads and replays on a conflict). A row that cannot be read is moved to ``damaged_sessions``
with ``SessionDamaged`` naming it; every other session keeps working.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, IntegrityError

from knowledge.settings import Settings

log = logging.getLogger(__name__)

DB_FILENAME = "sessions.db"
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_ISSUED_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")  # token_urlsafe(16): 22 characters, 128 bits

_metadata = MetaData()
sessions_table = Table(
    "sessions",
    _metadata,
    Column("session_id", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("version", Integer, nullable=False, server_default="0"),
)
damaged_table = Table(
    "damaged_sessions",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(64), nullable=False, index=True),
    Column("raw", LargeBinary, nullable=True),
    Column("reason", Text, nullable=False),
    Column("moved_at", DateTime(timezone=True), nullable=False),
)


class StoreError(RuntimeError):
    """The session store cannot be used; the message says what to check."""


class VersionConflict(StoreError):
    """Someone else saved the session since it was loaded; reload it and apply the change again."""

    def __init__(self, session_id: str, expected: int) -> None:
        """Name the session and the version the caller expected to find."""
        super().__init__(f"session {session_id} changed since version {expected} was loaded")
        self.session_id = session_id
        self.expected = expected


class SessionDamaged(StoreError):
    """A stored session could not be read; it was moved to ``damaged_sessions``, nothing was deleted."""

    def __init__(self, session_id: str, reason: str) -> None:
        """Name the session and why its row could not be read."""
        super().__init__(
            f"session {session_id} could not be read ({reason}); its row was moved to the "
            "damaged_sessions table of the session store, every other session is unaffected"
        )
        self.session_id = session_id
        self.reason = reason


class _Damaged(Exception):
    """The SQLite integrity check failed: the file is damaged, not just busy."""


@dataclass(frozen=True)
class SessionInfo:
    """One stored session, without its data."""

    session_id: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredSession:
    """One stored session's data and the version a compare-and-set save must name."""

    data: dict[str, Any]
    version: int


def new_session_id() -> str:
    """A fresh random session id, safe to put in a URL."""
    return secrets.token_urlsafe(16)


def is_issued_session_id(value: object) -> bool:
    """True when ``value`` has the form of an id ``new_session_id`` makes (at least 128 random bits).

    The app accepts a ``?sid=`` only in this form *and* only if that session is stored: an id
    chosen by whoever wrote a link is never adopted (session fixation).
    """
    return isinstance(value, str) and bool(_ISSUED_ID.match(value))


def is_valid_session_id(value: object) -> bool:
    """True when ``value`` looks like a session id (8-64 URL-safe characters)."""
    return isinstance(value, str) and bool(_SESSION_ID.match(value))


def default_url(data_dir: Path) -> str:
    """The SQLAlchemy URL of the default SQLite store under ``data_dir``."""
    return f"sqlite:///{(Path(data_dir) / DB_FILENAME).as_posix()}"


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we write is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class SessionStore:
    """Sessions keyed by session id, holding the interview JSON and created/updated timestamps."""

    def __init__(self, url: str | None = None, data_dir: Path | None = None) -> None:
        """Open (and create if needed) the store at ``url``, else SQLite under ``data_dir``.

        Without arguments both come from ``Settings()`` (``SOC2_READY_SESSION_DB_URL``,
        ``SOC2_READY_DATA_DIR``). A damaged SQLite file is moved aside, never deleted, and
        ``notice`` then says where it went.
        """
        settings = Settings()
        if url is None:
            url = settings.session_db_url or default_url(data_dir or settings.data_dir)
        self.url = url
        self.notice: str | None = None
        parsed = make_url(url)
        self._sqlite_path: Path | None = None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            self._sqlite_path = Path(str(parsed.database)).expanduser()
            self._sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = self._open()

    # -- opening and recovery -------------------------------------------------------------------

    def _make_engine(self) -> Engine:
        engine = create_engine(self.url, pool_pre_ping=self._sqlite_path is None)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _open(self) -> Engine:
        engine = self._make_engine()
        try:
            self._check(engine)
            return engine
        except DatabaseError as exc:
            engine.dispose()
            reason = str(exc.orig or exc)
            if self._sqlite_path is None or not self._is_damage(exc):
                # Locked, unreadable or foreign: the file may be healthy and in use, so leave it be.
                where = make_url(self.url)
                raise StoreError(f"cannot open the session store at {where!r}: {reason}") from exc
            if self._sqlite_path.is_dir():
                reason = "a folder, not a database file, is in its place"
            self._move_aside(reason)
        engine = self._make_engine()
        self._check(engine)
        return engine

    def _is_damage(self, exc: DatabaseError) -> bool:
        """True when the SQLite file itself is broken (not merely locked or busy)."""
        if isinstance(exc.orig, _Damaged):
            return True
        name = str(getattr(exc.orig, "sqlite_errorname", ""))
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return True
        # A directory (or other non-file) where the database should be cannot be opened at all.
        path = self._sqlite_path
        cannot_open = name.startswith("SQLITE_CANTOPEN")
        return cannot_open and path is not None and path.exists() and not path.is_file()

    def _check(self, engine: Engine) -> None:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                result = conn.execute(text("PRAGMA quick_check")).scalar()
                if result != "ok":
                    raise DatabaseError("PRAGMA quick_check", None, _Damaged(str(result)))
        _metadata.create_all(engine)
        found = {column["name"] for column in inspect(engine).get_columns(sessions_table.name)}
        if "version" not in found and {"session_id", "data"} <= found:
            # A store written before versions existed: every row starts at version 0.
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0"))
            found.add("version")
        missing = sorted(column.name for column in sessions_table.columns if column.name not in found)
        if missing:
            raise DatabaseError(
                "sessions table",
                None,
                Exception(f"its sessions table belongs to something else (no column {', '.join(missing)})"),
            )

    def _move_aside(self, reason: str) -> None:
        assert self._sqlite_path is not None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self._sqlite_path.with_name(f"{self._sqlite_path.name}.damaged-{stamp}")
        # Two faults within one second must not overwrite the first copy: nothing is ever deleted.
        counter = 1
        while any(Path(f"{target}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
            counter += 1
            target = self._sqlite_path.with_name(f"{self._sqlite_path.name}.damaged-{stamp}-{counter}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self._sqlite_path}{suffix}")
            if source.exists():
                shutil.move(source, Path(f"{target}{suffix}"))
        self.notice = (
            f"The session database {self._sqlite_path} was damaged ({reason}). "
            f"It was moved to {target} and a fresh one was created; saved sessions in it are not "
            "available here, but you can resume from a downloaded SESSION.json."
        )
        log.warning(self.notice)

    # -- public API -----------------------------------------------------------------------------

    def save(self, session_id: str, data: dict[str, Any], expected_version: int | None = None) -> int:
        """Write the session in one transaction and return its new version.

        ``expected_version`` None replaces whatever is stored (last writer wins: for a session only
        this caller writes, such as a fresh upload). A number makes it a compare-and-set: 0 means
        "must not exist yet", n means "must still be at version n"; otherwise ``VersionConflict``.
        """
        if not is_valid_session_id(session_id):
            raise ValueError(f"invalid session id {session_id!r}: expected 8-64 letters, digits, - or _")
        if not isinstance(data, dict):
            raise ValueError(f"session data must be a dict, got {type(data).__name__}")
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        now = datetime.now(UTC)
        values = {"session_id": session_id, "data": payload, "created_at": now, "updated_at": now}
        row = sessions_table.c
        with self.engine.begin() as conn:
            if expected_version == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(sessions_table).values(**values, version=1))
                except IntegrityError:
                    raise VersionConflict(session_id, 0) from None
                return 1
            if expected_version is not None:
                changed = conn.execute(
                    update(sessions_table)
                    .where(row.session_id == session_id, row.version == expected_version)
                    .values(data=payload, updated_at=now, version=expected_version + 1)
                ).rowcount
                if changed != 1:
                    raise VersionConflict(session_id, expected_version)
                return expected_version + 1
            dialect = self.engine.dialect.name
            if dialect in ("sqlite", "postgresql"):
                # A native upsert: two replicas saving the same new session cannot collide.
                module = sqlite_dialect if dialect == "sqlite" else postgresql_dialect
                stmt = module.insert(sessions_table).values(**values, version=1)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[row.session_id],
                        set_={
                            "data": stmt.excluded.data,
                            "updated_at": stmt.excluded.updated_at,
                            "version": row.version + 1,
                        },
                    )
                )
            else:
                changed = conn.execute(
                    update(sessions_table)
                    .where(row.session_id == session_id)
                    .values(data=payload, updated_at=now, version=row.version + 1)
                ).rowcount
                if not changed:
                    conn.execute(insert(sessions_table).values(**values, version=1))
            return int(conn.execute(select(row.version).where(row.session_id == session_id)).scalar_one())

    def load(self, session_id: str) -> dict[str, Any] | None:
        """The session's data, or None when there is none (or the id is malformed).

        ``SessionDamaged`` when its row cannot be read (the row is then moved aside).
        """
        stored = self.load_versioned(session_id)
        return stored.data if stored is not None else None

    def version_of(self, session_id: str) -> int | None:
        """The stored version of the session (a cheap check for "did someone else save?"), or None."""
        if not is_valid_session_id(session_id):
            return None
        with self.engine.connect() as conn:
            value = conn.execute(
                select(sessions_table.c.version).where(sessions_table.c.session_id == session_id)
            ).scalar()
        return None if value is None else int(value)

    def exists(self, session_id: str) -> bool:
        """True when a session is stored under ``session_id``."""
        return self.version_of(session_id) is not None

    def load_versioned(self, session_id: str) -> StoredSession | None:
        """The session's data with its version, or None; ``SessionDamaged`` if its row is unreadable."""
        if not is_valid_session_id(session_id):
            return None
        row = sessions_table.c
        try:
            with self.engine.connect() as conn:
                found = conn.execute(
                    select(row.data, row.version).where(row.session_id == session_id)
                ).first()
        except DatabaseError as exc:  # e.g. invalid UTF-8 in this row: the file itself is fine
            self._quarantine(session_id, f"unreadable text: {exc.orig or exc}")
        if found is None:
            return None
        try:
            data = json.loads(found[0])
        except (json.JSONDecodeError, RecursionError) as exc:
            self._quarantine(session_id, f"not valid JSON: {exc}")
        if not isinstance(data, dict):
            self._quarantine(session_id, f"holds a JSON {type(data).__name__}, not a session object")
        return StoredSession(data, int(found[1]))

    def _quarantine(self, session_id: str, reason: str) -> NoReturn:
        """Move the unreadable row to ``damaged_sessions`` (raw bytes kept) and raise ``SessionDamaged``."""
        reason = reason.splitlines()[0][:300]
        column = sessions_table.c.data
        as_bytes = (
            cast(column, LargeBinary)
            if self.engine.dialect.name == "sqlite"
            else func.convert_to(column, "UTF8")
        )
        with self.engine.begin() as conn:
            raw = conn.execute(select(as_bytes).where(sessions_table.c.session_id == session_id)).scalar()
            conn.execute(
                insert(damaged_table).values(
                    session_id=session_id, raw=raw, reason=reason, moved_at=datetime.now(UTC)
                )
            )
            conn.execute(delete(sessions_table).where(sessions_table.c.session_id == session_id))
        error = SessionDamaged(session_id, reason)
        log.warning("%s", error)
        raise error

    def damaged(self) -> list[tuple[str, str]]:
        """``(session_id, reason)`` of every row moved aside, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(damaged_table.c.session_id, damaged_table.c.reason).order_by(damaged_table.c.id)
            ).all()
        return [(str(r[0]), str(r[1])) for r in rows]

    def delete(self, session_id: str) -> bool:
        """Remove the session; True if it existed."""
        if not is_valid_session_id(session_id):
            return False
        with self.engine.begin() as conn:
            result = conn.execute(delete(sessions_table).where(sessions_table.c.session_id == session_id))
        return bool(result.rowcount)

    def list_recent(self, limit: int = 20) -> list[SessionInfo]:
        """The most recently updated sessions, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sessions_table.c.session_id, sessions_table.c.created_at, sessions_table.c.updated_at)
                .order_by(sessions_table.c.updated_at.desc())
                .limit(max(0, limit))
            ).all()
        return [SessionInfo(row[0], _utc(row[1]), _utc(row[2])) for row in rows]

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
