"""The Interview facade: ask questions, understand answers, handle commands, and build the report.

An Interview owns only its session state (an event log and the transcript); the bank, corpus and
retriever are immutable and may be shared, so many interviews can run at once in threads.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from assessment.bank.loader import QuestionBank, default_bank
from assessment.evidence import EvidenceSummary, read_scan
from assessment.evidence import prefill as evidence_prefill
from assessment.evidence.attach import attach_evidence
from assessment.interview import asking, flow, intents, session_questions
from assessment.interview.answering import AnswerHandlers, is_clear_side_question, is_side_question
from assessment.interview.flow import Context, Derived, Progress, Slot
from assessment.interview.revising import RevisionHandlers
from assessment.interview.session import SessionState, load_state, new_event, set_assignment
from assessment.models import Question, Reply, Report
from assessment.scoping.carveout import build_subservices
from assessment.scoping.profile import (
    recommend_scope,
    scope_titles,
    validate_scope,
)
from assessment.scoring import build_report, primary_criterion, with_assignments
from assessment.templates import render_message
from assessment.understanding.reader import interpret
from knowledge.corpus import Corpus, default_corpus
from knowledge.models import CATEGORY_TITLES
from knowledge.settings import load_settings

if TYPE_CHECKING:
    from assessment.llm.engine import InterviewLLM


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class Interview(AnswerHandlers, RevisionHandlers):
    """A guided SOC 2 readiness interview (see DESIGN.md for the public contract)."""

    def __init__(
        self,
        scope: Iterable[str] | None = None,
        retriever: Any = None,
        llm: Any = None,
        *,
        session_name: str | None = None,
        report_type: str | None = None,
        bank: QuestionBank | None = None,
        corpus: Corpus | None = None,
    ) -> None:
        """Start an interview; ``scope`` None begins with scoping questions, else skips them."""
        given = list(validate_scope(scope)) if scope is not None else None
        if report_type not in (None, "type1", "type2"):
            raise ValueError(f"report_type must be 'type1' or 'type2', got {report_type!r}")
        today = date.today().isoformat()
        name = _storable(session_name or render_message("default_session_name"))
        state = SessionState(name, today, today, report_type, given)
        self._setup(state, retriever, llm, bank, corpus)

    def _setup(
        self, state: SessionState, retriever: Any, llm: Any, bank: QuestionBank | None, corpus: Corpus | None
    ) -> None:
        self._ctx = Context.build(bank or default_bank(), corpus or default_corpus())
        self._state = state
        self.retriever = retriever
        self.llm = llm  # the optional chat model as given; scores never depend on it
        self._llm: InterviewLLM | None = None
        if llm is not None:  # imported only then: offline mode never loads LangChain
            from assessment.llm.engine import InterviewLLM

            self._llm = InterviewLLM.wrap(llm)
        self._lock = threading.RLock()
        self._max_chars = load_settings().max_answer_chars
        self._scans = tuple(EvidenceSummary.from_dict(e) for e in state.evidence)

    # --- persistence -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The session as a JSON-ready dict (``Interview.from_dict`` restores it exactly)."""
        with self._lock:
            return self._state.to_dict()

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        retriever: Any = None,
        llm: Any = None,
        *,
        bank: QuestionBank | None = None,
        corpus: Corpus | None = None,
    ) -> Interview:
        """Resume a saved session; ``ValueError`` names what is malformed, foreign or too new."""
        state = load_state(data)
        interview = cls.__new__(cls)
        interview._setup(state, retriever, llm, bank, corpus)
        interview._check_references()
        return interview

    def _check_references(self) -> None:
        bank = self._ctx.bank
        scoping_ids = {q.id for q in bank.scoping}
        entries = list(enumerate(self._state.events))
        if self._state.pending is not None:
            entries.append((len(entries), self._state.pending))
        for index, event in entries:
            qid, kind = event["qid"], event["kind"]
            known = {
                "scoping": qid in scoping_ids,
                "scope_confirm": qid == "scope_confirm",
                "carve_out": qid == "carve_out",
                "scored": any(q.id == qid for q in bank.scored),
                "followup": any(f.id == qid for q in bank.scored for f in q.followups),
            }[kind]
            if not known:
                raise ValueError(f"malformed session: events[{index}]: unknown {kind} question {qid!r}")
            if kind in ("scored", "followup") and not event.get("skipped") and event.get("label") is None:
                raise ValueError(f"malformed session: events[{index}]: field label is missing for {qid!r}")

    # --- read-only views ---------------------------------------------------------------------

    @property
    def session_name(self) -> str:
        """The session's display name."""
        return self._state.session_name

    @property
    def scope(self) -> tuple[str, ...] | None:
        """Categories in scope, or None while scoping is still running."""
        with self._lock:
            return flow.derive(self._state).scope

    @property
    def report_type(self) -> str:
        """``type1`` or ``type2`` (from the caller, else the scoping answer, else type1)."""
        with self._lock:
            return flow.derive(self._state).report_type

    @property
    def profile(self) -> dict[str, Any]:
        """The company profile gathered by scoping."""
        with self._lock:
            return dict(flow.derive(self._state).profile)

    @property
    def transcript(self) -> tuple[tuple[str, str], ...]:
        """The chat so far as (role, text) pairs, for replaying in a UI."""
        with self._lock:
            return tuple((t["role"], t["text"]) for t in self._state.transcript)

    @property
    def llm_mode(self) -> str:
        """``"Offline mode"`` or ``"LLM: provider:model"``, for a status line."""
        return "Offline mode" if self._llm is None else self._llm.mode

    @property
    def finished(self) -> bool:
        """True when no question is left."""
        with self._lock:
            return self._current()[1] is None

    # --- asking ------------------------------------------------------------------------------

    def next_question(self) -> Question | None:
        """The pending question (the same one until answered) or None when the interview is done."""
        with self._lock:
            slot, question = self._current()
            if question is not None and slot is not None:
                key = f"{question.id}|{len(self._state.events)}"
                if self._state.presented != key:
                    if self._llm is not None:
                        self._llm.phrase(key, question, self.transcript)
                    self._state.presented = key
                    question = self._shown(question)
                    self._say("assistant", question.display_text)
                else:
                    question = self._shown(question)
            return question

    def _shown(self, question: Question) -> Question:
        """``question`` with the LLM's wording as ``display_text`` when it has one (text unchanged)."""
        if self._llm is None or question.proposed_label is not None:  # keep the scan evidence shown
            return question
        phrased = self._llm.phrased(f"{question.id}|{len(self._state.events)}")
        return replace(question, display_text=phrased) if phrased else question

    def _current(self, d: Derived | None = None) -> tuple[Slot | None, Question | None]:
        d = d or flow.derive(self._state)
        pending = self._state.pending
        if pending is not None:
            held = Slot(pending["kind"], pending["qid"])
            readings = tuple(pending.get("alternatives") or ())
            return held, asking.clarify_question(asking.build_question(self._ctx, held, d), readings)
        slot = flow.select(self._state, self._ctx, d)
        question = asking.build_question(self._ctx, slot, d) if slot else None
        if question is not None and self._scans:  # a scored question a scan informs: pre-filled
            question = evidence_prefill.prefill(question, self._scans, self._state.updated_on)
        return slot, question

    def answer(self, text: str) -> Reply:
        """Handle one user turn: an answer, a command or a side question. Never raises on bad input."""
        with self._lock:
            text = _storable("" if text is None else str(text))
            self.next_question()  # make sure the question being answered is in the transcript
            self._say("user", text)
            try:
                reply = self._handle(text)
            except Exception as exc:  # a bug must not lose the user's answer or crash the chat
                reply = Reply(render_message("internal_error", error=type(exc).__name__), kind="error")
            self._say("assistant", reply.message if not reply.notice else f"{reply.message}\n{reply.notice}")
            return reply

    def _handle(self, text: str) -> Reply:
        if not text.strip():
            return Reply(render_message("empty_answer"), kind="error")
        command = intents.detect_command(text)
        if command is not None:
            return self._command(command)
        d = flow.derive(self._state)
        slot, question = self._current(d)
        if slot is None or question is None:
            if is_side_question(text, interpret(text)):
                return self._side(text, None)
            return Reply(render_message("already_finished"), kind="finished")
        notice = None
        picked = asking.numbered_option(self._ctx, slot, question, text)
        if picked is not None:  # "2" typed for the second quick reply: record the option itself
            text = picked
        if slot.kind == "scored" and evidence_prefill.is_confirmation(text, question):
            return self._confirm_reading(slot, question, text)
        understood_text = text
        if len(text) > self._max_chars:
            understood_text = text[: self._max_chars]
            notice = render_message("answer_truncated", limit=self._max_chars)
        if slot.kind in ("scoping", "scope_confirm", "carve_out") and is_clear_side_question(understood_text):
            return self._side(understood_text, question)
        if slot.kind in ("scope_confirm", "carve_out") and interpret(understood_text, question).asks:
            return self._side(understood_text, question)  # a question back, never a decision
        if slot.kind == "scoping":
            return self._answer_scoping(slot, question, text, understood_text, notice, d)
        if slot.kind == "scope_confirm":
            return self._answer_scope(text, understood_text, question, notice, d)
        if slot.kind == "carve_out":
            return self._answer_carve(text, understood_text, question, notice, d)
        return self._answer_scored(slot, question, text, understood_text, notice, d)

    def _after_answer(self, reply: Reply) -> Reply:
        if self._current()[1] is None:
            return replace(reply, message=f"{reply.message}\n\n{render_message('finished')}", kind="finished")
        return reply

    # --- scan evidence -----------------------------------------------------------------------

    def import_evidence(
        self, source: str | os.PathLike[str] | bytes, name: str | None = None
    ) -> EvidenceSummary:
        """Import a Prowler compliance CSV or OCSF JSON (a path, or the file's bytes and its name).

        Questions whose criterion the scan checked then show the evidence and a proposed reading the
        founder confirms or changes. A new scan of the same provider and accounts replaces the earlier
        one. A bad file raises ``EvidenceError`` (a ``ValueError`` with the message to show) and the
        session is left exactly as it was.
        """
        summary = read_scan(source, name)  # outside the lock: a big file must not hold up the chat
        with self._lock:
            key = (summary.info.provider, summary.info.accounts)
            kept = [s for s in self._scans if (s.info.provider, s.info.accounts) != key]
            replaced = len(kept) < len(self._scans)
            self._scans = (*kept, summary)
            self._state.evidence = [s.to_dict() for s in self._scans]
            self._state.presented = None  # the open question is shown again, with its evidence
            d = flow.derive(self._state)
            scope = flow.planning_scope(d)
            prefilled = sum(
                1
                for q in self._ctx.ordered
                if q.id not in d.settled
                and flow.is_eligible(q, d, scope)
                and evidence_prefill.proposed_label(
                    evidence_prefill.evidence_for([summary], primary_criterion(q))
                )
            )
            self._say("assistant", evidence_prefill.import_message(summary, replaced, prefilled))
        return summary

    def _confirm_reading(self, slot: Slot, question: Question, text: str) -> Reply:
        label = question.proposed_label or "unknown"
        self._record(
            new_event(slot.qid, slot.kind, text=text, label=label, confidence=1.0, source="evidence")
        )
        return self._after_answer(Reply(evidence_prefill.confirmed_message(label), label, "answer"))

    # --- commands ----------------------------------------------------------------------------

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
        return self._progress_reply()

    def skip(self) -> Reply:
        """Skip the pending question (its criteria stay unknown); ``back`` undoes it."""
        with self._lock:
            slot, question = self._current()
            if slot is None or question is None:
                return Reply(render_message("nothing_to_skip"), kind="command")
            self._state.pending = None
            if slot.kind == "scope_confirm":
                d = flow.derive(self._state)
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
            self._record(new_event(slot.qid, slot.kind, skipped=True, source="skipped"))
            return self._after_answer(Reply(render_message("skipped"), kind="command"))

    def back(self) -> Reply:
        """Undo the last answer (or a half-finished clarification) and ask that question again."""
        with self._lock:
            if self._state.pending is not None:
                self._state.pending = None
                self._touch()
                return Reply(render_message("back_clarification"), kind="command")
            if not self._state.events:
                return Reply(render_message("back_at_start"), kind="command")
            self._state.events.pop()
            self._touch()
            question = self._current()[1]
            return Reply(
                render_message("back_done", question=question.text if question else ""), kind="command"
            )

    def why(self) -> Reply:
        """Why the pending question matters, plus a plain explanation of its jargon."""
        with self._lock:
            question = self._current()[1]
            if question is None:
                return Reply(render_message("why_finished"), kind="command")
            message = render_message("why", why=" ".join(question.why.split()))
            if question.help:
                message += "\n" + render_message("why_help", help=" ".join(question.help.split()))
            return Reply(message, kind="command")

    def restart(self) -> Reply:
        """Clear every answer and start again (the transcript keeps what was typed)."""
        with self._lock:
            self._state.events.clear()
            self._state.pending = None
            self._state.presented = None
            self._touch()
            return Reply(render_message("restarted"), kind="command")

    def progress(self) -> Progress:
        """Per in-scope category answered/total and running score, plus overall progress."""
        with self._lock:
            d = flow.derive(self._state)
            report = self._report()
            categories = {}
            for category in flow.planning_scope(d):
                answered, skipped, total = flow.category_counts(d, self._ctx, category)
                categories[category] = flow.CategoryProgress(
                    answered, skipped, total, report.category_scores.get(category, 0.0)
                )
            left = flow.remaining_mandatory(d, self._state, self._ctx)
            done = self._current(d)[1] is None
            percent = 100 if done else min(99, round(100 * d.asked / max(1, d.asked + left)))
            return Progress(categories, d.asked, 0 if done else left, percent, report.overall, done)

    def _progress_reply(self) -> Reply:
        progress = self.progress()
        lines = [
            render_message(
                "progress_line",
                title=CATEGORY_TITLES[c],
                answered=p.answered,
                total=p.total,
                score=f"{p.score:.0f}",
            )
            for c, p in progress.categories.items()
        ]
        message = render_message(
            "progress",
            asked=progress.questions_asked,
            left=progress.questions_left,
            percent=progress.percent,
            lines="\n".join(lines),
            overall=f"{progress.overall:.0f}",
        )
        return Reply(message, kind="progress")

    def _side(self, text: str, question: Question | None) -> Reply:
        retriever = self.retriever
        grounded, notice = None, None
        ask = session_questions.parse_session_question(text)  # "which criteria are still open?"
        about_session = (
            session_questions.answer_session_question(ask, self._report(), self._ctx.corpus) if ask else None
        )
        if about_session is None and self._llm is not None:
            grounded, notice = self._llm.side_question(text, retriever, self._ctx.corpus)
        if about_session is not None:
            message, citations = about_session.message, about_session.citations
        elif grounded is not None:
            message, citations = grounded.message, grounded.citations
        else:
            answer = intents.answer_side_question(text, retriever, self._ctx.corpus)
            message, citations = answer.message, answer.citations
        if question is not None:
            shown = self._shown(question).display_text
            message += "\n\n" + render_message("side_back_to_question", question=shown)
        return Reply(message, None, "side_question", notice, citations)

    # --- report ------------------------------------------------------------------------------

    def report(self) -> Report:
        """The readiness report so far (unanswered criteria are unknown and listed as not assessed).

        With an LLM, ``summary_narrative`` holds its executive-summary prose; the figures are the
        same as offline.
        """
        with self._lock:
            report = self._report()
            return report if self._llm is None else self._llm.with_narrative(report)

    def _report(self) -> Report:
        with self._lock:
            d = flow.derive(self._state)
            finished = self._current(d)[1] is None
            inp = flow.scoring_input(d, self._ctx)
            texts = [
                e["text"] + " " + (e.get("clarification") or "")
                for e in self._state.events
                if not e["skipped"]
            ]
            in_scope = [c.id for c in self._ctx.corpus.criteria if c.category in inp.scope]
            report = build_report(
                inp,
                self._ctx.bank,
                self._ctx.corpus,
                session_name=self._state.session_name,
                generated_on=self._state.updated_on,
                answers=flow.appendix(self._state, self._ctx),
                subservices=build_subservices(inp.carved, texts, in_scope),
                profile=d.profile,
                questions_asked=d.asked,
                finished=finished,
            )
            report = replace(report, gaps=with_assignments(report.gaps, self._state.assignments))
            return attach_evidence(report, self._scans)

    def assign(self, criterion_id: str, owner: str | None = None, due: str | date | None = None) -> None:
        """Set the owner (name or role) and due date (ISO date) of a gap; empty values clear them.

        Both are replaced together and saved in the session; ``ValueError`` for an unknown
        criterion, an owner over 200 characters or a due date that is not a date.
        """
        if criterion_id not in self._ctx.corpus.ids:
            raise ValueError(f"unknown criterion {criterion_id!r}")
        with self._lock:
            set_assignment(self._state, criterion_id, owner, due)
            self._touch()

    # --- state helpers -----------------------------------------------------------------------

    def _question_for(self, qid: str, kind: str) -> Question | None:
        try:
            return asking.build_question(self._ctx, Slot(kind, qid), flow.derive(self._state))  # type: ignore[arg-type]
        except (KeyError, LookupError, ValueError):
            return None

    def _record(self, event: dict[str, Any]) -> None:
        self._state.events.append(event)
        self._touch()

    def _touch(self) -> None:
        self._state.updated_on = date.today().isoformat()

    def _say(self, role: str, text: str) -> None:
        self._state.transcript.append({"role": role, "text": text})
        self._touch()


def _storable(text: str) -> str:
    """The text with lone surrogates replaced by U+FFFD, so it can always be saved as UTF-8 JSON."""
    return _LONE_SURROGATE.sub("\ufffd", text)
