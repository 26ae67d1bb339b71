"""Shared helpers for the AppTest suites (not a test module)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from assessment.interview.engine import Interview

APP = str(Path(__file__).resolve().parents[2] / "app.py")


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
