"""Changing answers as a founder did: a revise sent twice, "that's not right", back at the end."""

from __future__ import annotations

from datetime import datetime

from assessment import Interview, Question
from assessment.bank.loader import default_bank
from assessment.templates import render_message

SKIP_AT = (2,)  # scored questions (1-based) skipped on the way to the end
UNSURE_AT = (3, 5, 7)  # ... and answered "Not sure"
REVISED = "yes - we have a written policy everyone signs"


def _to_offer() -> tuple[Interview, list[str], Question]:
    """A Security interview played to the offer of open questions; returns the "not sure" IDs too."""
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")  # the carve-out question
    unsure, number = [], 0
    while (question := iv.present()) is not None and question.kind != "revisit":
        number += 1
        if number in SKIP_AT:
            iv.answer("skip")
        elif number in UNSURE_AT:
            iv.answer("Not sure")
            unsure.append(question.id)
        else:
            iv.answer("Yes")
    assert question is not None and question.kind == "revisit"
    return iv, unsure, question


def _offers(iv: Interview) -> list[str]:
    """The offers of open questions in the chat (each starts "You skipped")."""
    start = render_message("revisit_offer_skipped", skipped="", them="").split(":")[0].rstrip()
    return [text for role, text in iv.transcript if role == "assistant" and text.startswith(start)]


def _scored() -> tuple[Interview, str]:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    question = iv.next_question()
    assert question is not None and question.kind == "scored"
    return iv, question.id


# --- revise: the same answer twice ----------------------------------------------------------


def test_revising_to_the_answer_already_recorded_changes_nothing_and_says_so() -> None:
    iv, qid = _scored()
    iv.answer("Not sure")
    assert iv.revise(qid, REVISED).label == "yes"
    before = iv.to_dict()
    again = iv.revise(qid, f"  {REVISED.upper()} ")  # the form sent again: Enter, then the button
    assert again.message == render_message("revise_unchanged", label=render_message("label_yes"))
    assert again.understood is None
    assert iv.to_dict() == before
    assert len(iv.report().revisions) == 1


def test_after_a_revise_the_offer_of_open_questions_is_in_the_chat_once_with_its_count() -> None:
    iv, unsure, offer = _to_offer()
    assert _offers(iv) == [offer.display_text]
    iv.revise(unsure[0], REVISED)
    iv.present()  # the app draws the page again
    iv.revise(unsure[0], REVISED)  # the same change sent twice
    iv.present()
    now = iv.next_question()
    assert now is not None and now.kind == "revisit" and now.text != offer.text  # one fewer "not sure"
    assert _offers(iv) == [now.display_text]
    assert iv.transcript[-1] == ("assistant", now.display_text)


def test_a_revise_after_the_chat_moved_on_shows_the_offer_again_with_the_new_count() -> None:
    iv, unsure, offer = _to_offer()
    iv.answer("what does CC6.1 mean?")  # the chat moved past the offer
    iv.revise(unsure[0], REVISED)
    iv.present()
    now = iv.next_question()
    assert now is not None and _offers(iv)[-1] == now.display_text != offer.display_text


# --- "that's not right" is a change of the answer --------------------------------------------


def test_a_correction_that_changes_the_reading_is_in_the_audit_trail() -> None:
    iv, qid = _scored()
    iv.answer("Partly")
    iv.answer("that's not right")
    iv.answer("Yes")
    (revision,) = iv.report().revisions
    assert (revision.question_id, revision.old_label, revision.new_label) == (qid, "partial", "yes")
    assert (revision.old_answer, revision.new_answer) == ("Partly", "Partly / Yes")
    assert revision.changed_by == ""  # the founder
    assert datetime.fromisoformat(revision.changed_at).tzinfo is not None
    assert Interview.from_dict(iv.to_dict()).report().revisions == iv.report().revisions


def test_a_correction_undone_with_back_leaves_no_revision() -> None:
    iv, _ = _scored()
    iv.answer("Partly")
    iv.answer("that's not right")
    iv.answer("back")  # the answer is withdrawn (struck through in the chat), not changed
    assert iv.report().revisions == ()


# --- "that's not right" after a scoping answer -----------------------------------------------


def _scoping_until(field: str) -> tuple[Interview, Question]:
    iv = Interview()
    ids = {q.field: q.id for q in default_bank().scoping}
    while (question := iv.next_question()) is not None and question.id != ids[field]:
        iv.answer(question.options[0])
    assert question is not None
    return iv, question


def test_that_is_not_right_after_a_scoping_echo_reopens_that_question() -> None:
    iv, uptime = _scoping_until("uptime_commitment")
    assert iv.answer("No formal commitment").message == render_message(
        "scoping_ack", shown="No formal commitment"
    )
    reply = iv.answer("that's not right")
    assert reply.message == render_message("correct_reopened", noted="No formal commitment")
    assert iv.next_question() == uptime
    iv.answer("Yes, we have an SLA or uptime promise")
    assert iv.profile["uptime_commitment"] is True
    withdrawn = [t.text for t in iv.chat_turns if t.withdrawn]
    assert "No formal commitment" in withdrawn  # the first answer stays in the chat, struck through


def test_that_is_not_right_after_the_deadline_echo_asks_for_the_date_again() -> None:
    iv, deadline = _scoping_until("audit_deadline")
    iv.answer("next autumn")
    iv.answer("that's not right")
    assert iv.next_question() == deadline
    iv.answer("2027-03-31")
    assert iv.profile["audit_deadline"] == "2027-03-31"


def test_that_is_not_right_after_a_skip_says_how_to_answer_it() -> None:
    iv, _ = _scored()
    iv.answer("skip")
    assert iv.answer("that's not right").message == render_message("correct_skipped")


# --- back at the end -------------------------------------------------------------------------


def test_back_at_the_end_after_the_offer_and_a_revise_takes_the_last_answer_back() -> None:
    iv, unsure, _ = _to_offer()
    iv.revise(unsure[0], REVISED)
    iv.answer("Leave open")
    assert iv.finished
    assert iv.answer("back").message == render_message("back_done")
    offer = iv.present()
    assert offer is not None and offer.kind == "revisit"
    iv.answer("answer now")
    while iv.present() is not None:
        iv.answer("Yes")
    assert iv.finished
    assert iv.answer("back").message == render_message("back_done")
    assert iv.present() is not None
