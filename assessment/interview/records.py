"""What was understood, as records: the answers of ``Interview.answers()`` and the report's appendix.

Every settled question appears once, in the order asked, with the answer kept whole and how it was
read; a question answered again (a skipped one taken up before the end) shows its latest answer, and
answers settled by implication follow the answer they come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.bank.loader import QuestionBank, primary_criterion
from assessment.interview.implied import is_implied
from assessment.models import AnswerRecord
from assessment.templates import render_message
from knowledge.corpus import Corpus

REVISABLE_KINDS = ("scored", "followup")
_NOT_LISTED = ("revisit",)  # the offer to take up open questions is no answer about the company


def question_text(qid: str, kind: str, bank: QuestionBank) -> tuple[str, tuple[str, ...]]:
    """Text and criteria of a scored question or follow-up, for records and the appendix."""
    if kind == "followup":
        parent, item = bank.followup(qid)
        return item.text, tuple(parent.criteria)
    question = bank.get(qid)
    return question.text, tuple(question.criteria)


def answer_record(event: Mapping[str, Any], bank: QuestionBank, corpus: Corpus | None = None) -> AnswerRecord:
    """The appendix form of an answered scored question or follow-up (the answer kept whole)."""
    text, criteria = question_text(event["qid"], event["kind"], bank)
    words = event["text"]
    clarification = event.get("clarification")
    answer = words
    if clarification is not None:
        answer = render_message("appendix_clarified", answer=answer, clarification=clarification)
    follows = _implied_by(str(event["implied_by"]), bank, corpus) if is_implied(event) else ""
    if follows:
        answer = render_message("implied_answer", answer=answer, criterion=follows)
    return AnswerRecord(
        event["qid"],
        text,
        answer,
        event["label"] or "unknown",
        event["confidence"],
        event["source"],
        criteria,
        own_words=words if answer != words else "",
        clarification=clarification or "",
        follows_from=follows,
    )


def _implied_by(parent_id: str, bank: QuestionBank, corpus: Corpus | None) -> str:
    """The criterion (ID and title) of the earlier answer an implied answer was given for."""
    try:
        parent = bank.get(parent_id)
    except KeyError:  # a follow-up's parent is always a scored question; keep the words regardless
        return ""
    criterion = primary_criterion(parent)
    return f"{criterion} {corpus.get(criterion).title}" if corpus and criterion in corpus.ids else criterion


def latest_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events in the order asked, without those a later answer to the same question replaced."""
    last = {(e["qid"], e["kind"]): index for index, e in enumerate(events)}
    return [e for index, e in enumerate(events) if last[(e["qid"], e["kind"])] == index]


def appendix(
    events: list[dict[str, Any]],
    implied: Mapping[str, dict[str, Any]],
    bank: QuestionBank,
    corpus: Corpus | None = None,
) -> tuple[AnswerRecord, ...]:
    """Every settled question in the order asked, with the answer kept whole and how it was read.

    ``implied`` maps question IDs to answers settled by implication; each follows its source answer.
    """
    records: list[AnswerRecord] = []
    scoping = {q.id: q for q in bank.scoping}
    skipped_text = render_message("appendix_skipped")
    followers: dict[str, list[dict[str, Any]]] = {}
    for event in implied.values():
        followers.setdefault(str(event["implied_by"]), []).append(event)

    def add_implied(qid: str) -> None:
        for event in followers.get(qid, ()):
            records.append(answer_record(event, bank, corpus))
            add_implied(event["qid"])

    for event in latest_events(events):
        kind, qid = event["kind"], event["qid"]
        if kind in _NOT_LISTED:
            continue
        if kind in REVISABLE_KINDS:
            if qid in implied:  # skipped, then settled by a later denial: listed after that answer
                continue
            if event["skipped"]:
                text, criteria = question_text(qid, kind, bank)
                records.append(AnswerRecord(qid, text, skipped_text, "skipped", 0.0, "skipped", criteria))
            else:
                records.append(answer_record(event, bank, corpus))
                add_implied(qid)
            continue
        words, clarification = event["text"], event.get("clarification")
        answer = words
        if clarification is not None:
            answer = render_message("appendix_clarified", answer=answer, clarification=clarification)
        if kind == "scoping":  # without the chat's lead-in ("Last one before the scope.")
            text = (scoping[qid].appendix_text or scoping[qid].text) if qid in scoping else qid
        else:
            text = render_message(f"appendix_{kind}_question")
        if kind == "carve_out" and not event["skipped"]:
            shown = render_message(
                "appendix_carved" if event["value"].get("kinds") else "appendix_not_carved"
            )
        else:
            shown = event["shown"] or ("skipped" if event["skipped"] else "")
        records.append(
            AnswerRecord(
                qid,
                text,
                skipped_text if event["skipped"] else answer,
                shown,
                event["confidence"],
                event["source"] or kind,
                own_words=words if answer != words and not event["skipped"] else "",
                clarification=(clarification or "") if not event["skipped"] else "",
            )
        )
    return tuple(records)


def noted_as(event: Mapping[str, Any]) -> str:
    """How a scoping, scope, carve-out or revisit answer was noted, in the founder's terms."""
    if event["kind"] == "carve_out":
        return render_message("appendix_carved" if event["value"].get("kinds") else "appendix_not_carved")
    if event["kind"] == "revisit":
        decision = (event.get("value") or {}).get("decision", "leave")
        return render_message("option_revisit_now" if decision == "now" else "option_revisit_leave")
    return str(event.get("shown") or event["text"])


def recorded_text(event: Mapping[str, Any]) -> str:
    """An answer as the audit trail quotes it: the words, then the clarification if one was asked."""
    if event.get("clarification") is None:
        return str(event["text"])
    return f"{event['text']} / {event['clarification']}"
