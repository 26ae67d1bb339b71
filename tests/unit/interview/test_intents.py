"""Commands and side questions: detection and answers from the real retriever."""

from __future__ import annotations

from typing import Any

import pytest

from assessment import Interview
from assessment.interview.intents import answer_side_question, detect_command, is_side_question
from assessment.models import Interpretation
from assessment.templates import render_message
from knowledge.corpus import default_corpus
from knowledge.text import one_line

CLEAR_YES = Interpretation("yes", 0.95, "clear", "rules")
UNCLEAR = Interpretation("unknown", 0.3, "no cue", "rules")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("skip", "skip"),
        ("Skip this one", "skip"),
        ("pass", "skip"),
        ("back", "back"),
        ("go back", "back"),
        ("undo", "back"),
        ("why?", "why"),
        ("Why do you ask?", "why"),
        ("why does this matter", "why"),
        ("why is this asked?", "why"),
        ("Why is this question being asked?", "why"),
        ("why are you asking me this?", "why"),
        ("why does this question matter for SOC 2?", "why"),
        ("what is this question for?", "why"),
        ("why is CC6.6 not in my gaps?", None),  # a question about the session
        ("why is it not met?", None),
        ("why do we need MFA?", None),
        ("I'll skip this one", "skip"),
        ("can we skip this for now?", "skip"),
        ("That’s not right", "correct"),  # a typographic apostrophe, as phones type it
        ("how far am I?", "progress"),
        ("How many questions are left?", "progress"),
        ("progress", "progress"),
        ("restart", "restart"),
        ("start over", "restart"),
        ("yes", None),
        ("we skip reviews sometimes", None),
        ("no, not yet", None),
    ],
)
def test_detect_command(text: str, command: str | None) -> None:
    assert detect_command(text) == command


@pytest.mark.parametrize(
    ("text", "understood", "expected"),
    [
        ("What does CC6.1 mean?", UNCLEAR, True),
        ("what is a penetration test", UNCLEAR, True),
        ("Does Google Workspace 2FA count?", CLEAR_YES, True),
        ("Yes, we use Okta", CLEAR_YES, False),
        ("yes?", CLEAR_YES, False),
        ("partly, only prod", Interpretation("partial", 0.9, "", "rules"), False),
        ("no idea?", Interpretation("unknown", 0.9, "", "rules"), False),
    ],
)
def test_side_question_detection(text: str, understood: Interpretation, expected: bool) -> None:
    assert is_side_question(text, understood) is expected


def test_explicit_criterion_is_explained_from_the_corpus() -> None:
    answer = answer_side_question("what does cc6.1 mean?", None, default_corpus())
    assert answer.citations == ("CC6.1",)
    assert default_corpus().get("CC6.1").title in answer.message


def test_free_question_is_answered_by_the_retriever(retriever: Any) -> None:
    answer = answer_side_question(
        "how do we handle offboarding when someone leaves?", retriever, default_corpus()
    )
    assert answer.citations and all(cid[0] in "CAP" for cid in answer.citations)
    assert answer.citations[0] in answer.message


class BrokenRetriever:
    def search(self, query: str, k: int = 5, categories: object = None) -> list[object]:
        raise RuntimeError("index unavailable")


def test_broken_retriever_falls_back_to_corpus_search() -> None:
    answer = answer_side_question("what about encryption of backups?", BrokenRetriever(), default_corpus())
    assert answer.citations
    assert answer.citations[0] in answer.message


@pytest.mark.parametrize("text", ["why is this asked?", "why do you ask?", "why does this matter?"])
def test_the_general_why_gets_the_why_of_the_open_question(text: str) -> None:
    iv = Interview(scope=["security"])
    question = iv.next_question()
    assert question is not None
    reply = iv.answer(text)
    assert reply.kind == "command" and reply.message.startswith(
        render_message("why", why=one_line(question.why))
    )
