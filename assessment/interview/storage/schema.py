"""The session store's tables, ids, errors and value types (no database access here)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Integer, LargeBinary, MetaData, String, Table, Text
from sqlalchemy.engine import URL

DB_FILENAME = "sessions.db"
OWNER_MAX_CHARS = 320  # the longest e-mail address RFC 5321 allows
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_ISSUED_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")  # token_urlsafe(16): 22 characters, 128 bits

metadata = MetaData()
sessions_table = Table(
    "sessions",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("version", Integer, nullable=False, server_default="0"),
    # Who the session belongs to when the app runs with a login; NULL without one (and for rows
    # written before owners existed).
    Column("owner", String(OWNER_MAX_CHARS), nullable=True, index=True),
)
damaged_table = Table(
    "damaged_sessions",
    metadata,
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


class SessionNotYours(StoreError):
    """The session belongs to another user (or to nobody) and this store view is limited to one user.

    The message names neither the real owner nor what the session holds.
    """

    def __init__(self, session_id: str) -> None:
        """Name the session that was refused."""
        super().__init__(f"session {session_id} is not one of this user's sessions")
        self.session_id = session_id


@dataclass(frozen=True)
class SessionInfo:
    """One stored session, without its data."""

    session_id: str
    created_at: datetime
    updated_at: datetime
    owner: str | None = None


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


def is_valid_owner(value: object) -> bool:
    """True when ``value`` can name a session's owner: 1-320 printable characters, no surrounding space."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= OWNER_MAX_CHARS
        and value == value.strip()
        and value.isprintable()
    )


def sqlite_url(data_dir: Path) -> URL:
    """The SQLAlchemy URL of the default SQLite store under ``data_dir``.

    Built with ``URL.create``, so a path holding ``?``, ``#`` or ``%20`` stays a path (string
    formatting would read ``?`` as the start of URL options and ``%20`` as a space).
    """
    return URL.create("sqlite", database=(Path(data_dir) / DB_FILENAME).as_posix())


def default_url(data_dir: Path) -> str:
    """``sqlite_url(data_dir)`` as text, escaped so that parsing it gives back the same path."""
    return sqlite_url(data_dir).render_as_string(hide_password=False)


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite hands back naive ones; everything written is UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
