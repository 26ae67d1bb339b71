"""Opening the session database: engine, integrity check, schema migration, damage moved aside.

Nothing here ever deletes a file: a damaged database, or a damaged write-ahead log, is renamed to
``<name>.damaged-<time>`` (with a counter when two faults fall in the same second).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError

from assessment.interview.storage.schema import metadata, sessions_table

# Columns added after the first release, with the SQL that adds each to an older table.
_ADDED_COLUMNS = {
    "version": "ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
    "owner": "ALTER TABLE sessions ADD COLUMN owner VARCHAR(320)",
}


class Damaged(Exception):
    """The SQLite integrity check failed: the file is damaged, not just busy."""


def damage_stamp() -> str:
    """The time stamp put in the names of files moved aside."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: URL, sqlite_file: bool) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode and a busy timeout on every connection."""
    engine = create_engine(url, pool_pre_ping=not sqlite_file)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def is_damage(exc: DatabaseError, path: Path | None) -> bool:
    """True when the SQLite file itself is broken (not merely locked or busy)."""
    if isinstance(exc.orig, Damaged):
        return True
    name = str(getattr(exc.orig, "sqlite_errorname", ""))
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return True
    # A directory (or other non-file) where the database should be cannot be opened at all.
    cannot_open = name.startswith("SQLITE_CANTOPEN")
    return cannot_open and path is not None and path.exists() and not path.is_file()


def check(engine: Engine) -> None:
    """Check integrity (SQLite), create missing tables and add columns older stores lack.

    ``DatabaseError`` when the file is damaged or its ``sessions`` table belongs to something else.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            result = conn.execute(text("PRAGMA quick_check")).scalar()
            if result != "ok":
                raise DatabaseError("PRAGMA quick_check", None, Damaged(str(result)))
    metadata.create_all(engine)
    found = {column["name"] for column in inspect(engine).get_columns(sessions_table.name)}
    if {"session_id", "data"} <= found:
        for name, sql in _ADDED_COLUMNS.items():
            if name not in found:
                _add_column(engine, sql)
                found.add(name)
                if name == "owner":
                    _add_owner_index(engine)
    missing = sorted(column.name for column in sessions_table.columns if column.name not in found)
    if missing:
        raise DatabaseError(
            "sessions table",
            None,
            Exception(f"its sessions table belongs to something else (no column {', '.join(missing)})"),
        )


def _add_column(engine: Engine, sql: str) -> None:
    """Run one ``ALTER TABLE ... ADD COLUMN``; another replica adding it at the same moment is fine."""
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    except (OperationalError, ProgrammingError) as exc:
        column = sql.split("ADD COLUMN ", 1)[1].split()[0]
        present = {c["name"] for c in inspect(engine).get_columns(sessions_table.name)}
        if column not in present:
            raise exc from None


def _add_owner_index(engine: Engine) -> None:
    """The owner index ``create_all`` makes for a new table; only a speed-up, so a race is harmless."""
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE INDEX IF NOT EXISTS ix_sessions_owner ON sessions (owner)"))
    except DatabaseError:
        pass


def _free_target(path: Path, stamp: str, suffixes: tuple[str, ...]) -> Path:
    """``<path>.damaged-<stamp>`` (plus a counter) such that no ``target+suffix`` exists yet."""
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in suffixes):
        counter += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    return target


def move_database_aside(path: Path, stamp: str) -> Path:
    """Rename the database file and its -wal and -shm to ``<name>.damaged-<stamp>``; the new name."""
    suffixes = ("", "-wal", "-shm")
    target = _free_target(path, stamp, suffixes)
    for suffix in suffixes:
        source = Path(f"{path}{suffix}")
        if source.exists():
            shutil.move(source, Path(f"{target}{suffix}"))
    return target


def move_wal_aside(db_path: Path, stamp: str) -> Path:
    """Rename ``<db>-wal`` to ``<db>-wal.damaged-<stamp>`` (and its -shm index beside it); the new name."""
    wal = Path(f"{db_path}-wal")
    target = _free_target(wal, stamp, ("", "-shm"))
    shutil.move(wal, target)
    shm = Path(f"{db_path}-shm")
    if shm.exists():
        shutil.move(shm, Path(f"{target}-shm"))
    return target
