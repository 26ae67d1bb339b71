"""Property-based tests: ``interpret`` and ``Interview.answer`` on arbitrary text and command sequences."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import Interview, interpret
from assessment.bank.loader import default_bank
from assessment.interview.flow import FULL_BUDGET, budget_for
from assessment.models import LABELS
from assessment.templates import render_message
from knowledge.corpus import default_corpus

INTERNAL_ERROR = render_message("internal_error", error="\x00").split("\x00")[0]
COMMANDS = ("skip", "back", "why", "progress", "restart", "go back", "how far am I?", "/skip", "undo")
QUICK = ("Yes", "No", "Partly", "Not sure", "yes, via Okta", "n/a, we have no office", "AWS", "12")
SIDE = ("What does CC6.1 mean?", "what is a carve-out?", "Why do auditors want access reviews?")
ODD = (
    "",
    "   ",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${7*7}",
    "{0.__class__}",
    "%s%n",
    "'; DROP TABLE sessions; --",
    "\x00\x1b[2J",
    "🔐🔐",
    "نعم",
    "是的",
    "Да",
)
QUESTIONS = [q.text for q in default_bank().scored[:20]]
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis directory in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

turn = st.one_of(
    st.text(max_size=120),
    st.sampled_from(COMMANDS),
    st.sampled_from(QUICK),
    st.sampled_from(SIDE),
    st.sampled_from(ODD),
)


@pytest.mark.slow  # the trained reader on every generated answer
@PROPERTY
@given(
    answer=st.one_of(st.text(max_size=400), st.sampled_from(ODD + QUICK)),
    question=st.one_of(st.none(), st.sampled_from(QUESTIONS)),
    options=st.one_of(st.none(), st.just(("Yes", "Partly", "No", "Not sure"))),
)
def test_interpret_never_fails(answer: str, question: str | None, options: tuple[str, ...] | None) -> None:
    understood = interpret(answer, question=question, options=options)
    assert understood.label in LABELS
    assert 0.0 <= understood.confidence <= 1.0
    assert understood.source != "error"  # no exception was swallowed on the way


@PROPERTY
@given(
    scope=st.sampled_from(
        [None, ("security",), ("security", "privacy"), ("availability", "confidentiality")]
    ),
    turns=st.lists(turn, min_size=1, max_size=30),
)
def test_interview_answer_never_fails(
    scope: tuple[str, ...] | None, turns: list[str], retriever: object
) -> None:
    iv = Interview(scope=scope, retriever=retriever)
    for text in turns:
        iv.next_question()
        reply = iv.answer(text)
        assert reply.message.strip()
        assert not reply.message.startswith(INTERNAL_ERROR), (text, reply.message)
    report = iv.report()
    budget = budget_for(iv.scope, default_corpus()) if iv.scope is not None else FULL_BUDGET
    assert report.questions_asked <= budget
    saved = json.dumps(iv.to_dict(), ensure_ascii=False)
    restored = Interview.from_dict(json.loads(saved), retriever=retriever)
    assert restored.report() == report
    assert restored.next_question() == iv.next_question()


def test_markup_alone_is_not_an_answer() -> None:
    question = default_bank().scored[0].text
    for text in ('<script>alert("x")</script><img src=x onerror=alert(1)>', "<b></b><i></i>"):
        assert interpret(text, question=question).label == "unknown", text
