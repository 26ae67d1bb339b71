"""What the founder sees of the chat in Chromium: the newest message in view, no stale landing page.

Streamlit keeps the main pane at the end of a chat only when an ``st.chat_input`` is pinned at the
bottom; the app's own chat box (``assessment/web/chat_box``) replaced it, and the pane stayed at the
top while each new question appeared below the fold. The box now follows the end of the pane, unless
the founder has scrolled up to read the history. Served as in production (``assessment/web/asgi.py``,
with its Content-Security-Policy): the scrolling is done by the component's module, no inline script.

After "Start" the landing page's lower half stayed on screen, faded, under the first question until
the run ended; the landing page is now one container that the first chat message replaces.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fakes.browser import ACTION_TIMEOUT_MS, SETTLED, AppServer, chromium, needs_chromium, pick_scope, settle

from assessment.web import support

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]
VIEWPORT = {"width": 1280, "height": 800}
ANSWERS = (
    "yes, we have a code of conduct everyone signs",
    "no board yet, just the two founders",
    "our CTO owns security, the org chart is in our HR tool",
    "not sure",
    "yes",
    "we review it every year",
)
PANE = "[data-testid='stMain']"
SHOTS = Path("/tmp/shots")


def _in_view(page: Any, locator: Any) -> bool:
    """Whether ``locator`` is wholly on screen, above the chat box pinned at the bottom."""
    box = locator.bounding_box()
    chat_top = page.get_by_test_id("stBottom").bounding_box()["y"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= chat_top


def _next_turn(page: Any, before: int) -> None:
    """Wait until the turn sent after ``before`` bubbles is on the page (its answer and the reply)."""
    bubbles = "document.querySelectorAll(\"[data-testid='stChatMessage']\").length"
    page.wait_for_function(f"() => {bubbles} >= {before + 2}")
    settle(page)
    page.wait_for_timeout(300)  # layout, and the resize observer, run after the render


def _scroll_top(page: Any) -> float:
    return float(page.evaluate(f"() => document.querySelector({PANE!r}).scrollTop"))


def _start_security(page: Any, url: str) -> Any:
    from playwright.sync_api import expect

    page.goto(url)
    start = page.get_by_role("button", name=support.text("start_button"))
    expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
    settle(page)
    pick_scope(page, support.text("category_security"))
    start.click()
    chat = page.get_by_test_id("stChatInputTextArea")
    expect(chat).to_be_visible(timeout=ACTION_TIMEOUT_MS)
    settle(page)
    return chat


def test_the_newest_message_stays_in_view_unless_the_founder_scrolls_up(app_server: AppServer) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        chat = _start_security(page, app_server.url)
        bubbles = page.get_by_test_id("stChatMessage")
        for turn, said in enumerate(ANSWERS, start=1):
            before = bubbles.count()
            chat.fill(said)
            chat.press("Enter")
            _next_turn(page, before)
            assert _in_view(page, bubbles.last), f"turn {turn}: the newest message is off screen"
        assert _scroll_top(page) > 0  # the chat is longer than the window: the pane did scroll
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "chat-view-end.png"))

        # Scrolled up to read the history, the founder stays there while the next turn arrives.
        before = bubbles.count()
        chat.fill("no")
        chat.press("Enter")
        page.mouse.move(VIEWPORT["width"] // 2, VIEWPORT["height"] // 2)
        page.mouse.wheel(0, -20_000)
        _next_turn(page, before)
        assert _scroll_top(page) == 0
        assert not _in_view(page, bubbles.last)

        # Back at the end, the pane follows again.
        page.mouse.wheel(0, 20_000)
        page.wait_for_timeout(300)
        before = bubbles.count()
        chat.fill("yes")
        chat.press("Enter")
        _next_turn(page, before)
        assert _in_view(page, bubbles.last)


# Records whether the page ever showed a chat message while a piece of the landing page was still there.
WATCH_LANDING = """([heading]) => {
  window.__landingStale = false;
  const check = () => {
    const chat = document.querySelector("[data-testid='stChatMessage']");
    const headings = Array.from(document.querySelectorAll("h1, h2, h3"));
    const covers = headings.some((h) => h.textContent.includes(heading));
    const landing = document.querySelector(".st-key-start") || covers;
    if (chat && landing) window.__landingStale = true;
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""
STREAM = re.compile(r".*/_stcore/stream.*")
GAP_MS = 150  # between two server messages while throttled: each one is drawn on its own


@dataclass
class Throttle:
    """The page's websocket, relayed; while ``on``, the server's messages reach the page one by one.

    On a quiet machine a whole run can arrive within one frame and be drawn at once; the founder's
    machine, loading the models after start-up, took a second. Spacing the messages shows each
    state the page goes through, whatever the machine's speed.
    """

    on: bool = False
    held: list[Any] = field(default_factory=list)
    page_side: Any = None

    def relay(self, ws: Any) -> None:
        """Playwright's handler for the page's websocket."""
        server = ws.connect_to_server()
        self.page_side = ws
        ws.on_message(server.send)
        server.on_message(lambda message: self.held.append(message) if self.on else ws.send(message))

    def pump(self, page: Any, done: Any) -> None:
        """Pass the held messages on, ``GAP_MS`` apart, until none is left and ``done()``."""
        deadline = time.monotonic() + ACTION_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            if self.held:
                self.page_side.send(self.held.pop(0))
            elif done():
                return
            page.wait_for_timeout(GAP_MS)  # not time.sleep: Playwright relays only while it runs
        raise AssertionError("the page did not settle")


def test_start_takes_the_landing_page_away_at_once(app_server: AppServer) -> None:
    from playwright.sync_api import expect

    throttle = Throttle()
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.route_web_socket(STREAM, throttle.relay)
        page.goto(app_server.url)
        start = page.get_by_role("button", name=support.text("start_button"))
        expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        settle(page)
        page.evaluate(WATCH_LANDING, [support.text("welcome_covers_heading")])
        throttle.on = True
        start.click()
        bubbles = page.get_by_test_id("stChatMessage")
        throttle.pump(page, lambda: bubbles.count() > 0 and page.locator(SETTLED).count() == 1)
        assert page.evaluate("() => window.__landingStale") is False
