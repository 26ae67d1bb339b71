"""The deadline reader: seasons, relative phrases and ranges become a date, and the echo says which."""

from __future__ import annotations

from datetime import date

import pytest

from assessment import Interview
from assessment.bank.loader import default_bank
from assessment.scoping.dates import explain, read_deadline
from assessment.scoping.profile import parse_scoping_answer
from assessment.templates import render_message

SUMMER = date(2026, 7, 15)
AUTUMN = date(2026, 10, 10)  # "next autumn" said in autumn is the one after
DEADLINE = next(q for q in default_bank().scoping if q.field == "audit_deadline")


@pytest.mark.parametrize(
    ("text", "today", "expected", "basis"),
    [
        ("next autumn", SUMMER, date(2026, 11, 30), "season_end"),
        ("next fall", AUTUMN, date(2027, 11, 30), "season_end"),
        ("as I said, next autumn", SUMMER, date(2026, 11, 30), "season_end"),
        ("Like I said before: by the fall", SUMMER, date(2026, 11, 30), "season_end"),
        ("this spring", date(2027, 1, 20), date(2027, 5, 31), "season_end"),
        ("autumn 2027", SUMMER, date(2027, 11, 30), "season_end"),
        ("this winter", date(2026, 12, 5), date(2027, 2, 28), "season_end"),
        ("early autumn", SUMMER, date(2026, 9, 30), "season_early"),
        ("end of next year", SUMMER, date(2027, 12, 31), "period_end"),
        ("early next year", SUMMER, date(2027, 3, 31), "period_early"),
        ("next year", SUMMER, date(2027, 6, 30), "period_middle"),
        ("in 6-12 months", SUMMER, date(2027, 7, 15), "range_end"),
        ("6 to 12 months", SUMMER, date(2027, 7, 15), "range_end"),
        ("between 3 and 6 months", SUMMER, date(2027, 1, 15), "range_end"),
        ("half a year or so", SUMMER, date(2027, 1, 15), "from_today"),
        ("8 weeks", SUMMER, date(2026, 9, 9), "from_today"),
        ("next month", SUMMER, date(2026, 8, 31), "period_end"),
        ("Feb 15", SUMMER, date(2027, 2, 15), "exact"),
        ("by the 15th of March", SUMMER, date(2027, 3, 15), "exact"),
        ("next summer, july 1 at the latest", SUMMER, date(2027, 7, 1), "exact"),
        ("June 30, 2027", SUMMER, date(2027, 6, 30), "exact"),
    ],
)
def test_a_deadline_in_words_becomes_a_date(text: str, today: date, expected: date, basis: str) -> None:
    reading = read_deadline(text, today)
    assert reading is not None and (reading.value, reading.basis) == (expected, basis)


@pytest.mark.parametrize("text", ["no date yet", "we fall behind on paperwork", "whenever"])
def test_words_that_name_no_date_are_not_read_as_one(text: str) -> None:
    assert read_deadline(text, SUMMER) is None


def test_the_deadline_answer_keeps_how_the_date_was_taken() -> None:
    parsed = parse_scoping_answer(DEADLINE, "as I said, next autumn", SUMMER)
    assert parsed.confident and parsed.value == "2026-11-30"
    assert parsed.reading is not None and parsed.reading.phrase == "next autumn"
    exact = parse_scoping_answer(DEADLINE, "2027-03-31", SUMMER)
    assert exact.value == "2027-03-31" and exact.reading is None


def _to_deadline(iv: Interview) -> None:
    while (question := iv.next_question()) is not None and question.id != DEADLINE.id:
        iv.answer("we want Type II by next autumn" if "Type" in question.text else question.options[0])


def test_the_echo_says_which_date_was_taken() -> None:
    iv = Interview()
    _to_deadline(iv)
    reply = iv.answer("as I said, next autumn")
    reading = read_deadline("next autumn", date.fromisoformat(iv.to_dict()["created_on"]))
    assert reading is not None
    expected = render_message(
        "date_taken", date=reading.value.isoformat(), phrase="next autumn", basis=explain(reading)
    )
    assert reply.message == expected
    assert iv.profile["audit_deadline"] == reading.value.isoformat()


def test_a_quick_reply_range_says_its_date_too() -> None:
    iv = Interview()
    _to_deadline(iv)
    reply = iv.answer("6–12 months")
    reading = read_deadline("6–12 months", date.fromisoformat(iv.to_dict()["created_on"]))
    assert reading is not None and reading.basis == "range_end"
    phrase = "6–12 months"
    expected = render_message(
        "date_taken", date=reading.value.isoformat(), phrase=phrase, basis=explain(reading)
    )
    assert reply.message == expected


def test_an_exact_date_is_echoed_as_it_was() -> None:
    iv = Interview()
    _to_deadline(iv)
    assert iv.answer("2027-06-30").message == render_message("scoping_ack", shown="2027-06-30")
