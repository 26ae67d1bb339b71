"""Several founders at once on one real ``streamlit run`` server, each in their own browser context.

Four headless Chromium contexts (Playwright's async API, driven together with ``asyncio.gather``)
each pick a different scope and type their own answers at the same time. Afterwards every session
in the SQLite store holds exactly its own answers and scope (no cross-talk), and every page shows
its own transcript and none of the others'. One tab types Markdown/HTML/LaTeX-looking text, which
must appear literally on the page.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fakes.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SETTLED,
    copy_index,
    needs_chromium,
    start_server,
    stop_server,
)

from assessment.interview.storage import SessionStore, default_url

ACTION_TIMEOUT_MS = 60_000
ANSWERS_PER_TAB = 4

pytestmark = [pytest.mark.browser, needs_chromium]


@dataclass
class Tab:
    """One founder: the scope they pick, the answers they type, and what the run observed."""

    index: int
    scope_label: str | None
    scope: list[str] | None
    answers: list[str]
    sid: str = ""
    bubbles: list[str] = field(default_factory=list)


def _tabs() -> list[Tab]:
    scopes: list[tuple[str | None, list[str] | None]] = [
        # Scopes long enough that nobody finishes (a finished page folds earlier turns away).
        ("Security", ["security"]),
        ("Privacy", ["privacy"]),
        ("Security", ["security"]),  # the same scope as tab 0: only the answers tell them apart
        (None, None),  # no scope chosen: the scoping questions come first
    ]
    wordings = [
        "yes, we do that for every system",
        "no, not yet",
        "partly, only in production",
        "not sure, I need to ask our CTO",
    ]
    tabs = []
    for i, (label, scope) in enumerate(scopes):
        answers = [f"Tab{i} answer{k}: {wordings[(i + k) % len(wordings)]}" for k in range(ANSWERS_PER_TAB)]
        tabs.append(Tab(i, label, scope, answers))
    # Text that Markdown, HTML or LaTeX would swallow must reach the page literally.
    tabs[1].answers[1] = "Tab1 answer1: we pay $50 and $100 <b>monthly</b> *really*"
    return tabs


@pytest.fixture(scope="module")
def server(
    retriever: object, session_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A running app server (URL, data dir) whose data dir holds a copy of the real index."""
    data_dir = copy_index(session_data_dir, tmp_path_factory)
    proc, url = start_server(data_dir)
    try:
        yield url, data_dir
    finally:
        stop_server(proc)


async def _settle(page: Any) -> None:
    """Wait until the Streamlit script has finished its rerun (as Streamlit's own e2e helpers do)."""
    await page.wait_for_timeout(250)
    await page.wait_for_selector(
        SETTLED,
        timeout=ACTION_TIMEOUT_MS,
    )


async def _founder(browser: Any, url: str, tab: Tab) -> None:
    """One browser context: pick the scope, start, type every answer, then read the transcript."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = await context.new_page()
        await page.goto(url)
        start = page.get_by_role("button", name="Start the interview")
        await expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        await _settle(page)
        if tab.scope_label:
            await page.get_by_role("combobox", name="I already know my scope (optional)").click()
            await page.get_by_role("option", name=tab.scope_label).click()
            await page.keyboard.press("Escape")
            await _settle(page)
        await start.click()
        chat = page.get_by_test_id("stChatInputTextArea")
        await expect(chat).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        await _settle(page)
        bubbles = page.get_by_test_id("stChatMessage")
        for said in tab.answers:
            await chat.fill(said)
            await chat.press("Enter")
            # The founder's own bubble, once (the reply may quote the answer too).
            mine = bubbles.filter(has=page.get_by_test_id("stChatMessageAvatarUser")).filter(has_text=said)
            await expect(mine).to_have_count(1, timeout=ACTION_TIMEOUT_MS)
            await _settle(page)
        tab.sid = parse_qs(urlparse(page.url).query)["sid"][0]
        tab.bubbles = await bubbles.all_inner_texts()
    finally:
        await context.close()


async def _run_all(url: str, tabs: list[Tab]) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(_founder(browser, url, tab) for tab in tabs))
        finally:
            await browser.close()


def test_concurrent_founders_keep_separate_sessions(server: tuple[str, Path]) -> None:
    url, data_dir = server
    tabs = _tabs()
    asyncio.run(_run_all(url, tabs))

    assert len({tab.sid for tab in tabs}) == len(tabs)
    store = SessionStore(url=default_url(data_dir))
    try:
        for tab in tabs:
            data = store.load(tab.sid)
            assert data is not None, f"tab {tab.index}: session {tab.sid} not in the store"
            typed = [turn["text"] for turn in data["transcript"] if turn["role"] == "user"]
            assert typed == tab.answers, f"tab {tab.index} stored someone else's answers: {typed}"
            assert data["given_scope"] == tab.scope
            others = [said for other in tabs if other is not tab for said in other.answers]
            page_text = "\n".join(tab.bubbles)
            for said in tab.answers:
                assert said in page_text, f"tab {tab.index} does not show {said!r}"
            for said in others:
                assert said not in page_text, f"tab {tab.index} shows another founder's {said!r}"
            assert set(re.findall(r"Tab(\d+) answer", page_text)) == {str(tab.index)}
    finally:
        store.close()
