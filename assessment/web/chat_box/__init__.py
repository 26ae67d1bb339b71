"""The chat input of the interview: a small Streamlit component that never loses what was typed.

``st.chat_input`` alone drops a submission that arrives while the previous one is still pending
(DESIGN.md, platform limits). This component keeps every submission in the page, with an id, until
the server acknowledges it, and re-sends what is unacknowledged; the server side (``inbox``) takes
each id once, in order, into the app's action queue. The frontend is static HTML, CSS and JavaScript
shipped as package data (no build step, nothing fetched from the network).

Usage (once per run, where the chat input belongs)::

    chat_box(placeholder=t("chat_placeholder"), max_chars=cap)

Each submission is appended to ``st.session_state["queue"]`` as ``("submission", (id, text))``
before the script body runs, like the callback of a widget; the app answers it once per id with
``Interview.answer_once``, which saves the id with the session. A page that reconnects to a restarted
server or another replica (a new browser session here, no ids in memory) and sends again what it
never saw acknowledged therefore adds nothing; the page keeps what is unacknowledged in the tab's
``sessionStorage`` under the session id, so a reload sends it again too.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import streamlit as st

from assessment.web.chat_box.inbox import (
    Outbox,
    SeenIds,
    Submission,
    acknowledged,
    drain,
    parse_outbox,
)
from assessment.web.support import text as t

__all__ = [
    "COMPONENT_NAME",
    "KEY",
    "Outbox",
    "SeenIds",
    "Submission",
    "acknowledged",
    "chat_box",
    "drain",
    "parse_outbox",
]

COMPONENT_NAME = "soc2_ready_chat_box"
KEY = "chat_box"  # the component's widget key; its "submit" trigger carries the outbox
SEEN_KEY = "chat_box_seen"  # SeenIds of this browser session
ACKED_KEY = "chat_box_acked"  # ids of the last send, acknowledged on the next render
CAP_KEY = "chat_box_max_chars"  # the cap the box was last drawn with
QUEUE_KEY = "queue"  # the app's action queue of (action, value)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("frontend", name).read_text(encoding="utf-8")


_mount = st.components.v2.component(
    COMPONENT_NAME,
    html=_asset("chat_box.html"),
    css=_asset("chat_box.css"),
    js=_asset("chat_box.js"),
)


def take_submissions(payload: Any) -> list[Submission]:
    """Move a send's new submissions into the action queue, once per id; return what was new.

    Also records which ids the next render acknowledges. No Streamlit call sits between reading the
    queue and recording an id, so a new rerun cannot stop the script half way (DESIGN.md).
    """
    state = st.session_state
    live = state.get("live")  # the saved session shown, if loaded: the ids any server session answered
    applied = frozenset(live.interview.submission_ids) if live is not None else frozenset()
    queue: list[tuple[str, Any]] = state.setdefault(QUEUE_KEY, [])
    seen: SeenIds = state.setdefault(SEEN_KEY, SeenIds())
    outbox = parse_outbox(payload)
    added = drain(outbox, seen, queue, max_chars=state.get(CAP_KEY), applied=applied)
    state[ACKED_KEY] = acknowledged(outbox, seen)
    return added


def _on_submit() -> None:
    value = st.session_state.get(KEY)
    payload = value.get("submit") if isinstance(value, dict) else None
    take_submissions(payload)


def chat_box(*, placeholder: str, max_chars: int, container: Any = None) -> None:
    """Draw the chat box (in ``container``, default the bottom of the page) with this run's acks."""
    data = {
        "placeholder": placeholder,
        "label": placeholder,
        "send_label": t("chat_send_label"),
        "sending_one": t("chat_sending_one"),
        "sending_many": t("chat_sending_many", count="{count}"),
        "max_chars": int(max_chars),
        "acked": list(st.session_state.get(ACKED_KEY, [])),
        # the session shown: the page keeps its unacknowledged outbox per session, across reloads
        "sid": str(st.session_state.get("sid") or ""),
        # at the bottom of the page the main pane follows the newest message, as with st.chat_input
        "pinned": container is None,
    }
    st.session_state[CAP_KEY] = int(max_chars)
    place = st.bottom if container is None else container
    with place:
        _mount(key=KEY, data=data, on_submit_change=_on_submit)
