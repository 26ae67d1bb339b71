"""The app is served with a Content-Security-Policy that keeps the page to its own server.

Headless Chromium against ``streamlit run assessment/web/asgi.py`` (what ``make run`` starts): the
headers are on the page, the app works under the policy with no violation reported, and an image
pointing at another server — as a Markdown image that slipped past escaping would — is never
fetched (a local HTTP server counts the requests it gets).
"""

from __future__ import annotations

import http.server
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from fakes.browser import ACTION_TIMEOUT_MS, SETTLED, AppServer, chromium, needs_chromium

from assessment.web.asgi import CONTENT_SECURITY_POLICY

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def other_server() -> Iterator[str]:
    """A second local HTTP server standing in for a remote host; it records every request."""
    _Counter.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_pages_carry_the_security_headers(app_server: AppServer) -> None:
    with urllib.request.urlopen(app_server.url, timeout=10) as response:
        headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "img-src 'self' data: blob:" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_app_works_under_the_policy_and_remote_images_never_load(
    app_server: AppServer, other_server: str
) -> None:
    from playwright.sync_api import expect

    violations: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on(
            "console",
            lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        page.goto(app_server.url)
        start = page.get_by_role("button", name="Start the interview")
        expect(start).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        start.click()
        page.wait_for_selector(SETTLED, timeout=ACTION_TIMEOUT_MS)
        box = page.get_by_role("textbox").last
        expect(box).to_be_editable(timeout=ACTION_TIMEOUT_MS)
        box.fill(f"yes ![x]({other_server}/typed.png)")
        box.press("Enter")
        page.wait_for_timeout(500)
        page.wait_for_selector(SETTLED, timeout=ACTION_TIMEOUT_MS)
        assert not violations, violations  # Streamlit's own page needs nothing the policy forbids
        # An image that reached the DOM anyway (the escaping is the first line of defence).
        page.evaluate(
            "url => { const i = document.createElement('img'); i.src = url; document.body.append(i); }",
            f"{other_server}/injected.png",
        )
        page.wait_for_timeout(1500)
    assert _Counter.hits == []
    assert any("img-src" in v for v in violations), violations
