"""Shared helpers for the browser tests: a real ``streamlit run`` server, Chromium, page helpers.

Not a test module; the browser tests import it (pytest puts ``tests/`` on the import path), and
``tests/e2e/conftest.py`` turns :func:`serving_app` into the ``app_server`` fixture.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 90
ACTION_TIMEOUT_MS = 60_000
SCOPE_PICKER = "I already know my scope (optional)"
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


# The way `make run` starts the app: app.py behind the ASGI entry that adds the security headers.
APP_ENTRY = ROOT / "assessment" / "web" / "asgi.py"


def start_server(
    data_dir: Path, extra_env: Mapping[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app (``streamlit run assessment/web/asgi.py``) on a free port over ``data_dir``.

    ``extra_env`` is added last (e.g. ``SOC2_READY_SESSION_DB_URL`` and ``SOC2_READY_CHROMA_URL`` for
    a replica over shared servers); without it the app keeps sessions and the index in ``data_dir``.
    """
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
    env.pop("SOC2_READY_CHROMA_URL", None)
    env.update(extra_env or {})
    log_path = data_dir / f"streamlit-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP_ENTRY),
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


@dataclass(frozen=True)
class AppServer:
    """A running app: its URL and the data directory it keeps sessions and the index in."""

    url: str
    data_dir: Path

    def stored_user_turns(self, sid: str) -> list[str]:
        """What the founder typed in session ``sid``, as the app's store holds it (none if unsaved)."""
        from assessment.interview.storage import SessionStore, default_url

        store = SessionStore(url=default_url(self.data_dir))
        try:
            data = store.load(sid)
        finally:
            store.close()
        return [] if data is None else [t["text"] for t in data["transcript"] if t["role"] == "user"]


@contextmanager
def serving_app(data_dir: Path, extra_env: Mapping[str, str] | None = None) -> Iterator[AppServer]:
    """``streamlit run app.py`` over ``data_dir`` (see :func:`start_server`) for the ``with`` block."""
    proc, url = start_server(data_dir, extra_env)
    try:
        yield AppServer(url, data_dir)
    finally:
        stop_server(proc)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright's sync API; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@asynccontextmanager
async def chromium_async() -> AsyncIterator[Any]:
    """:func:`chromium` for Playwright's async API (several pages driven at once)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


def session_id(page: Any) -> str:
    """The session id in the page's address (``?sid=...``)."""
    return parse_qs(urlparse(page.url).query)["sid"][0]


def settle(page: Any) -> None:
    """Wait until the Streamlit script has finished its rerun (as Streamlit's own e2e helpers do)."""
    page.wait_for_timeout(250)
    page.wait_for_selector(SETTLED, timeout=ACTION_TIMEOUT_MS)


async def settle_async(page: Any) -> None:
    """:func:`settle` for Playwright's async API."""
    await page.wait_for_timeout(250)
    await page.wait_for_selector(SETTLED, timeout=ACTION_TIMEOUT_MS)


def pick_scope(page: Any, label: str) -> None:
    """Choose one category in the welcome page's scope picker and close the list."""
    page.get_by_role("combobox", name=SCOPE_PICKER).click()
    page.get_by_role("option", name=label).click()
    page.keyboard.press("Escape")
    settle(page)


async def pick_scope_async(page: Any, label: str) -> None:
    """:func:`pick_scope` for Playwright's async API."""
    await page.get_by_role("combobox", name=SCOPE_PICKER).click()
    await page.get_by_role("option", name=label).click()
    await page.keyboard.press("Escape")
    await settle_async(page)
