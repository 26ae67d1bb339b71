"""Rolling backups of the SQLite session store with SQLite's online backup API.

``RollingBackups.take`` copies the live database (WAL included) into ``<data_dir>/backups/`` with
``sqlite3.Connection.backup``: a consistent snapshot taken while the app keeps saving (in WAL mode a
reader never blocks a writer). A copy is written to a temporary name, checked with
``PRAGMA quick_check`` and only then renamed into place, so a kill mid-backup never replaces a good
copy. The last ``keep`` copies are kept. The store takes one when it opens and then, from a
background thread, after ``every_saves`` saves or ``every_minutes`` minutes, so a save never waits.

When the store finds the database damaged it calls ``freeze``: the copies are moved into
``backups/before-damage-<time>/``, out of the rotation, so new (emptier) copies never replace them.
``merge_backup`` brings a copy's sessions back into a store (nothing in the store is lost).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select, update

from assessment.interview.storage.schema import StoreError, sessions_table

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
FROZEN_PREFIX = "before-damage-"
_PREFIX, _SUFFIX = "sessions-", ".db"
_STALE_TEMP_S = 3600  # a temporary copy this old was left by a killed process
_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class BackupPolicy:
    """How often to back up and how many copies to keep (``keep`` 0: no backups)."""

    keep: int = 5
    every_minutes: float = 10.0
    every_saves: int = 100


@dataclass(frozen=True)
class BackupInfo:
    """One backup file that opens and passes ``quick_check``, and how many sessions it holds."""

    path: Path
    taken_at: datetime
    sessions: int
    frozen: bool


@dataclass(frozen=True)
class MergeResult:
    """What ``merge_backup`` did: sessions added, replaced by a newer copy, and rows it could not read."""

    added: int
    updated: int
    unchanged: int
    unreadable: int


def _taken_at(path: Path) -> datetime:
    try:
        return datetime.strptime(path.stem.removeprefix(_PREFIX), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def count_sessions(path: Path) -> int | None:
    """Sessions in the SQLite file at ``path``; None when it is not a healthy session database."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            return None
        return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def fingerprint(path: Path) -> tuple[object, ...] | None:
    """What changes whenever a session is added, saved or removed (count, versions, last update)."""
    try:
        conn = sqlite3.connect(str(path), timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT count(*), sum(version), max(updated_at) FROM sessions").fetchone()
        return tuple(row)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


class RollingBackups:
    """The rolling backups of one SQLite session database."""

    def __init__(self, db_path: Path, policy: BackupPolicy) -> None:
        """Back up ``db_path`` into the ``backups`` folder beside it, following ``policy``."""
        self.db_path = db_path
        self.folder = db_path.parent / BACKUP_FOLDER
        self.policy = policy
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._saves = 0
        self._last = time.monotonic()

    @property
    def enabled(self) -> bool:
        """False when the policy keeps no copies."""
        return self.policy.keep > 0

    # -- taking ---------------------------------------------------------------------------------

    def take(self, only_if_changed: bool = False) -> Path | None:
        """Back up now (blocking) and return the new copy; None when there was nothing to copy.

        An empty database is never copied (it would push good copies out of the rotation), nor one
        unchanged since the newest copy when ``only_if_changed``.
        """
        if not self.enabled or not self.db_path.is_file():
            return None
        with self._lock:
            self._saves, self._last = 0, time.monotonic()
            if only_if_changed and not self._changed_since_newest():
                return None
            try:
                return self._copy()
            except (sqlite3.Error, OSError) as exc:
                log.warning("backup of the session database %s failed: %s", self.db_path, exc)
                return None

    def after_save(self) -> None:
        """Count a save; start a background backup when one is due (never waits for it)."""
        if not self.enabled:
            return
        self._saves += 1
        due = self._saves >= self.policy.every_saves or (
            time.monotonic() - self._last >= self.policy.every_minutes * 60
        )
        if not due or (self._thread is not None and self._thread.is_alive()):
            return
        self._saves, self._last = 0, time.monotonic()
        self._thread = threading.Thread(target=self.take, name="soc2-ready-backup", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = 60.0) -> None:
        """Wait for a background backup that is running, if any."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _changed_since_newest(self) -> bool:
        rolling = self._rolling()
        if not rolling:
            return True
        newest = fingerprint(rolling[-1])
        return newest is None or fingerprint(self.db_path) != newest

    def _copy(self) -> Path | None:
        source = sqlite3.connect(str(self.db_path), timeout=5)
        try:
            try:
                found = source.execute("SELECT count(*) FROM sessions").fetchone()[0]
            except sqlite3.OperationalError:
                return None  # no sessions table yet
            if not found:
                return None
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime(_STAMP)
            final = self.folder / f"{_PREFIX}{stamp}{_SUFFIX}"
            temp = self.folder / f".{final.name}.{os.getpid()}.tmp"
            target = sqlite3.connect(str(temp))
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # a standalone file: no -wal beside it
                healthy = target.execute("PRAGMA quick_check").fetchone() == ("ok",)
            finally:
                target.close()
        finally:
            source.close()
        if not healthy:
            temp.unlink(missing_ok=True)
            log.warning("backup of %s failed its integrity check and was discarded", self.db_path)
            return None
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, final)
        self._prune()
        return final

    def _rolling(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob(f"{_PREFIX}*{_SUFFIX}") if p.is_file())

    def _prune(self) -> None:
        for old in self._rolling()[: -self.policy.keep]:
            old.unlink(missing_ok=True)
        now = time.time()
        for temp in self.folder.glob(".*.tmp"):
            try:
                if now - temp.stat().st_mtime > _STALE_TEMP_S:
                    temp.unlink(missing_ok=True)
            except OSError:
                continue

    # -- after damage ---------------------------------------------------------------------------

    def freeze(self, stamp: str) -> Path | None:
        """Move the rolling copies out of the rotation into ``before-damage-<stamp>/``; its path."""
        rolling = self._rolling()
        if not rolling:
            return None
        target = self.folder / f"{FROZEN_PREFIX}{stamp}"
        counter = 1
        while target.exists():
            counter += 1
            target = self.folder / f"{FROZEN_PREFIX}{stamp}-{counter}"
        target.mkdir(parents=True)
        for path in rolling:
            os.replace(path, target / path.name)
        return target

    def available(self) -> list[BackupInfo]:
        """Every healthy copy, newest first: copies frozen at the latest damage, then the rolling ones."""
        found: list[BackupInfo] = []
        if not self.folder.is_dir():
            return found
        frozen_dirs = sorted((p for p in self.folder.glob(f"{FROZEN_PREFIX}*") if p.is_dir()), reverse=True)
        groups = [(d, True) for d in frozen_dirs] + [(self.folder, False)]
        for folder, frozen in groups:
            for path in sorted(folder.glob(f"{_PREFIX}*{_SUFFIX}"), reverse=True):
                sessions = count_sessions(path)
                if sessions is not None:
                    found.append(BackupInfo(path, _taken_at(path), sessions, frozen))
        return found

    def best(self) -> BackupInfo | None:
        """The copy ``restore-backup`` uses by default: the newest healthy one taken before the latest
        damage if the store was ever found damaged, else the newest healthy rolling copy."""
        found = self.available()
        return found[0] if found else None


def merge_backup(engine: Engine, path: Path) -> MergeResult:
    """Bring the sessions of the backup at ``path`` into the store behind ``engine``.

    A session the store lacks is added; one the store holds at a lower version is replaced by the
    backup's copy; one the store holds at the same or a higher version is left alone. So merging
    never loses what the store holds, and merging the same copy twice changes nothing.
    """
    if count_sessions(path) is None:
        raise StoreError(f"{path} is not a healthy backup of the session store")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    source.text_factory = bytes
    try:
        columns = {row[1].decode() for row in source.execute("PRAGMA table_info(sessions)")}
        wanted = ["session_id", "data", "created_at", "updated_at", "version", "owner"]
        present = [c for c in wanted if c in columns]
        rows = source.execute(f"SELECT {', '.join(present)} FROM sessions").fetchall()
    finally:
        source.close()
    added = updated = unchanged = unreadable = 0
    table = sessions_table.c
    with engine.begin() as conn:
        for raw in rows:
            try:
                row = {name: _decoded(value) for name, value in zip(present, raw, strict=True)}
            except UnicodeDecodeError:
                unreadable += 1
                continue
            sid = str(row["session_id"])
            version = int(str(row.get("version") or 0))
            values = {
                "data": row["data"],
                "created_at": _when(row["created_at"]),
                "updated_at": _when(row["updated_at"]),
                "version": version,
                "owner": row.get("owner"),
            }
            current = conn.execute(select(table.version).where(table.session_id == sid)).scalar()
            if current is None:
                conn.execute(insert(sessions_table).values(session_id=sid, **values))
                added += 1
            elif int(current) < version:
                conn.execute(update(sessions_table).where(table.session_id == sid).values(**values))
                updated += 1
            else:
                unchanged += 1
    return MergeResult(added, updated, unchanged, unreadable)


def _decoded(value: object) -> object:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _when(value: object) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
