"""Streamlit app: the guided SOC 2 readiness interview, a thin shell over ``assessment``.

Run with ``make run`` (or ``streamlit run app.py``). Each browser tab has its own session id in
the URL (``?sid=...``); the interview is saved to the session store after every turn, so a
reload or a server restart continues where the founder left off. The widgets live in
``assessment/web/``; this file only routes a rerun to them and turns any error into a message.
"""

from __future__ import annotations

import logging
import uuid

from knowledge.settings import Settings, enforce_offline_env

enforce_offline_env()

import streamlit as st  # noqa: E402  (after the offline environment is set)

from assessment.interview.storage import StoreError  # noqa: E402
from assessment.web.actions import handle_pending  # noqa: E402
from assessment.web.chat import interview_page  # noqa: E402
from assessment.web.login import gate, my_assessments  # noqa: E402
from assessment.web.resources import Resources, get_retriever  # noqa: E402
from assessment.web.state import ensure_interview, flash, session_id  # noqa: E402
from assessment.web.support import text as t  # noqa: E402
from assessment.web.timing import timed  # noqa: E402
from assessment.web.welcome import show_flash, welcome  # noqa: E402

log = logging.getLogger("soc2_ready.app")


def main() -> None:
    """Route to the welcome page or the interview for this tab's session."""
    st.set_page_config(page_title=t("page_title"), page_icon="🛡️", layout="centered")
    res = Resources()
    login = gate(res)  # with SOC2_READY_AUTH on: the sign-in screen, or this user's view of the store
    if not login.allowed:
        return
    if res.store.notice and not st.session_state.get("store_notice_shown"):
        st.session_state["store_notice_shown"] = True
        flash("warning", res.store.notice)
    if res.llm_notice and not st.session_state.get("llm_notice_shown"):
        st.session_state["llm_notice_shown"] = True
        flash("warning", t("notice_prefix", text=res.llm_notice))
    sid = session_id(res)
    ensure_interview(res, sid)
    handle_pending(res)
    my_assessments(res, login.user)  # signed in: the user's own sessions in the sidebar
    show_flash()
    iv = st.session_state.get("iv")
    if iv is None:
        welcome(res)
    else:
        interview_page(res, iv)


def run() -> None:
    """Render the page; any error becomes a friendly message (and a log entry), never a traceback."""
    try:
        main()
        # Start loading the index only now: the page is already on screen and interactive.
        get_retriever(str(Settings().data_dir))
    except StoreError as exc:  # locked or unusable database: say so instead of a generic error
        log.error("session store unavailable: %s", exc)
        st.error(t("error_store_open", reason=str(exc)))
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("page failed (ref %s)", ref)
        st.error(t("error_generic", ref=ref))


with timed("run"):  # off unless SOC2_READY_TIMING_LOG is set (bench/turns.py)
    run()
