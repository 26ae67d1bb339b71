"""A throwaway Chroma server for the server tier: ``chroma run`` from the venv's chromadb, loopback only.

Not a test module. ``start_chroma`` returns a running server, or the reason it cannot start (the
tier then skips, or fails when ``SOC2_TEST_REQUIRE_SERVER_TIER`` is set: see :func:`require_tier`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

STARTUP_TIMEOUT_S = 60
T = TypeVar("T")


@dataclass(frozen=True)
class ChromaServer:
    """A running ``chroma run``: its URL (what ``SOC2_READY_CHROMA_URL`` takes), data dir and process."""

    url: str
    path: Path
    proc: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the server and remove its data."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        shutil.rmtree(self.path, ignore_errors=True)


def require_tier(server: T | str, tier: str) -> T:
    """The started server; else skip with the reason, or fail when CI requires the tier (``.ci/run``)."""
    if isinstance(server, str):
        if os.environ.get("SOC2_TEST_REQUIRE_SERVER_TIER"):
            pytest.fail(f"{tier} tier required but cannot start: {server}")
        pytest.skip(f"{tier} tier skipped: {server}")
    return server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma_command() -> str | None:
    beside = Path(sys.executable).parent / "chroma"  # the venv's own chromadb, not another install
    if beside.is_file():
        return str(beside)
    return shutil.which("chroma")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def start_chroma(base: Path) -> ChromaServer | str:
    """Start ``chroma run --path base/chroma`` on a free loopback port and wait until it answers."""
    command = _chroma_command()
    if command is None:
        return "no `chroma` command (it comes with chromadb: pip install -e .)"
    path = base / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = base / "chroma.log"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [command, "run", "--path", str(path), "--port", str(port), "--host", "127.0.0.1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ChromaServer(f"http://127.0.0.1:{port}", path, proc)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"chroma run exited with {proc.returncode}: {log_path.read_text(errors='replace')[-300:]}"
        if _healthy(server.url):
            return server
        time.sleep(0.3)
    server.stop()
    tail = log_path.read_text(errors="replace")[-300:]
    return f"chroma run did not answer within {STARTUP_TIMEOUT_S} s: {tail}"
