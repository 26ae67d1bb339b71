"""Session store: the JSON of ``Interview.to_dict()`` kept per session id in a SQL database.

By default a SQLite file under ``Settings().data_dir`` in WAL mode; a deployment with several
app replicas points ``SOC2_READY_SESSION_DB_URL`` at PostgreSQL instead. Every write is one
transaction, so a crash leaves either the old or the new state, never half of one.

Each row carries a version. ``save(..., expected_version=n)`` is a compare-and-set: it writes only
if the stored version is still ``n`` and raises ``VersionConflict`` otherwise, so two tabs, two
processes or two replicas never overwrite each other's answers (``assessment.interview.live``
reloads and replays on a conflict). A row that cannot be read is moved to ``damaged_sessions``
with ``SessionDamaged`` naming it; every other session keeps working.

A SQLite store also checks its write-ahead log before SQLite opens it (``wal``), keeps rolling
backups made with SQLite's online backup API (``backup``) and can merge one back
(``SessionStore.restore_backup``). With a login each row has an ``owner``; ``as_user`` gives a view
that lists, loads and saves only that user's sessions (``SessionNotYours`` otherwise).

Modules: ``schema`` (tables, ids, errors, values), ``store`` (``SessionStore``), ``recovery``
(opening, migration, damage moved aside), ``wal`` (write-ahead-log checks), ``backup``.
"""

from __future__ import annotations

from assessment.interview.storage.backup import (
    BackupInfo,
    BackupPolicy,
    MergeResult,
    RollingBackups,
    merge_backup,
)
from assessment.interview.storage.schema import (
    DB_FILENAME,
    OWNER_MAX_CHARS,
    SessionDamaged,
    SessionInfo,
    SessionNotYours,
    StoredSession,
    StoreError,
    VersionConflict,
    damaged_table,
    default_url,
    is_issued_session_id,
    is_valid_owner,
    is_valid_session_id,
    new_session_id,
    sessions_table,
    sqlite_url,
)
from assessment.interview.storage.store import SessionStore

__all__ = [
    "DB_FILENAME",
    "OWNER_MAX_CHARS",
    "BackupInfo",
    "BackupPolicy",
    "MergeResult",
    "RollingBackups",
    "SessionDamaged",
    "SessionInfo",
    "SessionNotYours",
    "SessionStore",
    "StoreError",
    "StoredSession",
    "VersionConflict",
    "damaged_table",
    "default_url",
    "is_issued_session_id",
    "is_valid_owner",
    "is_valid_session_id",
    "merge_backup",
    "new_session_id",
    "sessions_table",
    "sqlite_url",
]
