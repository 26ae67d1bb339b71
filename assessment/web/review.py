"""The "What I understood" view: every answer with its reading, in a dialog; change any of them.

The sidebar holds only the button. The view itself needs room: long questions, the founder's own
words and a picker whose options name whole questions did not fit the sidebar's 240 px.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment.web import markup, support
from assessment.web.state import set_pending
from assessment.web.support import text as t

OPEN_KEY = "review_open"  # True while the dialog is open: every full run draws it again
CHANGED_KEY = "review_changed"  # a change was queued from the dialog: apply it with a full run
ANSWER_CHARS = 300  # of the founder's words shown per row (the whole answer stays in the session)


def review_button() -> None:
    """The sidebar's button that opens the view."""
    st.button(
        t("review_heading"),
        key="review_button",
        on_click=lambda: st.session_state.update({OPEN_KEY: True}),
        width="stretch",
    )


def review_dialog(iv: Any) -> None:
    """Draw the view if it is open; call once per run, after the page's other elements."""
    if not st.session_state.get(OPEN_KEY):
        return
    st.session_state.pop(CHANGED_KEY, None)  # a full run: handle_pending has applied the change already
    dialog = st.dialog(
        t("review_heading"),
        width="large",
        on_dismiss=lambda: st.session_state.update({OPEN_KEY: False}),
    )
    dialog(review_body)(iv)


def review_body(iv: Any) -> None:
    """The change form, then every recorded answer grouped per category: question, answer, reading."""
    if st.session_state.pop(CHANGED_KEY, False):
        st.rerun()  # the dialog reran on its own; the change is applied by the app's full run
    groups = support.review_rows(iv)
    if not groups:
        st.caption(t("review_empty"))
        return
    choices = {  # whole questions: two may start alike ("Do you have a documented…")
        row.question_id: t("review_choice", criteria=row.criteria, question=row.question)
        for rows in groups.values()
        for row in rows
    }
    with st.form("review_change", clear_on_submit=True):
        st.selectbox(t("review_pick"), list(choices), format_func=choices.__getitem__, key="review_qid")
        st.text_input(t("review_new_answer"), key="review_text")
        st.form_submit_button(t("review_submit"), on_click=queue_revision)
    st.caption(t("review_intro"))
    for title, rows in groups.items():
        st.subheader(markup.markdown_safe(title))
        for row in rows:
            with st.container(border=True):
                words, reading = st.columns([5, 1])
                words.markdown(markup.markdown_safe(row.question))
                # What the founder typed shows exactly as typed, never as Markdown.
                said = markup.markdown_literal(_cut(row.answer, ANSWER_CHARS))
                words.caption(t("review_said", answer=said))
                reading.markdown(t("review_reading", reading=markup.markdown_safe(row.reading)))
                reading.caption(row.criteria)


def queue_revision() -> None:
    """Form callback: queue the changed answer; it is read and saved like any answer."""
    qid = st.session_state.get("review_qid")
    if qid:
        set_pending("revise", (qid, st.session_state.get("review_text") or ""))
        st.session_state[CHANGED_KEY] = True


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
