"""Checks on a SQLite write-ahead log (``sessions.db-wal``) made before SQLite opens the database.

SQLite silently ignores a WAL whose header is not valid and later overwrites or deletes it, so a
garbage WAL left after a kill makes every session saved since the last checkpoint vanish without a
word. ``wal_damage`` reads the 32-byte header (magic, format version, page size, checksum) the way
SQLite's file format document describes it; the store moves a bad WAL aside and says so.

The check runs only when no other connection uses the database (``in_use``): a live process's WAL is
never touched.
"""

from __future__ import annotations

import os
import struct
import threading
from collections import Counter
from pathlib import Path

WAL_HEADER_BYTES = 32
WAL_FORMAT_VERSION = 3007000
_MAGIC_LITTLE_ENDIAN = 0x377F0682  # checksums over little-endian words
_MAGIC_BIG_ENDIAN = 0x377F0683  # checksums over big-endian words
# The "dead man switch" byte of the -shm file: every connection holds a shared lock on it while open
# (UNIX_SHM_DMS in SQLite's os_unix.c: 120 + SQLITE_SHM_NLOCK).
_SHM_DMS_OFFSET = 128

_open_here: Counter[str] = Counter()
_open_lock = threading.Lock()


def register_open(path: Path) -> None:
    """Note that this process holds a connection to the database at ``path``."""
    with _open_lock:
        _open_here[str(path.resolve())] += 1


def register_closed(path: Path) -> None:
    """Note that one of this process's stores on ``path`` was closed."""
    with _open_lock:
        key = str(path.resolve())
        _open_here[key] -= 1
        if _open_here[key] <= 0:
            del _open_here[key]


def wal_checksum(data: bytes, big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum of ``data`` (a multiple of 8 bytes), as its two 32-bit halves."""
    words = struct.unpack((">" if big_endian else "<") + f"{len(data) // 4}I", data)
    s0 = s1 = 0
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def header_damage(header: bytes) -> str | None:
    """Why a WAL header is not one SQLite wrote, or None when it is valid."""
    if len(header) < WAL_HEADER_BYTES:
        return f"it holds {len(header)} bytes, fewer than the {WAL_HEADER_BYTES} of a WAL header"
    magic, version, page_size, _seq, _salt1, _salt2, sum1, sum2 = struct.unpack(">8I", header[:32])
    if magic not in (_MAGIC_LITTLE_ENDIAN, _MAGIC_BIG_ENDIAN):
        return "it does not start with the WAL magic number"
    if version != WAL_FORMAT_VERSION:
        return f"its format version is {version}, not {WAL_FORMAT_VERSION}"
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return f"its page size {page_size} is not a power of two from 512 to 65536"
    if wal_checksum(header[:24], magic == _MAGIC_BIG_ENDIAN) != (sum1, sum2):
        return "its header checksum does not match"
    return None


def wal_damage(db_path: Path) -> str | None:
    """Why the WAL next to ``db_path`` is damaged, or None (no WAL, an empty one, or a valid one)."""
    wal = Path(f"{db_path}-wal")
    try:
        if not wal.is_file() or wal.stat().st_size == 0:
            return None
        with wal.open("rb") as handle:
            return header_damage(handle.read(WAL_HEADER_BYTES))
    except OSError:
        return None  # unreadable: SQLite will report it itself when it opens the database


def in_use(db_path: Path) -> bool:
    """True when a connection (in this process, or another one) may have the database open.

    In this process: a store on the same file is open. Elsewhere: the shared lock every SQLite
    connection holds on the -shm file. When that cannot be tested, assume it is in use.
    """
    with _open_lock:
        if _open_here.get(str(db_path.resolve()), 0) > 0:
            return True
    shm = Path(f"{db_path}-shm")
    if not shm.exists():
        return False  # a connection in WAL mode always has the -shm file
    try:
        import fcntl
    except ImportError:  # not POSIX: no way to tell, so never touch the WAL
        return True
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_OFFSET, os.SEEK_SET)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_OFFSET, os.SEEK_SET)
        return False
    finally:
        os.close(fd)
