"""Question selection and the stop rule, derived from the session's event log.

``derive`` replays the log into a ``Derived`` view (profile, scope, answers, carve-out); ``select``
returns the next ``Slot`` or None when the interview is finished. Order is deterministic: scoping in
file order, scope confirmation, the carve-out question, then scored questions by category, priority
and criterion order, each followed by its relevant follow-ups while the question budget allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assessment.bank.loader import Condition, QuestionBank, ScoredQuestion, primary_criterion
from assessment.interview import revisit
from assessment.interview.implied import implied_answers
from assessment.interview.records import answer_record
from assessment.interview.session import SessionState
from assessment.models import QuestionKind
from assessment.scoping.carveout import carve_out_candidates, provider_name
from assessment.scoping.profile import hosting_kind, recommend_scope
from assessment.scoring import ScoringInput
from assessment.templates import render_message
from knowledge.corpus import Corpus
from knowledge.models import CATEGORIES

SECURITY_BUDGET = 45  # most questions for Security alone, scoping and follow-ups included
FULL_BUDGET = 80  # most questions for all five categories
FOLLOWUP_RESERVE = 0.08  # share of the remaining questions kept free for clarifications


@dataclass(frozen=True)
class Slot:
    """A question the interview can ask: its kind and ID (follow-ups also name their parent)."""

    kind: QuestionKind
    qid: str
    parent: str | None = None


@dataclass
class Derived:
    """What the event log says so far."""

    profile: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # scoping field -> answer text
    scope: tuple[str, ...] | None = None
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # qid -> event (answered)
    settled: set[str] = field(default_factory=set)  # answered or skipped
    carve: dict[str, Any] | None = None  # {"kinds": [...], "provider": str | None}
    asked: int = 0
    report_type: str = "type1"
    implied: dict[str, dict[str, Any]] = field(default_factory=dict)  # qid -> answer settled by a denial


def derive(state: SessionState, ctx: Context) -> Derived:
    """Replay the event log into the current profile, scope, answers and carve-out decision.

    Answers settled by implication (a "no" to the question they presuppose) join ``answers`` and
    ``settled``; ``implied`` lists them.
    """
    d = Derived()
    if state.given_scope is not None:
        d.scope = tuple(c for c in CATEGORIES if c in state.given_scope)
    for event in state.events:
        d.settled.add(event["qid"])
        d.asked += 1 + (event.get("clarification") is not None)
        kind = event["kind"]
        if event["skipped"] or kind == "revisit":
            continue
        if kind == "scoping":
            field_name = str(event["value"]["field"])
            d.profile[field_name] = event["value"]["value"]
            d.texts[field_name] = event["text"]
        elif kind == "scope_confirm":
            d.scope = tuple(c for c in CATEGORIES if c in event["value"])
        elif kind == "carve_out":
            value = event["value"]
            d.carve = {"kinds": list(value.get("kinds", [])), "provider": value.get("provider")}
            for key in ("hosting", "has_office"):
                if value.get(key) is not None:
                    d.profile.setdefault(key, value[key])
        else:
            d.answers[event["qid"]] = event
    d.report_type = state.report_type or str(d.profile.get("report_type") or "type1")
    if d.report_type not in ("type1", "type2"):
        d.report_type = "type1"
    scope = planning_scope(d)
    d.implied = implied_answers(d.answers, ctx.bank, d.report_type, lambda q: is_eligible(q, d, scope))
    d.answers.update(d.implied)
    d.settled.update(d.implied)
    return d


def condition_holds(condition: Condition | None, profile: dict[str, Any]) -> bool:
    """True unless a known profile fact contradicts the question's ``ask_if`` (unknown facts ask)."""
    if condition is None:
        return True
    office = profile.get("has_office")
    if condition.has_office is not None and office is not None and bool(office) != condition.has_office:
        return False
    hosting = hosting_kind(profile.get("hosting"))
    self_hosted = None if hosting is None else hosting in ("self_hosted", "hybrid")
    if condition.self_hosted is not None and self_hosted is not None and self_hosted != condition.self_hosted:
        return False
    personal = profile.get("personal_data")
    wanted = condition.personal_data
    if wanted is not None and personal is not None and bool(personal) != wanted:
        return False
    size = profile.get("company_size")
    return not (
        condition.min_company_size is not None and isinstance(size, int) and size < condition.min_company_size
    )


