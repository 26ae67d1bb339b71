"""The gap report as one self-contained HTML page (inline CSS and SVG chart, prints well)."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from assessment.models import Report
from assessment.report.chart import chart_data, chart_svg
from assessment.report.markdown import understood
from assessment.report.templating import render_template
from assessment.report.view import ReportView, build_view, say
from knowledge.models import Hit


def html_from_view(view: ReportView) -> str:
    """Lay out an already built view as HTML."""
    # chart_svg escapes every text it writes (category titles, the overall label), so it is inlined as is.
    label = say("chart_overall", overall=view.overall)
    svg = (
        Markup(chart_svg(chart_data(view.categories), view.overall, label)) if view.categories else Markup("")
    )
    return render_template("report.html.j2", v=view, t=view.t, chart_svg=svg, understood=understood)


def render_html(report: Report, passages: Mapping[str, Hit] | None = None) -> str:
    """The full gap report as an HTML document."""
    return html_from_view(build_view(report, passages))
