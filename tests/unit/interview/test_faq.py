"""General SOC 2 questions are answered from the knowledge base of basics (the one place for them),
by meaning with the real index and by a strict keyword match without it."""

from __future__ import annotations

import pytest

from assessment.interview.faq import lexical_basics, search_basics
from assessment.interview.intents import answer_side_question
from assessment.templates import render_message
from knowledge import Retriever
from knowledge.corpus import default_corpus


class CriteriaOnly:
    """A retriever without basics search (like older fakes): only criteria hits."""

    def search(self, query: str, k: int = 5, categories: object = None) -> list[object]:
        return []


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what is a carve-out?", "carve_out_vs_inclusive"),
        ("Type 1 or Type 2, which do we need?", "type1_vs_type2"),
        ("how much does a soc 2 audit cost?", "audit_cost"),
        ("what is a bridge letter?", "bridge_letter"),
        ("what's the observation window?", "observation_window"),
    ],
)
def test_general_questions_get_their_entry_without_an_index(question: str, entry: str) -> None:
    answer = answer_side_question(question, CriteriaOnly(), default_corpus())
    assert answer.template == "side_basic_answer" and answer.entry_id == entry


@pytest.mark.parametrize("question", ["how long must we keep logs?", "what is the weather tomorrow?"])
def test_keyword_fallback_is_strict(question: str) -> None:
    assert lexical_basics(question) == []


def test_basics_answer_cites_the_criteria_it_touches(retriever: Retriever) -> None:
    answer = answer_side_question("what is a carve-out?", retriever, default_corpus())
    assert answer.entry_id == "carve_out_vs_inclusive"
    assert answer.citations == ("CC9.2", "CC6.4")
    assert "CC9.2" in answer.message and "carve-out" in answer.message.lower()


def test_search_basics_uses_the_retriever(retriever: Retriever) -> None:
    hits = search_basics("what does a SOC 2 audit cost?", retriever)
    assert hits is not None and hits[0].entry_id == "audit_cost"
    assert search_basics("anything", CriteriaOnly()) is None


def test_nothing_found_without_an_index_is_the_honest_template() -> None:
    answer = answer_side_question("tell me a joke", CriteriaOnly(), default_corpus())
    assert answer.template == "side_no_good_answer"
    assert answer.message == render_message("side_no_good_answer") and answer.citations == ()
