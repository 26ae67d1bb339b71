"""An answer undone by "back" (typed or the sidebar button) leaves its chat turns marked withdrawn."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assessment import Interview
from assessment.interview.withdrawn import ChatTurn
from assessment.templates import render_message
from assessment.understanding.reader import interpret, needs_clarification

VAGUE = ("purple elephants on tuesday", "it varies", "in a way", "we are working on it", "banana")


def started() -> Interview:
    iv = Interview(scope={"confidentiality"})
    assert iv.next_question() is not None
    return iv


def say(iv: Interview, text: str) -> None:
    iv.answer(text)
    iv.present()  # as a UI does: the next question enters the transcript


def withdrawn(iv: Interview) -> list[tuple[str, str]]:
    return [(t.role, t.text) for t in iv.chat_turns if t.withdrawn]


def live_users(iv: Interview) -> list[str]:
    return [t.text for t in iv.chat_turns if t.role == "user" and not t.withdrawn]


def roundtrip(iv: Interview) -> Interview:
    return Interview.from_dict(json.loads(json.dumps(iv.to_dict())))


def echo_of(iv: Interview, said: str) -> str:
    """The assistant's reply right after the founder's turn ``said``."""
    turns = list(iv.transcript)
    at = max(i for i, (role, text) in enumerate(turns) if role == "user" and text == said)
    return turns[at + 1][1]


def test_back_withdraws_the_last_answer_and_its_echo_only() -> None:
    iv = started()
    say(iv, "Yes")
    say(iv, "Partly")
    say(iv, "why")  # a command: no answer, nothing to withdraw later
    partly_echo = echo_of(iv, "Partly")
    say(iv, "back")
    assert withdrawn(iv) == [("user", "Partly"), ("assistant", partly_echo)]
    assert live_users(iv) == ["Yes", "why", "back"]
    assert all(not t.withdrawn for t in iv.chat_turns if t.role == "assistant" and t.text.endswith("?"))


def test_a_second_back_withdraws_the_previous_answer_too() -> None:
    iv = started()
    say(iv, "Yes")
    yes_echo = echo_of(iv, "Yes")
    say(iv, "Partly")
    partly_echo = echo_of(iv, "Partly")
    say(iv, "back")
    assert iv.back().message == render_message("back_done")  # the sidebar button calls back() directly
    assert withdrawn(iv) == [
        ("user", "Yes"),
        ("assistant", yes_echo),
        ("user", "Partly"),
        ("assistant", partly_echo),
    ]
    assert live_users(iv) == ["back"]
    say(iv, "No")  # the new answer takes the undone one's place and is live
    assert live_users(iv) == ["back", "No"]
    say(iv, "back")
    assert live_users(iv) == ["back", "back"] and ("user", "No") in withdrawn(iv)


def test_back_after_a_skip_withdraws_the_skip() -> None:
    iv = started()
    say(iv, "Yes")
    say(iv, "skip")
    say(iv, "back")
    assert [text for role, text in withdrawn(iv) if role == "user"] == ["skip"]


def _vague(iv: Interview) -> str:
    question = iv.next_question()
    assert question is not None
    unclear = [
        t for t in VAGUE if needs_clarification(interpret(t, question=question, options=question.options))
    ]
    assert unclear, "no vague answer left unclear by interpret()"
    return unclear[0]


def test_back_withdraws_both_halves_of_a_clarified_answer() -> None:
    iv = started()
    vague = _vague(iv)
    say(iv, vague)
    clarify = iv.next_question()
    assert clarify is not None and clarify.kind == "clarify"
    say(iv, "Yes")
    say(iv, "back")
    assert [text for role, text in withdrawn(iv) if role == "user"] == [vague, "Yes"]
    assert ("assistant", render_message("clarify_intro")) in withdrawn(iv)


def test_back_during_a_clarification_withdraws_the_first_half() -> None:
    iv = started()
    vague = _vague(iv)
    say(iv, vague)
    reply = iv.back()
    assert reply.message == render_message("back_clarification")
    assert withdrawn(iv) == [("user", vague), ("assistant", render_message("clarify_intro"))]
    say(iv, "No")
    assert live_users(iv) == ["No"]


def test_back_after_thats_not_right_withdraws_the_whole_answer() -> None:
    iv = started()
    say(iv, "Yes")
    say(iv, "that's not right")
    say(iv, "No")
    say(iv, "back")
    assert [text for role, text in withdrawn(iv) if role == "user"] == ["Yes", "that's not right", "No"]


def test_restart_withdraws_every_answer_and_a_later_back_only_the_new_one() -> None:
    iv = started()
    say(iv, "Yes")
    say(iv, "Partly")
    say(iv, "restart")
    assert [text for role, text in withdrawn(iv) if role == "user"] == ["Yes", "Partly"]
    say(iv, "No")
    say(iv, "back")
    assert [text for role, text in withdrawn(iv) if role == "user"] == ["Yes", "Partly", "No"]
    assert live_users(iv) == ["restart", "back"]


def test_marks_survive_a_resume_and_back_after_it_marks_the_right_turns() -> None:
    iv = started()
    say(iv, "Yes")
    say(iv, "Partly")
    say(iv, "back")
    say(iv, "No")
    data = iv.to_dict()
    assert [t for t in data["transcript"] if t.get("withdrawn")] == [
        {"role": "user", "text": "Partly", "withdrawn": True},
        {"role": "assistant", "text": echo_of(iv, "Partly"), "withdrawn": True},
    ]
    resumed = roundtrip(iv)
    assert resumed.to_dict() == data and resumed.chat_turns == iv.chat_turns
    say(resumed, "back")
    assert [text for role, text in withdrawn(resumed) if role == "user"] == ["Partly", "No"]
    assert live_users(resumed) == ["Yes", "back", "back"]


def test_a_long_withdrawn_answer_stored_once_keeps_its_mark() -> None:
    iv = started()
    long_answer = "Yes, " + "we classify every dataset by owner and sensitivity. " * 60
    say(iv, long_answer)
    say(iv, "back")
    say(iv, "Yes")  # the long text now lives only in the transcript: stored in full there
    resumed = roundtrip(iv)
    assert ("user", long_answer) in withdrawn(resumed)
    say(iv, long_answer)  # an event holds it again: the turn points at it and keeps its mark
    data = iv.to_dict()
    assert any(t.get("ref") and t.get("event") is not None for t in data["transcript"])
    assert roundtrip(iv).chat_turns == iv.chat_turns


def _older(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as schema version 2 wrote it: no turn marks."""
    turns = [{k: v for k, v in t.items() if k not in ("event", "withdrawn")} for t in data["transcript"]]
    return {**data, "schema_version": 2, "transcript": turns}


