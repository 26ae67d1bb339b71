"""The interview page: transcript replay, the current question with quick replies, the chat input."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment.models import Question
from assessment.web import support
from assessment.web.chat_box import chat_box
from assessment.web.history import Bubble, history_pages, split_history
from assessment.web.resources import Resources, chat_max_chars
from assessment.web.results import results
from assessment.web.review import review_dialog
from assessment.web.sidebar import sidebar
from assessment.web.state import set_pending
from assessment.web.support import text as t
from assessment.web.transcript import bubble_markdown, history_markdown

RECENT_BUBBLES = 2  # chat turns left visible under the results; earlier ones fold into an expander
# During the interview the latest bubbles stay on the page; older ones fold into pages, so a
# session with thousands of turns renders as fast as a short one. Each bubble costs the server an
# element on every turn; the folded pages are one Markdown block each (assessment/web/transcript.py).
LIVE_BUBBLES = 40
PAGE_BUBBLES = 50


def interview_page(res: Resources, iv: Any) -> None:
    """The chat: transcript replay, the current question with quick replies, or the results."""
    question = iv.present()
    report = iv.report()
    progress = iv.progress()
    sidebar(res, iv, report, progress)
    bubbles = support.transcript_turns(iv.chat_turns)
    if question is None:
        # Finished: results first; the conversation stays below for follow-up questions.
        results(res, report, iv)
        st.subheader(t("conversation_heading"))
        history(bubbles, RECENT_BUBBLES)
    else:
        history(bubbles, LIVE_BUBBLES)
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
    chat_box(
        placeholder=t("chat_placeholder" if question is not None else "chat_placeholder_finished"),
        max_chars=chat_max_chars(res),
        container=st.container() if question is None else None,
    )
    review_dialog(iv)  # last: an open dialog shifts no element of the page


def history(bubbles: list[Bubble], recent: int) -> None:
    """The last ``recent`` bubbles, and the earlier ones one page at a time in an expander."""
    earlier, latest = split_history(bubbles, recent)
    if earlier:
        with st.expander(t("conversation_earlier", count=len(earlier))):
            earlier_history(earlier)
    chat_bubbles(latest)


@st.fragment
def earlier_history(earlier: list[Bubble]) -> None:
    """One page of earlier turns as one cached Markdown block; picking a page reruns only this part."""
    pages = history_pages(len(earlier), PAGE_BUBBLES)
    page = pages[-1]
    if len(pages) > 1:
        page = st.selectbox(
            t("conversation_page"),
            pages,
            index=len(pages) - 1,
            format_func=lambda p: t(
                "conversation_page_label", first=p.first, last=p.last, count=len(earlier)
            ),
            key="history_page",
        )
    st.markdown(history_markdown(tuple(earlier[page.start : page.stop])))


def chat_bubbles(bubbles: list[Bubble]) -> None:
    """Replay chat turns as chat messages; a withdrawn one struck through, with a label saying so."""
    for role, message, withdrawn in bubbles:
        with st.chat_message(role):
            # What the founder typed is shown exactly as typed, never as Markdown, HTML or LaTeX.
            # Replies quote the founder's words too: no link, image or HTML can come out of them.
            st.markdown(bubble_markdown(role, message, withdrawn))
            if withdrawn:  # kept in the record (nothing typed is lost), but plainly no longer counted
                st.caption(t("turn_withdrawn"))


def question_block(question: Question) -> None:
    """Quick-reply buttons and the "why we ask" explanation of the current question."""
    if question.options:
        with st.container(horizontal=True, key="quick_replies"):
            for index, option in enumerate(question.options):
                st.button(
                    option,
                    key=f"qr-{question.id}-{index}",
                    on_click=set_pending,
                    args=("reply", (question.id, option)),  # bound to this question: see apply_turns
                )
    if question.why or question.help or question.criteria:
        with st.expander(t("why_we_ask")):
            if question.why:
                st.markdown(question.why)
            if question.help:
                st.markdown(question.help)
            if question.criteria:
                st.caption(t("criteria_line", criteria=", ".join(question.criteria)))
