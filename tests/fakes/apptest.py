"""Shared helpers for the AppTest suites (not a test module)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from assessment.interview.engine import Interview
from assessment.web.chat_box import COMPONENT_NAME

APP = str(Path(__file__).resolve().parents[2] / "app.py")
_ESCAPE = re.compile(r"\\(.)")


def displayed(markdown: str) -> str:
    """What a message's Markdown source shows on the page: escapes read, word joiners gone."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


def new_app(sid: str | None = None) -> AppTest:
    """Run the app once, optionally for an existing session id."""
    at = AppTest.from_file(APP, default_timeout=120)
    if sid is not None:
        at.query_params["sid"] = sid
    return at.run()


def start(at: AppTest, scope: list[str] | None = None) -> AppTest:
    """Press Start, after picking a scope when one is given."""
    if scope:
        at.multiselect(key="welcome_scope").set_value(scope).run()
    at.button(key="start").click().run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No exception and no error message on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def interview(at: AppTest) -> Interview:
    """The interview held in the app's session state."""
    iv = at.session_state["iv"]
    assert isinstance(iv, Interview)
    return iv


def chat_boxes(at: AppTest) -> list[Any]:
    """The chat box components on the page (AppTest shows a custom component as an unknown element)."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == COMPONENT_NAME]


def send_chat_box(at: AppTest, value: object) -> AppTest:
    """Run with ``value`` as the chat box's "submit" trigger, as the browser sends it, and return ``at``.

    AppTest cannot run the component's JavaScript; this sends what it would (or anything else, to
    play a broken or tampered page).
    """
    boxes = chat_boxes(at)
    assert len(boxes) == 1, f"expected one chat box, found {len(boxes)}"
    states = at._tree.get_widget_states()  # what the other widgets hold, as AppTest.run() sends it
    trigger_id = _make_trigger_id(boxes[0].proto.id, "events")
    payload = json.dumps([{"event": "submit", "value": value}])
    states.widgets.append(WidgetState(id=trigger_id, json_trigger_value=payload))
    return at._run(states)


def say(at: AppTest, text: str, *, ids: tuple[str, ...] = ()) -> AppTest:
    """Type ``text`` into the chat box and send it: one submission with a fresh id and run.

    With ``ids``, the send carries one submission per id, all with ``text`` (a resend of the same id).
    """
    outbox = [{"id": i, "text": text} for i in ids] or [{"id": uuid.uuid4().hex, "text": text}]
    return send_chat_box(at, {"outbox": outbox, "attempt": 1})
