"""Crash safety of saved sessions: bad files are refused by name, old ones migrate, resume is exact."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import Interview
from assessment.interview.session import SCHEMA_VERSION
from assessment.report import render
from assessment.templates import render_message

INTERNAL_ERROR = render_message("internal_error", error="\x00").split("\x00")[0]

PROFILE = [
    "about 12 people",
    "Everything runs on AWS",
    "no, we're fully remote",
    "yes",
    "yes, 99.9% SLA",
    "no",
    "not sure",
    "Type II",
    "in about 6 months",
]
# Answers, commands, side questions and an unclear answer (which triggers a clarification).
SCRIPT = [
    *PROFILE,
    "why?",
    "accept",
    "Yes, all on AWS and no office",
    "Yes",
    "partly, only for production",
    "what does CC6.1 mean?",
    "No",
    "skip",
    "back",
    "Not sure",
    "hmm, it depends",
    "mostly yes",
    "progress",
    "yes via Okta, enforced for everyone",
    "n/a",
    "No",
    "Yes, we keep tickets for every change",
]
REPLIES = ("Yes", "Partly", "No", "Not sure")


def play(iv: Interview, turns: list[str]) -> Interview:
    for text in turns:
        if iv.next_question() is None:
            break
        iv.answer(text)
    return iv


def finish(iv: Interview) -> Interview:
    """Answer the rest deterministically by question ID."""
    while (question := iv.next_question()) is not None:
        iv.answer(REPLIES[sum(map(ord, question.id)) % len(REPLIES)])
    return iv


def resume(iv: Interview) -> Interview:
    return Interview.from_dict(json.loads(json.dumps(iv.to_dict())), retriever=iv.retriever)


@pytest.mark.parametrize("scope", [None, ("security", "availability")])
def test_resume_at_any_cut_gives_the_uninterrupted_run(
    scope: tuple[str, ...] | None, retriever: object
) -> None:
    script = SCRIPT if scope is None else SCRIPT[len(PROFILE) + 2 :]
    straight = finish(play(Interview(scope=scope, retriever=retriever), script))
    expected = straight.report()
    assert expected.finished
    for cut in (0, 1, 4, len(script) // 2, len(script) - 3, len(script)):
        first = play(Interview(scope=scope, retriever=retriever), script[:cut])
        resumed = finish(play(resume(first), script[cut:]))
        assert resumed.report() == expected, f"cut after {cut} turns"
        assert resumed.to_dict() == straight.to_dict(), f"cut after {cut} turns"
    # and a session resumed several times in a row
    iv = Interview(scope=scope, retriever=retriever)
    for start in range(0, len(script), 3):
        iv = resume(play(iv, script[start : start + 3]))
    assert finish(iv).report() == expected


def test_resume_after_finishing_and_rendering(retriever: object) -> None:
    iv = finish(play(Interview(scope={"security"}, retriever=retriever), SCRIPT[len(PROFILE) + 2 :]))
    restored = resume(iv)
    for fmt in ("md", "html", "json", "pdf"):
        assert render(restored.report(), fmt) == render(iv.report(), fmt)


# ---- refusing bad files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def valid() -> dict[str, Any]:
    iv = play(Interview(scope={"security"}), ["No, we run our own servers", "Yes", "it varies", "No"])
    return iv.to_dict()


def test_cut_json_text_is_refused_as_value_error(valid: dict[str, Any]) -> None:
    text = json.dumps(valid)
    for cut in (1, len(text) // 4, len(text) // 2, len(text) - 2):
        with pytest.raises(ValueError, match=r"Expecting|Unterminated|delimiter"):
            Interview.from_dict(json.loads(text[:cut]))


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (lambda d: {k: d[k] for k in list(d)[:3]}, "malformed session"),
        (lambda d: {**d, "events": [{"qid": e["qid"]} for e in d["events"]]}, r"events\.0\.kind"),
        (
            lambda d: {**d, "events": [*d["events"][:1], {"qid": "cc1_1_code_of_conduct", "kind": "scored"}]},
            "label",
        ),
        (lambda d: {**d, "transcript": [{"role": "user"}]}, r"transcript\.0\.text"),
        (lambda d: {**d, "pending": {"qid": "cc1_1_code_of_conduct"}}, r"pending\.kind"),
    ],
)
def test_truncated_sessions_are_refused(valid: dict[str, Any], cut: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Interview.from_dict(cut(copy.deepcopy(valid)))


@pytest.mark.parametrize(
    "foreign",
    [
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},  # a Jupyter notebook
        {"name": "my-app", "version": "1.0.0", "dependencies": {}},  # a package.json
        {"kind": "Deployment", "apiVersion": "apps/v1"},  # a Kubernetes manifest
        {"kind": "soc2-ready-report", "schema_version": 1},  # a look-alike
        {},
    ],
)
def test_foreign_json_is_refused(foreign: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="not a soc2-ready session: field kind"):
        Interview.from_dict(foreign)


def test_our_own_report_json_is_refused_as_not_a_session(retriever: object) -> None:
    iv = finish(Interview(scope={"security"}, retriever=retriever))
    report = json.loads(render(iv.report(), "json"))
    with pytest.raises(ValueError, match="not a soc2-ready session"):
        Interview.from_dict(report)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(events={"0": d["events"][0]}), "events"),
        (lambda d: d.update(events=None), "events"),
        (lambda d: d.update(transcript="hello"), "transcript"),
        (lambda d: d.update(session_name=42), "session_name"),
        (lambda d: d.update(given_scope="security"), "given_scope"),
        (lambda d: d.update(report_type="type3"), "report_type"),
        (lambda d: d.update(created_on="2024-13-45"), "created_on"),
        (lambda d: d.update(pending=[]), "pending"),
        (lambda d: d.update(schema_version=True), "schema_version"),
        (lambda d: d.update(schema_version=1.0), "schema_version"),
        (lambda d: d.update(schema_version=None), "schema_version"),
        (lambda d: d["events"][0].update(text=5), "text"),
        (lambda d: d["events"][0].update(kind="essay"), "kind"),
        (lambda d: d["events"][1].update(confidence="high"), "confidence"),
        (lambda d: d["events"][1].update(confidence=-0.1), "confidence"),
        (lambda d: d["events"][1].update(skipped="no"), "skipped"),
        (lambda d: d["events"][0].update(qid=""), "qid"),
        (lambda d: d["transcript"].append("just a string"), "transcript"),
    ],
)
def test_wrong_types_are_refused_naming_the_field(valid: dict[str, Any], mutate: Any, field: str) -> None:
    data = copy.deepcopy(valid)
    mutate(data)
    with pytest.raises(ValueError, match=field):
        Interview.from_dict(data)


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, 99, 2**40])
def test_future_versions_are_refused(valid: dict[str, Any], version: int) -> None:
    with pytest.raises(ValueError, match=rf"schema_version {version} is newer.*upgrade"):
        Interview.from_dict({**valid, "schema_version": version})


def test_impossible_old_version_is_refused(valid: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="schema_version -1 is too old"):
        Interview.from_dict({**valid, "schema_version": -1})


def test_refused_input_is_left_untouched(valid: dict[str, Any]) -> None:
    data = copy.deepcopy(valid)
    data["events"][0]["label"] = "maybe"
    snapshot = copy.deepcopy(data)
    with pytest.raises(ValueError):
        Interview.from_dict(data)
    assert data == snapshot


# ---- migrating older sessions ----------------------------------------------------------------

# Written by hand in the shape of schema version 0 (see ``session._migrate_0_to_1``): one "date",
# no transcript, no "presented" marker, events with only the fields they needed.
V0_SESSION = """
{
  "kind": "soc2-ready-session",
  "schema_version": 0,
  "session_name": "Acme (2023 prototype)",
  "date": "2023-11-02",
  "given_scope": ["security"],
  "events": [
    {"qid": "carve_out", "kind": "carve_out", "text": "No, we run our own servers",
     "source": "carve_out",
     "value": {"kinds": [], "provider": null, "hosting": "self_hosted", "has_office": null}},
    {"qid": "cc1_1_code_of_conduct", "kind": "scored", "text": "Yes", "label": "yes",
     "source": "quick_reply"},
    {"qid": "cc1_2_board_oversight", "kind": "scored", "text": "partly, only prod",
     "label": "partial", "confidence": 0.97, "source": "rules"},
    {"qid": "cc1_3_roles_and_structure", "kind": "scored", "text": "No", "label": "no",
     "source": "quick_reply"},
    {"qid": "cc5_3_policies", "kind": "scored", "skipped": true, "source": "skipped"}
  ]
}
"""
V0_ANSWERS = ["No, we run our own servers", "Yes", "partly, only prod", "No", "skip"]


def test_version_0_file_is_migrated_and_scores_like_a_live_run() -> None:
    restored = Interview.from_dict(json.loads(V0_SESSION))
    data = restored.to_dict()
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["created_on"] == data["updated_on"] == "2023-11-02"
    assert data["transcript"] == [] and data["presented"] is None
    live = play(Interview(scope={"security"}, session_name="Acme (2023 prototype)"), V0_ANSWERS)
    expected = replace(live.report(), generated_on="2023-11-02")
    got = restored.report()
    # The file keeps how each answer was understood back then; the live run re-interprets it, so
    # confidences may differ as the interpreter improves. Everything scored must be the same.
    assert [(a.question_id, a.answer, a.label) for a in got.answers] == [
        (a.question_id, a.answer, a.label) for a in expected.answers
    ]
    assert replace(got, answers=()) == replace(expected, answers=())
    assert restored.next_question() == live.next_question()
    # the migrated session saves as the current version and reloads unchanged
    again = Interview.from_dict(json.loads(json.dumps(restored.to_dict())))
    assert again.to_dict() == restored.to_dict()


def test_version_0_file_with_bad_content_is_still_refused_by_name() -> None:
    data = json.loads(V0_SESSION)
    data["events"][1]["label"] = "sure"
    with pytest.raises(ValueError, match=r"events\.1\.label"):
        Interview.from_dict(data)


# ---- schema-valid but type-confused content ----------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def full_session() -> dict[str, Any]:
    """A session with every kind of event (scoping, scope, carve-out, scored, follow-up, skip)."""
    iv = Interview()
    play(iv, [*PROFILE, "accept", "Yes, all on AWS and no office", "Yes", "partly", "No", "skip", "Yes"])
    return iv.to_dict()


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_replaced_value_is_refused_or_works(full_session: dict[str, Any], data: st.DataObject) -> None:
    session = copy.deepcopy(full_session)
    if data.draw(st.booleans(), label="top level"):
        target = session
    else:
        target = session["events"][data.draw(st.integers(0, len(session["events"]) - 1), label="event")]
    key = data.draw(st.sampled_from(sorted(target)), label="field")
    if isinstance(target[key], dict | list) and target[key] and data.draw(st.booleans(), label="nested"):
        inner = data.draw(
            st.sampled_from(
                sorted(target[key]) if isinstance(target[key], dict) else range(len(target[key]))
            ),
            label="inner",
        )
        target[key][inner] = data.draw(json_values, label="value")
    else:
        target[key] = data.draw(json_values, label="value")
    try:
        iv = Interview.from_dict(session)
    except ValueError:
        return
    report = iv.report()  # a session that loads must work: report, next question, answer, render
    iv.next_question()
    reply = iv.answer("Yes")
    assert not reply.message.startswith(INTERNAL_ERROR), reply.message
    for fmt in ("md", "json"):
        assert render(report, fmt)
