"""Render a ``Report`` as Markdown, HTML, PDF or JSON: pure functions of the report.

``passages`` maps a criterion ID to the ``Hit`` retrieved from the knowledge index; official wording
(``Hit.source == "official"``) is shown when the founder imported it, else our own summary.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from assessment.models import Report
from assessment.report.json_export import SCHEMA_VERSION, json_from_view, render_json, report_schema
from assessment.report.markdown import markdown_from_view, render_markdown
from assessment.report.view import ReportView, build_view
from knowledge.models import CATEGORIES, Hit

if TYPE_CHECKING:
    from assessment.report.html import render_html
    from assessment.report.oscal import render_oscal
    from assessment.report.pdf import render_pdf
    from assessment.report.xlsx import render_xlsx

# The PDF renderer pulls in fpdf2 and fontTools; these renderers load on first use.
_LAZY = {
    "render_html": "assessment.report.html",
    "render_pdf": "assessment.report.pdf",
    "render_xlsx": "assessment.report.xlsx",  # openpyxl, loaded on first use too
    "render_oscal": "assessment.report.oscal",
}

Format = Literal["md", "html", "pdf", "json", "xlsx", "oscal"]
FORMATS: dict[str, tuple[str, str]] = {
    "md": (".md", "text/markdown"),
    "html": (".html", "text/html"),
    "pdf": (".pdf", "application/pdf"),
    "json": (".json", "application/json"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "oscal": (".oscal.json", "application/json"),
}
_ALIASES = {"markdown": "md", "htm": "html", "excel": "xlsx", "oscal-json": "oscal"}

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "ReportView",
    "build_view",
    "collect_passages",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_oscal",
    "render_pdf",
    "render_xlsx",
    "report_schema",
]


def render(report: Report, fmt: str, passages: Mapping[str, Hit] | None = None) -> bytes | str:
    """The report in ``fmt`` (see ``FORMATS``): bytes for PDF and XLSX, text otherwise."""
    key = _ALIASES.get(fmt.lower().lstrip("."), fmt.lower().lstrip("."))
    if key not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    view = build_view(report, passages)
    if key == "md":
        return markdown_from_view(view)
    if key == "html":
        from assessment.report.html import html_from_view

        return html_from_view(view)
    if key == "pdf":
        from assessment.report.pdf import pdf_from_view

        return pdf_from_view(view)
    if key == "xlsx":
        from assessment.report.xlsx import xlsx_from_view

        return xlsx_from_view(view)
    if key == "oscal":
        from assessment.report.oscal import oscal_from_view

        return oscal_from_view(report, view)
    return json_from_view(report, view)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assessment.report' has no attribute {name!r}")


def collect_passages(report: Report, retriever: Any, k: int = 1) -> dict[str, Hit]:
    """For each gap, the index's passage of that criterion (official wording when imported).

    ``retriever`` is a ``knowledge.Retriever`` (anything with ``search(query, k, categories)``).
    The query names the criterion ID, which the retriever ranks first, so ``k=1`` is enough.
    A criterion the search does not return is left out; renderers then use the corpus text.
    """
    found: dict[str, Hit] = {}
    for gap in report.gaps:
        query = f"{gap.criterion_id} {gap.title}"
        categories = [gap.category] if gap.category in CATEGORIES else None
        hits = retriever.search(query, k=k, categories=categories)
        for hit in hits:
            if hit.criterion_id == gap.criterion_id:
                found[gap.criterion_id] = hit
                break
    return found
