"""The Interview facade: ask questions, understand answers, handle commands, and build the report.

An Interview owns only its session state (an event log and the transcript); the bank, corpus and
retriever are immutable and may be shared, so many interviews can run at once in threads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from assessment.bank.loader import QuestionBank, default_bank
from assessment.evidence import EvidenceSummary
from assessment.evidence import prefill as evidence_prefill
from assessment.evidence.attach import attach_evidence
from assessment.interview import asking, flow, intents, records, revisit, scope_words, session_questions
from assessment.interview.answering import AnswerHandlers, is_clear_side_question, is_side_question
from assessment.interview.commands import CommandHandlers
from assessment.interview.evidence_turns import EvidenceHandlers
from assessment.interview.flow import Context, Derived, Slot
from assessment.interview.revising import RevisionHandlers, revision_records
from assessment.interview.session import SessionState, check_references, load_state, set_assignment
from assessment.interview.submissions import SubmissionHandlers
from assessment.interview.withdrawn import ChatTurn, chat_turns, claim
from assessment.models import Question, Reply, Report
from assessment.scoping.carveout import build_subservices
from assessment.scoping.profile import validate_scope
from assessment.scoping.user_controls import user_entity_controls
from assessment.scoring import build_report, with_assignments
from assessment.templates import render_message
from assessment.understanding.reader import interpret
from knowledge.corpus import Corpus, default_corpus
from knowledge.settings import load_settings

if TYPE_CHECKING:
    from assessment.llm.engine import InterviewLLM


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class Interview(AnswerHandlers, RevisionHandlers, CommandHandlers, EvidenceHandlers, SubmissionHandlers):
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
        check_references(interview._state, interview._ctx.bank)
        return interview

    # --- read-only views ---------------------------------------------------------------------

    @property
    def session_name(self) -> str:
        """The session's display name."""
        return self._state.session_name

    @property
    def scope(self) -> tuple[str, ...] | None:
        """Categories in scope, or None while scoping is still running."""
        with self._lock:
            return flow.derive(self._state, self._ctx).scope

    @property
    def report_type(self) -> str:
        """``type1`` or ``type2`` (from the caller, else the scoping answer, else type1)."""
        with self._lock:
            return flow.derive(self._state, self._ctx).report_type

    @property
    def profile(self) -> dict[str, Any]:
        """The company profile gathered by scoping."""
        with self._lock:
            return dict(flow.derive(self._state, self._ctx).profile)

    @property
    def transcript(self) -> tuple[tuple[str, str], ...]:
        """The chat so far as (role, text) pairs, withdrawn turns included (see ``chat_turns``)."""
        with self._lock:
            return tuple((t["role"], t["text"]) for t in self._state.transcript)

    @property
    def chat_turns(self) -> tuple[ChatTurn, ...]:
        """The chat so far for replaying in a UI, each turn marked when ``back`` withdrew its answer."""
        with self._lock:
            return chat_turns(self._state.transcript)

    @property
    def llm_mode(self) -> str:
        """``"Offline mode"`` or ``"LLM: provider:model"``, for a status line."""
        return render_message("mode_offline", "llm/notices.yaml") if self._llm is None else self._llm.mode

    @property
    def finished(self) -> bool:
        """True when no question is left."""
        with self._lock:
            return self._current()[1] is None

    # --- asking ------------------------------------------------------------------------------

    def next_question(self) -> Question | None:
        """The pending question (the same one until answered) or None when the interview is done.

        No side effect: asking twice, or asking without answering, changes nothing (``present``
        records the question in the chat as a UI shows it).
        """
        with self._lock:
            question = self._current()[1]
            return None if question is None else self._shown(question)

    def present(self) -> Question | None:
        """``next_question()``, recorded once in the chat transcript as the UI shows it.

        A UI calls this where it draws the question; ``answer`` calls it too, so the transcript
        always holds the question an answer replies to. With an LLM, this is where it words it.
        """
        with self._lock:
            slot, question = self._current()
            if question is None or slot is None:
                return question
            key = self._presentation_key(question)
            if self._state.presented != key:
                if self._llm is not None:
                    said = tuple((t.role, t.text) for t in self.chat_turns if not t.withdrawn)
                    self._llm.phrase(key, question, said)  # an undone answer is no context
                self._state.presented = key
                question = self._shown(question)
                self._say("assistant", question.display_text)
                return question
            return self._shown(question)

    def _presentation_key(self, question: Question) -> str:
        """Which showing of ``question`` this is: a question enters the transcript once per key."""
        return f"{question.id}|{len(self._state.events)}"

    def _shown(self, question: Question) -> Question:
        """``question`` with the LLM's wording as ``display_text`` when it has one (text unchanged)."""
        if self._llm is None or question.proposed_label is not None:  # keep the scan evidence shown
            return question
        phrased = self._llm.phrased(self._presentation_key(question))
        return replace(question, display_text=phrased) if phrased else question

    def _current(self, d: Derived | None = None) -> tuple[Slot | None, Question | None]:
        d = d or flow.derive(self._state, self._ctx)
        pending = self._state.pending
        if pending is not None:
            held = Slot(pending["kind"], pending["qid"])
            readings = tuple(pending.get("alternatives") or ())
            return held, asking.held_question(self._ctx, held, d, readings)
        slot = flow.select(self._state, self._ctx, d)
        if slot is not None and slot.kind == "revisit":  # before the end: the open questions, once
            relevant = flow.relevance(d, self._ctx)
            return slot, revisit.offer_question(revisit.open_items(self._state.events, d.implied, relevant))
        question = asking.build_question(self._ctx, slot, d) if slot else None
        if question is not None and self._scans:  # a scored question a scan informs: pre-filled
            question = evidence_prefill.prefill(question, self._scans, self._state.updated_on)
        if question is not None:  # a skipped or "not sure" question walked again says so
            question = revisit.shown_again(self._state.events, question)
        return slot, question

    def answer(self, text: str) -> Reply:
        """Handle one user turn: an answer, a command or a side question. Never raises on bad input."""
        with self._lock:
            text = _storable("" if text is None else str(text))
            self.present()  # the question being answered is in the transcript
            start, before = len(self._state.transcript), (len(self._state.events), self._state.pending)
            self._say("user", text)
            try:
                reply = self._handle(text)
            except Exception as exc:  # a bug must not lose the user's answer or crash the chat
                reply = Reply(render_message("internal_error", error=type(exc).__name__), kind="error")
            self._say("assistant", reply.message if not reply.notice else f"{reply.message}\n{reply.notice}")
            # These turns belong to the answer they recorded, so ``back`` can mark them withdrawn.
            claim(self._state, start, *before)
            return reply

    def _handle(self, text: str) -> Reply:
        if not text.strip():
            if self._optional_open():  # an optional question (the company's name): nothing typed skips it
                return self.skip()
            return Reply(render_message("empty_answer"), kind="error")
        command = intents.detect_command(text)
        if command is not None:
            return self._command(command)
        d = flow.derive(self._state, self._ctx)
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
        if slot.kind == "scope_confirm" and scope_words.is_scope_question(understood_text):
            return self._scope_side(understood_text, question, d)  # answered; the scope stays as it is
        if slot.kind in ("scoping", "scope_confirm", "carve_out", "revisit") and is_clear_side_question(
            understood_text
        ):
            return self._side(understood_text, question)
        if slot.kind == "revisit":
            return self._answer_revisit(understood_text, question, d)
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

    # --- side questions ------------------------------------------------------------------------

    def _side(self, text: str, question: Question | None) -> Reply:
        retriever = self.retriever
        grounded, notice = None, None
        ask = session_questions.parse_session_question(text)  # "which criteria are still open?"
        about_session = (
            session_questions.answer_session_question(ask, self._report(), self._ctx.corpus) if ask else None
        )
        offline = None
        if about_session is None and self._llm is not None:
            offline = intents.answer_side_question(text, retriever, self._ctx.corpus)
            # A SOC 2 basics question keeps the reviewed basics entry; the LLM answers from criteria.
            if offline.entry_id is None:
                grounded, notice = self._llm.side_question(text, retriever, self._ctx.corpus)
        if about_session is not None:
            message, citations = about_session.message, about_session.citations
        elif grounded is not None:
            message, citations = grounded.message, grounded.citations
        else:
            answer = offline or intents.answer_side_question(text, retriever, self._ctx.corpus)
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
            d = flow.derive(self._state, self._ctx)
            finished = self._current(d)[1] is None
            inp = flow.scoring_input(d, self._ctx)
            naming = {q.id for q in self._ctx.bank.scoping if q.field == "company_name"}
            texts = [  # the company's own name is never read for vendors ("Linear Labs")
                e["text"] + " " + (e.get("clarification") or "")
                for e in self._state.events
                if not e["skipped"] and e["qid"] not in naming
            ]
            in_scope = [c.id for c in self._ctx.corpus.criteria if c.category in inp.scope]
            report = build_report(
                inp,
                self._ctx.bank,
                self._ctx.corpus,
                session_name=self._state.session_name,
                generated_on=self._state.updated_on,
                answers=records.appendix(self._state.events, d.implied, self._ctx.bank, self._ctx.corpus),
                subservices=build_subservices(inp.carved, texts, in_scope),
                profile=d.profile,
                questions_asked=d.asked,
                finished=finished,
            )
            report = replace(
                report,
                gaps=with_assignments(report.gaps, self._state.assignments),
                user_entity_controls=user_entity_controls(d.profile, texts, inp.scope),
                revisions=revision_records(self._state.revisions, self._ctx.bank),
            )
            return attach_evidence(report, self._scans)

    def _optional_open(self) -> bool:
        """True when the open question is an optional scoping question (no clarification pending)."""
        slot = self._current()[0]
        if slot is None or slot.kind != "scoping" or self._state.pending is not None:
            return False
        return asking.scoping_question(self._ctx, slot.qid).optional

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
            return asking.build_question(self._ctx, Slot(kind, qid), flow.derive(self._state, self._ctx))  # type: ignore[arg-type]
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
