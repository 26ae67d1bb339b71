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
from dataclasses import dataclass, field
from typing import Any

import pytest
from fakes.browser import (
    ACTION_TIMEOUT_MS,
    AppServer,
    chromium_async,
    needs_chromium,
    pick_scope_async,
    session_id,
    settle_async,
)

from assessment.interview.storage import SessionStore, default_url

ANSWERS_PER_TAB = 4

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


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


async def _founder(browser: Any, url: str, tab: Tab) -> None:
    """One browser context: pick the scope, start, type every answer, then read the transcript."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = await context.new_page()
        await page.goto(url)
        start = page.get_by_role("button", name="Start the interview")
        await expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        await settle_async(page)
        if tab.scope_label:
            await pick_scope_async(page, tab.scope_label)
        await start.click()
        chat = page.get_by_test_id("stChatInputTextArea")
        await expect(chat).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        await settle_async(page)
        bubbles = page.get_by_test_id("stChatMessage")
        for said in tab.answers:
            await chat.fill(said)
            await chat.press("Enter")
            # The founder's own bubble, once (the reply may quote the answer too).
            mine = bubbles.filter(has=page.get_by_test_id("stChatMessageAvatarUser")).filter(has_text=said)
            await expect(mine).to_have_count(1, timeout=ACTION_TIMEOUT_MS)
            await settle_async(page)
        tab.sid = session_id(page)
        tab.bubbles = await bubbles.all_inner_texts()
    finally:
        await context.close()


async def _run_all(url: str, tabs: list[Tab]) -> None:
    async with chromium_async() as browser:
        await asyncio.gather(*(_founder(browser, url, tab) for tab in tabs))


def test_concurrent_founders_keep_separate_sessions(app_server: AppServer) -> None:
    tabs = _tabs()
    asyncio.run(_run_all(app_server.url, tabs))

    assert len({tab.sid for tab in tabs}) == len(tabs)
    store = SessionStore(url=default_url(app_server.data_dir))
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
