"""Pre-filled readings: a question whose criterion a scan checked shows the evidence and a proposed
reading, which the founder confirms in one reply ("confirm") or overrides by answering normally.

The scan never decides: only a confirmation records the proposed label; MANUAL-only criteria and
criteria no scan checked are asked as usual.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from assessment.evidence.errors import say
from assessment.evidence.models import (
    CriterionEvidence,
    EvidenceSummary,
    ProposedLabel,
    propose,
    provider_title,
)
from assessment.models import Question
from knowledge.text import letters_only

STALE_AFTER_DAYS = 90
_UNSAFE = re.compile(r"[^\w.:/@+=,\- ]")  # file content shown in chat Markdown: no markup characters
FAILING_SHOWN = 2  # failing checks named in a question's evidence line
_CONFIRMATIONS = {
    "confirm",
    "confirmed",
    "i confirm",
    "confirm it",
    "confirm that",
    "yes confirm",
    "yes confirmed",
    "ok confirm",
    "correct",
    "yes correct",
    "thats correct",
    "that is correct",
    "yes thats correct",
    "right",
    "thats right",
    "that is right",
    "yes thats right",
    "yes that is right",
    "yes right",
    "agreed",
    "i agree",
    "accurate",
    "thats accurate",
    "looks right",
    "sounds right",
    "yes looks right",
    "yes sounds right",
}


def evidence_for(scans: Sequence[EvidenceSummary], criterion_id: str) -> tuple[CriterionEvidence, ...]:
    """What every imported scan says about ``criterion_id`` (scans that say nothing left out)."""
    found = (s.criterion(criterion_id) for s in scans)
    return tuple(item for item in found if item is not None)


def proposed_label(items: Sequence[CriterionEvidence]) -> ProposedLabel | None:
    """The reading all scans together suggest (None when none checked anything automatically)."""
    return propose(sum(i.passed for i in items), sum(i.failed for i in items))


def reading(label: str) -> str:
    """The proposed label in words ("partial" -> "partly in place")."""
    return say(f"reading_{label}")


def age_in_days(scan_date: str, today: str) -> int | None:
    """Days between the scan and ``today`` (ISO dates), or None if either is unknown."""
    try:
        return (date.fromisoformat(today) - date.fromisoformat(scan_date)).days
    except ValueError:
        return None


def is_stale(scan_date: str, today: str) -> bool:
    """Older than 90 days on ``today``: the report flags it."""
    days = age_in_days(scan_date, today)
    return days is not None and days > STALE_AFTER_DAYS


def source_line(provider: str, accounts: Sequence[str], scan_date: str) -> str:
    """ "Prowler scan of 2026-11-30, AWS account 123456789012"."""
    when = scan_date or "an unknown date"
    if not accounts:
        return say("scan_source_no_account", date=when, provider=provider_title(provider))
    shown = ", ".join(safe(a) for a in accounts[:2]) + (f" +{len(accounts) - 2}" if len(accounts) > 2 else "")
    return say("scan_source", date=when, provider=provider_title(provider), accounts=shown)


def safe(text: str) -> str:
    """File content (check ids, account ids) reduced to characters Markdown does not interpret."""
    return _UNSAFE.sub("", text)[:120]


def count(n: int, noun: str) -> str:
    """ "1 check", "3 resources" (``noun``: ``checks`` or ``resources``)."""
    return say(f"n_{noun}_one") if n == 1 else say(f"n_{noun}_many", n=n)


def checks_text(item: CriterionEvidence) -> str:
    """The failing checks with their counts, or that all checks pass."""
    failing, passing = item.failing_checks, item.passing_checks
    if not failing:
        return say(
            "checks_all_pass", checks=count(len(passing), "checks"), resources=count(item.passed, "resources")
        )
    parts = [
        say("check_fails", check=safe(c.check_id), failed=c.failed, total=count(c.total, "resources"))
        for c in failing[:FAILING_SHOWN]
    ]
    text = "; ".join(parts)
    if len(failing) > FAILING_SHOWN:
        text += " " + say("checks_more_failing", count=len(failing) - FAILING_SHOWN)
    if passing:
        text += "; " + say("checks_also_pass", checks=count(len(passing), "checks"))
    return text


def evidence_line(item: CriterionEvidence) -> str:
    """One scan's evidence for one criterion, ending with the reading it suggests."""
    label = item.proposed_label
    return say(
        "evidence_line",
        source=source_line(item.provider, item.accounts, item.scan_date),
        checks=checks_text(item),
        criterion=item.criterion_id,
        reading=reading(label) if label else "",
    )


def prefill(question: Question, scans: Sequence[EvidenceSummary], today: str) -> Question:
    """``question`` with the scan evidence and a proposed reading, when a scan checked its criterion."""
    if question.kind != "scored" or not question.criteria or not scans:
        return question
    items = tuple(i for i in evidence_for(scans, question.criteria[0]) if i.proposed_label is not None)
    label = proposed_label(items)
    if label is None:
        return question
    lines = [evidence_line(i) for i in items]
    oldest = min((age_in_days(i.scan_date, today) or 0) for i in items)
    if oldest > STALE_AFTER_DAYS:
        lines.append(say("stale_note", days=oldest))
    text = say(
        "prefill_question", evidence="\n".join(lines), question=question.display_text, reading=reading(label)
    )
    options = (say("option_confirm"), *question.options)
    return replace(question, display_text=text, options=options, proposed_label=label)


def is_confirmation(text: str, question: Question) -> bool:
    """True when ``text`` accepts the question's proposed reading ("confirm", "yes, that's right")."""
    if question.proposed_label is None:
        return False
    return letters_only(text) in _CONFIRMATIONS | {letters_only(say("option_confirm"))}


def confirmed_message(label: str) -> str:
    """The acknowledgement of a confirmed reading."""
    return say("confirmed", reading=reading(label))


def import_message(summary: EvidenceSummary, replaced: bool, prefilled: int) -> str:
    """What the chat says after a scan was imported."""
    info = summary.info
    automated = summary.automated
    parts = [
        say(
            "imported",
            provider=provider_title(info.provider),
            date=info.scan_date or "an unknown date",
            findings=f"{info.findings:,}",
            criteria=len(automated),
            prefilled=prefilled,
        )
    ]
    if replaced:
        parts.append(say("imported_replaced", provider=provider_title(info.provider)))
    if not automated:
        parts.append(say("imported_nothing_automated"))
    return " ".join(parts)
