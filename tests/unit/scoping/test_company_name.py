"""The company's name: an optional scoping question, then the report's cover, title and file names."""

from __future__ import annotations

from datetime import date

import pytest

from assessment import Interview
from assessment.bank.loader import default_bank
from assessment.models import Question
from assessment.report.view import file_stem, report_title
from assessment.scoping.profile import company_name_from, parse_scoping_answer
from assessment.templates import render_message

ANSWERS = {
    "company_size": "about 12 people",
    "hosting": "Everything runs on AWS",
    "has_office": "no, we're fully remote",
    "personal_data": "yes",
    "uptime_commitment": "no",
    "processes_for_customers": "no",
    "confidential_data": "no",
    "report_type": "Type I",
    "audit_deadline": "no date yet",
}


class NoSearch:
    """Stands in for the Retriever: these flows never ask a side question."""

    def search(self, query: str, k: int = 5, categories: object = None) -> list[object]:
        raise AssertionError("no side question expected")


def _question() -> object:
    return next(q for q in default_bank().scoping if q.field == "company_name")


def _to_name_question(iv: Interview) -> Question:
    fields = {q.id: q.field for q in default_bank().scoping}
    question = iv.next_question()
    while question is not None and question.kind == "scoping" and fields[question.id] != "company_name":
        iv.answer(ANSWERS[fields[question.id]])
        question = iv.next_question()
    assert question is not None and question.id == "scope_company_name"
    return question


def test_the_question_is_optional_free_text_and_asked_last_in_scoping() -> None:
    scoping = default_bank().scoping
    question = scoping[-1]
    assert question.field == "company_name" and question.value_type == "text" and question.optional
    assert "skip" in question.text.lower() and [o.label for o in question.options] == ["Skip"]


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("Acme Analytics", "Acme Analytics"),
        ("We're Acme Analytics.", "Acme Analytics"),
        ('Our company is called "Brightcart Inc."', "Brightcart Inc."),
        ("Name: Ledgerly", "Ledgerly"),
        ("  Zoë & Co  ", "Zoë & Co"),
        ("Acme\x00\nCorp", "Acme Corp"),
        ("no", None),
        ("rather not say", None),
        ("N/A", None),
        ("not sure", None),
        ("", None),
    ],
)
def test_names_are_read_and_declines_leave_it_unset(said: str, name: str | None) -> None:
    assert company_name_from(said) == name
    parsed = parse_scoping_answer(_question(), said, date(2026, 3, 2))  # type: ignore[arg-type]
    assert parsed.confident and parsed.value == name
    if name is None:
        assert parsed.shown == render_message("scoping_not_given")


def test_long_names_are_cut_and_markup_is_not_echoed() -> None:
    assert len(company_name_from("A" * 5000) or "") == 120
    parsed = parse_scoping_answer(_question(), "**Evil** [x](javascript:1)", date(2026, 3, 2))  # type: ignore[arg-type]
    assert parsed.value == "**Evil** [x](javascript:1)"  # kept as typed; the report escapes it
    assert not set("*[]()") & set(parsed.shown)  # the chat acknowledgement shows only the words


def test_name_answer_sets_profile_title_and_file_names() -> None:
    iv = Interview(retriever=NoSearch())
    _to_name_question(iv)
    reply = iv.answer("We're Linear Labs.")
    assert reply.message == render_message("scoping_ack", shown="Linear Labs")
    assert iv.next_question().kind == "scope_confirm"  # type: ignore[union-attr]
    report = iv.report()
    assert report.profile["company_name"] == "Linear Labs"
    assert report_title(report) == "SOC 2 Readiness Report: Linear Labs"
    assert file_stem(report) == "soc2-readiness-report-linear-labs"
    assert "Linear" not in {s.name for s in report.subservices}  # the company's name is no vendor


@pytest.mark.parametrize("said", ["skip", "", "   ", "Skip"])
def test_skip_or_nothing_leaves_the_name_unset(said: str) -> None:
    iv = Interview(retriever=NoSearch())
    _to_name_question(iv)
    reply = iv.answer(said)
    assert reply.kind == "command"
    assert iv.next_question().kind == "scope_confirm"  # type: ignore[union-attr]
    report = iv.report()
    assert "company_name" not in report.profile
    assert report_title(report) == render_message("report_title", "report/strings.yaml")
    assert file_stem(report) == "soc2-readiness-report"


def test_empty_answer_elsewhere_is_still_an_error() -> None:
    iv = Interview(retriever=NoSearch())
    reply = iv.answer("")
    assert reply.kind == "error" and reply.message == render_message("empty_answer")
    assert iv.next_question().id == "scope_company_size"  # type: ignore[union-attr]


def test_session_round_trip_keeps_the_name() -> None:
    iv = Interview(retriever=NoSearch())
    _to_name_question(iv)
    iv.answer("Acme Analytics")
    again = Interview.from_dict(iv.to_dict(), retriever=NoSearch())
    assert again.report().profile["company_name"] == "Acme Analytics"


def test_tools_named_as_in_use_in_answers_become_subservices() -> None:
    iv = Interview(scope={"security"}, retriever=NoSearch())
    iv.answer("Yes, all on AWS, fully remote")  # the carve-out question
    question = iv.next_question()
    assert question is not None and question.kind == "scored"
    iv.answer("Yes, we use Google Workspace for email and Okta for SSO; we might buy Jamf next year.")
    report = iv.report()
    names = [s.name for s in report.subservices]
    assert names[0] == "AWS" and "Google Workspace" in names and "Okta" in names
    assert "Jamf" not in names
    assert [c.id for c in report.user_entity_controls][:2] == ["manage_users", "report_leavers"]
