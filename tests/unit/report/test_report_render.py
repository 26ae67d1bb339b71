"""Structure of the gap report in every format, built from a hand-made five-category Report."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest
from fakes.reports import make_report
from pypdf import PdfReader

from assessment.models import Report
from assessment.report import FORMATS, SCHEMA_VERSION, build_view, plan, render, report_schema
from assessment.report.plan import FOUNDATIONS
from assessment.report.view import say
from knowledge.models import CATEGORY_TITLES, Hit

SECTION_KEYS = (
    "section_summary",
    "section_gaps",
    "section_roadmap",
    "section_target",
    "section_subservices",
    "section_evidence",
    "section_appendix",
)


class _Collector(HTMLParser):
    """Collects tags, attributes and visible text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scores: dict[str, str] = {}
        self._score_key: str | None = None
        self.gap_ranks: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        self.attrs.append((tag, found))
        self._score_key = found.get("data-score")
        if tag == "article" and found.get("data-rank"):
            self.gap_ranks.append((int(found["data-rank"] or 0), (found.get("id") or "")[4:]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._score_key and data.strip():
            self.scores[self._score_key] = data.strip()
            self._score_key = None


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture(scope="module")
def pdf_text(report: Report) -> tuple[str, PdfReader]:
    data = render(report, "pdf")
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages), reader


def _outline_titles(items: list) -> list[str]:  # type: ignore[type-arg]
    titles: list[str] = []
    for item in items:
        titles += _outline_titles(item) if isinstance(item, list) else [str(item.title)]
    return titles


def _priority(report: Report) -> list[str]:
    """The plan's order of work, which every format (and the app) shows."""
    return [item.gap.criterion_id for item in plan.plan_gaps(report.gaps)]


def test_view_orders_foundations_first_and_respects_dependencies(report: Report) -> None:
    view = build_view(report)
    first = [g.criterion_id for g in view.gaps if g.criterion_id in FOUNDATIONS]
    assert view.gaps[0].criterion_id == first[0]  # the plan opens with the foundations
    assert first == [cid for cid in FOUNDATIONS if cid in first]
    placed: set[str] = set()
    open_ids = {g.criterion_id for g in view.gaps}
    for g in view.gaps:  # no gap comes before an open gap whose control it presupposes
        assert all(p in placed for p in plan.prerequisites(g.criterion_id) if p in open_ids), g.criterion_id
        placed.add(g.criterion_id)
    assert [g.criterion_id for g in view.gaps] == _priority(report)
    assert [g.rank for g in view.gaps] == list(range(1, len(report.gaps) + 1))
    assert len(view.top_gaps) == 3


def test_markdown_structure(report: Report) -> None:
    text = render(report, "md")
    assert isinstance(text, str)
    view = build_view(report)
    for key in SECTION_KEYS:
        assert f"## {view.t[key]}" in text, key
    assert "not a SOC 2 report" in text
    for key, score in report.category_scores.items():
        assert re.search(rf"\| {CATEGORY_TITLES[key]} \| {round(score)}% \|", text), key
    assert f"**{round(report.overall)}%**" in text
    headings = re.findall(r"^### (\d+)\. ([A-Z]+\d\.\d+):", text, flags=re.MULTILINE)
    assert [cid for _, cid in headings] == _priority(report)
    for answer in report.answers:
        assert answer.typed in text
    # Every table row has the same number of cells as its header.
    for block in re.findall(r"(?:^\|.*\|\n)+", text, flags=re.MULTILINE):
        rows = block.strip().split("\n")
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows[:3]


def test_html_structure(report: Report) -> None:
    page = render(report, "html")
    assert isinstance(page, str)
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "svg" in parsed.tags  # the chart is inline
    for tag, attrs in parsed.attrs:  # self-contained: nothing loaded from elsewhere
        assert not attrs.get("src"), tag
        assert tag != "link"
    assert parsed.scores["overall"] == f"{round(report.overall)}%"
    for key, score in report.category_scores.items():
        assert parsed.scores[key] == f"{round(score)}%"
    assert parsed.scores["type1"] == f"{round(report.type1_readiness)}%"
    assert parsed.scores["type2"] == f"{round(report.type2_readiness)}%"
    assert [cid for _, cid in sorted(parsed.gap_ranks)] == _priority(report)
    text = " ".join(parsed.text)
    view = build_view(report)
    for key in SECTION_KEYS:
        assert view.t[key] in text, key
    assert "@media print" in page


def test_pdf_structure(report: Report, pdf_text: tuple[str, PdfReader]) -> None:
    text, reader = pdf_text
    flat = " ".join(text.split())
    view = build_view(report)
    assert view.t["report_title"] in flat
    assert "not a SOC 2 report" in flat
    titles = _outline_titles(reader.outline)
    for key in SECTION_KEYS:
        assert view.t[key] in titles, key
    assert f"{round(report.overall)}%" in flat
    for key, score in report.category_scores.items():
        assert f"{CATEGORY_TITLES[key]} {round(score)}%" in flat, key
    positions = [flat.find(f"{rank}. {cid}:") for rank, cid in enumerate(_priority(report), start=1)]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)
    assert f"Page 1 of {len(reader.pages)}" in flat
    # The score chart is drawn with vector shapes and selectable text (no image, no matplotlib).
    assert say("chart_overall", overall=round(report.overall)) in flat


def test_json_matches_schema_and_report(report: Report) -> None:
    data = json.loads(render(report, "json"))
    jsonschema.Draft202012Validator.check_schema(report_schema())
    jsonschema.validate(data, report_schema())
    assert data["schema_version"] == SCHEMA_VERSION == "1.3"
    assert data["scores"]["overall"] == report.overall
    assert data["scores"]["categories"] == report.category_scores
    assert [g["criterion_id"] for g in data["gaps"]] == _priority(report)
    assert [a["answer"] for a in data["answers"]] == [a.typed for a in report.answers]
    assert data["target_plan"]["target_date"] == report.target_date


def test_official_passage_is_used_when_given(report: Report) -> None:
    gap = report.gaps[0]
    hit = Hit(
        gap.criterion_id, 1.0, "Invented official-looking wording for this test.", gap.title, "official"
    )
    view = build_view(report, {gap.criterion_id: hit})
    shown = next(g for g in view.gaps if g.criterion_id == gap.criterion_id)
    assert shown.passage_source == "official"
    assert "Invented official-looking wording" in render(report, "html", {gap.criterion_id: hit})
    others = [g for g in view.gaps if g.criterion_id != gap.criterion_id]
    assert all(g.passage_source == "corpus" and g.passage for g in others)


def test_partial_report_names_unassessed_criteria() -> None:
    partial = make_report(finished=False, categories=("security", "privacy"))
    assert partial.not_assessed
    md = render(partial, "md")
    assert "Partial report" in md
    for cid in partial.not_assessed:
        assert f"- {cid} " in md
    data = json.loads(render(partial, "json"))
    jsonschema.validate(data, report_schema())
    assert data["finished"] is False and data["not_assessed"] == list(partial.not_assessed)
    html = render(partial, "html")
    assert 'id="partial"' in html and 'id="not-assessed"' in html


def test_every_format_is_deterministic(report: Report) -> None:
    for fmt in FORMATS:
        assert render(report, fmt) == render(report, fmt), fmt


def test_unknown_format_is_a_clear_error(report: Report) -> None:
    with pytest.raises(ValueError, match="unknown report format 'docx'"):
        render(report, "docx")
