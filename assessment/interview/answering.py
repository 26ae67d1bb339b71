"""How answers to each kind of question are understood and recorded (a mixin of ``Interview``).

Scored answers go through ``interpret``; scoping, scope and carve-out replies through the parsers in
``assessment.scoping.profile``. An unclear answer gets at most one clarification while the budget allows;
after that the best reading is recorded with a visible notice.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from assessment.interview import asking, cloud_questions, flow, intents, records, revisit, scope_words
from assessment.interview.flow import Context, Derived, Slot
from assessment.interview.session import SessionState, new_event, new_revision
from assessment.models import Interpretation, Label, Question, Reply
from assessment.scoping.carveout import carve_out_candidates, parse_carve_answer
from assessment.scoping.dates import explain
from assessment.scoping.profile import (
    ParsedScoping,
    category_names,
    parse_scoping_answer,
    recommend_scope,
    scope_titles,
)
from assessment.templates import render_message
from assessment.understanding.interrogative import ASKING_START as _ASKING_START
from assessment.understanding.reader import interpret, needs_clarification
from knowledge.text import lower_line, one_line

if TYPE_CHECKING:
    from assessment.llm.engine import InterviewLLM


class AnswerHandlers:
    """Answer handling shared by ``Interview``; the hooks below are provided by the facade."""

    _state: SessionState
    _ctx: Context
    _llm: InterviewLLM | None  # the optional LLM mode; None offline

    def _record(self, event: dict[str, Any]) -> None:
        raise NotImplementedError

    def _touch(self) -> None:
        raise NotImplementedError

    def _after_answer(self, reply: Reply) -> Reply:
        raise NotImplementedError

    def _side(self, text: str, question: Question | None) -> Reply:
        raise NotImplementedError

    def _answer_scored(
        self, slot: Slot, question: Question, text: str, understood_text: str, notice: str | None, d: Derived
    ) -> Reply:
        pending = self._state.pending
        # A reply to a clarification is read against the question it clarifies (the model was
        # trained on the bank's questions), with the clarification's quick replies as options.
        asked = asking.build_question(self._ctx, slot, d) if pending is not None else question
        understood = interpret(understood_text, question=asked, options=question.options)
        asks_back = cloud_questions.is_cloud_question(understood_text)  # "we're on aws so n/a?": never n/a
        if asks_back or is_side_question(understood_text, understood):
            return self._side(understood_text, question)
        # The optional LLM may propose a label when the offline reading is unsure; after a
        # clarifying question it reads both replies together. It never sees or sets a score.
        context = f"{pending['text']}\n{understood_text}" if pending is not None else understood_text
        if self._llm is not None:
            understood, llm_notice = self._llm.read_answer(context, asked, understood)
            notice = _join(notice, llm_notice) if llm_notice else notice
        guessed = False
        if pending is None and needs_clarification(understood):
            if flow.may_clarify(d, self._state, self._ctx, mandatory=slot.kind == "scored"):
                return self._start_clarification(slot, text, understood, notice)
            guessed = True
        event_fields: dict[str, Any] = {"text": text}
        if pending is not None:
            first = Interpretation(
                pending["label"] or "unknown", pending["confidence"], "", pending["source"]
            )
            understood, guessed = _best_guess(first, understood)
            event_fields = {"text": pending["text"], "clarification": text}
            self._state.pending = None
        event = new_event(
            slot.qid,
            slot.kind,
            label=understood.label,
            confidence=round(understood.confidence, 4),
            source=understood.source,
            **event_fields,
        )
        self._record(event)
        if pending is not None and pending.get("correcting") and understood.label != pending["label"]:
            # "That's not right" changed a recorded answer: the audit trail shows it like a revision.
            change = (pending["text"], pending["label"], records.recorded_text(event), understood.label)
            self._state.revisions.append(new_revision(slot.qid, *change))
        label_text = render_message(f"label_{understood.label}")
        recorded_text = str(event_fields.get("clarification") or event_fields["text"])
        line = understood_line(understood, recorded_text, comes_back=revisit.offer_ahead(self._state.events))
        message = line
        if guessed:
            notice = _join(notice, render_message("best_guess", label=label_text))
        elif understood.source != "quick_reply":
            message = f"{line} " + render_message("correct_hint")
        settled = len(set(flow.derive(self._state, self._ctx).implied) - set(d.implied))
        if settled:  # "never done a risk assessment": nothing to ask about the risk register
            message += " " + render_message(
                "implied_note_one" if settled == 1 else "implied_note_many", count=settled
            )
        return self._after_answer(Reply(message, understood.label, "answer", notice, understood=line))

    def _start_clarification(
        self, slot: Slot, text: str, understood: Interpretation, notice: str | None
    ) -> Reply:
        self._state.pending = {
            "qid": slot.qid,
            "kind": slot.kind,
            "text": text,
            "label": understood.label,
            "confidence": round(understood.confidence, 4),
            "source": understood.source,
        }
        if understood.alternatives:
            self._state.pending["alternatives"] = list(understood.alternatives)
        self._touch()
        return Reply(render_message("clarify_intro"), None, "clarify", notice)

    def _answer_scoping(
        self, slot: Slot, question: Question, text: str, understood_text: str, notice: str | None, d: Derived
    ) -> Reply:
        sq = asking.scoping_question(self._ctx, slot.qid)
        parsed = parse_scoping_answer(sq, understood_text, date.fromisoformat(self._state.created_on))
        read = interpret(understood_text, question)
        asks = not parsed.confident and is_side_question(understood_text, read)
        if asks:
            return self._side(understood_text, question)
        pending = self._state.pending
        if not parsed.confident and pending is None and flow.may_clarify(d, self._state, self._ctx, True):
            return self._start_clarification(slot, text, interpret(understood_text), notice)
        fields: dict[str, Any] = {"text": text}
        if pending is not None:
            fields = {"text": pending["text"], "clarification": text}
            self._state.pending = None
        shown = parsed.shown if parsed.confident else render_message("scoping_unsure")
        if not parsed.confident:
            notice = _join(notice, render_message("scoping_left_unsure"))
        self._record(
            new_event(
                slot.qid,
                "scoping",
                value={"field": sq.field, "value": parsed.value},
                shown=shown,
                source="scoping",
                **fields,
            )
        )
        label: Label | None = None
        if sq.value_type == "bool":
            label = "unknown" if parsed.value is None else ("yes" if parsed.value else "no")
        return self._after_answer(Reply(_scoping_echo(parsed, shown), label, "answer", notice))

    def _answer_scope(
        self, text: str, understood_text: str, question: Question, notice: str | None, d: Derived
    ) -> Reply:
        recommended = recommend_scope(d.profile)[0]
        chosen = scope_words.read_scope_reply(understood_text, recommended)
        pending = self._state.pending
        if chosen is None:
            if is_side_question(understood_text, interpret(understood_text, question=question)):
                return self._side(understood_text, question)
            if pending is None and flow.may_clarify(d, self._state, self._ctx, True):
                return self._start_clarification(
                    Slot("scope_confirm", "scope_confirm"), text, interpret(understood_text), notice
                )
            chosen = recommended
            notice = _join(notice, render_message("scope_kept_recommended"))
        if any(c == "security" for c, _ in category_names(understood_text)) and "security" in chosen:
            lowered = understood_text.lower()
            if any(word in lowered for word in ("drop", "remove", "without", "exclude")):
                notice = _join(notice, render_message("security_always"))
        fields: dict[str, Any] = {"text": text}
        if pending is not None:
            fields = {"text": pending["text"], "clarification": text}
            self._state.pending = None
        self._record(
            new_event(
                "scope_confirm",
                "scope_confirm",
                value=list(chosen),
                shown=scope_titles(chosen),
                source="scope",
                **fields,
            )
        )
        return self._after_answer(
            Reply(render_message("scope_set", scope=scope_titles(chosen)), None, "scope", notice)
        )

    def _answer_carve(
        self, text: str, understood_text: str, question: Question, notice: str | None, d: Derived
    ) -> Reply:
        candidates = carve_out_candidates(d.profile)
        available = flow.carve_kinds_in(self._ctx.bank, flow.planning_scope(d))
        decision = parse_carve_answer(understood_text, candidates, available, question.text)
        pending = self._state.pending
        if decision.kinds is None:
            if is_side_question(understood_text, interpret(understood_text, question=question)):
                return self._side(understood_text, question)
            if pending is None and flow.may_clarify(d, self._state, self._ctx, True):
                return self._start_clarification(
                    Slot("carve_out", "carve_out"), text, interpret(understood_text), notice
                )
            decision = replace(decision, kinds=())
            notice = _join(notice, render_message("carve_left_in_scope"))
        fields: dict[str, Any] = {"text": text}
        if pending is not None:
            fields = {"text": pending["text"], "clarification": text}
            self._state.pending = None
        provider = flow.provider_name(text, d.profile.get("hosting"), d.texts.get("hosting"))
        value = {
            "kinds": list(decision.kinds or ()),
            "provider": provider,
            "hosting": decision.hosting,
            "has_office": decision.has_office,
        }
        self._record(new_event("carve_out", "carve_out", value=value, source="carve_out", **fields))
        if decision.kinds:
            after = flow.derive(self._state, self._ctx)
            carved = asking.carvable(self._ctx, after, tuple(decision.kinds))
            name = "carve_confirmed_one" if len(carved) == 1 else "carve_confirmed"  # "CC6.4 is carved out"
            message = render_message(name, provider=flow.provider_of(after), criteria=", ".join(carved))
            label = "yes"
        else:
            message, label = render_message("carve_declined"), "no"
        return self._after_answer(Reply(message, label, "answer", notice))  # type: ignore[arg-type]


def is_side_question(text: str, understood: Interpretation) -> bool:
    """A question to us rather than an answer.

    Without a question mark only an opening such as "what", "how" or "explain" asks something:
    answers often open with "should be yes", "is in place" or "when someone leaves, ...".
    """
    if understood.asks:  # the trained reader read a question back to us
        return True
    if understood.label == "not_applicable" and "?" in text:  # "we're on aws so n/a?" asks, never records
        return True
    if not intents.is_side_question(text, understood):
        return False
    return "?" in text or bool(_ASKING_START.match(text.strip().lower()))


def is_clear_side_question(text: str) -> bool:
    """An unmistakable question to us ("what does CC6.1 mean?", "how do auditors test this?").

    Checked before the scoping, scope and carve-out parsers, whose lenient readings would otherwise
    take such a question as an answer.
    """
    norm = lower_line(text)
    if not norm or not _ASKING_START.match(norm):
        return False
    return norm.endswith("?") or bool(intents.CRITERION_MENTION.search(norm))


EXCERPT_CHARS = 80
_MARKUP_CHARS = re.compile(r"[\[\]()!*_`<>#|~\\$]")


def understood_line(understood: Interpretation, text: str, *, comes_back: bool = True) -> str:
    """One line saying what was recorded, quoting the founder's own words when they typed some.

    ``comes_back``: a "not sure" is offered again before the end (False once that offer was made,
    so the line promises no return that will not happen).
    """
    if understood.source == "quick_reply":
        return render_message(f"ack_{understood.label}")
    # Only the gist, and nothing Markdown could turn into a link or an image in a chat bubble.
    flat = one_line(_MARKUP_CHARS.sub(" ", text))
    excerpt = flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"
    name = f"understood_{understood.label}"
    if understood.label == "unknown" and not comes_back:
        name = "understood_unknown_open"
    return render_message(name, excerpt=excerpt)


def _scoping_echo(parsed: ParsedScoping, shown: str) -> str:
    """ "Thanks, noted: …", saying which date was taken for words such as "next autumn"."""
    if parsed.confident and parsed.reading is not None:
        basis = explain(parsed.reading)
        return render_message("date_taken", date=shown, phrase=parsed.reading.phrase, basis=basis)
    # "Orgly Inc." already ends its sentence: no second full stop.
    return render_message(
        "scoping_ack_ends" if shown.endswith((".", "!", "?", "…")) else "scoping_ack", shown=shown
    )


def _join(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second


def _best_guess(first: Interpretation, second: Interpretation) -> tuple[Interpretation, bool]:
    """After one clarification: the clearer reading, else "unknown"; True when it is a guess."""
    if not needs_clarification(second):
        return second, False
    candidates = [i for i in (second, first) if i.label != "unknown" and i.confidence >= 0.4]
    if candidates:
        return max(candidates, key=lambda i: i.confidence), True
    return Interpretation(
        "unknown", max(first.confidence, second.confidence), "unclear after clarifying", second.source
    ), True
