"""The sidebar: scope, progress, running scores, session controls, "What I understood" (a button
opening :mod:`assessment.web.review`), downloads."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from assessment.models import Report
from assessment.web import support
from assessment.web.resources import Resources
from assessment.web.review import review_button
from assessment.web.state import set_pending
from assessment.web.support import text as t
from assessment.web.welcome import evidence_widget, resume_widget


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
        scored = something_to_score(report)
        if not scored:
            st.caption(t("sidebar_scores_pending"))
        elif report.category_scores:
            st.subheader(t("sidebar_scores_heading"))
            lines = [
                f"- {support.category_label(category)}: **{score:.0f}**"
                for category, score in report.category_scores.items()
            ]
            lines.append(f"- {t('sidebar_overall')}: **{report.overall:.0f}**")
            st.markdown("\n".join(lines))
            st.caption(t("sidebar_scores_caption_finished" if report.finished else "sidebar_scores_caption"))
        st.subheader(t("sidebar_controls_heading"))
        st.button(t("back_button"), on_click=set_pending, args=("back",), key="back", width="stretch")
        restart_control()
        st.download_button(
            t("save_button"),
            # Built only when clicked: a long session is not sent to the browser on every turn.
            data=lambda: json.dumps(iv.to_dict(), ensure_ascii=False, indent=2),
            file_name="SESSION.json",
            mime="application/json",
            help=t("save_help"),
            on_click="ignore",
            key="save_session",
            width="stretch",
        )
        review_button()
        with st.expander(t("resume_heading")):
            resume_widget(res)
        with st.expander(t("evidence_heading")):
            evidence_widget()
        if scored:  # before any answer a report would say nothing: no downloads yet
            st.subheader(t("downloads_heading"))
            if not report.finished:
                st.caption(t("downloads_partial"))
            report_downloads(res, report, "sidebar")
        st.caption(t("session_id_caption", sid=st.session_state["sid"]))


def something_to_score(report: Report) -> bool:
    """Whether the report rests on at least one answer (scoping answers score nothing)."""
    return report.finished or any(record.criteria for record in report.answers)


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
