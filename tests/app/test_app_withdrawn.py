"""An answer undone with Back stays in the chat, struck through and labelled withdrawn (AppTest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.apptest import assert_clean, interview, new_app, say, start
from streamlit.testing.v1 import AppTest

from assessment.web import markup, support
from assessment.web.transcript import struck


def bubbles(at: AppTest) -> list[tuple[str, str, bool]]:
    """Each chat message: speaker, its text and whether it carries the withdrawn label."""
    label = support.text("turn_withdrawn")
    return [(m.name, m.markdown[0].value, any(c.value == label for c in m.caption)) for m in at.chat_message]


def withdrawn(at: AppTest) -> list[tuple[str, str]]:
    return [(role, said) for role, said, marked in bubbles(at) if marked]


def answered_yes(app_env: Path) -> tuple[AppTest, Any]:
    at = start(new_app(), ["confidentiality"])
    first = interview(at).next_question()
    assert first is not None and "Yes" in first.options
    next(b for b in at.button if b.key and b.key.startswith("qr-") and b.label == "Yes").click().run()
    assert_clean(at)
    assert not withdrawn(at)
    return at, first


def test_sidebar_back_strikes_the_undone_answer_and_its_echo(app_env: Path) -> None:
    at, first = answered_yes(app_env)
    at.button(key="back").click().run()
    assert_clean(at)
    assert interview(at).next_question() == first
    marked = withdrawn(at)
    assert [role for role, _ in marked] == ["user", "assistant"]
    assert marked[0][1] == struck("Yes")
    assert all(said.startswith("~~") for _, said in marked)
    # The question itself was asked and is asked again: neither copy is withdrawn.
    live = [said for role, said, is_marked in bubbles(at) if role == "assistant" and not is_marked]
    assert live[0].startswith(markup.markdown_safe(first.text)) and live[-1].endswith(first.text)


def test_typed_back_marks_the_same_and_a_reload_keeps_the_marks(app_env: Path) -> None:
    at, _ = answered_yes(app_env)
    say(at, "back")
    assert_clean(at)
    marked = withdrawn(at)
    assert [role for role, _ in marked] == ["user", "assistant"] and marked[0][1] == struck("Yes")
    assert ("user", "back", False) in bubbles(at)  # the command itself is part of the record
    reloaded = new_app(at.query_params["sid"])  # the saved session, as a new tab or a restart shows it
    assert_clean(reloaded)
    assert withdrawn(reloaded) == marked
