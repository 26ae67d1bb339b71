"""This tab's session: its id, the interview restored from the store, flash messages, the action queue."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import streamlit as st

from assessment.interview.live import LiveSession
from assessment.interview.storage import (
    SessionDamaged,
    SessionNotYours,
    VersionConflict,
    is_issued_session_id,
    new_session_id,
)
from assessment.web import support
from assessment.web.resources import Resources
from assessment.web.support import text as t

log = logging.getLogger("soc2_ready.app")


def flash(kind: str, message: str) -> None:
    """Queue a message shown once at the top of the next render."""
    st.session_state.setdefault("flash", []).append((kind, message))


def set_pending(action: str, value: Any = None) -> None:
    """Widget callback: queue the action; the guarded page body applies the queue in order.

    A queue, not one slot: a second submission arriving before the first was applied is kept too.
    """
    st.session_state.setdefault("queue", []).append((action, value))


def session_id(res: Resources) -> str:
    """This tab's session id: one the server issued, never one chosen by whoever wrote the link.

    A ``?sid=`` is adopted only if this browser session was given it, or it is a server-issued id
    (128 random bits) of a saved session; anything else starts a fresh session and says so.
    """
    sid = st.query_params.get("sid")
    if sid and sid == st.session_state.get("sid"):
        return str(sid)
    if is_issued_session_id(sid) and res.store.exists(str(sid)):
        return str(sid)
    if sid:
        log.info("unknown or malformed session link ignored")
        flash("info", t("unknown_session_link"))
    new_sid = new_session_id()
    st.query_params["sid"] = new_sid
    st.session_state.update(sid=new_sid, iv=None, live=None)
    return new_sid


def restorer(res: Resources) -> support.Restore:
    """Rebuilds an Interview from stored data with this process's retriever and LLM."""
    retriever, llm = res.retriever, res.llm
    return lambda data: support.restore_interview(data, retriever=retriever, llm=llm)


def ensure_interview(res: Resources, sid: str) -> None:
    """Restore this tab's interview from the store, and pick up what another tab saved since."""
    live = st.session_state.get("live")
    if live is not None and live.session_id == sid:
        try:
            live.refresh(restorer(res))  # another tab or replica may have answered meanwhile
        except SessionNotYours:  # given to another user meanwhile (soc2-ready sessions set-owner)
            log.warning("session %s no longer belongs to this user", sid)
            new_sid = new_session_id()
            st.query_params["sid"] = new_sid
            st.session_state.update(sid=new_sid, iv=None, live=None)
            flash("warning", t("session_not_yours"))
            return
        except (support.UploadError, SessionDamaged) as exc:
            log.warning("cannot refresh session %s: %s", sid, exc)
        st.session_state["iv"] = live.interview
        return
    if st.session_state.get("sid") == sid:
        return  # a fresh id this browser session was given: nothing stored yet
    st.session_state.update(sid=sid, iv=None, live=None)
    try:
        live = LiveSession.open(res.store, sid, restorer(res))
    except (support.UploadError, SessionDamaged) as exc:
        log.warning("cannot restore session %s: %s", sid, exc)
        new_sid = new_session_id()
        st.query_params["sid"] = new_sid
        st.session_state["sid"] = new_sid
        flash("error", t("error_restore", reason=str(exc)))
        return
    if live is not None:
        st.session_state.update(live=live, iv=live.interview)


def persist(res: Resources, iv: Any) -> None:
    """Save the interview (compare-and-set); a failing store is reported, the session stays in memory."""
    live = st.session_state.get("live")
    if live is None or live.interview is not iv:
        live = LiveSession(res.store, st.session_state["sid"], iv)  # a fresh start or an upload
        st.session_state.update(live=live, iv=iv)
    try:
        live.save()
    except VersionConflict:
        flash("warning", t("error_conflict_other"))
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("saving session failed (ref %s)", ref)
        flash("warning", t("error_store", ref=ref))
