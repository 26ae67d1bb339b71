"""The "What I understood" view: every answer with its reading, and changing one of them.

It opens from a sidebar button as a dialog: in the 240 px sidebar long questions and the founder's
own words made a wall of text, and the picker's options were cut off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fakes.apptest import assert_clean, interview, new_app, say, start
from streamlit.testing.v1 import AppTest

from assessment.web import markup, support

INJECTION = "no ![x](http://host.invalid/p.png) [click](https://evil.invalid) www.evil.invalid <img src=x>"
# An image or link that Markdown would render: "![" or "](" not preceded by a backslash escape.
LIVE_MARKUP = re.compile(r"(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<img|https?://|(?<!\\)www\.")


def _answer_with(at: Any, label: str) -> None:
    buttons = [b for b in at.button if b.key and b.key.startswith("qr-")]
    next((b for b in buttons if b.label == label), buttons[0]).click().run()
    assert_clean(at)


def _blocks(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _blocks(child)


def _dialogs(at: AppTest) -> list[Any]:
    """The open dialogs (AppTest keeps them in a root of their own, beside main and sidebar)."""
    return [b for b in _blocks(at._tree) if getattr(b, "type", None) == "dialog"]


def _to_first_scored_question(at: AppTest) -> Any:
    iv = interview(at)
    while iv.next_question() is not None and iv.next_question().kind != "scored":
        _answer_with(at, "Yes")
        iv = interview(at)
    question = iv.next_question()
    assert question is not None
    return question


def test_an_earlier_answer_is_changed_from_the_review_view(app_env: Path) -> None:
    at = start(new_app(), ["security"])
    question = _to_first_scored_question(at)
    _answer_with(at, "Yes")
    _answer_with(at, "Yes")
    criterion = question.criteria[0]
    assert interview(at).report().criterion_status[criterion] == "met"
    rows = support.review_rows(interview(at))
    assert any(r.question_id == question.id for group in rows.values() for r in group)
    at.button(key="review_button").click().run()
    at.selectbox(key="review_qid").set_value(question.id)
    at.text_input(key="review_text").input("No")
    next(b for b in at.button if b.label == support.text("review_submit")).click().run()
    assert_clean(at)
    got = interview(at)
    assert got.answers()[[r.question_id for r in got.answers()].index(question.id)].label == "no"
    assert got.report().criterion_status[criterion] == "missing"
    assert got.to_dict()["revisions"][0]["qid"] == question.id
    # The view stays open and shows the new reading.
    (dialog,) = _dialogs(at)
    shown = [m.value for m in dialog.markdown]
    assert support.text("review_reading", reading=support.text_label("no")) in shown


def test_the_review_view_opens_in_a_dialog_with_each_question_answer_and_reading(app_env: Path) -> None:
    at = start(new_app(), ["security"])
    _to_first_scored_question(at)
    _answer_with(at, "Yes")
    _answer_with(at, "No")
    groups = support.review_rows(interview(at))
    rows = [row for group in groups.values() for row in group]
    assert len(rows) == 2
    # The sidebar holds only the button; nothing of the view is drawn until it is opened.
    assert not _dialogs(at) and not [s for s in at.selectbox if s.key == "review_qid"]
    assert at.sidebar.button(key="review_button").label == support.text("review_heading")

    at.button(key="review_button").click().run()
    assert_clean(at)
    (dialog,) = _dialogs(at)
    assert dialog.proto.dialog.title == support.text("review_heading")
    assert [h.value for h in dialog.subheader] == list(groups)  # grouped per category
    shown = [m.value for m in dialog.markdown]
    notes = [c.value for c in dialog.caption]
    for row in rows:
        assert markup.markdown_safe(row.question) in shown
        assert support.text("review_said", answer=markup.markdown_literal(row.answer)) in notes
        assert support.text("review_reading", reading=row.reading) in shown
    # The picker names whole questions (the sidebar's cut them at 60 characters).
    options = dialog.selectbox(key="review_qid").options
    for row in rows:
        assert support.text("review_choice", criteria=row.criteria, question=row.question) in options

    at.run()  # a rerun (another answer, a resend) keeps an open view open
    assert len(_dialogs(at)) == 1


def test_the_review_view_shows_what_was_typed_as_typed(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    for _ in range(3):  # an unclear answer is asked again before it is recorded
        if support.review_rows(interview(at)):
            break
        say(at, INJECTION)
        assert_clean(at)
    assert support.review_rows(interview(at))  # recorded, so the view lists it
    at.button(key="review_button").click().run()
    (dialog,) = _dialogs(at)
    texts = [m.value for m in dialog.markdown] + [c.value for c in dialog.caption]
    assert any("host.invalid" in text for text in texts)
    assert [text for text in texts if LIVE_MARKUP.search(text)] == []
