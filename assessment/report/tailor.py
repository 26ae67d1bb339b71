"""Remediation built from what the founder said: what is in place, what is missing, the first step.

``tailor`` reads the gap's answers with ``facets.read_facets``. When the answers mention at least
one facet of the control, the steps become the missing facets' steps, in the order they should be
put in place, then the steps of facets the answers did not mention, and the gap says once what is in
place, what is missing and what the answers did not mention ("Not mentioned in your answer (check
these): …"); the steps themselves carry no such note. When every answer is a plain "no", nothing is
in place beyond what the answer names: every other facet is missing, its step listed in the order to
put them in place, and there is no "not mentioned" line. When the answers mention no facet ("no",
"not sure", "mostly"), the gap keeps the question bank's generic steps. The report's views and the
app both use this, so they show the same first step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assessment.models import AnswerRecord, Gap, Report
from assessment.report.facets import FacetReading, read_facets
from assessment.report.wording import say

# Characters of each answer read for facets: a description of a control is short, a pasted policy
# is not, and reading 100 KB clause by clause would slow every report for nothing.
ANSWER_CHARS = 4000


@dataclass(frozen=True)
class Tailored:
    """The tailored steps and the in-place / missing summary of one gap."""

    reading: FacetReading
    steps: tuple[str, ...]
    summary: str  # "In place: … Missing: … Not mentioned in your answer (check these): …" (strings.yaml)


def gap_answers(gap: Gap, answers: Sequence[AnswerRecord]) -> list[AnswerRecord]:
    """The answers behind a gap: those to its questions, else those naming its criterion."""
    wanted = set(gap.question_ids)
    chosen = [a for a in answers if a.question_id in wanted]
    return chosen or [a for a in answers if gap.criterion_id in a.criteria]


def _names(reading: FacetReading, state: str) -> str:
    facets = {"present": reading.in_place, "absent": reading.missing, "unstated": reading.unstated}[state]
    return "; ".join(f.name for f in facets)


def _text(answers: Sequence[AnswerRecord]) -> str:
    """What the founder typed for the gap (each text once: an implied answer repeats an earlier one)."""
    said = [a.typed[:ANSWER_CHARS] for a in answers] + [a.clarification[:ANSWER_CHARS] for a in answers]
    return ". ".join(dict.fromkeys(text for text in said if text.strip()))


def denied(answers: Sequence[AnswerRecord]) -> bool:
    """True when every answer behind a gap is a plain "no": nothing is in place but what it names."""
    labels = [a.label for a in answers if a.typed.strip()]
    return bool(labels) and all(label == "no" for label in labels)


def tailor(gap: Gap, answers: Sequence[AnswerRecord]) -> Tailored | None:
    """The gap's steps and summary from its answers; None when they say nothing about any facet."""
    chosen = gap_answers(gap, answers)
    text = _text(chosen)
    reading = read_facets(gap.criterion_id, text) if text else None
    if reading is None or not reading.mentioned:
        return None
    plain_no = denied(chosen)
    if plain_no:  # every part not shown in place is missing, in the order to put them in place
        steps = [f.step for f, state in reading.states if state != "present"]
    else:
        steps = [f.step for f in (*reading.missing, *reading.unstated)]
    parts = []
    if reading.in_place:
        parts.append(say("facets_in_place", items=_names(reading, "present")))
    if reading.missing:
        parts.append(say("facets_missing", items=_names(reading, "absent")))
    if reading.unstated and not plain_no:
        parts.append(say("facets_unstated", items=_names(reading, "unstated")))
    return Tailored(reading, tuple(steps), " ".join(parts))


def tailored_gap(gap: Gap, answers: Sequence[AnswerRecord]) -> Gap:
    """``gap`` with the tailored steps and the in-place / missing summary (unchanged when none)."""
    found = tailor(gap, answers)
    if found is None:
        return gap
    missing = " ".join(part for part in (gap.what_is_missing.strip(), found.summary) if part)
    return replace(gap, remediation=found.steps or gap.remediation, what_is_missing=missing)


def tailored_gaps(report: Report) -> list[Gap]:
    """Every gap of ``report`` tailored to the founder's answers, in the report's order."""
    return [tailored_gap(gap, report.answers) for gap in report.gaps]
