"""Shared helpers for the browser tests: start and stop a real ``streamlit run`` server.

Not a test module; the browser tests import it (pytest puts ``tests/`` on the import path).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 90
SETTLED = "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium (apt-get install chromium)"
)


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll ``/_stcore/health`` until the server answers; fail with its log if it dies or hangs."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not become healthy:\n{log_path.read_text()[-3000:]}")


def copy_index(session_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh data dir holding a copy of the real index (so the server does not rebuild it)."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    shutil.copytree(
        session_data_dir, data_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("sessions.db*")
    )
    return data_dir


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``streamlit run app.py`` on a free port over ``data_dir`` and wait until it is healthy."""
    port = free_port()
    env = {
        **os.environ,
        "SOC2_READY_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    env.pop("SOC2_READY_SESSION_DB_URL", None)
    env.pop("SOC2_READY_LLM", None)
    log_path = data_dir / f"streamlit-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log_path)
    except BaseException:
        stop_server(proc)
        raise
    return proc, url


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server`."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
