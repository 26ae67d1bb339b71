"""Questions to the assistant are answered at every stage and never recorded as answers."""

from __future__ import annotations

import pytest

from assessment import Interview
from assessment.interview.intents import answer_side_question
from assessment.models import Reply
from assessment.templates import render_message
from knowledge import Retriever
from knowledge.basics_kb import default_basics
from knowledge.corpus import default_corpus


@pytest.mark.parametrize("question", ["what does CC6.1 mean?", "What is a carve-out in SOC 2?"])
def test_side_question_during_scoping_is_not_an_answer(question: str, retriever: Retriever) -> None:
    iv = Interview(retriever=retriever)
    first = iv.next_question()
    assert first is not None and first.kind == "scoping"
    reply = iv.answer(question)
    assert reply.kind == "side_question"
    assert reply.label is None
    assert iv.next_question() == first  # still waiting for the real answer
    assert iv.report().profile == Interview(retriever=retriever).report().profile


def test_side_question_names_the_criterion_it_explains(retriever: Retriever) -> None:
    iv = Interview(scope={"security"}, retriever=retriever)
    reply = iv.answer("what does cc 6.1 mean?")
    assert reply.kind == "side_question"
    assert "CC6.1" in reply.citations
    assert "CC6.1" in reply.message


def _side(iv: Interview, text: str) -> Reply:
    reply = iv.answer(text)
    assert reply.kind == "side_question" and reply.label is None
    return reply


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what's the difference between SOC 1 and SOC 2?", "soc1_vs_soc2_vs_soc3"),
        ("do we need PCI DSS if we already have SOC 2?", "pci_dss"),
    ],
)
def test_general_question_is_answered_from_the_basics(
    retriever: Retriever, question: str, entry: str
) -> None:
    answer = answer_side_question(question, retriever, default_corpus())
    assert answer.template == "side_basic_answer" and answer.entry_id == entry
    reply = _side(Interview(scope={"security"}, retriever=retriever), question)
    assert reply.message.startswith(default_basics().get(entry).title)
    assert "P6.4" not in reply.message and "P4.1" not in reply.message


def test_off_topic_question_gets_the_honest_template(retriever: Retriever) -> None:
    answer = answer_side_question("what's the capital of France?", retriever, default_corpus())
    assert answer.template == "side_no_good_answer" and answer.citations == ()
    reply = _side(Interview(scope={"security"}, retriever=retriever), "what's the capital of France?")
    assert reply.message.startswith(render_message("side_no_good_answer"))
    assert reply.citations == ()


def test_criteria_question_still_cites_criteria(retriever: Retriever) -> None:
    reply = _side(
        Interview(scope={"security"}, retriever=retriever),
        "how do we handle offboarding when someone leaves?",
    )
    assert reply.citations[0] == "CC6.2"
    assert reply.message.startswith("CC6.2 (")


def _answered(retriever: Retriever, answers: int) -> Interview:
    iv = Interview(scope={"security"}, retriever=retriever)
    for _ in range(answers):
        question = iv.next_question()
        assert question is not None
        iv.answer(question.options[0])
    return iv


def test_which_criteria_are_still_open(retriever: Retriever) -> None:
    iv = _answered(retriever, 2)
    in_scope = [r for r in iv.report().criteria if r.category == "security"]
    open_ids = [r.criterion_id for r in in_scope if r.status == "unknown"]
    assert 20 < len(open_ids) < len(in_scope)
    listed = render_message("session_open_more", ids=", ".join(open_ids[:20]), more=len(open_ids) - 20)
    reply = _side(iv, "which criteria are still open?")
    expected = render_message("session_open", count=len(open_ids), total=len(in_scope), ids=listed)
    assert reply.message.startswith(expected)
    assert reply.citations == tuple(open_ids[:20])


def test_why_a_criterion_is_not_in_the_gaps(retriever: Retriever) -> None:
    iv = _answered(retriever, 1)
    report = iv.report()
    cid = next(g.criterion_id for g in report.gaps)
    reply = _side(iv, f"why is {cid} not in my gaps?")
    assert reply.citations == (cid,)
    assert reply.message.startswith(f"{cid} (") and " is in your gaps" in reply.message
    out_of_scope = _side(iv, "why is P4.1 not in my gaps?")
    expected = render_message(
        "session_not_gap_scope",
        criterion_id="P4.1",
        title=default_corpus().get("P4.1").title,
        category="Privacy",
    )
    assert out_of_scope.message.startswith(expected)


def test_what_was_taken_from_an_answer(retriever: Retriever) -> None:
    iv = _answered(retriever, 3)
    record = iv.report().answers[-1]
    topic = record.question_text.rstrip("?").split()[-1]
    reply = _side(iv, f"what did you take from my answer about {topic}?")
    assert reply.message.startswith(render_message("session_took", topic=topic, lines="")[:25])
    assert f"“{record.question_text}”" in reply.message and f"“{record.answer}”" in reply.message
    assert set(record.criteria) <= set(reply.citations)


def test_session_questions_are_not_recorded(retriever: Retriever) -> None:
    iv = _answered(retriever, 2)
    before = iv.to_dict()["events"]
    question = iv.next_question()
    for text in (
        "which criteria are still open?",
        "why is CC6.6 not in my gaps?",
        "what did you take from my answer about access?",
    ):
        _side(iv, text)
    assert iv.to_dict()["events"] == before and iv.next_question() == question
