"""Commands typed instead of an answer (skip, back, why, progress, restart) and the end-of-interview
turns: the offer to take up open questions again, and questions about the scope (a mixin of ``Interview``).

None of these is an answer about the company: they move through the interview, explain it, or
answer a question, and the question that was open stays open unless the command settles it.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from assessment.interview import asking, flow, revisit, scope_words
from assessment.interview.flow import Context, Derived, Slot
from assessment.interview.progress import CategoryProgress, Progress, category_counts, progress_message
from assessment.interview.progress import questions_left as estimate_left
from assessment.interview.session import SessionState, new_event
from assessment.interview.withdrawn import withdraw, withdraw_all
from assessment.models import Question, Reply, Report
from assessment.scoping.profile import recommend_scope, scope_titles
from assessment.templates import render_message
from knowledge.text import one_line


class CommandHandlers:
    """Commands and end-of-interview turns shared by ``Interview``; hooks come from the facade."""

    _state: SessionState
    _ctx: Context
    _lock: threading.RLock

    if TYPE_CHECKING:  # provided by the facade and the other mixins

        def _current(self, d: Derived | None = None) -> tuple[Slot | None, Question | None]: ...
        def _record(self, event: dict[str, Any]) -> None: ...
        def _touch(self) -> None: ...
        def _after_answer(self, reply: Reply) -> Reply: ...
        def _report(self) -> Report: ...
        def _side(self, text: str, question: Question | None) -> Reply: ...
        def correct(self) -> Reply: ...

    def _command(self, command: str) -> Reply:
        if command == "skip":
            return self.skip()
        if command == "back":
            return self.back()
        if command == "why":
            return self.why()
        if command == "correct":
            return self.correct()
        if command == "restart":
            return self.restart()
        return Reply(progress_message(self.progress()), kind="progress")

    def skip(self) -> Reply:
        """Skip the pending question (offered again once before the end); ``back`` undoes it."""
        with self._lock:
            slot, question = self._current()
            if slot is None or question is None:
                return Reply(render_message("nothing_to_skip"), kind="command")
            self._state.pending = None
            if slot.kind == "scope_confirm":
                d = flow.derive(self._state, self._ctx)
                chosen = recommend_scope(d.profile)[0]
                self._record(
                    new_event(
                        "scope_confirm",
                        "scope_confirm",
                        text="",
                        value=list(chosen),
                        shown=scope_titles(chosen),
                        source="skipped",
                    )
                )
                return self._after_answer(
                    Reply(render_message("scope_skipped", scope=scope_titles(chosen)), kind="command")
                )
            if slot.kind == "revisit":  # skipping the offer leaves the open questions open
                self._record(revisit.decision_event("leave", "", source="skipped"))
                return self._after_answer(Reply(render_message("revisit_leave"), kind="command"))
            offered = revisit.decision_at(self._state.events)[0] is not None
            self._record(new_event(slot.qid, slot.kind, skipped=True, source="skipped"))
            # Only scored questions and follow-ups come back before the end: promise nothing else.
            name = "skipped_scoping" if slot.kind == "scoping" else "skipped_open" if offered else "skipped"
            message = render_message(name)
            return self._after_answer(Reply(message, kind="command"))

    def back(self) -> Reply:
        """Undo the last answer (or a half-finished clarification); the question is then asked again."""
        with self._lock:
            # The removed answer's turns stay in the transcript, marked withdrawn (nothing typed is lost).
            if self._state.pending is not None:
                self._state.pending = None
                withdraw(self._state.transcript, len(self._state.events))
                self._touch()
                return Reply(render_message("back_clarification"), kind="command")
            if not self._state.events:
                return Reply(render_message("back_at_start"), kind="command")
            self._state.events.pop()
            withdraw(self._state.transcript, len(self._state.events))
            # Shown again as its own turn, even when it was the last one presented (back at the end).
            self._state.presented = None
            self._touch()
            # The question itself follows as the next one shown: repeating it here would print it twice.
            return Reply(render_message("back_done"), kind="command")

    def why(self) -> Reply:
        """Why the pending question matters, plus a plain explanation of its jargon."""
        with self._lock:
            question = self._current()[1]
            if question is None:
                return Reply(render_message("why_finished"), kind="command")
            message = render_message("why", why=one_line(question.why))
            if question.help:
                message += "\n" + render_message("why_help", help=one_line(question.help))
            return Reply(message, kind="command")

    def restart(self) -> Reply:
        """Clear every answer and start again (the transcript keeps what was typed, marked withdrawn)."""
        with self._lock:
            self._state.events.clear()
            withdraw_all(self._state.transcript)
            self._state.pending = None
            self._state.presented = None
            self._touch()
            return Reply(render_message("restarted"), kind="command")

    def progress(self) -> Progress:
        """Per in-scope category answered/total and running score, plus overall progress."""
        with self._lock:
            d = flow.derive(self._state, self._ctx)
            report = self._report()
            categories = {}
            for category in flow.planning_scope(d):
                answered, skipped, total = category_counts(d, self._ctx, category)
                categories[category] = CategoryProgress(
                    answered, skipped, total, report.category_scores.get(category, 0.0)
                )
            left = estimate_left(d, self._state, self._ctx)
            done = self._current(d)[1] is None
            percent = 100 if done else min(99, round(100 * d.asked / max(1, d.asked + left)))
            return Progress(categories, d.asked, 0 if done else left, percent, report.overall, done)

    # --- end-of-interview turns ----------------------------------------------------------------

    def _answer_revisit(self, text: str, question: Question, d: Derived) -> Reply:
        decision = revisit.read_decision(text)
        notice = None
        if decision is None:  # unclear: leave them open, as a skip would (``back`` offers them again)
            decision, notice = "leave", render_message("revisit_unclear")
        items = revisit.open_items(self._state.events, d.implied, flow.relevance(d, self._ctx))
        self._record(revisit.decision_event(decision, text))
        reply = revisit.decision_reply(decision, len(items.all))
        return self._after_answer(replace(reply, notice=notice) if notice else reply)

    def _scope_side(self, text: str, question: Question, d: Derived) -> Reply:
        """A question about the recommended scope, answered; the scope stays as it is until decided."""
        answer = scope_words.answer_scope_question(text, d.profile)
        if answer is None:
            return self._side(text, question)
        recommended = recommend_scope(d.profile)[0]
        examples = asking.scope_examples(recommended)
        decide = render_message("scope_answer_decide", scope=scope_titles(recommended), examples=examples)
        return Reply(f"{answer}\n\n{decide}", None, "side_question")
