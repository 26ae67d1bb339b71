"""Questions about this session, answered from the session's own report rather than the knowledge base.

Three kinds are recognised: which criteria are still open, why a named criterion is (or is not)
in the gaps, and what was taken from the founder's answers about a topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assessment.interview.intents import CRITERION_MENTION, SideAnswer
from assessment.models import AnswerRecord, Report
from assessment.templates import TemplateError, render_message
from knowledge.corpus import Corpus
from knowledge.lexical import LexicalIndex
from knowledge.models import CATEGORY_TITLES
from knowledge.text import lower_line

AskKind = Literal["open", "gap", "took"]
_OPEN = re.compile(
    r"\b(?:which|what)\b.*\b(?:criteria|criterion|controls)\b.*"
    r"\b(?:open|left|remaining|unanswered|outstanding|not (?:yet )?(?:assessed|answered|covered))\b"
    r"|\bwhat(?:'s| is) (?:still )?open\b"
)
_GAP = re.compile(r"\bwhy\b.*\b(?:gaps?|missing|flagged)\b")
_TOOK = re.compile(
    r"\bwhat (?:did|have) (?:you|i) (?:take|took|taken|get|got|understand|understood|record|recorded|"
    r"note|noted|say|said|answer|answered)\b(?P<rest>.*)"
)
_TOPIC = re.compile(r"\b(?:about|on|regarding|for|to)\s+(?P<topic>.+)$")
_MAX_LISTED = 20
_MAX_RECORDS = 3


@dataclass(frozen=True)
class SessionAsk:
    """A recognised question about the session: its kind and what it names."""

    kind: AskKind
    criterion_id: str | None = None
    topic: str = ""


def parse_session_question(text: str) -> SessionAsk | None:
    """The session question the text asks, or None when it is about something else."""
    norm = lower_line(text).rstrip("?.! ")
    mention = CRITERION_MENTION.search(norm)
    if mention and _GAP.search(norm):
        return SessionAsk("gap", ".".join(mention.group(0).upper().split(".")[:2]))
    if _OPEN.search(norm):
        return SessionAsk("open")
    took = _TOOK.search(norm)
    if took and re.search(r"\banswers?\b|\bsaid\b|\bsay\b|\banswered\b", norm):
        topic = _TOPIC.search(took.group("rest"))
        return SessionAsk("took", topic=topic.group("topic").strip() if topic else "")
    return None


def _open(report: Report) -> SideAnswer:
    in_scope = [r for r in report.criteria if r.category in report.scope]
    unknown = [r.criterion_id for r in in_scope if r.status == "unknown"]
    if not unknown:
        return SideAnswer(render_message("session_none_open"), (), "session_none_open")
    listed = ", ".join(unknown[:_MAX_LISTED])
    if len(unknown) > _MAX_LISTED:
        listed = render_message("session_open_more", ids=listed, more=len(unknown) - _MAX_LISTED)
    message = render_message("session_open", count=len(unknown), total=len(in_scope), ids=listed)
    return SideAnswer(message, tuple(unknown[:_MAX_LISTED]), "session_open")


def _question_texts(report: Report, question_ids: tuple[str, ...]) -> str:
    texts = [r.question_text for r in report.answers if r.question_id in question_ids]
    return render_message("session_from_questions", questions="”, “".join(texts[:2])) if texts else ""


def _gap(report: Report, criterion_id: str, corpus: Corpus) -> SideAnswer | None:
    try:
        criterion = corpus.get(criterion_id)
    except KeyError:
        return None
    common = {"criterion_id": criterion.id, "title": criterion.title}
    cited = (criterion.id,)
    result = next((r for r in report.criteria if r.criterion_id == criterion.id), None)
    if criterion.category not in report.scope or result is None:
        category = CATEGORY_TITLES[criterion.category]
        return SideAnswer(
            render_message("session_not_gap_scope", category=category, **common),
            cited,
            "session_not_gap_scope",
        )
    if any(g.criterion_id == criterion.id for g in report.gaps):
        status = render_message(f"session_status_{result.status}")
        message = render_message("session_in_gaps", status=status, reason=result.reason or status, **common)
        return SideAnswer(message, cited, "session_in_gaps")
    if result.status == "not_applicable":
        message = render_message("session_not_gap_na", reason=result.reason, **common)
        return SideAnswer(message, cited, "session_not_gap_na")
    questions = _question_texts(report, result.question_ids)
    return SideAnswer(
        render_message("session_not_gap_met", questions=questions, **common), cited, "session_not_gap_met"
    )


def _label(record: AnswerRecord) -> str:
    try:
        return render_message(f"label_{record.label}")
    except TemplateError:  # scoping answers keep the words they were shown with
        return record.label


def _took(report: Report, topic: str, corpus: Corpus) -> SideAnswer:
    wanted = set(LexicalIndex.tokenize(topic))
    scored = []
    for order, record in enumerate(report.answers):
        titles = " ".join(corpus.get(c).title for c in record.criteria if c in corpus.ids)
        overlap = len(wanted & set(LexicalIndex.tokenize(f"{record.question_text} {titles}")))
        if overlap or not wanted:
            scored.append((-overlap, -order, record))
    scored.sort(key=lambda item: (item[0], item[1]))
    chosen = [record for _, _, record in scored[:_MAX_RECORDS]]
    shown_topic = topic or render_message("session_topic_any")
    if not chosen:
        return SideAnswer(render_message("session_took_none", topic=shown_topic), (), "session_took_none")
    lines = [
        render_message("session_took_line", question=r.question_text, answer=r.answer, label=_label(r))
        for r in chosen
    ]
    cited = tuple(dict.fromkeys(c for r in chosen for c in r.criteria))
    message = render_message("session_took", topic=shown_topic, lines="\n".join(lines))
    return SideAnswer(message, cited, "session_took")


def answer_session_question(ask: SessionAsk, report: Report, corpus: Corpus) -> SideAnswer | None:
    """Answer a session question from the current report; None if it names an unknown criterion."""
    if ask.kind == "open":
        return _open(report)
    if ask.kind == "gap" and ask.criterion_id is not None:
        return _gap(report, ask.criterion_id, corpus)
    return _took(report, ask.topic, corpus)
