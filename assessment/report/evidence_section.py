"""The report's "Scan evidence" section: imported Prowler scans, the failing checks behind each gap and
the passing evidence of criteria in place, with stale scans flagged and the Type II caveat.

Worked out once (``build``) from a ``Report`` so every format shows the same thing; the Markdown, HTML,
PDF and JSON layouts below only lay it out. Texts come from ``prompts/evidence.yaml``; scan data is
file content, so it is cleaned here and escaped by each layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from assessment.evidence.errors import say
from assessment.evidence.models import CriterionEvidence, ScanInfo, provider_title
from assessment.evidence.prefill import age_in_days, count, is_stale
from assessment.models import Report
from assessment.report.text import clean, md_inline


@dataclass(frozen=True)
class ScanView:
    """One imported scan, with its age on the report's date."""

    info: ScanInfo
    line: str
    stale: bool
    age_days: int | None
    stale_note: str


@dataclass(frozen=True)
class CriterionScanView:
    """What the scans say about one criterion: failing checks (gaps) or passing checks (met)."""

    criterion_id: str
    title: str
    status: str
    lines: tuple[str, ...]  # one per failing or passing check, plain text
    manual_note: str
    items: tuple[CriterionEvidence, ...]


@dataclass(frozen=True)
class ScanEvidenceView:
    """The whole section."""

    heading: str
    intro: str
    scans: tuple[ScanView, ...]
    gaps_heading: str
    gaps: tuple[CriterionScanView, ...]
    met_heading: str
    met: tuple[CriterionScanView, ...]
    type2_note: str


def _scan_view(info: ScanInfo, today: str) -> ScanView:
    accounts = say("report_accounts", accounts=", ".join(info.accounts)) if info.accounts else ""
    line = say(
        "report_scan_line",
        provider=provider_title(info.provider),
        date=info.scan_date or "?",
        accounts=clean(accounts),
        findings=f"{info.findings:,}",
        file=clean(info.source),
    )
    days = age_in_days(info.scan_date, today)
    stale = is_stale(info.scan_date, today)
    return ScanView(info, line, stale, days, say("report_stale", days=days) if stale else "")


def _failing_lines(item: CriterionEvidence) -> list[str]:
    lines = []
    for check in item.failing_checks:
        examples = ", ".join(clean(e) for e in check.failing_examples)
        lines.append(
            say(
                "report_check_fails",
                check=clean(check.check_id),
                failed=check.failed,
                total=check.total,
                examples=say("report_examples", examples=examples) if examples else "",
                date=item.scan_date or "?",
            )
        )
    return lines


def _passing_lines(item: CriterionEvidence) -> list[str]:
    passing = item.passing_checks
    if not passing:
        return []
    names = ", ".join(clean(c.check_id) for c in passing)
    resources = count(sum(c.passed for c in passing), "resources")
    return [say("report_checks_pass", checks=names, date=item.scan_date or "?", resources=resources)]


def build(report: Report) -> ScanEvidenceView | None:
    """The section for ``report``, or None when no scan was imported."""
    if not report.scans:
        return None
    titles = {r.criterion_id: r.title for r in report.criteria}
    status = dict(report.criterion_status)
    gap_ids = [g.criterion_id for g in report.gaps]
    gaps: list[CriterionScanView] = []
    met: list[CriterionScanView] = []
    for criterion_id, items in report.evidence_found.items():
        manual = sum(i.manual for i in items)
        note = say("report_manual", count=manual) if manual else ""
        if criterion_id in gap_ids:
            lines = [line for i in items for line in _failing_lines(i)]
            target = gaps
        elif status.get(criterion_id) == "met":
            lines = [line for i in items for line in _passing_lines(i)]
            target = met
        else:
            continue
        if lines or note:
            view = CriterionScanView(
                criterion_id,
                clean(titles.get(criterion_id, "")),
                status.get(criterion_id, ""),
                tuple(lines),
                note,
                items,
            )
            target.append(view)
    gaps.sort(key=lambda v: gap_ids.index(v.criterion_id))
    return ScanEvidenceView(
        heading=say("report_heading"),
        intro=say("report_intro"),
        scans=tuple(_scan_view(s, report.generated_on) for s in report.scans),
        gaps_heading=say("report_gaps_heading"),
        gaps=tuple(gaps),
        met_heading=say("report_met_heading"),
        met=tuple(met),
        type2_note=say("report_type2_note"),
    )


# --- layouts --------------------------------------------------------------------------------


