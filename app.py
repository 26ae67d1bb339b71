"""Streamlit app: the guided SOC 2 readiness interview, a thin shell over ``assessment``.

Run with ``make run`` (or ``streamlit run app.py``). Each browser tab has its own session id in
the URL (``?sid=...``); the interview is saved to the session store after every turn, so a
reload or a server restart continues where the founder left off.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from pathlib import Path
from typing import Any

from knowledge.settings import Settings, enforce_offline_env

enforce_offline_env()

import streamlit as st  # noqa: E402  (after the offline environment is set)

from assessment.interview import app_support as support  # noqa: E402
from assessment.interview.app_support import text as t  # noqa: E402
from assessment.interview.live import LiveSession  # noqa: E402
from assessment.interview.storage import (  # noqa: E402
    SessionDamaged,
    SessionStore,
    StoreError,
    VersionConflict,
    is_issued_session_id,
    new_session_id,
)
from assessment.models import Question, Report  # noqa: E402

log = logging.getLogger("soc2_ready.app")
RECENT_BUBBLES = 2  # chat turns left visible under the results; earlier ones fold into an expander

# -- process-wide resources (shared by all sessions) -----------------------------------------------


@st.cache_resource(show_spinner=False)
def get_store(url: str | None, data_dir: str) -> SessionStore:
    """The session store, opened once per process."""
    return SessionStore(url=url, data_dir=Path(data_dir))


@st.cache_resource(show_spinner=False)
def get_retriever(data_dir: str) -> support.LazyValue:
    """The knowledge retriever, loading in the background so the first page is interactive at once."""

    def build() -> Any:
        from assessment.understanding.reader import warm_up
        from knowledge import Retriever

        warm_up()  # the model and answer prototypes first: the first answer needs them soonest
        return Retriever.load(data_dir=Path(data_dir), progress=False)

    return support.LazyValue(build, name="retriever-load")


@st.cache_resource(show_spinner=False)
def get_llm(spec: str | None) -> tuple[Any, str | None]:
    """The optional chat model (None: offline) and a notice if its configuration is unusable."""
    return support.load_llm(spec)


class Resources:
    """What one rerun needs from the process-wide caches."""

    def __init__(self) -> None:
        settings = Settings()
        self.settings = settings
        self.store = get_store(settings.session_db_url, str(settings.data_dir))
        self.llm, self.llm_notice = get_llm(settings.llm)

    @property
    def retriever(self) -> support.LazyValue:
        """The shared retriever (its background load starts on first use)."""
        return get_retriever(str(self.settings.data_dir))


# -- session state ---------------------------------------------------------------------------------


def flash(kind: str, message: str) -> None:
    """Queue a message shown once at the top of the next render."""
    st.session_state.setdefault("flash", []).append((kind, message))


def set_pending(action: str, value: Any = None) -> None:
    """Widget callback: queue the action; the guarded page body applies the queue in order.

    A queue, not one slot: a second submission arriving before the first was applied is kept too.
    """
    st.session_state.setdefault("queue", []).append((action, value))


def on_chat_submit() -> None:
    """Chat input callback: queue the typed text as an answer."""
    set_pending("answer", st.session_state.get("chat_text") or "")


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


# -- actions ---------------------------------------------------------------------------------------


def handle_pending(res: Resources) -> None:
    """Apply the actions widgets queued, in order; answers are applied and saved one by one.

    While answers are being applied the chat input is shown disabled, so the browser cannot send a
    submission that Streamlit would coalesce away (DESIGN.md, platform limits); then a rerun draws
    the page with it enabled again. A new submission can start a new run while the old one is still
    inside ``apply_turns`` (pure Python cannot be stopped), so the queue is drained under a lock
    held per browser session: the newer run waits, then finds what is left.
    """
    queue: list[tuple[str, Any]] = st.session_state.setdefault("queue", [])
    lock: threading.Lock = st.session_state.setdefault("queue_lock", threading.Lock())
    turned = bool(st.session_state.pop("input_disabled", False))
    with lock:
        while queue:
            live = st.session_state.get("live")
            if queue[0][0] not in support.TURN_ACTIONS:
                action, _ = queue.pop(0)
                other_action(res, action)
            elif live is None:
                queue.pop(0)  # an answer for a session this tab no longer shows
            else:
                if not turned:
                    turned = True
                    st.chat_input(
                        t("thinking"), key="chat_text", disabled=True, max_chars=chat_max_chars(res)
                    )
                for kind, message in support.apply_turns(queue, live, restorer(res)):
                    flash(kind, message)
                st.session_state["iv"] = live.interview
    if turned:
        st.rerun()


def chat_max_chars(res: Resources) -> int:
    """The chat box's cap: half the upload limit, so a session saved with it can be resumed.

    Not max_answer_chars: Streamlit would cut a longer paste silently. The engine reads the first
    max_answer_chars, says so, and keeps the whole answer, stored once in the session file.
    """
    return max(1, res.settings.max_upload_bytes // 2)


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
    if upload is None:
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
        flash("error", support.markdown_literal(str(exc)))
        return
    message = iv.transcript[-1][1]  # what the import said, before the next question is presented
    persist(res, iv)
    flash("success", message)


# -- views -----------------------------------------------------------------------------------------


def show_flash() -> None:
    """Show and clear queued one-time messages."""
    for kind, message in st.session_state.pop("flash", []):
        # Messages may quote a file name, a field of an uploaded file or an answer: made inert.
        getattr(st, kind, st.info)(support.markdown_safe(message))


def welcome(res: Resources) -> None:
    """The first page: what SOC 2 is, what the interview covers, start or resume."""
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
    st.markdown(t("welcome_covers"))


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


def main() -> None:
    """Route to the welcome page or the interview for this tab's session."""
    st.set_page_config(page_title=t("page_title"), page_icon="🛡️", layout="centered")
    res = Resources()
    queued = st.session_state.get("queue") or []
    if st.session_state.get("iv") is not None and any(a in support.TURN_ACTIONS for a, _ in queued):
        # First thing in the run: the browser greys the input out before another answer can be sent.
        st.chat_input(t("thinking"), key="chat_text", disabled=True, max_chars=chat_max_chars(res))
        st.session_state["input_disabled"] = True
    if res.store.notice and not st.session_state.get("store_notice_shown"):
        st.session_state["store_notice_shown"] = True
        flash("warning", res.store.notice)
    if res.llm_notice and not st.session_state.get("llm_notice_shown"):
        st.session_state["llm_notice_shown"] = True
        flash("warning", t("notice_prefix", text=res.llm_notice))
    sid = session_id(res)
    ensure_interview(res, sid)
    handle_pending(res)
    show_flash()
    iv = st.session_state.get("iv")
    if iv is None:
        welcome(res)
    else:
        interview_page(res, iv)


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


