"""The report's content, worked out once from a ``Report`` so every format shows the same thing.

Renderers (Markdown, HTML, PDF, JSON) only lay out a ``ReportView``; all wording comes from
``prompts/report/strings.yaml`` and all user text is cleaned of control characters here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessment.models import Gap, Report
from assessment.report import duties_section, evidence_section, plan
from assessment.report.answers_section import AnswerView, answer_views, unnest
from assessment.report.duties_section import UserControlView
from assessment.report.gap_view import GapView, gap_view, window_notes
from assessment.report.revisions_section import RevisionView, revision_views
from assessment.report.text import clean, normalize, one_line
from assessment.report.wording import STRINGS_FILE, say, strings
from assessment.templates import render_message
from knowledge.corpus import Corpus, default_corpus
from knowledge.models import CATEGORIES, CATEGORY_TITLES, Hit

__all__ = ["STRINGS_FILE", "AnswerView", "GapView", "ReportView", "build_view", "say", "strings"]


def band(score: float) -> str:
    """Readiness band of a 0..100 score: ``strong``, ``developing`` or ``early``."""
    if score >= 80:
        return "strong"
    if score >= 50:
        return "developing"
    return "early"


BAND_COLORS = {"strong": "#2e7d32", "developing": "#b26a00", "early": "#c62828"}
SEVERITY_COLORS = {"critical": "#8e0000", "high": "#c62828", "medium": "#b26a00", "low": "#4f6d7a"}


@dataclass(frozen=True)
class CategoryRow:
    """One in-scope category with its score and how its criteria stand."""

    key: str
    title: str
    score: int
    band: str
    color: str
    counts: dict[str, int]


@dataclass(frozen=True)
class SubserviceView:
    """A carve-out provider, the criteria its own report covers, and the founder's remaining duties."""

    name: str
    role: str
    criteria: tuple[tuple[str, str], ...]
    complementary_controls: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceItem:
    """Evidence to collect for a criterion that is already met."""

    criterion_id: str
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ReportView:
    """Everything the report shows, ready to lay out."""

    session_name: str
    generated_on: str
    scope: tuple[str, ...]
    report_type: str
    report_type_name: str
    finished: bool
    partial_notice: str
    questions_asked: int  # put to the founder, scoping and clarifications included (JSON questions_asked)
    overall: int
    overall_band: str
    type1: int
    type2: int
    categories: tuple[CategoryRow, ...]
    summary: str
    estimate_text: tuple[str, ...]
    estimate: plan.Estimate
    gaps: tuple[GapView, ...]
    phases: tuple[tuple[str, str, tuple[GapView, ...]], ...]
    target_text: tuple[str, ...]
    target: plan.TargetPlan | None
    subservices: tuple[SubserviceView, ...]
    evidence: tuple[EvidenceItem, ...]
    not_assessed: tuple[tuple[str, str], ...]
    answers: tuple[AnswerView, ...]
    t: Mapping[str, str]
    # ``summary`` above is the computed sentence plus, when an LLM wrote one, the narrative below;
    # templates that lay them out separately use these two.
    summary_figures: str = ""
    narrative: tuple[str, ...] = ()  # paragraphs written by the optional LLM from the figures
    scan_evidence: evidence_section.ScanEvidenceView | None = None  # imported Prowler scans, if any
    user_controls: tuple[UserControlView, ...] = ()  # what the founder's customers must do (CUECs)
    title: str = ""  # the report's title with the company's name when one was given
    revisions: tuple[RevisionView, ...] = ()  # changes to earlier answers: the audit trail

    @property
    def top_gaps(self) -> tuple[GapView, ...]:
        """The first three gaps of the plan ("start with these three")."""
        return self.gaps[:3]

    @property
    def questions_answered(self) -> int:
        """Questions with an answer in the appendix (implied ones included, skipped ones not)."""
        return sum(1 for a in self.answers if not a.skipped)

    @property
    def questions_text(self) -> str:
        """The cover's count, matching the appendix: answered, and how many were skipped."""
        skipped = len(self.answers) - self.questions_answered
        if not skipped:
            return str(self.questions_answered)
        return say("questions_skipped", answered=self.questions_answered, skipped=skipped)


def _title(corpus: Corpus, criterion_id: str, fallback: str = "") -> str:
    try:
        return corpus.get(criterion_id).title
    except KeyError:
        return fallback or criterion_id


def _order(corpus: Corpus) -> dict[str, int]:
    return {cid: index for index, cid in enumerate(corpus.ids)}


