"""The first page (what SOC 2 is, start or resume), the upload widgets and one-time messages."""

from __future__ import annotations

import streamlit as st

from assessment.web import markup, support
from assessment.web.resources import Resources
from assessment.web.state import set_pending
from assessment.web.support import text as t


def show_flash() -> None:
    """Show and clear queued one-time messages."""
    for kind, message in st.session_state.pop("flash", []):
        # Messages may quote a file name, a field of an uploaded file or an answer, and none of ours
        # uses Markdown: shown exactly as written, so nothing in a file can format the page.
        getattr(st, kind, st.info)(markup.markdown_literal(message))


def welcome(res: Resources) -> None:
    """The first page: what SOC 2 is, what the interview covers, start or resume.

    All in one container: the run after "Start" draws the first chat message in its place, which
    takes the whole page away at once. Drawn as separate elements, the ones the interview page had
    not yet reached stayed on screen, faded, until that run ended.
    """
    with st.container(key="welcome_page"):
        welcome_body(res)


def welcome_body(res: Resources) -> None:
    """What :func:`welcome` shows."""
    st.title(t("app_title"))
    st.markdown(t("app_tagline"))
    st.subheader(t("welcome_what_heading"))
    st.markdown(t("welcome_what"))
    with st.container(border=True):
        st.markdown(t("welcome_time"))
        mode = support.describe_mode(res.llm)
        note = t("welcome_privacy_llm_note", mode=mode) if res.llm is not None else ""
        st.markdown(t("welcome_privacy", llm_note=note))
        st.multiselect(
            t("welcome_scope_label"),
            options=list(support.CATEGORIES),
            format_func=support.category_label,
            help=t("welcome_scope_help"),
            key="welcome_scope",
        )
        st.button(t("start_button"), type="primary", on_click=set_pending, args=("start",), key="start")
    with st.expander(t("resume_heading")):
        resume_widget(res)
    st.subheader(t("welcome_covers_heading"))
    st.markdown(t("welcome_covers", formats=report_format_names()))


def report_format_names() -> str:
    """Every report format the app offers, in words ("PDF, Markdown, … or OSCAL (JSON)")."""
    names = [t(f"report_format_{fmt}") for fmt in support.REPORT_FORMATS]
    return t("report_formats_list", names=", ".join(names[:-1]), last=names[-1])


def resume_widget(res: Resources) -> None:
    """File upload and button to resume from a SESSION.json."""
    st.caption(t("resume_help", max_kb=res.settings.max_upload_bytes // 1000))
    st.file_uploader(t("resume_label"), type=["json"], key="resume_file")
    st.button(t("resume_button"), on_click=set_pending, args=("resume",), key="resume_button")


def evidence_widget() -> None:
    """File upload and button to add Prowler scan results (compliance CSV or OCSF JSON)."""
    st.caption(t("evidence_help"))
    st.file_uploader(t("evidence_label"), type=["csv", "json"], key="evidence_file")
    st.button(t("evidence_button"), on_click=set_pending, args=("evidence",), key="evidence_button")
