"""How the report reads to a founder: clean cuts, counts that agree, plain words, no stray escapes."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import pytest
from fakes.reports import make_report
from markdown_it import MarkdownIt
from pypdf import PdfReader

from assessment import Interview, interpret, needs_clarification
from assessment.bank.loader import default_bank
from assessment.models import AnswerRecord, Report
from assessment.report import build_view, render
from assessment.report.gap_view import BODY_TEXT_LIMIT
from assessment.report.text import md_after, md_inline
from assessment.report.view import say
from assessment.scoring import ScoringInput, build_report
from assessment.templates import render_message
from knowledge.corpus import default_corpus

NESTED = re.compile(r"\([^()]*\(")
VAGUE = ("purple elephants on tuesday", "it varies", "in a way", "we are working on it", "banana")
RAW_SOURCES = ("model", "quick_reply", "implied", "carve_out", "rules", "scoping", "confidence")


def _appendix(markdown: str) -> str:
    return markdown.split(f"## {say('section_appendix')}", 1)[1]


def _vendor_report(answer: str) -> Report:
    """A Type II report scored from one vendor-management answer (the founder's CC9.2 case)."""
    bank, corpus = default_bank(), default_corpus()
    question = next(q for q in bank.scored if q.id == "cc9_2_vendor_management")
    follow = next(f for f in question.followups if f.kind == "operating")
    records = {
        question.id: AnswerRecord(question.id, question.text, answer, "no", 0.93, "model", ("CC9.2",)),
        follow.id: AnswerRecord(follow.id, follow.text, answer, "no", 0.93, "implied", ("CC9.2",)),
    }
    return build_report(
        ScoringInput(("security",), "type2", records),
        bank,
        corpus,
        session_name="Orgly",
        generated_on="2026-12-02",
        answers=tuple(records.values()),
        subservices=(),
        profile={},
        questions_asked=2,
        finished=False,
    )


def test_a_gap_never_shows_a_truncation_marker_inside_its_text() -> None:
    answer = (  # the founder's words: with the Type II note the text passed the old 400-character cut
        "no list. we use aws, okta, github, slack, notion, rippling, sendgrid. "
        "never looked at their soc2 reports"
    )
    report = _vendor_report(answer)
    gap = next(g for g in build_view(report).gaps if g.criterion_id == "CC9.2")
    assert render_message("missing_not_operating") in gap.what_is_missing  # the sentence is whole
    assert "[…]" not in gap.what_is_missing and "truncated" not in gap.what_is_missing
    assert "[…]" not in str(render(report, "md")) and "\\[" not in str(render(report, "md"))


def test_long_texts_are_cut_at_a_word_with_an_ellipsis() -> None:
    words = " ".join(f"word{n}" for n in range(600))
    report = _vendor_report(words)
    scored = next(g for g in report.gaps if g.criterion_id == "CC9.2")
    excerpt = scored.what_is_missing.split("“", 1)[1].split("”", 1)[0]
    assert excerpt.endswith("…") and words.startswith(excerpt[:-1] + " ")  # a whole-word prefix
    base = make_report()
    long_gap = replace(base.gaps[0], what_is_missing=words)
    view = build_view(replace(base, gaps=[long_gap, *base.gaps[1:]]))
    shown = next(g for g in view.gaps if g.criterion_id == long_gap.criterion_id).what_is_missing
    assert shown.endswith("…") and len(shown) <= BODY_TEXT_LIMIT + 1
    assert words.startswith(shown[:-1] + " ")


def test_markdown_escapes_only_what_markdown_would_read() -> None:
    assert md_inline("cc2_3_external_communication") == "cc2_3_external_communication"
    assert md_inline("_emphasis_ and __init__") == "\\_emphasis\\_ and \\_\\_init\\_\\_"
    assert md_after("6.2 Information security objectives") == "6.2 Information security objectives"
    assert md_inline("6.2 at a line start") == "6\\.2 at a line start"
    assert md_after("first\n1. second") == "first  \n1\\. second"
    report = make_report()
    text = str(render(report, "md"))
    assert not re.search(r"\*\*: \d+\\\.", text)  # "**ISO …:** 6\.2" would show the backslash raw
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "\\" not in re.sub(r"<[^>]+>", "", rendered)


def test_the_cover_counts_the_answers_the_appendix_holds() -> None:
    base = make_report()
    skipped = AnswerRecord(
        "q_skipped", "A skipped question?", "(skipped)", "skipped", 0.0, "skipped", ("CC1.1",)
    )
    report = replace(base, answers=(*base.answers, skipped), questions_asked=len(base.answers) + 9)
    view = build_view(report)
    assert view.questions_answered == len(base.answers)
    assert view.questions_text == say("questions_skipped", answered=len(base.answers), skipped=1)
    text = str(render(report, "md"))
    assert f"| {view.t['questions_label']} | {view.questions_text} |" in text
    assert len(re.findall(r"^### \d+\. ", _appendix(text), flags=re.MULTILINE)) == len(report.answers)
    data = json.loads(str(render(report, "json")))
    assert data["questions_asked"] == report.questions_asked  # questions put, clarifications included


def test_the_first_three_gaps_say_why_they_come_first() -> None:
    report = make_report()
    view = build_view(report)
    text = str(render(report, "md"))
    assert f"### {view.t['top_gaps_label']}\n\n{md_inline(view.t['top_gaps_intro'])}\n" in text
    assert [g.criterion_id for g in view.top_gaps] == [g.criterion_id for g in view.gaps[:3]]
    for line in text.splitlines():
        if line.startswith(("1. **", "2. **", "3. **", "### ")):
            assert not NESTED.search(line), line  # "(Medium, M (3 to 4 weeks))" reads badly


def _interview_report() -> Report:
    iv = Interview(scope=["security"])
    iv.answer("No, we run our own servers")
    while (question := iv.next_question()) is not None and question.id != "cc3_2_risk_assessment":
        iv.answer("Yes")
    iv.answer("No, we've never done a risk assessment")  # settles what builds on it
    question = iv.next_question()
    assert question is not None
    vague = next(
        t for t in VAGUE if needs_clarification(interpret(t, question=question, options=question.options))
    )
    iv.answer(vague)
    clarify = iv.next_question()
    assert clarify is not None and clarify.kind == "clarify"
    iv.answer("Partly")
    return iv.report()


@pytest.fixture(scope="module")
def interviewed() -> Report:
    return _interview_report()


def test_the_appendix_quotes_only_what_the_founder_typed(interviewed: Report) -> None:
    view = build_view(interviewed)
    text = _appendix(str(render(interviewed, "md")))
    assert "builds on" not in text and "when asked to clarify:" not in text
    implied = [a for a in view.answers if a.follows_from]
    assert implied
    for a in implied:
        assert a.answer == "No, we've never done a risk assessment"
        assert a.understood == say(
            "appendix_understood_implied",
            label=view.t["answer_label_no"],
            how=say("source_implied", criterion=a.follows_from),
        )
    assert "> No, we've never done a risk assessment\n\n*" + implied[0].understood in text
    clarified = next(a for a in view.answers if a.clarification)
    assert clarified.answer in VAGUE and clarified.clarification == "Partly"
    assert f"> {clarified.answer}\n\n{clarified.clarified}\n\n" in text
    page = str(render(interviewed, "html"))
    assert f'<div class="answer">{clarified.answer}</div>' in page


def test_the_appendix_says_how_an_answer_was_read_in_plain_words(interviewed: Report) -> None:
    text = _appendix(str(render(interviewed, "md")))
    understood = [line for line in text.splitlines() if line.startswith("*")]
    assert understood
    for line in understood:
        assert not any(re.search(rf"\b{word}\b", line.split("*")[1]) for word in RAW_SOURCES), line
        assert not NESTED.search(line), line
    view = build_view(interviewed)
    assert all(a.label_text != "unknown" for a in view.answers)
    quick = [a for a in view.answers if a.source == "quick_reply"]
    assert quick and all(a.how == view.t["source_quick_reply"] for a in quick)


def test_headings_never_nest_parentheses() -> None:
    report = make_report()  # its provider's role is "Cloud hosting (infrastructure and physical security)"
    for fmt in ("md", "html"):
        headings = re.findall(r"^### .*$|<h3>.*?</h3>", str(render(report, fmt)), flags=re.MULTILINE)
        assert headings and not [h for h in headings if NESTED.search(re.sub(r"<[^>]+>", "", h))], fmt
    assert "(" not in render_message("role_carved")


def test_the_scoping_appendix_drops_the_chat_wording() -> None:
    iv = Interview()
    while (question := iv.next_question()) is not None and question.category == "scoping":
        if question.id == "scope_company_name":
            iv.answer("Orgly Inc.")
            break
        iv.answer(question.options[0] if question.options else "10")
    record = next(a for a in iv.answers() if a.question_id == "scope_company_name")
    scoping = next(q for q in default_bank().scoping if q.id == "scope_company_name")
    assert record.question_text == scoping.appendix_text
    assert scoping.appendix_text in scoping.text and scoping.appendix_text != scoping.text


def test_a_short_page_flows_into_the_next_section() -> None:
    base = make_report()
    long = " ".join(["This is a long explanation of what is missing for this gap."] * 12)
    gaps = [replace(g, what_is_missing=long) for g in base.gaps[:3]] + list(base.gaps[3:])
    report = replace(base, gaps=gaps)
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(render(report, "pdf"))).pages]
    chart = say("chart_overall", overall=round(report.overall))
    page = next(i for i, p in enumerate(pages) if chart in " ".join(p.split()))
    assert say("section_summary") not in pages[page]  # the chart moved past the summary page ...
    assert say("section_gaps") in pages[page]  # ... and the gaps follow it on that page


def test_the_change_history_names_a_question_by_its_criteria_not_its_internal_id() -> None:
    from assessment.models import RevisionRecord

    report = make_report()
    answer = next(a for a in report.answers if a.criteria)
    change = RevisionRecord(
        answer.question_id, "Do you?", "2026-12-02T09:15:00+00:00", "", "No", "no", "Yes", "yes"
    )
    report = replace(report, revisions=(change,))
    ref = ", ".join(answer.criteria)
    for fmt in ("md", "html"):
        text = str(render(report, fmt))
        history = text[text.index(say("section_revisions")) :]
        assert f"{ref}: Do you?" in history and f"{answer.question_id}:" not in history
