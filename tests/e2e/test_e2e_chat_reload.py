"""A reload while answers are still unacknowledged loses none and doubles none (Chromium).

The page's websocket is relayed by Playwright (``page.route_web_socket``), so the test can cut it the
way a network does, with no hook in the app: first only the server's messages stop reaching the page
(the server takes and saves answer A, but its acknowledgement never arrives), then the page's
messages stop reaching the server too (answer B never arrives). The founder reloads. The reloaded
page is a new server session with no ids in memory; the chat box re-sends A and B from
``sessionStorage``. B must be recorded, and A, already saved, must not be recorded again.

Before the fix B was lost (the unacknowledged outbox lived only in the page's memory), and with the
resend alone A was recorded twice (the ids taken lived only in the old server session). The app is
served as in production (``assessment/web/asgi.py``, with its Content-Security-Policy).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from fakes.browser import (
    ACTION_TIMEOUT_MS,
    AppServer,
    chromium,
    needs_chromium,
    pick_scope,
    session_id,
    settle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]
ANSWER_A = "not sure yet, answer A (saved, its ack lost)"
ANSWER_B = "not sure yet, answer B (never reached the server)"
SAVE_TIMEOUT_S = 240  # the first answer waits for the reader model to load on a loaded machine
STREAM = re.compile(r".*/_stcore/stream.*")


@dataclass
class Link:
    """The first page load's websocket, relayed: each direction can be cut; later loads pass freely."""

    down: bool = True  # server -> page (renders, and with them the acknowledgements)
    up: bool = True  # page -> server (sends)
    connections: int = 0

    def relay(self, ws: Any) -> None:
        """Playwright's handler for one page websocket: forward both ways while this link is open."""
        self.connections += 1
        first = self.connections == 1
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(message) if self.up or not first else None)
        server.on_message(lambda message: ws.send(message) if self.down or not first else None)


def _wait_until_stored(page: Any, server: AppServer, sid: str, expected: list[str]) -> None:
    deadline = time.monotonic() + SAVE_TIMEOUT_S
    while server.stored_user_turns(sid) != expected:
        assert time.monotonic() < deadline, f"stored {server.stored_user_turns(sid)}, expected {expected}"
        page.wait_for_timeout(250)  # not time.sleep: Playwright relays the websocket only while it runs


def test_a_reload_with_unacknowledged_answers_records_each_exactly_once(app_server: AppServer) -> None:
    from playwright.sync_api import expect

    link = Link()
    violations: list[str] = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.on("console", lambda msg: violations.append(msg.text) if "Security Policy" in msg.text else None)
        page.route_web_socket(STREAM, link.relay)
        page.goto(app_server.url)
        start = page.get_by_role("button", name="Start the interview")
        expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        settle(page)
        pick_scope(page, "Security")
        start.click()
        chat = page.get_by_test_id("stChatInputTextArea")
        expect(chat).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        settle(page)
        sid = session_id(page)

        link.down = False  # the server still hears the page, but nothing it sends back arrives
        chat.fill(ANSWER_A)
        chat.press("Enter")
        _wait_until_stored(page, app_server, sid, [ANSWER_A])  # applied and saved; the ack is lost
        link.up = False  # now the network is gone both ways
        chat.fill(ANSWER_B)
        chat.press("Enter")
        status = page.get_by_test_id("chatBoxStatus")
        expect(status).not_to_have_text("")  # the page says it is still sending both
        page.wait_for_timeout(500)
        assert app_server.stored_user_turns(sid) == [ANSWER_A]  # B never reached the server
        assert link.connections == 1  # the page did not reconnect by itself meanwhile

        page.reload()
        mine = page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stChatMessageAvatarUser"))
        expect(mine.filter(has_text=ANSWER_B)).to_have_count(1, timeout=ACTION_TIMEOUT_MS)
        expect(page.get_by_test_id("chatBoxStatus")).to_have_text("", timeout=ACTION_TIMEOUT_MS)
        settle(page)
        assert link.connections == 2  # the reload was a new connection, so a new server session
        assert app_server.stored_user_turns(sid) == [ANSWER_A, ANSWER_B]  # each once, in order
        shown = mine.all_inner_texts()
        assert [sum(a in bubble for bubble in shown) for a in (ANSWER_A, ANSWER_B)] == [1, 1]
        assert not violations, violations  # keeping and restoring the queue needs nothing the CSP forbids
        context.close()
