"""Limits: an over-long answer is understood from its first ``max_answer_chars`` characters, with a
visible notice, and kept whole everywhere else (transcript, session and all four report formats)."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from assessment import Interview, interpret
from assessment.report import render
from knowledge.settings import Settings

START = "START-OF-ANSWER"
END = "END-OF-ANSWER"


def long_answer(limit: int, total: int) -> str:
    """A clear "yes" up front, filler up to the limit, then a "no" only the untruncated text holds."""
    head = f"{START} Yes, we enforce it for everyone and review it every quarter. "
    filler = "We keep the records in our ticket tracker with dates and owners. "
    body = head + filler * (limit // len(filler) + 1)
    tail = f" Actually no, we never did any of this and have no records at all. {END}"
    text = (body + filler * (total // len(filler)))[: total - len(tail)] + tail
    assert len(text) == total and len(text) > limit
    return text


def scored_interview() -> Interview:
    iv = Interview(scope={"security"})
    iv.next_question()
    iv.answer("No, we run our own servers")  # the carve-out question
    return iv


@pytest.mark.parametrize("limit", [None, 500])
def test_long_answer_is_understood_truncated_with_a_notice(
    limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if limit is not None:
        monkeypatch.setenv("SOC2_READY_MAX_ANSWER_CHARS", str(limit))
    max_chars = Settings().max_answer_chars
    iv = scored_interview()
    question = iv.next_question()
    assert question is not None
    text = long_answer(max_chars, max_chars * 3)
    reply = iv.answer(text)
    assert reply.notice and f"{max_chars}" in reply.notice
    assert reply.label == "yes"  # the "no" after the limit was not read
    assert reply.label == interpret(text[:max_chars], question=question, options=question.options).label
    assert iv.transcript[-2] == ("user", text)
    assert reply.notice in iv.transcript[-1][1]
    record = next(a for a in iv.report().answers if a.question_id == question.id)
    assert record.answer == text
    assert json.loads(json.dumps(iv.to_dict()))["events"][-1]["text"] == text


def test_answer_at_the_limit_has_no_notice() -> None:
    max_chars = Settings().max_answer_chars
    iv = scored_interview()
    reply = iv.answer(("Yes, for everyone. " * max_chars)[:max_chars])
    assert reply.notice is None or str(max_chars) not in reply.notice


def test_100kb_answer_is_whole_in_every_format() -> None:
    iv = scored_interview()
    text = long_answer(Settings().max_answer_chars, 100_000)
    iv.next_question()
    iv.answer(text)
    report = iv.report()
    markdown = render(report, "md")
    page = render(report, "html")
    data = json.loads(render(report, "json"))
    assert isinstance(markdown, str) and isinstance(page, str)
    assert text in markdown  # plain words and dots: nothing to escape
    assert text in page
    assert text in [a["answer"] for a in data["answers"]]
    pdf = render(report, "pdf")
    assert isinstance(pdf, bytes)
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    assert START in words and END in words
    filler_count = text.count("ticket tracker")
    assert words.count("ticket tracker") >= filler_count  # every line of the answer is printed
