"""Skipped and "not sure" questions are offered once again before the end: answer now, or leave open."""

from __future__ import annotations

import json

from assessment import Interview, Question
from assessment.templates import render_message

SKIP_AT = (2, 4)  # scored questions (1-based) the founder skips
UNSURE_AT = (3, 5, 7)  # ... and answers "Not sure"


def _started() -> Interview:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")  # the carve-out question
    return iv


def _answer_until_offer(iv: Interview) -> tuple[list[str], Question]:
    """Skip two questions, answer three "Not sure" and the rest "Yes"; returns the open IDs in order."""
    opened: list[str] = []
    number = 0
    while (question := iv.next_question()) is not None and question.kind != "revisit":
        number += 1
        if number in SKIP_AT:
            reply = iv.answer("skip")
            assert reply.message == render_message("skipped")
            opened.append(question.id)
        elif number in UNSURE_AT:
            assert iv.answer("Not sure").label == "unknown"
            opened.append(question.id)
        else:
            iv.answer("Yes")
    assert question is not None and question.kind == "revisit"
    return opened, question


def test_the_offer_counts_skipped_and_unsure_questions() -> None:
    iv = _started()
    _, offer = _answer_until_offer(iv)
    expected = render_message(
        "revisit_offer_both",
        skipped=render_message("revisit_count_many", count=2),
        unsure=3,
        them=render_message("revisit_them"),
    )
    assert offer.text == expected
    assert offer.options == (render_message("option_revisit_now"), render_message("option_revisit_leave"))
    assert not iv.finished and not iv.report().finished


def test_answer_now_walks_the_open_questions_again_in_order() -> None:
    iv = _started()
    opened, _ = _answer_until_offer(iv)
    reply = iv.answer("answer now")
    assert reply.message == render_message("revisit_now", count=render_message("revisit_count_many", count=5))
    walked = []
    while (question := iv.next_question()) is not None:
        iv.answer("Yes")
        if question.kind == "followup":  # a "yes" taken up again may bring its follow-up
            continue
        walked.append(question.id)
        skipped = question.id in {opened[0], opened[2]}
        name = "revisit_again_skipped" if skipped else "revisit_again_unsure"
        assert question.display_text == render_message(name, question=question.text)
    assert walked == opened
    report = iv.report()
    assert report.finished and all(report.criterion_status[c] == "met" for c in report.criterion_status)
    assert [a.question_id for a in iv.answers()].count(opened[0]) == 1  # listed once, with the new answer


def test_leave_open_ends_the_interview_with_the_questions_unassessed() -> None:
    iv = _started()
    opened, _ = _answer_until_offer(iv)
    reply = iv.answer("Leave open")
    assert reply.message.startswith(render_message("revisit_leave"))
    assert reply.kind == "finished" and iv.finished
    records = {a.question_id: a for a in iv.answers()}
    assert records[opened[0]].label == "skipped" and records[opened[1]].label == "unknown"


def test_the_offer_is_made_once() -> None:
    iv = _started()
    opened, _ = _answer_until_offer(iv)
    iv.answer("yes please")
    first = iv.next_question()
    assert first is not None and first.id == opened[0]
    assert iv.answer("skip").message == render_message("skipped_open")  # no second "we'll come back"
    while (question := iv.next_question()) is not None:
        assert question.kind != "revisit"
        iv.answer("Not sure")
    assert iv.finished


def test_the_choice_and_the_walk_survive_a_save_and_reload() -> None:
    iv = _started()
    opened, _ = _answer_until_offer(iv)
    iv.answer("now")
    iv.answer("Yes")  # the first open question, answered again
    data = json.loads(json.dumps(iv.to_dict()))
    again = Interview.from_dict(data)
    assert again.to_dict() == iv.to_dict()
    question = again.next_question()
    assert question is not None and question.id == opened[1]


def test_back_undoes_the_choice_and_skipping_the_offer_leaves_them_open() -> None:
    iv = _started()
    _answer_until_offer(iv)
    iv.answer("now")
    iv.answer("back")
    question = iv.next_question()
    assert question is not None and question.kind == "revisit"
    reply = iv.answer("skip")
    assert reply.message.startswith(render_message("revisit_leave")) and iv.finished


def test_an_unclear_reply_to_the_offer_leaves_them_open_and_says_so() -> None:
    iv = _started()
    _answer_until_offer(iv)
    reply = iv.answer("purple")
    assert reply.notice == render_message("revisit_unclear") and iv.finished
    iv.answer("back")
    question = iv.next_question()
    assert question is not None and question.kind == "revisit"
    assert iv.answer("what does CC6.1 mean?").kind == "side_question"  # a question is answered, not a choice
    assert not iv.finished


def test_no_offer_when_nothing_is_open() -> None:
    iv = _started()
    while (question := iv.next_question()) is not None:
        assert question.kind != "revisit"
        iv.answer("Yes")
    assert iv.finished
