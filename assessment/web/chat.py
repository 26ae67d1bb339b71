"""The interview page: transcript replay, the current question with quick replies, the chat input."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment.models import Question
from assessment.web import support
from assessment.web.resources import Resources, chat_max_chars
from assessment.web.results import results
from assessment.web.sidebar import sidebar
from assessment.web.state import on_chat_submit, set_pending
from assessment.web.support import text as t

RECENT_BUBBLES = 2  # chat turns left visible under the results; earlier ones fold into an expander


def interview_page(res: Resources, iv: Any) -> None:
    """The chat: transcript replay, the current question with quick replies, or the results."""
    question = iv.next_question()
    report = iv.report()
    progress = iv.progress()
    sidebar(res, iv, report, progress)
    bubbles = support.transcript_turns(iv.transcript)
    if question is None:
        # Finished: results first; the conversation stays below for follow-up questions.
        results(res, report, iv)
        st.subheader(t("conversation_heading"))
        earlier, recent = bubbles[:-RECENT_BUBBLES], bubbles[-RECENT_BUBBLES:]
        if earlier:
            with st.expander(t("conversation_earlier", count=len(earlier))):
                chat_bubbles(earlier)
        chat_bubbles(recent)
    else:
        chat_bubbles(bubbles)
        st.caption(
            t(
                "question_progress",
                percent=getattr(progress, "percent", 0),
                left=getattr(progress, "questions_left", 0),
            )
        )
        question_block(question)
    # Finished, the input sits inline under the conversation: a bottom-pinned input would keep the
    # view pinned to the end of the page instead of showing the results from the top.
    place = st.container() if question is None else st
    place.chat_input(
        t("chat_placeholder" if question is not None else "chat_placeholder_finished"),
        key="chat_text",
        on_submit=on_chat_submit,
        max_chars=chat_max_chars(res),
    )


def chat_bubbles(bubbles: list[tuple[str, str]]) -> None:
    """Replay chat turns as chat messages."""
    for role, message in bubbles:
        with st.chat_message(role):
            # What the founder typed is shown exactly as typed, never as Markdown, HTML or LaTeX.
            # Replies quote the founder's words too: no link, image or HTML can come out of them.
            st.markdown(
                support.markdown_literal(message) if role == "user" else support.markdown_safe(message)
            )


def question_block(question: Question) -> None:
    """Quick-reply buttons and the "why we ask" explanation of the current question."""
    if question.options:
        with st.container(horizontal=True, key="quick_replies"):
            for index, option in enumerate(question.options):
                st.button(
                    option,
                    key=f"qr-{question.id}-{index}",
                    on_click=set_pending,
                    args=("answer", option),
                )
    if question.why or question.help or question.criteria:
        with st.expander(t("why_we_ask")):
            if question.why:
                st.markdown(question.why)
            if question.help:
                st.markdown(question.help)
            if question.criteria:
                st.caption(t("criteria_line", criteria=", ".join(question.criteria)))