def test_an_older_session_without_marks_loads_with_every_turn_live() -> None:
    iv = started()
    say(iv, "Yes")
    say(iv, "Partly")
    old = _older(iv.to_dict())
    resumed = Interview.from_dict(old)
    assert all(not t.withdrawn for t in resumed.chat_turns)
    assert resumed.to_dict()["transcript"] == old["transcript"]  # no marks invented
    assert resumed.back().message == render_message("back_done")  # the answer goes; no turn is marked
    assert all(not t.withdrawn for t in resumed.chat_turns)


@pytest.mark.parametrize("mark", [{"event": 99}, {"event": -1}, {"event": "0"}, {"withdrawn": "yes"}])
def test_a_malformed_mark_is_refused(mark: dict[str, Any]) -> None:
    iv = started()
    say(iv, "Yes")
    data = iv.to_dict()
    data["transcript"][1] = {**data["transcript"][1], **mark}
    with pytest.raises(ValueError, match=r"transcript\.1"):
        Interview.from_dict(data)


def test_chat_turns_carry_role_text_and_mark() -> None:
    iv = started()
    say(iv, "Yes")
    say(iv, "back")
    turns = iv.chat_turns
    assert [(t.role, t.text) for t in turns] == list(iv.transcript)
    assert turns[1] == ChatTurn("user", "Yes", withdrawn=True)


def test_an_implied_answer_changed_during_a_clarification_leaves_the_clarified_answer_whole() -> None:
    iv = Interview(scope={"security"})
    iv.answer("No, we run our own servers")
    while (question := iv.next_question()) is not None and question.id != "cc3_2_risk_assessment":
        iv.answer("Yes")
    say(iv, "No, we've never done a risk assessment")  # settles cc3_3_fraud_risk by implication
    vague = _vague(iv)
    say(iv, vague)
    clarify = iv.next_question()
    assert clarify is not None and clarify.kind == "clarify"
    # The implied answer becomes an event of its own, ahead of the answer still awaiting clarification.
    assert iv.revise("cc3_3_fraud_risk", "partly: we talked through insider misuse").kind == "answer"
    iv.next_question()
    say(iv, "Yes")
    say(iv, "back")
    assert [text for role, text in withdrawn(iv) if role == "user"] == [vague, "Yes"]
    say(iv, "back")  # now the changed implied answer goes: it has no turns of its own
    assert [text for role, text in withdrawn(iv) if role == "user"] == [vague, "Yes"]


def test_back_after_the_last_answer_asks_the_last_question_again_in_the_chat() -> None:
    iv = Interview(scope={"confidentiality"})
    while (question := iv.next_question()) is not None:
        last = question
        iv.answer("Yes")
    assert iv.finished
    iv.answer("back")
    again = iv.present()
    assert again is not None and again.id == last.id
    role, text = iv.transcript[-1]
    assert role == "assistant" and text == again.display_text  # its own turn, after "back"
    assert iv.transcript[-2] == ("assistant", render_message("back_done"))
