"""Session persistence: exact JSON round-trip, resume equals an uninterrupted run, bad input refused."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from assessment import Interview
from assessment.interview.session import SCHEMA_VERSION, migrate

ANSWERS = [
    "12",
    "All on AWS",
    "no, fully remote",
    "yes",
    "no",
    "no",
    "yes",
    "type 2",
    "no date yet",  # scoping
    "add availability",  # scope confirmation
    "yes",  # carve-out
    "Yes",
    "partly, only for production",
    "No",
    "Not sure",
    "yes via Okta",
    "skip",
    "Yes",
    "No",
]


def play(iv: Interview, answers: list[str]) -> Interview:
    for text in answers:
        if iv.next_question() is None:
            break
        iv.answer(text)
    return iv


def roundtrip(iv: Interview) -> Interview:
    return Interview.from_dict(json.loads(json.dumps(iv.to_dict())))


def test_round_trip_is_exact_and_keeps_transcript() -> None:
    iv = play(Interview(), ANSWERS)
    iv.answer("how far am I?")
    data = iv.to_dict()
    assert data["kind"] == "soc2-ready-session" and data["schema_version"] == SCHEMA_VERSION
    restored = roundtrip(iv)
    assert restored.to_dict() == data
    assert restored.transcript == iv.transcript
    assert restored.next_question() == iv.next_question()
    assert restored.report() == iv.report()


def test_resume_mid_way_gives_the_uninterrupted_report() -> None:
    straight = play(Interview(), ANSWERS)
    first = play(Interview(), ANSWERS[:13])
    resumed = play(roundtrip(first), ANSWERS[13:])
    assert resumed.report() == straight.report()
    assert resumed.to_dict()["events"] == straight.to_dict()["events"]


def test_resume_during_a_clarification() -> None:
    iv = play(Interview(scope={"security"}), ["No, we run our own servers"])
    question = iv.next_question()
    assert question is not None
    iv._state.pending = {
        "qid": question.id,
        "kind": "scored",
        "text": "it varies",
        "label": "partial",
        "confidence": 0.4,
        "source": "rules",
    }
    restored = roundtrip(iv)
    clarify = restored.next_question()
    assert clarify is not None and clarify.kind == "clarify"
    restored.answer("Yes")
    record = next(a for a in restored.report().answers if a.question_id == question.id)
    assert record.label == "yes" and "it varies" in record.answer


def _valid() -> dict[str, Any]:
    return play(Interview(scope={"security"}), ["No, we run our own servers", "Yes", "No"]).to_dict()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("events"), "events"),
        (lambda d: d.update(kind="something-else"), "kind"),
        (lambda d: d.pop("kind"), "kind"),
        (lambda d: d.update(schema_version=SCHEMA_VERSION + 1), "newer"),
        (lambda d: d.update(schema_version="1"), "schema_version"),
        (lambda d: d.update(given_scope=["security", "secrecy"]), "secrecy"),
        (lambda d: d["events"][1].update(label="maybe"), "label"),
        (lambda d: d["events"][1].update(qid="no_such_question"), "no_such_question"),
        (lambda d: d["events"][1].update(confidence=7), "confidence"),
        (lambda d: d.update(surprise=True), "surprise"),
        (lambda d: d.update(transcript=[{"role": "robot", "text": "hi"}]), "role"),
        (lambda d: d.update(updated_on="yesterday"), "updated_on"),
    ],
)
def test_malformed_sessions_are_refused_with_a_clear_message(mutate: Any, message: str) -> None:
    data = _valid()
    mutate(data)
    with pytest.raises(ValueError, match=message):
        Interview.from_dict(data)


@pytest.mark.parametrize("data", [None, [], "session", 3])
def test_non_objects_are_refused(data: Any) -> None:
    with pytest.raises(ValueError, match="JSON object"):
        Interview.from_dict(data)


def test_truncated_session_is_refused() -> None:
    text = json.dumps(_valid())
    partial = {key: value for key, value in json.loads(text).items() if key in ("kind", "schema_version")}
    with pytest.raises(ValueError, match="malformed session"):
        Interview.from_dict(partial)


def test_older_version_is_migrated() -> None:
    data = _valid()
    old = copy.deepcopy(data)
    old["schema_version"] = 0
    old["date"] = old.pop("created_on")
    del old["updated_on"], old["transcript"], old["presented"]
    assert migrate(copy.deepcopy(old))["schema_version"] == SCHEMA_VERSION
    restored = Interview.from_dict(old)
    assert restored.report().criterion_status == Interview.from_dict(data).report().criterion_status
    assert restored.transcript == ()


def test_generated_on_is_the_last_change() -> None:
    iv = play(Interview(scope={"security"}), ["No, we run our own servers", "Yes"])
    data = iv.to_dict()
    data["updated_on"] = "2025-01-02"
    assert Interview.from_dict(data).report().generated_on == "2025-01-02"