def sidebar(res: Resources, iv: Any, report: Report, progress: Any) -> None:
    """Scope, progress, running scores and the session and report controls."""
    with st.sidebar:
        st.caption(t("sidebar_mode", mode=support.describe_mode(res.llm)))
        st.subheader(t("sidebar_scope_heading"))
        scope = [support.category_label(c) for c in (iv.scope or ())]
        st.markdown(", ".join(scope) if scope else t("sidebar_scope_pending"))
        rows = support.progress_rows(progress, iv.scope or ())
        if rows:
            st.subheader(t("sidebar_progress_heading"))
            for row in rows:
                st.progress(
                    row.fraction,
                    text=t(
                        "sidebar_progress_line", category=row.label, answered=row.answered, total=row.total
                    ),
                )
        if report.category_scores:
            st.subheader(t("sidebar_scores_heading"))
            lines = [
                f"- {support.category_label(category)}: **{score:.0f}**"
                for category, score in report.category_scores.items()
            ]
            lines.append(f"- {t('sidebar_overall')}: **{report.overall:.0f}**")
            st.markdown("\n".join(lines))
            st.caption(t("sidebar_scores_caption"))
        st.subheader(t("sidebar_controls_heading"))
        st.button(t("back_button"), on_click=set_pending, args=("back",), key="back", width="stretch")
        restart_control()
        st.download_button(
            t("save_button"),
            data=json.dumps(iv.to_dict(), ensure_ascii=False, indent=2),
            file_name="SESSION.json",
            mime="application/json",
            help=t("save_help"),
            on_click="ignore",
            key="save_session",
            width="stretch",
        )
        with st.expander(t("review_heading")):
            review_widget(iv)
        with st.expander(t("resume_heading")):
            resume_widget(res)
        with st.expander(t("evidence_heading")):
            evidence_widget()
        st.subheader(t("downloads_heading"))
        if not report.finished:
            st.caption(t("downloads_partial"))
        report_downloads(res, report, "sidebar")
        st.caption(t("session_id_caption", sid=st.session_state["sid"]))


