"""The gap report as a PDF (fpdf2): title page, bookmarks, page numbers, badges, tables, chart.

Text stays selectable (embedded TrueType subsets). The appendix keeps every answer whole, wrapped
(a word longer than a line is broken anywhere); answers longer than ``LONG_ANSWER_CHARS`` are set a
size smaller so a pasted policy takes fewer pages. ``bench/report.py`` times a 100 KB answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from assessment.models import Report
from assessment.report import duties_section, evidence_section, revisions_section
from assessment.report.chart import chart_aspect, chart_data, draw_pdf_chart
from assessment.report.fonts import add_report_fonts
from assessment.report.markdown import understood
from assessment.report.pdf_layout import ACCENT, LINE, MUTED, SOFT, WHITE, Cell, Writer, rgb
from assessment.report.text import is_rtl_or_complex, one_line, truncate
from assessment.report.view import BAND_COLORS, SEVERITY_COLORS, GapView, ReportView, build_view, say
from knowledge.models import Hit

LONG_ANSWER_CHARS = 12_000
SECTION_PAGE_BREAK_AT = 0.5  # share of a page used after which a new section starts a new page
COVER_TEXT_LIMIT = 160


class _ReportPDF(FPDF):
    """FPDF with the report's running header and footer."""

    def __init__(self, view: ReportView) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.view = view
        self.writer: Writer | None = None  # set once the Writer exists; it decides on text shaping

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("body", "", 8)
        self.set_text_color(*MUTED)
        title = f"{self.view.t['report_title']} · {truncate(one_line(self.view.session_name), 60, '…')}"
        if self.writer is not None:
            self.writer.shape_for(title)
        self.cell(0, 5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*LINE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(5)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("body", "", 8)
        self.set_text_color(*MUTED)
        if self.writer is not None:
            self.writer.shape_for("")
        self.cell(self.epw / 2, 6, self.view.t["footer_note"])
        label = say("page_label", page=self.page_no(), pages="{nb}")
        self.cell(self.epw / 2, 6, label, align="R")


def _heading(w: Writer, text: str, level: int = 0, new_page: bool = False) -> None:
    pdf = w.pdf
    if level == 0:
        # A section starts a new page only when this one is mostly used: a short page (the chart
        # after the summary) flows on into the next section instead of leaving a blank page.
        used = (pdf.get_y() - pdf.t_margin) / (pdf.page_break_trigger - pdf.t_margin)
        if new_page or used > SECTION_PAGE_BREAK_AT:
            pdf.add_page()
        else:
            pdf.ln(8)
            w.room(60)
    else:
        w.room(40)
    pdf.start_section(one_line(text)[:120], level=level, strict=False)
    size = 17 if level == 0 else 12.5
    w.font(size, "B", ACCENT)
    w.lines(text, size * 0.5)
    if level == 0:
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
        pdf.set_line_width(0.2)
        pdf.ln(5)
    else:
        pdf.ln(1.5)


def _all_text(view: ReportView) -> str:
    parts = [view.session_name, *(f"{a.answer} {a.question} {a.clarification}" for a in view.answers)]
    for gap in view.gaps:
        parts += [
            gap.title,
            gap.owner,
            gap.what_is_missing,
            gap.why_it_matters,
            gap.passage,
            *gap.remediation,
            *gap.evidence,
        ]
    for sub in view.subservices:
        parts += [sub.name, sub.role, *sub.complementary_controls]
    parts += [f"{c.text} {c.basis}" for c in view.user_controls]
    parts += [f"{r.who} {r.before} {r.after}" for r in view.revisions]
    return "\n".join(parts)


def _setup(view: ReportView) -> _ReportPDF:
    pdf = _ReportPDF(view)
    add_report_fonts(pdf, _all_text(view))
    pdf.set_margins(18, 16, 18)
    pdf.c_margin = 0  # Writer pads cells itself
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"{view.t['report_title']}: {truncate(view.session_name, 80, '…')}")
    pdf.set_author("soc2-ready")
    pdf.set_creator("soc2-ready")
    pdf.set_lang("en")
    pdf.set_display_mode("fullwidth", "continuous")
    pdf.alias_nb_pages("{nb}")
    try:
        created = datetime.fromisoformat(view.generated_on[:10]).replace(tzinfo=UTC)
        pdf.set_creation_date(created)  # the same session gives the same bytes
    except ValueError:
        pass
    return pdf


