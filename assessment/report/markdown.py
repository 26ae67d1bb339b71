"""The gap report as Markdown (GitHub-flavoured: tables, task lists)."""

from __future__ import annotations

from collections.abc import Mapping

from assessment.models import Report
from assessment.report.templating import render_template
from assessment.report.view import AnswerView, ReportView, build_view
from knowledge.models import Hit


def understood(answer: AnswerView) -> str:
    """How an answer was understood, in plain words (worked out in the view)."""
    return answer.understood


def markdown_from_view(view: ReportView) -> str:
    """Lay out an already built view as Markdown."""
    return render_template(
        "report.md.j2",
        v=view,
        t=view.t,
        understood=understood,
    )


def render_markdown(report: Report, passages: Mapping[str, Hit] | None = None) -> str:
    """The full gap report as Markdown text."""
    return markdown_from_view(build_view(report, passages))