def review_widget(iv: Any) -> None:
    """ "What I understood": every recorded answer, its reading and criteria; change any of them."""
    groups = support.review_rows(iv)
    if not groups:
        st.caption(t("review_empty"))
        return
    choices: dict[str, str] = {}
    for title, rows in groups.items():
        st.markdown(f"**{support.markdown_safe(title)}**")
        for row in rows:
            st.markdown(
                support.markdown_safe(
                    t("review_row", question=row.question, reading=row.reading, criteria=row.criteria)
                )
            )
            st.caption(support.markdown_literal(row.answer[:300]))
            choices[row.question_id] = f"{row.criteria}: {row.question[:60]}"
    with st.form("review_change"):
        st.selectbox(t("review_pick"), list(choices), format_func=choices.__getitem__, key="review_qid")
        st.text_input(t("review_new_answer"), key="review_text")
        st.form_submit_button(t("review_submit"), on_click=queue_revision)


def queue_revision() -> None:
    """Form callback: queue the changed answer; it is read and saved like any answer."""
    qid = st.session_state.get("review_qid")
    if qid:
        set_pending("revise", (qid, st.session_state.get("review_text") or ""))


def restart_control() -> None:
    """Restart, asking for confirmation first."""
    if not st.session_state.get("confirm_restart"):
        st.button(
            t("restart_button"),
            key="restart",
            on_click=lambda: st.session_state.update(confirm_restart=True),
            width="stretch",
        )
        return
    st.warning(t("restart_confirm"))
    st.button(t("restart_yes"), key="restart_yes", type="primary", on_click=set_pending, args=("restart",))
    st.button(
        t("restart_no"), key="restart_no", on_click=lambda: st.session_state.update(confirm_restart=False)
    )


def report_downloads(res: Resources, report: Report, where: str) -> None:
    """One download button per report format; the file is rendered only when clicked."""
    from assessment.report.view import file_stem

    for fmt, (extension, mime) in support.REPORT_FORMATS.items():
        st.download_button(
            t(f"download_{fmt}"),
            data=support.report_renderer(report, fmt, res.retriever),
            file_name=f"{file_stem(report)}.{extension}",
            mime=mime,
            on_click="ignore",
            key=f"download-{fmt}-{where}",
            width="stretch",
        )


def score_chart(scores: dict[str, float]) -> Any:
    """A horizontal bar chart of category scores on a fixed 0-100 axis."""
    import altair as alt

    x_label, y_label = t("chart_axis_score"), t("chart_axis_category")
    rows = [{y_label: support.category_label(c), x_label: round(v)} for c, v in scores.items()]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color="#1f5f99", size=22)
        .encode(
            x=alt.X(
                f"{x_label}:Q", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=[0, 25, 50, 75, 100])
            ),
            y=alt.Y(f"{y_label}:N", sort=None, title=None),
            tooltip=[f"{y_label}:N", f"{x_label}:Q"],
        )
        .properties(height=alt.Step(36))
    )


