"""``Interview.answer_once``: a typed message answered once per client id, the ids saved with the session.

A client that sends a message again because the acknowledgement of its first send was lost (the web
chat box after a reconnect to another process or replica) is recognised by the id saved in the
session dict (``submission_ids``, the most recent ``MAX_SUBMISSION_IDS``). The field is optional:
sessions without it load, and a session that never had one keeps its exact form.
"""

from __future__ import annotations

import json

import pytest

from assessment import Interview
from assessment.interview.session_schema import MAX_SUBMISSION_IDS

YES = "yes, via Okta for everyone"  # understood by the rule layer: no model needed


def _typed(iv: Interview) -> list[str]:
    return [said for role, said in iv.transcript if role == "user"]


def test_a_repeated_id_changes_nothing_also_after_a_save_and_a_load() -> None:
    iv = Interview(scope={"security"})
    assert iv.answer_once(YES, "c1-1") is not None
    before = iv.to_dict()
    assert iv.answer_once(YES, "c1-1") is None
    assert iv.to_dict() == before
    restored = Interview.from_dict(json.loads(json.dumps(before)))
    assert restored.to_dict() == before  # the ids round-trip exactly
    assert restored.submission_ids == ("c1-1",)
    assert restored.answer_once(YES, "c1-1") is None
    assert _typed(restored) == [YES]
    assert restored.answer_once("no, not yet", "c1-2") is not None
    assert _typed(restored) == [YES, "no, not yet"]


def test_a_session_without_ids_loads_and_keeps_its_exact_form() -> None:
    iv = Interview(scope={"security"})
    iv.answer(YES)  # a quick reply or the CLI: no client id
    data = iv.to_dict()
    assert "submission_ids" not in data
    assert Interview.from_dict(data).to_dict() == data
    assert Interview.from_dict(data).submission_ids == ()


def test_only_the_most_recent_ids_are_kept() -> None:
    data = Interview(scope={"security"}).to_dict()
    data["submission_ids"] = [f"c1-{n}" for n in range(MAX_SUBMISSION_IDS + 3)]  # a hand-edited file
    iv = Interview.from_dict(data)
    assert iv.submission_ids == tuple(data["submission_ids"][3:])
    iv.answer_once(YES, "c2-1")
    assert len(iv.submission_ids) == MAX_SUBMISSION_IDS
    assert iv.submission_ids[0] == "c1-4" and iv.submission_ids[-1] == "c2-1"


@pytest.mark.parametrize("bad", ["", "a b", "x" * 81, "<script>"])
def test_a_malformed_id_is_refused_before_anything_is_answered(bad: str) -> None:
    iv = Interview(scope={"security"})
    before = iv.to_dict()
    with pytest.raises(ValueError, match="submission id"):
        iv.answer_once(YES, bad)
    assert iv.to_dict() == before
    data = {**before, "submission_ids": [bad]}
    with pytest.raises(ValueError, match="submission_ids"):
        Interview.from_dict(data)
