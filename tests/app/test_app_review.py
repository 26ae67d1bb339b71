"""The "What I understood" view: every answer with its reading, and changing one of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.apptest import assert_clean, interview, new_app, start

from assessment.web import support


def _answer_with(at: Any, label: str) -> None:
    buttons = [b for b in at.button if b.key and b.key.startswith("qr-")]
    next((b for b in buttons if b.label == label), buttons[0]).click().run()
    assert_clean(at)


def test_an_earlier_answer_is_changed_from_the_review_view(app_env: Path) -> None:
    at = start(new_app(), ["security"])
    iv = interview(at)
    while iv.next_question() is not None and iv.next_question().kind != "scored":  # type: ignore[union-attr]
        _answer_with(at, "Yes")
        iv = interview(at)
    question = iv.next_question()
    assert question is not None
    _answer_with(at, "Yes")
    _answer_with(at, "Yes")
    criterion = question.criteria[0]
    assert interview(at).report().criterion_status[criterion] == "met"
    rows = support.review_rows(interview(at))
    assert any(r.question_id == question.id for group in rows.values() for r in group)
    at.selectbox(key="review_qid").set_value(question.id)
    at.text_input(key="review_text").input("No")
    next(b for b in at.button if b.label == support.text("review_submit")).click().run()
    assert_clean(at)
    got = interview(at)
    assert got.answers()[[r.question_id for r in got.answers()].index(question.id)].label == "no"
    assert got.report().criterion_status[criterion] == "missing"
    assert got.to_dict()["revisions"][0]["qid"] == question.id
