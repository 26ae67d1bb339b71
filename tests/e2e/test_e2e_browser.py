"""End to end in headless Chromium: a short scoped interview, reload, server restart, PDF download.

Runs ``streamlit run app.py`` as a subprocess on a free port with its own data directory (a copy of
the session's real index, so nothing is rebuilt), the way Streamlit's own e2e suite does it.
Screenshots of each step go to ``$SOC2_READY_SHOTS_DIR`` (default ``/tmp/shots``).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from fakes.browser import (
    ACTION_TIMEOUT_MS,
    AppServer,
    chromium,
    copy_index,
    needs_chromium,
    pick_scope,
    serving_app,
    settle,
)

MAX_TURNS = 120

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.fixture(scope="module")
def shots_dir() -> Path:
    """Where step screenshots are written."""
    path = Path(os.environ.get("SOC2_READY_SHOTS_DIR", "/tmp/shots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_scoped_interview_survives_reload_and_downloads_pdf(app_server: AppServer, shots_dir: Path) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800}, accept_downloads=True)
        page.goto(app_server.url)
        start = page.get_by_role("button", name="Start the interview")
        expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        assert "sid=" in page.url
        page.screenshot(path=str(shots_dir / "01-welcome.png"))

        pick_scope(page, "Confidentiality")  # a small scope
        start.click()
        settle(page)
        chat = page.get_by_test_id("stChatInputTextArea")
        expect(chat).to_be_visible(timeout=ACTION_TIMEOUT_MS)

        # First answer typed, then quick replies until the results appear.
        chat.fill("yes, we do that")
        chat.press("Enter")
        settle(page)
        results = page.get_by_role("heading", name="Your SOC 2 readiness")
        for turn in range(MAX_TURNS):
            if results.count():
                break
            if turn == 0:
                page.screenshot(path=str(shots_dir / "02-mid-interview.png"))
            quick = page.locator(".st-key-quick_replies button")
            yes = quick.filter(has_text="Yes")
            (yes.first if yes.count() else quick.first).click()
            settle(page)
        expect(results).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        settle(page)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shots_dir / "03-results.png"))
        url_before = page.url
        bubbles = page.get_by_test_id("stChatMessage").all_inner_texts()
        metrics = page.get_by_test_id("stMetric").all_inner_texts()
        assert bubbles and len(metrics) == 4

        # Reload: same session id, same transcript and figures, still finished.
        page.reload()
        expect(results).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        settle(page)
        assert page.url == url_before
        assert page.get_by_test_id("stChatMessage").all_inner_texts() == bubbles
        assert page.get_by_test_id("stMetric").all_inner_texts() == metrics

        # The PDF download holds the report.
        with page.expect_download(timeout=ACTION_TIMEOUT_MS) as info:
            page.locator(".stMain").get_by_role("button", name="Download PDF").click()
        pdf = Path(info.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "C1.1" in text or "Confidentiality" in text

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(url_before)
        expect(phone.get_by_role("heading", name="Your SOC 2 readiness")).to_be_visible(
            timeout=ACTION_TIMEOUT_MS
        )
        settle(phone)
        phone.wait_for_timeout(1000)  # the chart draws after the script run ends
        phone.screenshot(path=str(shots_dir / "04-results-phone.png"))


def test_session_survives_a_server_restart(
    retriever: object, session_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.sync_api import expect

    data_dir = copy_index(session_data_dir, tmp_path_factory)
    with serving_app(data_dir) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(server.url)
        start = page.get_by_role("button", name="Start the interview")
        expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        start.click()
        settle(page)
        chat = page.get_by_test_id("stChatInputTextArea")
        for answer in ("about 12 people", "everything runs on GCP"):
            expect(chat).to_be_visible(timeout=ACTION_TIMEOUT_MS)
            chat.fill(answer)
            chat.press("Enter")
            settle(page)
        session_query = page.url.split("?", 1)[1]
        bubbles = page.get_by_test_id("stChatMessage").all_inner_texts()
        assert any("GCP" in b for b in bubbles)

    # A new process over the same data directory.
    with serving_app(data_dir) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{server.url}/?{session_query}")
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        settle(page)
        assert page.get_by_test_id("stChatMessage").all_inner_texts() == bubbles