def _categories(report: Report) -> tuple[CategoryRow, ...]:
    keys: list[str] = [c for c in CATEGORIES if c in report.category_scores]
    keys += [c for c in report.category_scores if c not in keys]
    rows = []
    for key in keys:
        score = round(float(report.category_scores[key]))
        counts = {s: 0 for s in ("met", "partial", "missing", "unknown", "not_applicable")}
        for result in report.criteria:
            if result.category == key and result.status in counts:
                counts[result.status] += 1
        rows.append(
            CategoryRow(
                key, CATEGORY_TITLES.get(key, key), score, band(score), BAND_COLORS[band(score)], counts
            )
        )
    return tuple(rows)


def _estimate_text(
    estimate: plan.Estimate, report_type: str, planned: list[plan.ScheduledGap] | None = None
) -> tuple[str, ...]:
    if estimate.open_gaps == 0:
        return (say("estimate_none", prep=plan.AUDIT_PREP_WEEKS),)
    counts = say(
        "effort_counts",
        s=estimate.effort_counts["S"],
        m=estimate.effort_counts["M"],
        l=estimate.effort_counts["L"],
    )
    months = f"{estimate.weeks_low / 4.33:.0f} to {estimate.weeks_high / 4.33:.0f}"
    if months.split(" to ")[0] == months.split(" to ")[1]:
        months = months.split(" to ")[0]
    lines = [
        say("estimate_type1", low=estimate.weeks_low, high=estimate.weeks_high, months=months, counts=counts)
    ]
    if report_type == "type2":
        lines.append(say("estimate_type2", t2low=estimate.type2_weeks_low, t2high=estimate.type2_weeks_high))
        operating = [item for item in planned or () if item.cadence]
        if operating:
            week = plan.window_week(planned or ()) + 1
            lines.append(say("estimate_window", week=week, count=len(operating)))
    lines.append(say("estimate_basis"))
    return tuple(lines)


def _target(report: Report, ordered: list[Gap]) -> tuple[plan.TargetPlan | None, tuple[str, ...]]:
    if not report.target_date:
        return None, ()
    today = plan.parse_date(report.generated_on)
    target = plan.parse_date(report.target_date)
    if today is None or target is None:
        return None, (say("target_invalid", value=clean(report.target_date)),)
    not_operating = [c.criterion_id for c in report.criteria if c.operating is False]
    tp = plan.target_plan(ordered, today, target, report.report_type, not_operating)
    if report.report_type == "type2":
        intro = say("target_intro_type2", target=target, window=tp.window_weeks, window_start=tp.window_start)
    else:
        intro = say("target_intro_type1", target=target, ready_by=tp.controls_ready_by)
    verdict = (
        say("target_realistic", needed=tp.weeks_needed, available=max(tp.weeks_available, 0))
        if tp.realistic
        else say(
            "target_unrealistic",
            needed=tp.weeks_needed,
            available=max(tp.weeks_available, 0),
            earliest=tp.earliest_target,
        )
    )
    return tp, (intro, verdict)


def _by_phase(gaps: tuple[GapView, ...]) -> list[tuple[str, tuple[GapView, ...]]]:
    return [(key, tuple(g for g in gaps if g.phase == key)) for key, _ in plan.PHASES]


def _phase_title(key: str, items: tuple[GapView, ...], t: Mapping[str, str]) -> str:
    """The block's heading; the open-ended last block says which weeks it runs to."""
    if key != "later" or not items:
        return t[f"phase_{key}"]
    first, last = min(g.end_week for g in items), max(g.end_week for g in items)
    if first == last:
        return say("phase_later_week", week=last)
    return say("phase_later_weeks", first=first, last=last)


def _evidence(report: Report, corpus: Corpus) -> tuple[EvidenceItem, ...]:
    items = []
    for result in report.criteria:
        if result.status != "met":
            continue
        try:
            criterion = corpus.get(result.criterion_id)
        except KeyError:
            continue
        items.append(EvidenceItem(result.criterion_id, criterion.title, criterion.auditor_evidence))
    return tuple(items)


def report_title(report: Report) -> str:
    """The report's title: with the company's name when scoping gave one."""
    given = report.profile.get("company_name")
    name = one_line(normalize(clean(given))) if isinstance(given, str) else ""
    return say("report_title_company", company=name) if name else strings()["report_title"]


