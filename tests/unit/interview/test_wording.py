"""Wording slips a founder saw: doubled full stops and labels, two hedges, promises that aren't kept."""

from __future__ import annotations

import pytest

from assessment import Interview, Question
from assessment.bank.loader import default_bank
from assessment.interview import asking
from assessment.interview.intents import answer_side_question
from assessment.templates import render_message
from knowledge.basics_kb import default_basics
from knowledge.corpus import default_corpus
from knowledge.models import CATEGORY_TITLES

NAME_ID = next(q.id for q in default_bank().scoping if q.field == "company_name")


def _scoping_until(qid: str, answers: dict[str, str] | None = None) -> tuple[Interview, Question]:
    iv = Interview()
    while (question := iv.next_question()) is not None and question.id != qid:
        iv.answer((answers or {}).get(question.id) or question.options[0])
    assert question is not None
    return iv, question


def test_a_name_ending_in_a_full_stop_gets_no_second_one() -> None:
    iv, _ = _scoping_until(NAME_ID)
    reply = iv.answer("Orgly Inc.")
    assert reply.message == render_message("scoping_ack_ends", shown="Orgly Inc.")
    assert not reply.message.endswith("..")


def test_each_scope_line_names_its_category_once() -> None:
    question = _scoping_until("scope_confirm")[1]
    lines = [line for line in question.text.splitlines() if line.startswith("- ")]
    assert len(lines) == len(CATEGORY_TITLES)
    for line in lines:
        title = next(t for t in CATEGORY_TITLES.values() if line[4:].startswith(f"{t}:"))
        assert line.count(title) == 1, line


@pytest.mark.parametrize(
    ("answers", "add", "drop"),
    [
        ({}, None, "availability"),  # every "Yes": all five recommended, nothing to add
        (
            {"scope_personal_data": "Yes", "scope_uptime_commitment": "No formal commitment"},
            "availability",
            "processing integrity",
        ),
    ],
)
def test_the_scope_examples_only_offer_what_can_change(
    answers: dict[str, str], add: str | None, drop: str
) -> None:
    question = _scoping_until("scope_confirm", answers)[1]
    add_text = render_message("scope_example_add", category=add) if add else None
    drop_text = render_message("scope_example_drop", category=drop)
    examples = (
        render_message("scope_examples_both", add=add_text, drop=drop_text)
        if add_text
        else render_message("scope_examples_one", example=drop_text)
    )
    assert question.text.endswith(f"{examples}.")
    assert render_message("scope_example_add", category="privacy") not in question.text  # privacy is in


def test_the_scope_clarification_gives_examples_that_fit_too() -> None:
    iv, _ = _scoping_until("scope_confirm")
    iv.answer("hmm, purple")
    question = iv.next_question()
    assert question is not None and question.kind == "clarify"
    examples = asking.scope_examples(tuple(CATEGORY_TITLES))
    assert question.text == render_message("clarify_scope", examples=examples)


def test_a_clarification_hedges_once() -> None:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    question = iv.next_question()
    assert question is not None
    reply = iv.answer("hmm, it depends on the team really")
    assert reply.kind == "clarify" and reply.message == render_message("clarify_intro")
    shown = iv.next_question()
    assert shown is not None and shown.text == render_message("clarify_question", question=question.text)
    assert "sure" in reply.message.lower() and "sure" not in shown.text.lower()  # "to be sure" once


def test_a_basics_answer_does_not_repeat_its_title() -> None:
    class NoIndex:
        def search(self, query: str, k: int = 5, categories: object = None) -> list[object]:
            raise RuntimeError("index unavailable")

    answer = answer_side_question("what's the observation window?", NoIndex(), default_corpus())
    entry = default_basics().get("observation_window")
    assert answer.entry_id == "observation_window"
    assert answer.message.startswith(render_message("side_basic_answer_plain", text=entry.text))
    assert not answer.message.startswith(f"{entry.title}: ")


def test_not_sure_on_the_last_question_walked_again_promises_no_return() -> None:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    first = iv.next_question()
    iv.answer("Not sure")
    while (question := iv.next_question()) is not None and question.kind != "revisit":
        iv.answer("Yes")
    assert first is not None and question is not None
    iv.answer("answer now")
    walked = iv.next_question()
    assert walked is not None and walked.id == first.id
    reply = iv.answer("honestly still not sure, need to check")
    assert reply.label == "unknown" and reply.kind == "finished"
    excerpt = "honestly still not sure, need to check"
    assert reply.message.startswith(render_message("understood_unknown_open", excerpt=excerpt))
    assert render_message("understood_unknown", excerpt=excerpt) not in reply.message


def test_skipping_in_own_words_is_a_skip_and_the_offer_follows() -> None:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    while (question := iv.next_question()) is not None:
        after = Interview.from_dict(iv.to_dict())
        after.answer("Yes")
        if after.finished:  # the last question: say it in words
            break
        iv.answer("Yes")
    assert question is not None
    reply = iv.answer("I'll skip this one")
    assert reply.kind == "command" and reply.message == render_message("skipped")
    offer = iv.next_question()
    assert offer is not None and offer.kind == "revisit"


def test_skipping_a_scoping_question_promises_no_return() -> None:
    iv, _ = _scoping_until(NAME_ID)
    assert iv.answer("skip").message == render_message("skipped_scoping")
