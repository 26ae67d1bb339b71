"""``SessionStore``: the JSON of ``Interview.to_dict()`` kept per session id in a SQL database."""

from __future__ import annotations

import copy
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Connection, Engine, LargeBinary, cast, delete, func, insert, select, true, update
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from assessment.interview.storage import recovery
from assessment.interview.storage.backup import BackupPolicy, MergeResult, RollingBackups, merge_backup
from assessment.interview.storage.schema import (
    SessionDamaged,
    SessionInfo,
    SessionNotYours,
    StoredSession,
    StoreError,
    VersionConflict,
    damaged_table,
    is_valid_owner,
    is_valid_session_id,
    sessions_table,
    sqlite_url,
    utc,
)
from assessment.interview.storage.wal import in_use, register_closed, register_open, wal_damage
from assessment.templates import render_message
from knowledge.settings import Settings

log = logging.getLogger("assessment.interview.storage")
MESSAGES = "app.yaml"


class SessionStore:
    """Sessions keyed by session id, holding the interview JSON and created/updated timestamps.

    ``as_user(owner)`` gives a view limited to one user's sessions (the app with a login uses it).
    """

    def __init__(
        self, url: str | URL | None = None, data_dir: Path | None = None, backups: BackupPolicy | None = None
    ) -> None:
        """Open (and create if needed) the store at ``url``, else SQLite under ``data_dir``.

        Without arguments both come from ``Settings()`` (``SOC2_READY_SESSION_DB_URL``,
        ``SOC2_READY_DATA_DIR``), and so does the backup policy (``SOC2_READY_SESSION_BACKUP_*``).
        A damaged SQLite file or write-ahead log is moved aside, never deleted, and ``notice`` then
        says what happened and which backup can bring the sessions back.
        """
        settings = Settings()
        if url is None:
            url = settings.session_db_url or sqlite_url(data_dir or settings.data_dir)
        parsed = make_url(url) if isinstance(url, str) else url
        self._url = parsed
        self.url = url if isinstance(url, str) else parsed.render_as_string(hide_password=False)
        self.owner: str | None = None
        self.notice: str | None = None
        self._view = False
        self._closed = False
        self._sqlite_path: Path | None = None
        self.backups: RollingBackups | None = None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            self._sqlite_path = Path(str(parsed.database)).expanduser()
            self._sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            policy = backups or BackupPolicy(
                keep=settings.session_backup_keep,
                every_minutes=settings.session_backup_minutes,
                every_saves=settings.session_backup_every_saves,
            )
            self.backups = RollingBackups(self._sqlite_path, policy)
            self._check_wal(self._sqlite_path)
            register_open(self._sqlite_path)
        try:
            self.engine = self._open()
        except BaseException:
            if self._sqlite_path is not None:
                register_closed(self._sqlite_path)
            raise
        if self.backups is not None:
            self.backups.take(only_if_changed=True)

    # -- opening and recovery -------------------------------------------------------------------

    def _open(self) -> Engine:
        engine = recovery.make_engine(self._url, self._sqlite_path is not None)
        try:
            recovery.check(engine)
            return engine
        except DatabaseError as exc:
            engine.dispose()
            reason = str(exc.orig or exc)
            if self._sqlite_path is None or not recovery.is_damage(exc, self._sqlite_path):
                # Locked, unreadable or foreign: the file may be healthy and in use, so leave it be.
                raise StoreError(f"cannot open the session store at {self._url!r}: {reason}") from exc
            if self._sqlite_path.is_dir():
                reason = "a folder, not a database file, is in its place"
            stamp = recovery.damage_stamp()
            target = recovery.move_database_aside(self._sqlite_path, stamp)
            self._damage_notice(
                render_message(
                    "store_damaged", MESSAGES, path=self._sqlite_path, reason=reason, target=target
                ),
                stamp,
            )
        engine = recovery.make_engine(self._url, True)
        recovery.check(engine)
        return engine

    def _check_wal(self, path: Path) -> None:
        """Move a damaged write-ahead log aside before SQLite opens (and silently drops) it."""
        if not path.is_file() or in_use(path):
            return
        reason = wal_damage(path)
        if reason is None:
            return
        stamp = recovery.damage_stamp()
        target = recovery.move_wal_aside(path, stamp)
        wal = f"{path}-wal"
        said = render_message("store_wal_damaged", MESSAGES, wal=wal, reason=reason, target=target, path=path)
        self._damage_notice(said, stamp)

    def _damage_notice(self, message: str, stamp: str) -> None:
        """Keep the backups out of the rotation, add where to recover from, and set ``notice``."""
        if self.backups is not None:
            self.backups.freeze(stamp)
            best = self.backups.best()
            if best is not None:
                taken = best.taken_at.strftime("%Y-%m-%d %H:%M UTC")
                message += " " + render_message(
                    "store_backup_hint", MESSAGES, backup=best.path, taken=taken, count=best.sessions
                )
            else:
                message += " " + render_message("store_no_backup", MESSAGES)
        self.notice = f"{self.notice} {message}" if self.notice else message
        log.warning(message)

    # -- users ----------------------------------------------------------------------------------

    def as_user(self, owner: str | None) -> SessionStore:
        """A view of this store limited to ``owner``'s sessions; ``None`` gives this store itself.

        The view shares the connections. It saves new sessions as ``owner``'s, lists only theirs,
        answers ``exists``/``version_of`` only for theirs, and refuses to load or overwrite anyone
        else's (``SessionNotYours``), including sessions that have no owner.
        """
        if owner is None:
            return self
        if not is_valid_owner(owner):
            raise ValueError(f"invalid owner {owner!r}: expected 1-320 printable characters")
        view = copy.copy(self)
        view.owner, view._view = owner, True
        return view

    def _mine(self) -> ColumnElement[bool]:
        return sessions_table.c.owner == self.owner if self.owner is not None else true()

    def refuses(self, session_id: str) -> bool:
        """True when a session is stored under ``session_id`` but this view may not open it."""
        if self.owner is None or not is_valid_session_id(session_id):
            return False
        with self.engine.connect() as conn:
            return self._refuses_in(conn, session_id)

    def _refuses_in(self, conn: Connection, session_id: str) -> bool:
        if self.owner is None:
            return False
        found = conn.execute(
            select(sessions_table.c.owner).where(sessions_table.c.session_id == session_id)
        ).first()
        return found is not None and found[0] != self.owner

    def set_owner(self, session_id: str, owner: str | None) -> bool:
        """Give the session to ``owner`` (None: to nobody); True if it exists. Not on a user's view."""
        if self.owner is not None:
            raise SessionNotYours(session_id)
        if owner is not None and not is_valid_owner(owner):
            raise ValueError(f"invalid owner {owner!r}: expected 1-320 printable characters")
        if not is_valid_session_id(session_id):
            return False
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(sessions_table).where(sessions_table.c.session_id == session_id).values(owner=owner)
            ).rowcount
        return bool(changed)

    # -- public API -----------------------------------------------------------------------------

    def save(self, session_id: str, data: dict[str, Any], expected_version: int | None = None) -> int:
        """Write the session in one transaction and return its new version.

        ``expected_version`` None replaces whatever is stored (last writer wins: for a session only
        this caller writes, such as a fresh upload). A number makes it a compare-and-set: 0 means
        "must not exist yet", n means "must still be at version n"; otherwise ``VersionConflict``.
        On a user's view, a session of someone else's raises ``SessionNotYours`` and is not touched.
        """
        if not is_valid_session_id(session_id):
            raise ValueError(f"invalid session id {session_id!r}: expected 8-64 letters, digits, - or _")
        if not isinstance(data, dict):
            raise ValueError(f"session data must be a dict, got {type(data).__name__}")
        version = self._write(
            session_id, json.dumps(data, ensure_ascii=False, sort_keys=True), expected_version
        )
        if self.backups is not None:
            self.backups.after_save()
        return version

    def _write(self, session_id: str, payload: str, expected_version: int | None) -> int:
        now = datetime.now(UTC)
        values = {"session_id": session_id, "data": payload, "created_at": now, "updated_at": now}
        row = sessions_table.c
        with self.engine.begin() as conn:
            if expected_version == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(sessions_table).values(**values, version=1, owner=self.owner))
                except IntegrityError:
                    raise VersionConflict(session_id, 0) from None
                return 1
            if self._refuses_in(conn, session_id):
                raise SessionNotYours(session_id)
            if expected_version is not None:
                changed = conn.execute(
                    update(sessions_table)
                    .where(row.session_id == session_id, row.version == expected_version, self._mine())
                    .values(data=payload, updated_at=now, version=expected_version + 1)
                ).rowcount
                if changed != 1:
                    raise VersionConflict(session_id, expected_version)
                return expected_version + 1
            dialect = self.engine.dialect.name
            if dialect in ("sqlite", "postgresql"):
                # A native upsert: two replicas saving the same new session cannot collide.
                module = sqlite_dialect if dialect == "sqlite" else postgresql_dialect
                stmt = module.insert(sessions_table).values(**values, version=1, owner=self.owner)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[row.session_id],
                        set_={
                            "data": stmt.excluded.data,
                            "updated_at": stmt.excluded.updated_at,
                            "version": row.version + 1,
                        },
                        where=self._mine() if self.owner is not None else None,
                    )
                )
            else:
                changed = conn.execute(
                    update(sessions_table)
                    .where(row.session_id == session_id, self._mine())
                    .values(data=payload, updated_at=now, version=row.version + 1)
                ).rowcount
                if not changed:
                    conn.execute(insert(sessions_table).values(**values, version=1, owner=self.owner))
            stored = conn.execute(
                select(row.version).where(row.session_id == session_id, self._mine())
            ).scalar()
            if stored is None:  # someone else's session appeared meanwhile: nothing was written
                raise SessionNotYours(session_id)
            return int(stored)

    def load(self, session_id: str) -> dict[str, Any] | None:
        """The session's data, or None when there is none (or the id is malformed).

        ``SessionDamaged`` when its row cannot be read (the row is then moved aside);
        ``SessionNotYours`` on a user's view when it is someone else's.
        """
        stored = self.load_versioned(session_id)
        return stored.data if stored is not None else None

    def version_of(self, session_id: str) -> int | None:
        """The stored version of the session (a cheap check for "did someone else save?"), or None."""
        if not is_valid_session_id(session_id):
            return None
        with self.engine.connect() as conn:
            value = conn.execute(
                select(sessions_table.c.version).where(
                    sessions_table.c.session_id == session_id, self._mine()
                )
            ).scalar()
        return None if value is None else int(value)

    def exists(self, session_id: str) -> bool:
        """True when a session is stored under ``session_id`` (on a user's view: one of theirs)."""
        return self.version_of(session_id) is not None

    def load_versioned(self, session_id: str) -> StoredSession | None:
        """The session's data with its version, or None; ``SessionDamaged`` if its row is unreadable."""
        if not is_valid_session_id(session_id):
            return None
        row = sessions_table.c
        if self.refuses(session_id):
            raise SessionNotYours(session_id)
        try:
            with self.engine.connect() as conn:
                found = conn.execute(
                    select(row.data, row.version).where(row.session_id == session_id, self._mine())
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
        """Remove the session; True if it existed (on a user's view: only one of theirs)."""
        if not is_valid_session_id(session_id):
            return False
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(sessions_table).where(sessions_table.c.session_id == session_id, self._mine())
            )
        return bool(result.rowcount)

    def list_recent(self, limit: int = 20) -> list[SessionInfo]:
        """The most recently updated sessions, newest first (on a user's view: only theirs)."""
        row = sessions_table.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(row.session_id, row.created_at, row.updated_at, row.owner)
                .where(self._mine())
                .order_by(row.updated_at.desc())
                .limit(max(0, limit))
            ).all()
        return [SessionInfo(r[0], utc(r[1]), utc(r[2]), r[3]) for r in rows]

    def list_owned(self, owner: str, limit: int = 20) -> list[SessionInfo]:
        """``owner``'s sessions, most recently updated first."""
        return self.as_user(owner).list_recent(limit)

    # -- backups --------------------------------------------------------------------------------

    def restore_backup(self, path: Path | None = None) -> tuple[Path, MergeResult]:
        """Merge a backup's sessions into this store: ``path``, else the one ``backups.best()`` picks.

        Sessions the store lacks (or holds at a lower version) come back; nothing it holds is lost.
        """
        if self.owner is not None:
            raise StoreError("backups can only be restored into the whole store, not a user's view")
        if path is None:
            best = self.backups.best() if self.backups is not None else None
            if best is None:
                where = self.backups.folder if self.backups is not None else self._url.render_as_string()
                raise StoreError(f"no healthy backup of the session store was found (looked in {where})")
            path = best.path
        return path, merge_backup(self.engine, Path(path))

    def close(self) -> None:
        """Release the database connections (a user's view leaves them to the store it came from)."""
        if self._view or self._closed:
            return
        self._closed = True
        if self.backups is not None:
            self.backups.wait()
        self.engine.dispose()
        if self._sqlite_path is not None:
            register_closed(self._sqlite_path)