def company_name(report: Report) -> str:
    """The company's name from scoping (``profile["company_name"]``), else the session's name."""
    given = report.profile.get("company_name")
    name = one_line(normalize(clean(given))) if isinstance(given, str) else ""
    return name or one_line(normalize(clean(report.session_name))) or "Untitled session"


def file_stem(report: Report) -> str:
    """A download file name without extension: ``soc2-readiness-report-acme-analytics``.

    Only ASCII letters, digits and hyphens (accents dropped, at most 60 characters of the name), so
    it is safe on every file system; an unnamed session gets ``soc2-readiness-report``.
    """
    slug = _slug(company_name(report))
    base = "soc2-readiness-report"
    unnamed = {"untitled-session", _slug(render_message("default_session_name"))}
    return f"{base}-{slug[:60].rstrip('-')}" if slug and slug not in unnamed else base


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def narrative_paragraphs(text: str | None) -> tuple[str, ...]:
    """The LLM's executive-summary prose as clean paragraphs (blank lines separate them)."""
    if not text:
        return ()
    paragraphs = [one_line(part) for part in clean(text).split("\n\n")]
    return tuple(p for p in paragraphs if p)


def build_view(
    report: Report, passages: Mapping[str, Hit] | None = None, corpus: Corpus | None = None
) -> ReportView:
    """Work out the report's whole content from ``report``; ``passages`` maps criterion ID to a Hit."""
    corpus = corpus or default_corpus()
    passages = passages or {}
    t = strings()
    order = _order(corpus)
    ordered = plan.prioritize(report.gaps, lambda cid: (order.get(cid, 10**6), cid))
    planned = plan.work_order(plan.schedule(ordered, plan.EFFORT_WEEKS_HIGH))
    target, target_text = _target(report, ordered)
    notes = window_notes(report, planned, target, t)
    gaps = tuple(
        gap_view(item, report, corpus, passages, t, notes.get(item.gap.criterion_id, "")) for item in planned
    )
    phases = tuple((key, _phase_title(key, items, t), items) for key, items in _by_phase(gaps))
    estimate = plan.estimate(ordered)
    categories = _categories(report)
    overall = round(float(report.overall))
    scope_titles = tuple(CATEGORY_TITLES.get(c, c) for c in report.scope)
    summary = say(
        "summary_intro",
        overall=overall,
        band=t[f"band_{band(overall)}"].lower(),
        categories=", ".join(scope_titles) or "no categories",
        open_gaps=len(gaps),
        type1=round(float(report.type1_readiness)),
        type2=round(float(report.type2_readiness)),
    )
    narrative = narrative_paragraphs(report.summary_narrative)
    full_summary = summary
    if narrative:
        full_summary = "\n\n".join((summary, say("narrative_label"), *narrative))
    not_assessed = tuple((cid, _title(corpus, cid)) for cid in report.not_assessed)
    if report.finished:
        partial = ""
    elif not_assessed:
        partial = say("partial_notice", count=len(not_assessed))
    else:
        partial = say("partial_notice_none")
    subservices = tuple(
        SubserviceView(
            clean(s.name),
            unnest(clean(s.role)),  # shown in parentheses after the name
            tuple((cid, _title(corpus, cid)) for cid in s.criteria),
            tuple(clean(c) for c in s.complementary_controls),
        )
        for s in report.subservices
    )
    user_controls = duties_section.user_controls(report, lambda cid: _title(corpus, cid))
    return ReportView(
        session_name=company_name(report),
        generated_on=clean(report.generated_on),
        scope=scope_titles,
        report_type=report.report_type,
        report_type_name=t[f"{report.report_type}_name"],
        finished=report.finished,
        partial_notice=partial,
        questions_asked=report.questions_asked or len(report.answers),
        overall=overall,
        overall_band=band(overall),
        type1=round(float(report.type1_readiness)),
        type2=round(float(report.type2_readiness)),
        categories=categories,
        summary=full_summary,
        estimate_text=_estimate_text(estimate, report.report_type, planned),
        estimate=estimate,
        gaps=gaps,
        phases=phases,
        target_text=target_text,
        target=target,
        subservices=subservices,
        evidence=_evidence(report, corpus),
        not_assessed=not_assessed,
        answers=answer_views(report.answers, t),
        t=t,
        summary_figures=summary,
        narrative=narrative,
        scan_evidence=evidence_section.build(report),
        user_controls=user_controls,
        revisions=revision_views(report),
        title=report_title(report),
    )


def as_plain(value: Any) -> Any:
    """Dates and tuples in view objects turned into JSON-ready values."""
    if isinstance(value, tuple | list):
        return [as_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
