"""Turns that went wrong in the browser: an answer that asks, scope in words, back, lists, counts, grammar."""

from __future__ import annotations

import itertools

import pytest

from assessment import Interview, Question
from assessment.bank.loader import default_bank
from assessment.interview.cloud_questions import SHARED_RESPONSIBILITY
from assessment.interview.scope_words import read_scope_reply
from assessment.templates import render_message
from knowledge import Retriever
from knowledge.basics_kb import default_basics
from knowledge.models import CATEGORIES

PROFILE = {
    "company_size": "about 12 people",
    "hosting": "Everything runs on AWS",
    "has_office": "no, we're fully remote",
    "personal_data": "yes",
    "uptime_commitment": "yes, 99.9% SLA",
    "processes_for_customers": "yes, we run payroll calculations for them",
    "confidential_data": "no",
    "report_type": "Type I",
    "audit_deadline": "no date yet",
    "company_name": "Acme Analytics",
}
RECOMMENDED = ("security", "availability", "processing_integrity", "privacy")
ALL_BUT_PI = tuple(c for c in CATEGORIES if c != "processing_integrity")


def _field(question: Question) -> str:
    return next(q.field for q in default_bank().scoping if q.id == question.id)


def _to_scope_question(iv: Interview, answers: dict[str, str] | None = None) -> Question:
    given = {**PROFILE, **(answers or {})}
    while (question := iv.next_question()) is not None and question.kind == "scoping":
        iv.answer(given[_field(question)])
    assert question is not None and question.kind == "scope_confirm"
    return question


def _first_scored(scope: str = "security") -> tuple[Interview, Question]:
    iv = Interview(scope=[scope])
    iv.answer("Yes, all on AWS, fully remote")
    question = iv.next_question()
    assert question is not None and question.kind == "scored"
    return iv, question


# --- an answer that is itself a question -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "we're on aws so n/a?",
        "isn't this covered by AWS?",
        "n/a since we use gcp?",
        "we're fully serverless on azure, so does this even apply?",
    ],
)
@pytest.mark.parametrize("qid", ["cc6_1_mfa_sso", "cc7_2_monitoring_alerting", "cc6_6_perimeter_protection"])
def test_a_cloud_question_is_answered_never_recorded_as_not_applicable(text: str, qid: str) -> None:
    iv = Interview(scope=["security"])
    iv.answer("Yes, all on AWS, fully remote")
    while (question := iv.next_question()) is not None and question.id != qid:
        iv.answer("Yes")
    assert question is not None
    events = len(iv.to_dict()["events"])
    reply = iv.answer(text)
    assert reply.kind == "side_question" and reply.label is None
    assert reply.message.startswith(default_basics().get(SHARED_RESPONSIBILITY).title)
    assert render_message("side_back_to_question", question=question.text) in reply.message
    assert iv.next_question() == question  # asked again
    assert len(iv.to_dict()["events"]) == events  # nothing recorded
    assert all(a.label != "not_applicable" for a in iv.answers())


def test_the_cloud_answer_names_the_provider_the_founder_named() -> None:
    iv, _ = _first_scored()
    reply = iv.answer("we're on gcp so n/a?")
    assert render_message("side_cloud_still_yours", provider="Google Cloud") in reply.message


def test_the_cloud_answer_holds_with_the_real_index(retriever: Retriever) -> None:
    iv = Interview(scope=["security"], retriever=retriever)
    iv.answer("Yes, all on AWS, fully remote")
    question = iv.next_question()
    reply = iv.answer("we're on aws so n/a?")
    assert reply.kind == "side_question" and "CC6.4" in reply.citations
    assert iv.next_question() == question


# --- scope in words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("drop processing integrity, keep the rest", ("security", "availability", "privacy")),
        ("remove processing integrity but keep everything else", ("security", "availability", "privacy")),
        ("processing integrity is not needed", ("security", "availability", "privacy")),
        ("cut availability please", ("security", "processing_integrity", "privacy")),
        ("privacy isn't needed", ("security", "availability", "processing_integrity")),
        ("everything except processing integrity", ALL_BUT_PI),
        ("all but PI", ALL_BUT_PI),
        ("accept", RECOMMENDED),
        ("add confidentiality", CATEGORIES),
    ],
)
def test_scope_changes_in_words(text: str, expected: tuple[str, ...]) -> None:
    assert read_scope_reply(text, RECOMMENDED) == expected


def test_drop_one_category_in_the_interview_keeps_the_rest() -> None:
    iv = Interview()
    _to_scope_question(iv)
    reply = iv.answer("drop processing integrity, keep the rest")
    assert reply.kind == "scope" and iv.scope == ("security", "availability", "privacy")


