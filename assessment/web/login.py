"""The optional login in the app: the sign-in screen, each user's view of the store, "My assessments".

With ``SOC2_READY_AUTH=none`` (the default) nothing here shows and the store is used as it always
was. With a login on (``oidc`` or ``header``, see ``identity``), a visitor who is not signed in
sees only the sign-in screen; a signed-in user works through ``store.as_user(owner)``: new
sessions are theirs, a link to anyone else's session is refused with a message (and not opened),
and the sidebar lists their own sessions, newest first, to resume.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from assessment.interview.storage import SessionInfo, StoreError
from assessment.web import markup, support
from assessment.web.identity import User, current_user
from assessment.web.resources import Resources
from assessment.web.state import flash
from assessment.web.support import text as t

log = logging.getLogger("soc2_ready.app")
MY_ASSESSMENTS_SHOWN = 10


@dataclass(frozen=True)
class Summary:
    """What "My assessments" shows of one stored session."""

    name: str
    percent: int | None
    finished: bool


@dataclass(frozen=True)
class Login:
    """The login's outcome for this run: show the app (``allowed``), and who is signed in."""

    allowed: bool
    user: User | None = None


def gate(res: Resources) -> Login:
    """Apply the login; not ``allowed`` when the sign-in screen was shown instead of the app.

    When signed in, ``res.store`` becomes the user's view of the store.
    """
    mode = res.settings.auth
    if mode == "none":
        return Login(True)
    user = current_user(mode, res.settings.trusted_user_header)
    if user is None:
        sign_in_page(res)
        return Login(False)
    res.store = res.store.as_user(user.owner)
    if st.session_state.get("owner") != user.owner:
        # Another user signed in in this browser session: nothing of the previous one's stays.
        st.session_state.update(owner=user.owner, sid=None, iv=None, live=None, queue=[], my_summaries={})
    sid = st.query_params.get("sid")
    if sid and sid != st.session_state.get("sid") and res.store.refuses(str(sid)):
        log.info("link to another user's session refused")
        del st.query_params["sid"]  # a fresh session is started; the message says why
        flash("warning", t("session_not_yours"))
    return Login(True, user)


def sign_in_page(res: Resources) -> None:
    """The only page a visitor who is not signed in sees: no interview, no session."""
    st.title(t("app_title"))
    st.markdown(t("app_tagline"))
    if res.settings.auth == "oidc":
        st.info(t("login_intro"))
        st.button(t("login_button"), type="primary", on_click=st.login, key="login")
    else:
        st.warning(
            t("login_header_missing", header=markup.markdown_literal(res.settings.trusted_user_header))
        )


def my_assessments(res: Resources, user: User | None) -> None:
    """The sidebar list of the signed-in user's sessions, newest first, each a button to resume it."""
    if user is None:
        return
    with st.sidebar:
        st.subheader(t("my_assessments_heading"))
        st.caption(t("signed_in_as", user=markup.markdown_literal(user.label)))
        try:
            sessions = res.store.list_recent(MY_ASSESSMENTS_SHOWN)
        except StoreError as exc:
            log.warning("cannot list the user's sessions: %s", exc)
            sessions = []
        if not sessions:
            st.caption(t("my_assessments_empty"))
        current = st.session_state.get("sid")
        for info in sessions:
            st.button(
                _label(info, summary(res, info), info.session_id == current),
                key=f"mine-{info.session_id}",
                on_click=open_session,
                args=(info.session_id,),
                disabled=info.session_id == current,
                width="stretch",
            )
        if res.settings.auth == "oidc":
            st.button(t("logout_button"), on_click=st.logout, key="logout")


def _label(info: SessionInfo, shown: Summary, current: bool) -> str:
    updated = _day(info.updated_at)
    name = markup.markdown_literal(shown.name)
    if shown.percent is None:
        label = t("my_assessments_unreadable", updated=updated)
    elif shown.finished:
        label = t("my_assessments_finished", title=name, updated=updated)
    else:
        label = t("my_assessments_item", title=name, percent=shown.percent, updated=updated)
    return t("my_assessments_current", label=label) if current else label


def _day(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def summary(res: Resources, info: SessionInfo) -> Summary:
    """Name and progress of a stored session, computed once per saved version of it."""
    cache: dict[tuple[str, str], Summary] = st.session_state.setdefault("my_summaries", {})
    key = (info.session_id, info.updated_at.isoformat())
    if key not in cache:
        if len(cache) > 4 * MY_ASSESSMENTS_SHOWN:
            cache.clear()
        try:
            data = res.store.load(info.session_id)
            iv = support.restore_interview(data or {})
            cache[key] = Summary(iv.session_name, int(iv.progress().percent), bool(iv.finished))
        except (StoreError, support.UploadError, ValueError) as exc:
            log.warning("cannot summarise session %s: %s", info.session_id, exc)
            cache[key] = Summary("", None, False)
    return cache[key]


def open_session(session_id: str) -> None:
    """Button callback: show this session; the next run restores it (through the user's view)."""
    st.query_params["sid"] = session_id
