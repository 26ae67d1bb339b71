"""Questions to the assistant are answered at every stage and never recorded as answers."""

from __future__ import annotations

import pytest

from assessment import Interview
from knowledge import Retriever


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
