"""See and change what was understood: ``answers()``, ``revise()`` and "that's not right" (a mixin).

A revision replaces the answer's event in place (so everything derived from it — follow-ups,
scores, gaps, the report — follows) and appends a record to the session's audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assessment.bank.loader import QuestionBank
from assessment.interview import flow, records, revisit
from assessment.interview.answering import understood_line
from assessment.interview.flow import Context
from assessment.interview.records import REVISABLE_KINDS
from assessment.interview.session import SessionState, new_event, new_revision
from assessment.interview.withdrawn import make_room
from assessment.models import LABELS, AnswerRecord, Interpretation, Question, Reply, RevisionRecord
from assessment.templates import render_message
from assessment.understanding.reader import interpret, needs_clarification
from knowledge.text import one_line


class RevisionHandlers:
    """Answer review and revision shared by ``Interview``; hooks are provided by the facade."""

    _state: SessionState
    _ctx: Context
    _lock: Any  # the facade's re-entrant lock

    def _touch(self) -> None:
        raise NotImplementedError

    def _question_for(self, qid: str, kind: str) -> Question | None:
        raise NotImplementedError

    if TYPE_CHECKING:  # provided by the facade and the other mixins

        def _current(self, d: Any = None) -> tuple[Any, Question | None]: ...
        def _shown(self, question: Question) -> Question: ...
        def _presentation_key(self, question: Question) -> str: ...
        def back(self) -> Reply: ...

    def answers(self) -> list[AnswerRecord]:
        """Every settled question, in the order asked: the answer, its reading and its criteria."""
        with self._lock:
            d = flow.derive(self._state, self._ctx)
            return list(records.appendix(self._state.events, d.implied, self._ctx.bank, self._ctx.corpus))

    def revise(self, question_id: str, text: str, *, by: str = "") -> Reply:
        """Change the answer to an earlier question (also after the end), read by the same reader.

        An unclear new answer is not recorded: the reply asks for one of the plain options instead.
        The answer already recorded (same words, same reading) changes nothing and the reply says so.
        ``by`` names who changed it (a signed-in user) for the audit trail.
        """
        with self._lock:
            index = self._event_index(question_id)
            implied = None
            if index is None:  # an answer settled by implication can be changed like any other
                implied = flow.derive(self._state, self._ctx).implied.get(question_id)
                if implied is None and any(e["qid"] == question_id for e in self._state.events):
                    # A scoping answer set the scope and the questions asked since: not changed alone.
                    return Reply(render_message("revise_scoping", question_id=question_id), kind="error")
                if implied is None:
                    return _unknown(question_id)
            event = self._state.events[index] if index is not None else dict(implied or {})
            question = self._question_for(question_id, event["kind"])
            if question is None:
                return _unknown(question_id)
            text = one_line(str(text)) if text is not None else ""
            understood = interpret(text, question=question, options=question.options)
            if not text or needs_clarification(understood):
                options = ", ".join(render_message(f"label_{label}") for label in LABELS)
                return Reply(render_message("revise_unclear", options=options), None, "clarify")
            if index is not None and _same_answer(event, text, understood):
                # The form sent twice (Enter, then the button): no second "yes → yes" in the trail.
                label = render_message(f"label_{understood.label}")
                return Reply(render_message("revise_unchanged", label=label), understood.label, "command")
            shown = self._open_as_shown()
            if index is None:  # it becomes an answer of its own, after the one it was implied by
                event.pop("implied_by", None)
                make_room(self._state.transcript, len(self._state.events))  # an answer still pending
                self._state.events.append(event)
                index = len(self._state.events) - 1
            self._replace_event(index, event, text, understood, by)
            self._keep_shown(shown)
            line = understood_line(understood, text, comes_back=revisit.offer_ahead(self._state.events))
            message = render_message("revise_done", understood=line)
            return Reply(message, understood.label, "answer", understood=line)

    def _open_as_shown(self) -> tuple[str, str] | None:
        """The open question's ID and wording as the chat shows it, if it was shown there."""
        question = self._current()[1]
        if question is None or self._state.presented != self._presentation_key(question):
            return None
        return question.id, self._shown(question).display_text

    def _keep_shown(self, before: tuple[str, str] | None) -> None:
        """After a change, the chat shows the open question once, in its current wording.

        The same question is not shown again: unchanged, it stays as it was; reworded (the offer
        of open questions counts one fewer) while it is still the chat's last turn, that turn is
        updated. Any other question, or a reworded one the chat has moved past, is shown anew.
        """
        question = self._current()[1]
        if before is None or question is None or question.id != before[0]:
            self._state.presented = None
            return
        wording = self._shown(question).display_text
        if wording != before[1]:
            last = self._state.transcript[-1] if self._state.transcript else {}
            if (last.get("role"), last.get("text"), last.get("event")) != ("assistant", before[1], None):
                self._state.presented = None
                return
            last["text"] = wording  # nothing was said since it was shown: one offer, with the new count
        self._state.presented = self._presentation_key(question)

    def _event_index(self, question_id: str) -> int | None:
        for index in range(len(self._state.events) - 1, -1, -1):
            event = self._state.events[index]
            if event["qid"] == question_id and event["kind"] in REVISABLE_KINDS:
                return index
        return None

    def _replace_event(
        self, index: int, event: dict[str, Any], text: str, understood: Interpretation, by: str
    ) -> None:
        old_text = "" if event["skipped"] else records.recorded_text(event)
        old_label = None if event["skipped"] else event["label"]
        self._state.revisions.append(
            new_revision(event["qid"], old_text, old_label, text, understood.label, by)
        )
        self._state.events[index] = new_event(
            event["qid"],
            event["kind"],
            text=text,
            label=understood.label,
            confidence=round(understood.confidence, 4),
            source=understood.source,
        )
        self._touch()

    def correct(self) -> Reply:
        """ "That's not right": reopen the answer just recorded, offering the other readings.

        A scoping, scope or carve-out answer (or the choice on the open questions) is taken again
        from the start, as ``back`` would: nothing was asked since, so nothing else depends on it.
        The reading chosen then replaces the answer, and a change of reading joins the audit trail.
        """
        with self._lock:
            events = self._state.events
            if self._state.pending is not None:  # mid-clarification: that unfinished answer is what's wrong
                return self.back()
            if not events:
                return Reply(render_message("correct_nothing"), kind="command")
            if events[-1]["skipped"]:
                return Reply(render_message("correct_skipped"), kind="command")
            if events[-1]["kind"] not in REVISABLE_KINDS:
                noted = records.noted_as(events[-1])
                self.back()
                return Reply(render_message("correct_reopened", noted=noted), kind="command")
            event = events.pop()
            recorded = event["label"]
            others = [label for label in LABELS if label != recorded]
            self._state.pending = {
                "qid": event["qid"],
                "kind": event["kind"],
                "text": event["text"] if event.get("clarification") is None else event["clarification"],
                "label": recorded,
                "confidence": 0.0,
                "source": event["source"],
                "alternatives": others[:3] if recorded != "unknown" else others[:4],
                "correcting": True,
            }
            self._touch()
            label = render_message(f"label_{recorded}")
            # The clarifying question follows as the next one shown, so the reply does not repeat it.
            return Reply(render_message("correct_offer", label=label), kind="clarify")