@dataclass(frozen=True, eq=False)
class Context:
    """The immutable bank and corpus an interview runs on, with the asking order worked out once."""

    bank: QuestionBank
    corpus: Corpus
    ordered: tuple[ScoredQuestion, ...]

    @classmethod
    def build(cls, bank: QuestionBank, corpus: Corpus) -> Context:
        """Order scored questions by category, priority, criterion order, then file order."""
        order = {cid: i for i, cid in enumerate(corpus.ids)}
        indexed = list(enumerate(bank.scored))
        indexed.sort(
            key=lambda item: (
                CATEGORIES.index(item[1].category),
                item[1].priority,
                order.get(primary_criterion(item[1]), 999),
                item[0],
            )
        )
        return cls(bank, corpus, tuple(q for _, q in indexed))


def carve_kinds_in(bank: QuestionBank, scope: tuple[str, ...]) -> set[str]:
    """Carve-out kinds that some in-scope question could be carved out for."""
    return {q.carve_out for q in bank.scored if q.carve_out and q.category in scope}


def needs_carve_question(d: Derived, bank: QuestionBank, scope: tuple[str, ...]) -> bool:
    """One carve-out question is asked when a carve-out is possible and not yet decided."""
    possible = carve_kinds_in(bank, scope)
    if not possible:
        return False
    candidates = carve_out_candidates(d.profile)
    return candidates is None or bool(possible & set(candidates))


def carved_kinds(d: Derived) -> set[str]:
    """Carve-out kinds confirmed so far."""
    return set(d.carve["kinds"]) if d.carve else set()


def provider_of(d: Derived) -> str:
    """The provider named in the hosting answers, or a generic phrase."""
    named = provider_name(d.profile.get("hosting"), d.texts.get("hosting"))
    return (d.carve or {}).get("provider") or named or render_message("generic_provider")


def is_eligible(q: ScoredQuestion, d: Derived, scope: tuple[str, ...]) -> bool:
    """In scope, not carved out, and its ask_if condition holds."""
    if q.category not in scope or (q.carve_out and q.carve_out in carved_kinds(d)):
        return False
    return condition_holds(q.ask_if, d.profile)


def budget_for(scope: tuple[str, ...], corpus: Corpus) -> int:
    """Question budget: 45 for Security alone, rising linearly to 80 for all five categories."""
    extra_total = sum(1 for c in corpus.criteria if c.category != "security") or 1
    extra = sum(1 for c in corpus.criteria if c.category != "security" and c.category in scope)
    return SECURITY_BUDGET + round((FULL_BUDGET - SECURITY_BUDGET) * extra / extra_total)


def planning_scope(d: Derived) -> tuple[str, ...]:
    """The confirmed scope, or the recommendation so far while scoping is still running."""
    return d.scope if d.scope is not None else recommend_scope(d.profile)[0]


def remaining_mandatory(
    d: Derived, state: SessionState, ctx: Context, scope: tuple[str, ...] | None = None
) -> int:
    """Questions that must still be asked (scoping, confirmation, carve-out, scored) for ``scope``
    (default: the confirmed scope, else the recommendation so far)."""
    scope = scope or planning_scope(d)
    count = 0
    if d.scope is None:
        count += sum(1 for q in ctx.bank.scoping if q.id not in d.settled and not _preset(q.field, state)) + 1
    if "carve_out" not in d.settled and needs_carve_question(d, ctx.bank, scope):
        count += 1
    count += sum(1 for q in ctx.ordered if q.id not in d.settled and is_eligible(q, d, scope))
    if d.scope is not None:
        count += revisit.remaining(state.events, d.implied, relevance(d, ctx))
    return count