def test_a_question_about_the_scope_is_answered_and_the_scope_waits() -> None:
    iv = Interview()
    scope_question = _to_scope_question(iv)
    reply = iv.answer("do we really need privacy? we're just a processor")
    assert reply.kind == "side_question" and reply.label is None
    assert render_message("scope_answer_processor") in reply.message
    titles = "Security, Availability, Processing Integrity, Privacy"
    examples = render_message(
        "scope_examples_both",
        add=render_message("scope_example_add", category="confidentiality"),
        drop=render_message("scope_example_drop", category="availability"),
    )  # only what can be changed: add what is out, drop what is in
    assert reply.message.endswith(render_message("scope_answer_decide", scope=titles, examples=examples))
    assert iv.scope is None and iv.next_question() == scope_question
    assert iv.answer("accept").kind == "scope" and iv.scope == RECOMMENDED


@pytest.mark.parametrize("text", ["is confidentiality required for us?", "should we add confidentiality"])
def test_other_scope_questions_leave_the_scope_alone(text: str) -> None:
    iv = Interview()
    _to_scope_question(iv)
    reply = iv.answer(text)
    assert reply.kind == "side_question" and "Confidentiality is optional" in reply.message
    assert iv.scope is None


# --- back, "that's not right" and lists in the chat ----------------------------------------------


def _last_bubble(iv: Interview) -> str:
    """The assistant's last chat bubble as a chat shows it: consecutive assistant turns joined."""
    turns = list(iv.transcript)
    bubble = []
    while turns and turns[-1][0] == "assistant":
        bubble.insert(0, turns.pop()[1])
    return "\n\n".join(bubble)


def test_typed_back_shows_the_question_once() -> None:
    iv, question = _first_scored()
    iv.answer("Yes")
    reply = iv.answer("back")
    assert reply.message == render_message("back_done")
    assert iv.present() == question  # the UI draws the question again
    assert _last_bubble(iv).count(question.text) == 1


def test_thats_not_right_shows_the_question_once() -> None:
    iv, question = _first_scored()
    iv.answer("Yes")
    iv.answer("that's not right")
    assert iv.present() is not None
    assert _last_bubble(iv).count(question.text) == 1


def test_progress_and_scope_recommendation_are_markdown_lists() -> None:
    iv = Interview(scope=["security", "availability", "privacy"])
    iv.answer("Yes, all on AWS, fully remote")
    message = iv.answer("how far am I?").message
    bullets = [line for line in message.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3 and "\n\n- " in message and "•" not in message
    confirm = _to_scope_question(Interview())
    lines = confirm.text.splitlines()
    assert len([line for line in lines if line.startswith(("- ✔", "- ✘"))]) == len(CATEGORIES)
    assert "\n\n- " in confirm.text


def test_one_carved_criterion_is_singular() -> None:
    iv = Interview()
    _to_scope_question(iv)
    iv.answer("accept")
    carve = iv.next_question()
    assert carve is not None and carve.kind == "carve_out"
    reply = iv.answer("yes")
    carved = [c for c, s in iv.report().criterion_status.items() if s == "not_applicable"]
    assert carved == ["CC6.4"]
    assert "this criterion" in carve.text
    expected = render_message("carve_confirmed_one", criteria="CC6.4", provider="AWS")
    assert reply.message.startswith(expected)


# --- questions left ---------------------------------------------------------------------------


@pytest.mark.parametrize("yes_to_all", [False, True])
def test_questions_left_never_jumps_up_during_scoping(yes_to_all: bool) -> None:
    iv = Interview()
    answers = dict(PROFILE)
    if yes_to_all:
        answers.update(confidential_data="yes, customer contracts")
    counts = [iv.progress().questions_left]
    while (question := iv.next_question()) is not None and question.kind == "scoping":
        iv.answer(answers[_field(question)])
        counts.append(iv.progress().questions_left)
    iv.answer("accept")
    counts.append(iv.progress().questions_left)
    for before, after in itertools.pairwise(counts):
        assert after <= before * 1.25, counts
    assert max(counts) <= counts[0] * 1.3, counts


def test_no_questions_left_once_finished() -> None:
    iv, _ = _first_scored()
    while iv.next_question() is not None:
        iv.answer("Yes")
    progress = iv.progress()
    assert progress.finished and progress.questions_left == 0 and progress.percent == 100
    assert iv.report().finished


def test_next_question_has_no_side_effect_and_present_records_the_question_once() -> None:
    iv, question = _first_scored()
    before = iv.to_dict()
    assert iv.next_question() == question and iv.next_question() == question
    assert iv.to_dict() == before  # asking changes nothing, not even the transcript
    assert iv.present() == question and iv.present() == question
    shown = [text for role, text in iv.transcript if role == "assistant" and text == question.display_text]
    assert len(shown) == 1  # presented once, however often the UI draws it