def markdown(section: ScanEvidenceView | None) -> str:
    """The section as Markdown ("" when there is none)."""
    if section is None:
        return ""
    out = [f"## {section.heading}", "", md_inline(section.intro), ""]
    for scan in section.scans:
        out.append(f"- {md_inline(scan.line)}" + (f" **{md_inline(scan.stale_note)}**" if scan.stale else ""))
    out.append("")
    for heading, rows in ((section.gaps_heading, section.gaps), (section.met_heading, section.met)):
        if not rows:
            continue
        out += [f"### {heading}", ""]
        for row in rows:
            out += [
                f"**{row.criterion_id} {md_inline(row.title)}** ({say('report_status', status=row.status)})",
                "",
            ]
            out += [f"- {md_inline(line)}" for line in row.lines]
            if row.manual_note:
                out.append(f"- {md_inline(row.manual_note)}")
            out.append("")
    out += [f"_{md_inline(section.type2_note)}_", "", ""]
    return "\n".join(out)


def html(section: ScanEvidenceView | None) -> str:
    """The section as an HTML ``<section>`` (every text escaped; "" when there is none)."""
    if section is None:
        return ""
    out = [
        f'<section id="scan-evidence">\n<h2>{escape(section.heading)}</h2>',
        f"<p>{escape(section.intro)}</p>",
    ]
    out.append("<ul>")
    for scan in section.scans:
        stale = f' <strong class="stale">{escape(scan.stale_note)}</strong>' if scan.stale else ""
        out.append(f"<li>{escape(scan.line)}{stale}</li>")
    out.append("</ul>")
    for heading, rows in ((section.gaps_heading, section.gaps), (section.met_heading, section.met)):
        if not rows:
            continue
        out.append(f"<h3>{escape(heading)}</h3>")
        for row in rows:
            status = escape(say("report_status", status=row.status))
            cid = escape(row.criterion_id)
            out.append(f'<p data-criterion="{cid}"><strong>{cid} {escape(row.title)}</strong> ({status})</p>')
            items = [*row.lines, *([row.manual_note] if row.manual_note else [])]
            out.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in items) + "</ul>")
    out.append(f"<p><em>{escape(section.type2_note)}</em></p>\n</section>\n")
    return "\n".join(out)


def html_markup(section: ScanEvidenceView | None) -> Markup:
    """``html`` marked safe for the autoescaping report template (its parts are escaped already)."""
    return Markup(html(section))


def pdf(writer: Any, section: ScanEvidenceView | None, heading: Any) -> None:
    """Lay the section out with the PDF ``writer``; ``heading(writer, text, level)`` draws headings."""
    if section is None:
        return
    heading(writer, section.heading)
    writer.para(section.intro)
    writer.bullets(s.line + (f" {s.stale_note}" if s.stale else "") for s in section.scans)
    for title, rows in ((section.gaps_heading, section.gaps), (section.met_heading, section.met)):
        if not rows:
            continue
        heading(writer, title, 1)
        for row in rows:
            writer.label(f"{row.criterion_id} {row.title} ({say('report_status', status=row.status)})")
            writer.bullets([*row.lines, *([row.manual_note] if row.manual_note else [])])
    writer.para(section.type2_note, style="I")


def as_json(section: ScanEvidenceView | None) -> dict[str, Any] | None:
    """The section's data for the JSON export (None when no scan was imported)."""
    if section is None:
        return None

    def criterion(row: CriterionScanView) -> dict[str, Any]:
        return {
            "criterion_id": row.criterion_id,
            "status": row.status,
            "scans": [
                {
                    "provider": i.provider,
                    "accounts": list(i.accounts),
                    "scan_date": i.scan_date,
                    "passed": i.passed,
                    "failed": i.failed,
                    "manual": i.manual,
                    "failing_checks": [
                        {
                            "check_id": c.check_id,
                            "failed": c.failed,
                            "total": c.total,
                            "examples": [clean(e) for e in c.failing_examples],
                        }
                        for c in i.failing_checks
                    ],
                    "passing_checks": [c.check_id for c in i.passing_checks],
                }
                for i in row.items
            ],
        }

    return {
        "scans": [
            {
                "source": clean(s.info.source),
                "file_format": s.info.file_format,
                "provider": s.info.provider,
                "accounts": list(s.info.accounts),
                "scan_date": s.info.scan_date,
                "findings": s.info.findings,
                "age_days": s.age_days,
                "stale": s.stale,
            }
            for s in section.scans
        ],
        "gaps": [criterion(row) for row in section.gaps],
        "met": [criterion(row) for row in section.met],
        "type2_note": section.type2_note,
    }