def relevance(d: Derived, ctx: Context) -> Callable[[str, str], bool]:
    """Whether a skipped or "not sure" question still matters (for the revisit before the end)."""
    scope = planning_scope(d)

    def relevant(kind: str, qid: str) -> bool:
        if kind == "scored":
            return is_eligible(ctx.bank.get(qid), d, scope)
        parent, item = ctx.bank.followup(qid)
        answer = d.answers.get(parent.id)
        if answer is None or answer["label"] not in item.ask_when:
            return False
        return not (item.only_for_type2 and d.report_type != "type2")

    return relevant


def _preset(field_name: str, state: SessionState) -> bool:
    return field_name == "report_type" and state.report_type is not None


def may_clarify(d: Derived, state: SessionState, ctx: Context, mandatory: bool) -> bool:
    """Whether one clarification still fits the budget (the current question included).

    Before the scope is confirmed the founder may still choose Security alone, so a clarification
    must also fit that smallest budget.
    """
    scopes = [planning_scope(d)] + ([("security",)] if d.scope is None else [])
    extra = 0 if mandatory else 1
    return all(
        d.asked + remaining_mandatory(d, state, ctx, scope) + extra + 1 <= budget_for(scope, ctx.corpus)
        for scope in scopes
    )


def may_follow_up(d: Derived, state: SessionState, ctx: Context) -> bool:
    """Stop rule for optional follow-ups: ask one only if the budget keeps a reserve for clarifying."""
    remaining = remaining_mandatory(d, state, ctx)
    reserve = math.ceil(remaining * FOLLOWUP_RESERVE)
    return d.asked + 1 + remaining + reserve <= budget_for(planning_scope(d), ctx.corpus)


def _next_followup(d: Derived, state: SessionState, ctx: Context) -> Slot | None:
    last = next((e for e in reversed(state.events) if e["kind"] in ("scored", "followup")), None)
    if last is None or state.events[-1] is not last:
        return None
    bank = ctx.bank
    parent = bank.get(last["qid"]) if last["kind"] == "scored" else bank.followup(last["qid"])[0]
    parent_answer = d.answers.get(parent.id)
    if parent_answer is None:
        return None
    for item in parent.followups:
        if item.id in d.settled or (item.only_for_type2 and d.report_type != "type2"):
            continue
        if parent_answer["label"] not in item.ask_when:
            continue  # settled without asking: a "no" or "not sure" parent has nothing to detail
        if not may_follow_up(d, state, ctx):
            return None
        return Slot("followup", item.id, parent.id)
    return None


def select(state: SessionState, ctx: Context, d: Derived | None = None) -> Slot | None:
    """The next question to ask, or None when the interview is finished (the stop rule)."""
    d = d or derive(state, ctx)
    if d.scope is None:
        for scoping in ctx.bank.scoping:
            if scoping.id not in d.settled and not _preset(scoping.field, state):
                return Slot("scoping", scoping.id)
        return Slot("scope_confirm", "scope_confirm")
    if "carve_out" not in d.settled and needs_carve_question(d, ctx.bank, d.scope):
        return Slot("carve_out", "carve_out")
    followup = _next_followup(d, state, ctx)
    if followup is not None:
        return followup
    for question in ctx.ordered:
        if question.id not in d.settled and is_eligible(question, d, d.scope):
            return Slot("scored", question.id)
    item = revisit.next_item(state.events, d.implied, relevance(d, ctx))
    return Slot(item[0], item[1]) if item else None  # type: ignore[arg-type]


def scoring_input(d: Derived, ctx: Context) -> ScoringInput:
    """The pure scoring input of the current state."""
    scope = planning_scope(d)
    provider = provider_of(d)
    carved: dict[str, str] = {}
    inapplicable: set[str] = set()
    for question in ctx.bank.scored:
        if question.category not in scope:
            continue
        if question.carve_out and question.carve_out in carved_kinds(d):
            carved[primary_criterion(question)] = provider
        elif not condition_holds(question.ask_if, d.profile):
            inapplicable.add(question.id)
    answers = {qid: answer_record(event, ctx.bank, ctx.corpus) for qid, event in d.answers.items()}
    return ScoringInput(scope, d.report_type, answers, carved, frozenset(inapplicable))  # type: ignore[arg-type]
