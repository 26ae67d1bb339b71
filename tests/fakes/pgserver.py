"""A throwaway PostgreSQL server for the server tier: ``initdb`` + ``pg_ctl`` in a temp directory.

Not a test module. Needs Debian's ``postgresql`` package (``.ci/run`` installs it) and the
``server`` extra (psycopg); without them ``start_postgres`` returns the reason to skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Postgres:
    """A running temporary cluster: its SQLAlchemy URL and what ``stop`` needs."""

    url: str
    data_dir: Path
    bin_dir: Path
    as_user: tuple[str, ...] = ()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its files."""
        subprocess.run(
            [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_postgres(base: Path) -> Postgres | str:
    """Start a cluster under ``base`` (loopback and a socket in ``base`` only); or why it cannot."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed: pip install -e '.[server]'"
    bin_dir = _bin_dir()
    if bin_dir is None:
        return "no PostgreSQL server here (apt-get install postgresql; .ci/run does)"
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: use Debian's postgres account
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            return "PostgreSQL refuses to run as root and there is no postgres user to run it as"
        as_user = ["runuser", "-u", "postgres", "--"]
        base = Path(tempfile.mkdtemp(prefix="soc2-pg-"))  # pytest's own temp dirs are root-only
        os.chown(base, account.pw_uid, account.pw_gid)
    data_dir, sock = base / "pgdata", base / "pgsock"
    sock.mkdir(parents=True, exist_ok=True)
    if as_user:
        os.chown(sock, account.pw_uid, account.pw_gid)
    init = subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "soc2", "--auth=trust", "-E", "UTF8"],
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode != 0:
        return f"initdb failed: {init.stderr.strip()[-300:]}"
    port = _free_port()
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = subprocess.run(
        [
            *as_user,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(base / "pg.log"),
            "-w",
            "start",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        return f"pg_ctl start failed: {started.stderr.strip()[-300:]}"
    return Postgres(f"postgresql+psycopg://soc2@127.0.0.1:{port}/postgres", data_dir, bin_dir, tuple(as_user))