def owners_form(res: Resources, iv: Any, report: Report) -> None:
    """An owner (name or role) and a due date per gap, saved in the session and in every export."""
    from datetime import date

    if not report.gaps:
        return
    with st.expander(t("owners_heading")), st.form("owners"):
        st.caption(t("owners_intro"))
        rows = []
        for gap in support.top_gaps(report, limit=len(report.gaps)):
            left, right = st.columns([3, 2])
            owner = left.text_input(
                t("owner_label", criterion_id=gap.criterion_id, title=gap.title),
                value=gap.owner or "",
                max_chars=200,
                key=f"owner-{gap.criterion_id}",
            )
            due = right.date_input(
                t("due_label"),
                value=date.fromisoformat(gap.due) if gap.due else None,
                format="YYYY-MM-DD",
                key=f"due-{gap.criterion_id}",
            )
            rows.append((gap.criterion_id, owner, due))
        if st.form_submit_button(t("owners_save")):
            problems = []
            for criterion_id, owner, due in rows:
                try:
                    iv.assign(criterion_id, owner=owner, due=due)
                except ValueError as exc:
                    problems.append(t("owners_invalid", criterion_id=criterion_id, reason=str(exc)))
            persist(res, iv)
            for problem in problems:
                flash("warning", problem)
            if not problems:
                flash("success", t("owners_saved"))
            st.rerun()


def results(res: Resources, report: Report, iv: Any = None) -> None:
    """The finished interview: readiness figures, category chart, top gaps, roadmap, downloads."""
    st.header(t("results_heading"))
    st.markdown(t("results_intro"))
    # A wrapping row rather than columns: on a phone the figures sit two by two, not in one tall stack.
    with st.container(horizontal=True, gap="medium"):
        st.metric(t("metric_overall"), f"{report.overall:.0f}%", width="content")
        st.metric(
            t("metric_type1"), f"{report.type1_readiness:.0f}%", help=t("metric_type1_help"), width="content"
        )
        st.metric(
            t("metric_type2"), f"{report.type2_readiness:.0f}%", help=t("metric_type2_help"), width="content"
        )
        st.metric(t("metric_gaps"), len(report.gaps), width="content")
    if report.category_scores:
        st.subheader(t("chart_heading"))
        st.altair_chart(score_chart(report.category_scores), width="stretch")
    st.subheader(t("gaps_heading"))
    gaps = support.top_gaps(report)
    if not gaps:
        st.success(t("no_gaps"))
    for gap in gaps:
        with st.container(border=True):
            st.markdown(
                t(
                    "gap_line",
                    criterion_id=gap.criterion_id,
                    title=gap.title,
                    severity=gap.severity,
                    effort=gap.effort,
                )
            )
            if gap.what_is_missing:
                st.markdown(t("gap_missing", text=support.markdown_safe(gap.what_is_missing)))
            if gap.remediation:
                st.markdown(t("gap_first_step", text=support.markdown_safe(gap.remediation[0])))
            if gap.evidence:
                st.caption(t("gap_evidence", text=support.markdown_safe("; ".join(gap.evidence))))
    phases = support.roadmap(report)
    if phases:
        st.subheader(t("roadmap_heading"))
        for phase, items in phases.items():
            st.markdown(f"**{t(f'roadmap_phase_{phase}')}**")
            st.markdown(
                "\n".join(
                    "- " + t("roadmap_item", criterion_id=g.criterion_id, title=g.title, effort=g.effort)
                    for g in items
                )
            )
    if iv is not None:
        owners_form(res, iv, report)
    st.subheader(t("results_downloads_heading"))
    with st.container(horizontal=True):
        report_downloads(res, report, "results")


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


run()