def _cover(w: Writer, view: ReportView) -> None:
    pdf = w.pdf
    t = view.t
    pdf.add_page()
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, pdf.w, 92, style="F")
    pdf.set_y(28)
    pdf.start_section(t["report_title"], level=0, strict=False)
    w.font(26, "B", WHITE)
    w.lines(t["report_title"], 12)
    w.font(16, "B", WHITE)
    w.lines(truncate(view.session_name, COVER_TEXT_LIMIT, "…"), 8)
    w.font(11, "", (220, 230, 240))
    w.lines(t["report_subtitle"], 6)
    pdf.set_y(104)
    rows = (
        (t["generated_label"], view.generated_on),
        (t["scope_label"], ", ".join(view.scope)),
        (t["type_label"], view.report_type_name),
        (t["questions_label"], view.questions_text),
    )
    for name, value in rows:
        y = pdf.get_y()
        w.font(10, "", MUTED)
        pdf.cell(48, 6.5, name)
        pdf.set_y(y)
        w.font(10, "B")
        w.lines(value, 6.5, indent=48)
        pdf.ln(0.8)
    pdf.ln(8)
    w.font(11, "B", MUTED)
    pdf.cell(0, 6, t["overall_label"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    w.badge(f"{view.overall}%", BAND_COLORS[view.overall_band], 38, 16, size=20)
    w.font(12, "B", rgb(BAND_COLORS[view.overall_band]))
    pdf.cell(0, 16, t[f"band_{view.overall_band}"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    w.font(10, "", MUTED)
    pdf.cell(
        0, 6, f"{t['type1_readiness_label']}: {view.type1}%    {t['type2_readiness_label']}: {view.type2}%"
    )
    pdf.set_y(max(pdf.get_y() + 16, 196))
    w.box("Note: " + t["disclaimer"], SOFT, bar=ACCENT)
    if view.partial_notice:
        w.box("⚠ " + view.partial_notice, (255, 246, 229), bar=(178, 106, 0))


def _summary(w: Writer, view: ReportView) -> None:
    t = view.t
    _heading(w, t["section_summary"], new_page=True)  # the cover stands alone
    w.para(view.summary)
    rows: list[list[str | tuple[str, str]]] = [
        [
            t["overall_label"],
            (f"{view.overall}%", BAND_COLORS[view.overall_band]),
            t[f"band_{view.overall_band}"],
            "",
        ]
    ]
    for c in view.categories:
        counts = f"{c.counts['met']} / {c.counts['partial']} / {c.counts['missing']} / {c.counts['unknown']}"
        rows.append([c.title, (f"{c.score}%", c.color), t[f"band_{c.band}"], counts])
    w.table((t["category_label"], t["score_label"], "", t["status_counts_label"]), rows, (50, 20, 35, 55))
    w.para(
        f"{t['type1_readiness_label']}: {view.type1}%      {t['type2_readiness_label']}: {view.type2}%",
        style="B",
    )
    _heading(w, t["top_gaps_label"], level=1)
    if view.top_gaps:
        w.para(t["top_gaps_intro"])
        w.bullets(
            (
                f"{g.criterion_id} {g.title} · {t['severity_' + g.severity]} · {t['effort_' + g.effort]}: "
                f"{g.what_is_missing}"
                for g in view.top_gaps
            ),
            numbered=True,
        )
    else:
        w.para(t["gap_none"])
    _heading(w, t["time_label"], level=1)
    for line in view.estimate_text:
        w.para(line)
    if view.categories:
        width = w.pdf.epw * 0.9
        height = width * chart_aspect(len(view.categories))
        w.room(height + 22)  # keep the heading on the chart's page
        _heading(w, t["section_chart"], level=1)
        x, y = w.pdf.l_margin + (w.pdf.epw - width) / 2, w.pdf.get_y()
        w.shape_for("")
        label = say("chart_overall", overall=view.overall)
        drawn = draw_pdf_chart(w.pdf, chart_data(view.categories), view.overall, label, x, y, width)
        w.pdf.set_xy(w.pdf.l_margin, y + drawn + 3)


def _gap(w: Writer, g: GapView, t: Mapping[str, str]) -> None:
    pdf = w.pdf
    _heading(w, f"{g.rank}. {g.criterion_id}: {g.title}", level=1)
    w.badge(t[f"severity_{g.severity}"], SEVERITY_COLORS[g.severity], 22, 5.5, size=8)
    w.font(9, "", MUTED)
    effort = f"{t['gap_effort_label']}: {t['effort_' + g.effort]}"
    status = f"{t['gap_status_label']}: {t['status_' + g.status]}"
    pdf.cell(0, 5.5, f"{effort} · {status} · {g.category_title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    owner = f"{t['gap_owner_label']}: {g.owner or t['owner_unassigned']}"
    w.para(owner + (f" · {t['gap_due_label']}: {g.due}" if g.due else ""), size=9.5, style="B")
    w.label(t["gap_missing_label"])
    w.para(g.what_is_missing)
    if g.why_it_matters:
        w.label(t["gap_why_label"])
        w.para(g.why_it_matters)
    if g.remediation:
        w.label(t["gap_steps_label"])
        w.bullets(g.remediation, numbered=True)
    if g.window_note:
        w.label(t["gap_window_label"])
        w.para(g.window_note, size=9.5)
    if g.evidence:
        w.label(t["gap_evidence_label"])
        w.bullets(g.evidence)
    if g.iso27001:
        w.label(t["gap_iso_label"])
        w.para(g.iso_text, size=9.5)
    w.label(t["gap_nist_label"])
    w.para(g.nist_text, size=9.5)
    if g.passage:
        w.label(t[f"gap_passage_{g.passage_source}"])
        w.para(g.passage, size=9, style="I" if g.passage_source == "corpus" else "", color=(52, 67, 77))


def _gaps(w: Writer, view: ReportView) -> None:
    t = view.t
    _heading(w, t["section_gaps"])
    if not view.gaps:
        w.para(t["gap_none"])
        return
    w.para(t["gaps_intro"])
    rows: list[list[Cell]] = [
        [
            str(g.rank),
            f"{g.criterion_id} {g.title}",
            (t[f"severity_{g.severity}"], SEVERITY_COLORS[g.severity]),
            g.effort,
            t[f"status_{g.status}"],
            t[f"phase_{g.phase}"],
        ]
        for g in view.gaps
    ]
    headings = (
        t["gap_table_rank"],
        t["gap_table_criterion"],
        t["gap_severity_label"],
        t["gap_effort_label"],
        t["gap_status_label"],
        t["gap_table_when"],
    )
    w.table(headings, rows, (8, 70, 20, 13, 20, 28), ("RIGHT", "LEFT", "CENTER", "CENTER", "LEFT", "LEFT"))
    for g in view.gaps:
        _gap(w, g, t)


def _roadmap(w: Writer, view: ReportView) -> None:
    t = view.t
    _heading(w, t["section_roadmap"])
    w.para(t["roadmap_intro"])
    for _key, title, items in view.phases:
        _heading(w, title, level=1)
        if not items:
            w.para(t["roadmap_empty"], color=MUTED)
            continue
        rows: list[list[Cell]] = [
            [
                str(g.rank),
                f"{g.criterion_id} {g.title}",
                (t[f"severity_{g.severity}"], SEVERITY_COLORS[g.severity]),
                g.effort,
                g.weeks,
            ]
            for g in items
        ]
        headings = (
            t["gap_table_rank"],
            t["gap_table_criterion"],
            t["gap_severity_label"],
            t["gap_effort_label"],
            t["roadmap_weeks_label"],
        )
        w.table(headings, rows, (8, 90, 22, 18, 22), ("RIGHT", "LEFT", "CENTER", "CENTER", "CENTER"))
    if view.target_text:
        _heading(w, t["section_target"], level=1)
        for line in view.target_text:
            w.para(line)
        if view.target and view.target.must_operate:
            w.label(t["target_must_operate"])
            w.para(", ".join(view.target.must_operate), size=9.5)
        if view.target and view.target.steps:
            rows2 = [
                [f"{s.criterion_id} {s.title}", str(s.start_by), str(s.done_by)] for s in view.target.steps
            ]
            w.table(
                (t["gap_table_criterion"], t["target_start_by"], t["target_done_by"]), rows2, (100, 30, 30)
            )


def _rest(w: Writer, view: ReportView) -> None:
    t = view.t
    _heading(w, t["section_subservices"])
    if not view.subservices:
        w.para(t["subservices_none"])
    else:
        w.para(t["subservices_intro"])
        for s in view.subservices:
            _heading(w, f"{s.name} ({s.role})" if s.role else s.name, level=1)
            w.label(t["subservice_covers"])
            w.bullets([f"{cid} {title}" for cid, title in s.criteria] or [t["subservice_covers_none"]])
            w.label(t["subservice_duties"])
            w.bullets(s.complementary_controls)
    duties_section.pdf(w, view, _heading)
    _heading(w, t["section_evidence"])
    if not view.evidence:
        w.para(t["evidence_none"])
    else:
        w.para(t["evidence_intro"])
        for e in view.evidence:
            w.label(f"{e.criterion_id} {e.title}")
            w.bullets(e.items, mark="☐")
    evidence_section.pdf(w, view.scan_evidence, _heading)
    if view.not_assessed:
        _heading(w, t["section_not_assessed"])
        w.para(t["not_assessed_intro"])
        w.bullets(f"{cid} {title}" for cid, title in view.not_assessed)
    _heading(w, t["section_appendix"])
    if not view.answers:
        w.para(t["appendix_none"])
        return
    w.para(t["appendix_intro"])
    pdf = w.pdf
    for a in view.answers:
        w.room(24)
        w.para(f"{a.number}. {a.question}", size=10, style="B")
        if a.answer:
            w.box(a.answer, SOFT, size=8.5 if len(a.answer) > LONG_ANSWER_CHARS else 10)
            pdf.ln(-2)
        if a.clarified:
            w.para(a.clarified, size=9.5)
        note = understood(a) + (f" · {t['appendix_criteria']}: {', '.join(a.criteria)}" if a.criteria else "")
        w.para(note, size=8.5, style="I", color=MUTED)
        pdf.ln(1.5)


def pdf_from_view(view: ReportView) -> bytes:
    """Lay out an already built view as PDF bytes."""
    pdf = _setup(view)
    # Arabic joining and right-to-left order need HarfBuzz; Writer shapes only the lines that need it.
    w = Writer(pdf, shaping=is_rtl_or_complex(_all_text(view)))
    pdf.writer = w
    _cover(w, view)
    _summary(w, view)
    _gaps(w, view)
    _roadmap(w, view)
    _rest(w, view)
    revisions_section.pdf(w, view, _heading)  # the audit trail, when an answer was changed
    return bytes(pdf.output())


def render_pdf(report: Report, passages: Mapping[str, Hit] | None = None) -> bytes:
    """The full gap report as PDF bytes."""
    return pdf_from_view(build_view(report, passages))
