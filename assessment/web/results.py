"""The finished interview: readiness figures, category chart, top gaps, roadmap, owners, downloads."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment.models import Report
from assessment.web import markup, support
from assessment.web.resources import Resources
from assessment.web.sidebar import report_downloads
from assessment.web.state import flash, persist
from assessment.web.support import text as t

OWNERS_OPEN_KEY = "owners_open"  # the "Owners and due dates" expander's state


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
    # Open or closed as the founder left it: the run after a save shows a message above the results,
    # which moves every element down one place, and an expander without state drew itself anew, closed.
    with st.expander(t("owners_heading"), key=OWNERS_OPEN_KEY, on_change="rerun"), st.form("owners"):
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
                st.markdown(t("gap_missing", text=markup.markdown_safe(gap.what_is_missing)))
            if gap.remediation:
                st.markdown(t("gap_first_step", text=markup.markdown_safe(gap.remediation[0])))
            if gap.evidence:
                st.caption(t("gap_evidence", text=markup.markdown_safe("; ".join(gap.evidence))))
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