def _same_answer(event: Mapping[str, Any], text: str, understood: Interpretation) -> bool:
    """The recorded answer already says ``text`` (case and spacing aside) with the same reading."""
    if event["skipped"] or event.get("clarification") is not None or event["label"] != understood.label:
        return False
    return one_line(str(event["text"])).casefold() == text.casefold()


def _unknown(question_id: str) -> Reply:
    return Reply(render_message("revise_unknown_question", question_id=question_id), kind="error")


def revision_records(
    revisions: Sequence[Mapping[str, Any]], bank: QuestionBank
) -> tuple[RevisionRecord, ...]:
    """The session's audit trail (who changed which answer, when, from what to what), oldest first."""
    out = []
    for item in revisions:
        qid = str(item["qid"])
        try:
            text = records.question_text(qid, "scored", bank)[0]
        except KeyError:
            try:
                text = records.question_text(qid, "followup", bank)[0]
            except KeyError:
                text = qid
        old_label = item.get("old_label")
        out.append(
            RevisionRecord(
                question_id=qid,
                question_text=text,
                changed_at=str(item["at"]),
                changed_by=str(item.get("by") or ""),
                old_answer=str(item.get("old_text") or ""),
                old_label=str(old_label) if old_label is not None else "skipped",
                new_answer=str(item.get("new_text") or ""),
                new_label=str(item.get("new_label") or "unknown"),
            )
        )
    return tuple(out)
