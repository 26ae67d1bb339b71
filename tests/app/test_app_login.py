"""Issue 15, item 9 through the app (AppTest): the optional login, "My assessments", refused links.

No real provider: OIDC logins come from AppTest's own user info (``at.user``, what ``st.user``
reads), and the trusted-header mode from a fake header reader (AppTest cannot send headers).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.apptest import APP, assert_clean, chat_boxes, interview, say, start
from streamlit.testing.v1 import AppTest

from assessment.interview.engine import Interview
from assessment.interview.storage import SessionStore
from assessment.web import identity, markup, support
from assessment.web.identity import User, from_headers, from_user_info, resolve

ALICE = {"is_logged_in": True, "email": "Alice@Example.com", "name": "Alice", "sub": "a-1"}
BOB = {"is_logged_in": True, "email": "bob@example.com", "name": "Bob", "sub": "b-2"}


def app(user: dict[str, object] | None = None, sid: str | None = None) -> AppTest:
    """Run the app once as ``user`` (AppTest's ``st.user``), optionally on a session link."""
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not None:
        at.user = dict(user)
    if sid is not None:
        at.query_params["sid"] = sid
    return at.run()


def stored(app_env: Path) -> SessionStore:
    return SessionStore(url=f"sqlite:///{app_env}")


@pytest.fixture
def oidc(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOC2_READY_AUTH", "oidc")
    return app_env


@pytest.fixture
def headers(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Header mode; the test fills the list with the headers the proxy would send."""
    sent: list[tuple[str, str]] = []
    monkeypatch.setenv("SOC2_READY_AUTH", "header")
    monkeypatch.setattr(identity, "request_headers", lambda: list(sent))
    yield sent


def sidebar_buttons(at: AppTest) -> dict[str, str]:
    """Key -> label of every "My assessments" button."""
    return {b.key: b.label for b in at.sidebar.button if b.key and b.key.startswith("mine-")}


def test_without_login_the_app_is_as_before(app_env: Path) -> None:
    at = app({"is_logged_in": True, "email": "someone@example.com"})  # ignored: no login configured
    assert_clean(at)
    assert not [b for b in at.button if b.key == "login"]
    assert support.text("my_assessments_heading") not in [h.value for h in at.sidebar.subheader]
    start(at, ["confidentiality"])
    say(at, "yes, every laptop is encrypted")
    store = stored(app_env)
    [info] = store.list_recent()
    assert info.owner is None and info.session_id == at.query_params["sid"]
    store.close()


def test_oidc_without_a_user_shows_only_the_sign_in_screen(oidc: Path) -> None:
    at = app({"is_logged_in": False})
    assert_clean(at)
    assert [b.label for b in at.button] == [support.text("login_button")]
    assert support.text("login_intro") in [i.value for i in at.info]
    assert not chat_boxes(at) and "sid" not in at.query_params
    store = stored(oidc)
    assert store.list_recent() == []
    store.close()


def test_header_mode_without_the_header_says_why(headers: list[tuple[str, str]]) -> None:
    at = app()
    assert_clean(at)
    expected = support.text("login_header_missing", header=markup.markdown_literal("X-Forwarded-Email"))
    assert [w.value for w in at.warning] == [expected]
    assert not at.button and not chat_boxes(at)
    headers.extend([("X-Forwarded-Email", "alice@example.com"), ("x-forwarded-email", "eve@example.com")])
    assert [w.value for w in app().warning] == [expected]  # sent twice: no guess


def test_my_assessments_lists_the_users_sessions_newest_first_and_resumes_them(oidc: Path) -> None:
    at = start(app(ALICE), ["confidentiality"])
    say(at, "yes, every laptop is encrypted")
    first = at.query_params["sid"]
    first_state = interview(at).to_dict()
    at.button(key="restart").click().run()
    at.button(key="restart_yes").click().run()
    start(at, ["privacy"])
    second = at.query_params["sid"]
    assert second != first
    assert support.text("signed_in_as", user="Alice") in [c.value for c in at.sidebar.caption]

    store = stored(oidc)
    listed = store.list_owned("alice@example.com")
    assert [info.session_id for info in listed] == [second, first]
    buttons = sidebar_buttons(at)
    assert list(buttons) == [f"mine-{second}", f"mine-{first}"]
    for info in listed:
        data = store.load(info.session_id)
        assert data is not None
        iv = Interview.from_dict(data)
        label = support.text(
            "my_assessments_item",
            title=markup.markdown_literal(iv.session_name),
            percent=iv.progress().percent,
            updated=info.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
        if info.session_id == second:
            label = support.text("my_assessments_current", label=label)
        assert buttons[f"mine-{info.session_id}"] == label
    store.close()

    at.button(key=f"mine-{first}").click().run()
    assert_clean(at)
    assert at.query_params["sid"] == first
    assert interview(at).to_dict() == first_state


def test_a_link_to_another_users_session_is_refused_and_not_shown(oidc: Path) -> None:
    alice = start(app(ALICE), ["confidentiality"])
    say(alice, "yes, every laptop is encrypted (alice's secret)")
    sid = alice.query_params["sid"]
    store = stored(oidc)
    before = store.load(sid)

    bob = app(BOB, sid=sid)
    assert_clean(bob)
    assert [w.value for w in bob.warning] == [markup.markdown_safe(support.text("session_not_yours"))]
    assert bob.query_params.get("sid") != sid and bob.session_state["iv"] is None
    assert "alice's secret" not in str([m.value for m in bob.markdown])
    assert sidebar_buttons(bob) == {}
    start(bob, ["privacy"])
    say(bob, "no, not yet")
    assert store.load(sid) == before  # untouched by bob
    assert [i.session_id for i in store.list_owned("bob@example.com")] == [bob.query_params["sid"]]
    store.close()


def test_another_user_signing_in_in_the_same_browser_session_sees_nothing_of_the_first(oidc: Path) -> None:
    at = start(app(ALICE), ["confidentiality"])
    say(at, "yes, every laptop is encrypted")
    alice_sid = at.query_params["sid"]
    at.user = dict(BOB)
    at.run()
    assert_clean(at)
    assert at.session_state["iv"] is None and at.query_params.get("sid") != alice_sid
    assert sidebar_buttons(at) == {}


def test_header_mode_signs_in_the_proxys_user(headers: list[tuple[str, str]], app_env: Path) -> None:
    headers.append(("X-Forwarded-Email", "Carol@Example.com"))
    at = start(app(), ["confidentiality"])
    say(at, "yes, every laptop is encrypted")
    store = stored(app_env)
    [info] = store.list_recent()
    assert info.owner == "carol@example.com" and info.session_id == at.query_params["sid"]
    assert list(sidebar_buttons(at)) == [f"mine-{info.session_id}"]
    assert not [b for b in at.sidebar.button if b.key == "logout"]  # the proxy signs people out
    store.close()


def test_identity_resolution() -> None:
    header = "X-Forwarded-Email"
    assert from_headers([("x-forwarded-EMAIL", " Dana@Example.com ")], header) == User(
        "dana@example.com", "Dana@Example.com"
    )
    for bad in (
        [],
        [(header, "")],
        [(header, "a@x.com, b@y.com")],
        [(header, "a@x.com"), (header, "a@x.com")],
    ):
        assert from_headers(bad, header) is None
    assert from_headers([(header, "x" * 400)], header) is None
    assert from_user_info(ALICE) == User("alice@example.com", "Alice")
    assert from_user_info({**ALICE, "is_logged_in": False}) is None
    assert from_user_info({"email": "a@x.com"}) is None  # AppTest's default user: not signed in
    assert from_user_info({**ALICE, "email_verified": False}) == User("sub:a-1", "Alice")
    assert from_user_info({"is_logged_in": True, "sub": "s-9"}) == User("sub:s-9", "sub:s-9")
    assert from_user_info({"is_logged_in": True}) is None
    assert resolve("none", [(header, "a@x.com")], ALICE, header) is None
    assert resolve("header", [(header, "a@x.com")], {}, header) == User("a@x.com", "a@x.com")
    assert resolve("oidc", [], BOB, header) == User("bob@example.com", "Bob")
