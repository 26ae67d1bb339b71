"""The app as an ASGI application with security headers: ``streamlit run assessment/web/asgi.py``.

Streamlit has no setting for response headers, but its ASGI ``App`` takes middleware. The
Content-Security-Policy keeps the page to this server: no remote image, script, style, font or
frame can load, so even a Markdown image that slipped past escaping could not call out (a
tracking pixel, or a network connection in "offline" mode).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.middleware import Middleware
from streamlit.starlette import App

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# 'self' only, plus what Streamlit's own front end needs: inline styles and scripts of its
# bundle, data:/blob: URLs it creates for images, downloads and charts, and its websocket.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # blob: the chat box component's module (st.components.v2 imports inline JS from a blob: URL
        # the page itself creates; no remote script can come in through it).
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "frame-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers when the response starts."""
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def app_script() -> Path:
    """``app.py`` of the checkout (or ``SOC2_READY_APP_SCRIPT``)."""
    return Path(os.environ.get("SOC2_READY_APP_SCRIPT") or Path(__file__).resolve().parents[2] / "app.py")


app = App(app_script(), middleware=[Middleware(SecurityHeaders)])
