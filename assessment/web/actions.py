"""Apply what the widgets queued: answers (saved one by one), start, resume, evidence, restart."""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from assessment.interview.storage import new_session_id
from assessment.web import support
from assessment.web.resources import Resources
from assessment.web.state import flash, persist, restorer
from assessment.web.support import text as t
from assessment.web.timing import timed


def handle_pending(res: Resources) -> None:
    """Apply the actions widgets queued, in order; answers are applied and saved one by one.

    Typed answers come from the chat box (``assessment.web.chat_box``), which holds each one in the
    browser until the server has taken it, so none is coalesced away (DESIGN.md, platform limits) and
    the input never has to be disabled. A new submission can start a new run while the old one is
    still inside ``apply_turns`` (pure Python cannot be stopped), so the queue is drained under a lock
    held per browser session: the newer run waits, then finds what is left.
    """
    queue: list[tuple[str, Any]] = st.session_state.setdefault("queue", [])
    lock: threading.Lock = st.session_state.setdefault("queue_lock", threading.Lock())
    with lock:
        while queue:
            live = st.session_state.get("live")
            if queue[0][0] not in support.TURN_ACTIONS:
                action, _ = queue.pop(0)
                other_action(res, action)
            elif live is None:
                queue.pop(0)  # an answer for a session this tab no longer shows
            else:
                with timed("turns"):
                    notices = support.apply_turns(queue, live, restorer(res))
                for kind, message in notices:
                    flash(kind, message)
                st.session_state["iv"] = live.interview


def other_action(res: Resources, action: str) -> None:
    """Start, resume, evidence upload or restart (buttons on the welcome page or the sidebar)."""
    iv = st.session_state.get("iv")
    if action == "start":
        from assessment.interview.engine import Interview

        chosen = st.session_state.get("welcome_scope") or []
        scope = set(chosen) if chosen else None
        iv = Interview(scope=scope, retriever=res.retriever, llm=res.llm)
        st.session_state["iv"] = iv
        persist(res, iv)
    elif action == "resume":
        resume_from_upload(res)
    elif action == "evidence" and iv is not None:
        import_evidence_upload(res, iv)
    elif action == "restart":
        # The old session stays in the store (nothing typed is deleted); this tab gets a fresh id.
        new_sid = new_session_id()
        st.query_params["sid"] = new_sid
        st.session_state.update(sid=new_sid, iv=None, live=None, confirm_restart=False)


def resume_from_upload(res: Resources) -> None:
    """Replace the session with an uploaded SESSION.json; a bad file leaves everything untouched."""
    upload = st.session_state.get("resume_file")
    if upload is None:  # clicked before choosing a file, or before its upload finished
        flash("info", t("resume_no_file"))
        return
    try:
        iv = support.load_session_upload(
            upload.getvalue(), res.settings.max_upload_bytes, retriever=res.retriever, llm=res.llm
        )
    except support.UploadError as exc:
        flash("error", str(exc))
        return
    # The resumed session gets its own id, so the one it replaces in this tab stays in the store.
    new_sid = new_session_id()
    st.query_params["sid"] = new_sid
    st.session_state.update(sid=new_sid, iv=iv, live=None, confirm_restart=False)
    persist(res, iv)
    flash("success", t("resumed"))


def import_evidence_upload(res: Resources, iv: Any) -> None:
    """Add an uploaded Prowler scan to the interview; a bad file changes nothing and says why."""
    upload = st.session_state.get("evidence_file")
    if upload is None:
        return
    try:
        with st.spinner(t("thinking")):
            iv.import_evidence(upload.getvalue(), name=upload.name)
    except ValueError as exc:  # EvidenceError: the message names the file and what is wrong with it
        flash("error", str(exc))
        return
    message = iv.transcript[-1][1]  # what the import said, before the next question is presented
    persist(res, iv)
    flash("success", message)
