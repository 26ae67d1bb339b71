"""One gap as every report format shows it: what is missing, steps, evidence, cross-references, owner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.models import AnswerRecord, Gap, Report
from assessment.report import crossref, plan, tailor
from assessment.report.crossref import CrossRef
from assessment.report.text import clean, normalize, one_line, truncate
from assessment.report.wording import say
from knowledge.corpus import Corpus
from knowledge.models import CATEGORY_TITLES, Hit

# Characters of a gap's "what is missing" text. Scoring's own sentence (question, a 160-character
# excerpt of the answer, notes) stays well below this; the cap only stops a hand-made gap quoting a
# pasted policy whole. A cut ends at a word boundary with "…": the appendix keeps every answer whole.
BODY_TEXT_LIMIT = 1200
ANSWER_EXCERPT = 160


@dataclass(frozen=True)
class GapView:
    """One gap with everything a founder needs to close it."""

    rank: int
    criterion_id: str
    title: str
    category: str
    category_title: str
    status: str
    severity: str
    effort: str
    what_is_missing: str
    why_it_matters: str
    remediation: tuple[str, ...]
    evidence: tuple[str, ...]
    iso27001: tuple[CrossRef, ...]
    passage: str
    passage_source: str  # "official" or "corpus"
    phase: str
    start_week: int
    end_week: int
    nist_800_53: tuple[CrossRef, ...] = ()
    nist_note: str = ""  # "no crosswalk entry" or "N more base controls in the crosswalk"
    owner: str = ""
    due: str = ""
    window_note: str = ""  # Type II: when a control that must operate through the window must start

    @property
    def weeks(self) -> str:
        """The plan weeks it is worked on, counted from 1: ``"3"`` or ``"1–4"``."""
        first = self.start_week + 1
        return str(first) if first >= self.end_week else f"{first}–{self.end_week}"

    @property
    def iso_text(self) -> str:
        """The ISO references on one line: ``A.8.24 Use of cryptography (partial); …``."""
        return "; ".join(
            f"{r.id} {r.name} ({r.relationship})" if r.relationship else f"{r.id} {r.name}"
            for r in self.iso27001
        )

    @property
    def nist_text(self) -> str:
        """The NIST references on one line, with the crosswalk note."""
        listed = "; ".join(f"{r.id} {r.name}" for r in self.nist_800_53)
        return " ".join(part for part in (listed + ("." if listed else ""), self.nist_note) if part)


def _missing_text(gap: Gap, answers: list[AnswerRecord]) -> str:
    if gap.what_is_missing.strip():
        return truncate(clean(gap.what_is_missing), BODY_TEXT_LIMIT)
    if answers:
        parts = [
            say(
                "missing_from_answer",
                answer="“" + truncate(one_line(clean(a.typed)), ANSWER_EXCERPT) + "”",
                label=a.label.replace("_", " "),
            )
            for a in answers[:2]
        ]
        return " ".join(parts)
    return say("missing_unknown") if gap.status == "unknown" else say("missing_no_answer")


def _refs(given: tuple[tuple[str, str], ...], curated: tuple[CrossRef, ...]) -> tuple[CrossRef, ...]:
    """The gap's own (id, name) pairs when it has them, annotated from the curated data; else the data."""
    if not given:
        return curated
    known = {r.id: r for r in curated}
    return tuple(known.get(cid) or CrossRef(clean(cid), clean(name)) for cid, name in given)


def nist_note(criterion_id: str, shown: int) -> str:
    """What the report says about the crosswalk beyond the controls shown."""
    total = len(crossref.crosswalk_bases(criterion_id))
    if total == 0:
        return say("nist_none")
    if total > shown:
        return say("nist_more", more=total - shown, total=total)
    return ""


def window_notes(
    report: Report, planned: list[plan.ScheduledGap], target: plan.TargetPlan | None, t: Mapping[str, str]
) -> dict[str, str]:
    """Type II: for each control that must operate through the window, by when it must start."""
    if report.report_type != "type2":
        return {}
    window = plan.window_week(planned)
    start_by = {step.criterion_id: step.start_by for step in target.steps} if target else {}
    notes = {}
    for item in planned:
        if item.cadence is None:
            continue
        cid, cadence = item.gap.criterion_id, t[f"cadence_{item.cadence}"]
        if target is not None and target.window_start is not None and cid in start_by:
            notes[cid] = say(
                "window_note_target",
                cadence=cadence,
                window_start=target.window_start,
                start_by=start_by[cid],
            )
        else:
            notes[cid] = say(
                "window_note",
                cadence=cadence,
                start=item.start_week + 1,
                window=window + 1,
                latest=item.latest_start + 1,
            )
    return notes


def gap_view(
    item: plan.ScheduledGap,
    report: Report,
    corpus: Corpus,
    passages: Mapping[str, Hit],
    t: Mapping[str, str],
    window_note: str = "",
) -> GapView:
    """Everything the report shows about one scheduled gap, its steps tailored to the answers."""
    gap = item.gap
    answers = tailor.gap_answers(gap, report.answers)
    tailored = tailor.tailor(gap, answers)
    missing = _missing_text(gap, answers)
    steps = gap.remediation
    if tailored is not None:
        missing = f"{missing} {tailored.summary}"
        steps = tailored.steps or steps
    try:
        criterion = corpus.get(gap.criterion_id)
    except KeyError:
        criterion = None
    hit = passages.get(gap.criterion_id)
    if hit is not None and hit.text.strip():
        passage, source = clean(hit.text), "official" if hit.source == "official" else "corpus"
    else:
        passage, source = (criterion.in_practice if criterion else ""), "corpus"
    why = gap.why_it_matters.strip()
    if not why and criterion:
        why = say("why_pitfall", pitfall=criterion.pitfalls[0].rstrip("."))
    evidence = gap.evidence or (criterion.auditor_evidence if criterion else ())
    nist = _refs(gap.nist_800_53, crossref.nist_800_53(gap.criterion_id))
    return GapView(
        rank=item.rank,
        criterion_id=gap.criterion_id,
        title=clean(gap.title) or (criterion.title if criterion else gap.criterion_id),
        category=gap.category,
        category_title=CATEGORY_TITLES.get(gap.category, gap.category),
        status=gap.status,
        severity=gap.severity,
        effort=gap.effort,
        what_is_missing=missing,
        why_it_matters=clean(why),
        remediation=tuple(clean(step) for step in steps),
        evidence=tuple(clean(e) for e in evidence),
        iso27001=_refs(gap.iso27001, crossref.iso27001(gap.criterion_id)),
        passage=normalize(passage),
        passage_source=source,
        phase=item.phase,
        start_week=item.start_week,
        end_week=item.end_week,
        nist_800_53=nist,
        nist_note=nist_note(gap.criterion_id, len(nist)),
        owner=one_line(clean(gap.owner or "")),
        due=clean(gap.due or ""),
        window_note=window_note,
    )
