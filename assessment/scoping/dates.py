"""The deadline reader: a target date from what a founder writes, and how it was worked out.

"June 30, 2027" is a date; "next autumn", "end of next year" or "in 6-12 months" are not, so a
sensible date is taken (the end of the period named, the later end of a range) and the reading
says how, for the echo ("I took 2026-11-30 for “next autumn”"). Pure functions of the text and
``today`` (the session's first day), so a session replays to the same profile. Date arithmetic and
day-month dates without a year go through python-dateutil.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from assessment.scoping.text import UNITS, without_lead_in
from assessment.templates import render_message
from knowledge.text import lower_line

# exact: a date as written; period_end / period_middle / period_early: the last day, the middle or
# the end of the first quarter of a named period; season_*: likewise for a season; from_today: a
# span counted from today; range_end: the later end of a range; soon: "ASAP", three months.
Basis = Literal[
    "exact",
    "period_end",
    "period_middle",
    "period_early",
    "season_end",
    "season_early",
    "season_mid",
    "from_today",
    "range_end",
    "soon",
]
Season = Literal["spring", "summer", "autumn", "winter"]


@dataclass(frozen=True)
class DateReading:
    """A target date as read: the date, the words it was read from and how it was worked out."""

    value: date
    phrase: str  # the founder's words the date came from ("next autumn")
    basis: Basis
    season: Season | None = None  # for a season: which one, and the year it starts in
    season_word: str = ""  # the founder's word for it ("fall")
    season_year: int | None = None

    @property
    def exact(self) -> bool:
        """True when the date was written out, so there is nothing to explain."""
        return self.basis == "exact"


_MONTHS = (
    {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
    | {"sept": 9}
)
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(20\d{2})"
_NUMBER = r"(\d{1,2}|[a-z]+)"
_DASH = r"\s*(?:-|–|—|to|or|and)\s*"
SEASON_START: dict[Season, int] = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}  # meteorological
_SEASON_WORDS: dict[str, Season] = {
    "spring": "spring",
    "summer": "summer",
    "autumn": "autumn",
    "fall": "autumn",
    "winter": "winter",
}
_SEASON = re.compile(
    r"\b(?:(?P<part>early|mid|middle of|late|end of|the end of|start of|beginning of|the start of)[\s-]+"
    r"(?:the\s+)?)?(?:(?P<rel>this|next|coming|upcoming|the coming)\s+)?"
    r"(?P<season>spring|summer|autumn|fall|winter)"
    rf"(?:\s+(?:of\s+)?(?:{_YEAR}|(?P<next>next year)|(?P<this>this year)))?\b"
)
_SOON = re.compile(
    r"\b(?:asap|as soon as (?:\w+ )?possible|urgent(?:ly)?|right away|immediately|yesterday|"
    r"as fast as (?:\w+ )?possible)\b"
)


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months (the day clipped to the month's length)."""
    moved: date = start + relativedelta(months=months)
    return moved


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` in ``year``."""
    end: date = date(year, month, 1) + relativedelta(day=31)  # day=31 clips to the month's last day
    return end


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(today: date, month: int, year: int | None) -> date:
    if year is not None:
        return month_end(year, month)
    end = month_end(today.year, month)
    return end if end >= today else month_end(today.year + 1, month)


def _amount(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return {"a": 1, "an": 1, "couple": 2, "few": 3, **UNITS}.get(word)


def season_span(season: Season, year: int) -> tuple[date, date]:
    """First and last day of ``season`` starting in ``year`` (winter runs into the next year)."""
    first = date(year, SEASON_START[season], 1)
    last_month = first + relativedelta(months=2)
    return first, month_end(last_month.year, last_month.month)


def _season_reading(match: re.Match[str], today: date) -> DateReading | None:
    word, rel, part = match["season"], match["rel"], match["part"]
    named_year = int(match[4]) if match[4] else None
    if word == "fall" and not (rel or part or named_year or match["next"] or match["this"]):
        before = match.string[: match.start()].rstrip()
        if not re.search(r"\b(?:by|in|the|before|until|during|around|for)$", before):
            return None  # "we fall under ..." is no season
    season = _SEASON_WORDS[word]
    if named_year is not None:
        year = named_year
    elif match["next"] or match["this"]:
        year = today.year + (1 if match["next"] else 0)
    else:  # the coming one; "next autumn" said in autumn is the one after
        year = today.year - 1
        while True:
            first, last = season_span(season, year)
            if (first > today) if rel == "next" else (last >= today):
                break
            year += 1
    first, last = season_span(season, year)
    basis: Basis = "season_end"
    value = last
    if part in ("early", "start of", "beginning of", "the start of"):
        basis, value = "season_early", month_end(first.year, first.month)
    elif part in ("mid", "middle of"):
        middle = first + relativedelta(months=1)
        basis, value = "season_mid", month_end(middle.year, middle.month)
    return DateReading(value, match[0], basis, season, word, year)


def _day_month(match: re.Match[str], day: str, month: str, today: date) -> DateReading | None:
    """ "Feb 15", "the 15th of March": the next such day, read by dateutil."""
    try:
        parsed = date_parser.parse(f"{day} {month}", default=datetime(today.year, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
    if parsed < today:
        parsed = parsed + relativedelta(years=1)
    return DateReading(parsed, match[0], "exact")


def _relative_year(norm: str, today: date) -> DateReading | None:
    """ "end of next year", "early next year", "next year", "end of the year"."""
    which = r"(?:the |this )?year|next year"
    if match := re.search(
        rf"\b(early|start of|beginning of|the start of|the beginning of|mid|middle of|the middle of|"
        rf"late|end of|the end of|by the end of)[\s-]+(?:the\s+)?({which})\b",
        norm,
    ):
        year = today.year + (1 if match[2] == "next year" else 0)
        part = match[1].removeprefix("the ").removeprefix("by the ")
        if part in ("early", "start of", "beginning of"):
            return DateReading(date(year, 3, 31), match[0], "period_early")
        if part in ("mid", "middle of"):
            return DateReading(date(year, 6, 30), match[0], "period_middle")
        return DateReading(date(year, 12, 31), match[0], "period_end")
    if match := re.search(r"\bnext year\b", norm):
        return DateReading(date(today.year + 1, 6, 30), match[0], "period_middle")
    if match := re.search(r"\b(?:end of|by|before) (?:the |this )?year\b|\byear[- ]end\b", norm):
        return DateReading(date(today.year, 12, 31), match[0], "period_end")
    return None


def _span(norm: str, today: date) -> DateReading | None:
    """ "in 6-12 months" (the later end), "within six months", "8 weeks", "half a year"."""
    unit = r"(month|week|year|quarter)s?\b"
    lead = r"(?:\b(?:in|within|next|over the next|in the next|about|around|roughly|like|maybe)\s+)?"
    between = rf"{lead}(?:between\s+)?{_NUMBER}{_DASH}{_NUMBER}\s+{unit}"
    if (match := re.search(between, norm)) and (amount := _amount(match[2])) is not None:
        return DateReading(_moved(today, amount, match[3]), match[0].strip(), "range_end")
    if match := re.search(r"\b(?:half a year|six months|a half year)\b", norm):
        return DateReading(add_months(today, 6), match[0], "from_today")
    spans = (
        r"\b(?:in|within|next|over the next|in the next)\s+(?:about |around |roughly |the next |a |~)?"
        rf"{_NUMBER}\s+{unit}",
        rf"(?:^|\b(?:about|around|roughly|like|maybe|probably)\s+|~)(\d{{1,2}}|[a-z]+)\s+{unit}",
    )
    for pattern in spans:
        if (match := re.search(pattern, norm)) and (amount := _amount(match[1])) is not None:
            return DateReading(_moved(today, amount, match[2]), match[0].strip(" ~"), "from_today")
    return None


def _moved(today: date, amount: int, unit: str) -> date:
    delta = {
        "month": relativedelta(months=amount),
        "week": relativedelta(weeks=amount),
        "year": relativedelta(years=amount),
        "quarter": relativedelta(months=3 * amount),
    }[unit]
    moved: date = today + delta
    return moved


def read_deadline(text: Any, today: date) -> DateReading | None:
    """A target date from ISO, "June 30, 2027", "30/06/2027", "Feb 15", "March 2027", "Q3 2026",
    "H1 2027", "next autumn", "end of next year", "in 6-12 months", "next quarter" or "ASAP";
    lead-ins such as "as I said," are ignored. None when the text names no date."""
    norm = without_lead_in(lower_line(str(text)))
    if match := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", norm):
        found = _safe(int(match[1]), int(match[2]), int(match[3]))
        return DateReading(found, match[0], "exact") if found else None
    if match := re.fullmatch(r"\+(\d{1,2})m", norm):
        return DateReading(add_months(today, int(match[1])), match[0], "from_today")
    if match := re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](20\d{2})\b", norm):
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if first > 12 else (second, first)
        found = _safe(int(match[3]), month, day)
        return DateReading(found, match[0], "exact") if found else None
    if match := re.search(r"\b(\d{1,2})/(20\d{2})\b", norm):
        if not 1 <= int(match[1]) <= 12:
            return None
        return DateReading(month_end(int(match[2]), int(match[1])), match[0], "period_end")
    if match := re.search(rf"\b({_MONTH_RE})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? {_YEAR}", norm):
        found = _safe(int(match[3]), _MONTHS[match[1]], int(match[2]))
        return DateReading(found, match[0], "exact") if found else None
    if match := re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MONTH_RE})\.?,? {_YEAR}", norm):
        found = _safe(int(match[3]), _MONTHS[match[2]], int(match[1]))
        return DateReading(found, match[0], "exact") if found else None
    if match := re.search(rf"\bq([1-4])\s*(?:of\s*)?(?:{_YEAR}|'?(\d{{2}}))?\b", norm):
        year = int(match[2]) if match[2] else (2000 + int(match[3]) if match[3] else None)
        return DateReading(_upcoming(today, int(match[1]) * 3, year), match[0], "period_end")
    if match := re.search(rf"\b(?:h([12])|(first|second) half(?: of)?)\s*{_YEAR}?", norm):
        half = int(match[1]) if match[1] else (1 if match[2] == "first" else 2)
        value = _upcoming(today, 6 * half, int(match[3]) if match[3] else None)
        return DateReading(value, match[0].strip(), "period_end")
    day_first = re.search(rf"\b(?:the )?(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MONTH_RE})\b", norm)
    if day_first and (reading := _day_month(day_first, day_first[1], day_first[2], today)) is not None:
        return reading
    month_first = re.search(rf"\b({_MONTH_RE})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?![\d:])", norm)
    if month_first and (reading := _day_month(month_first, month_first[2], month_first[1], today)):
        return reading
    if (match := _SEASON.search(norm)) and (season := _season_reading(match, today)) is not None:
        return season
    if span := _span(norm, today):
        return span
    modal = r"\b(?:by|in|end of|before|until)\s+ma[yr]\b"  # "may" and "mar" are also plain words
    if (match := re.search(rf"\b({_MONTH_RE})\b\.?(?:,? {_YEAR})?", norm)) and (
        match[1] not in ("may", "mar") or match[2] or re.search(modal, norm)
    ):
        value = _upcoming(today, _MONTHS[match[1]], int(match[2]) if match[2] else None)
        return DateReading(value, match[0], "period_end")
    if match := re.search(
        rf"\b(early|mid|middle of|late|end of|start of|beginning of)\s+(?:the year\s+)?{_YEAR}", norm
    ):
        month = {"early": 3, "start of": 3, "beginning of": 3, "mid": 6, "middle of": 6}.get(match[1], 12)
        basis: Basis = "period_early" if month == 3 else "period_middle" if month == 6 else "period_end"
        return DateReading(month_end(int(match[2]), month), match[0], basis)
    if match := re.search(
        rf"^(?:by |in |before |during |for )?{_YEAR}$|\b(?:by|in|before|during|for)\s+{_YEAR}\b", norm
    ):
        return DateReading(month_end(int(match[1] or match[2]), 12), match[0], "period_end")
    if match := _SOON.search(norm):
        return DateReading(add_months(today, 3), match[0], "soon")
    if match := re.search(r"\b(this|next) quarter\b|\bend of (?:the |this )?quarter\b", norm):
        quarter_end = month_end(today.year, ((today.month - 1) // 3 + 1) * 3)
        value = add_months(quarter_end, 3) if match[1] == "next" else quarter_end
        return DateReading(month_end(value.year, value.month), match[0], "period_end")
    if match := re.search(r"\b(this|next) month\b|\bend of (?:the |this )?month\b", norm):
        value = add_months(today, 1) if match[1] == "next" else today
        return DateReading(month_end(value.year, value.month), match[0], "period_end")
    return _relative_year(norm, today)


def explain(reading: DateReading) -> str:
    """How a date worked out from words was taken, for the echo ("the last day of autumn 2026, ...")."""
    if reading.season is not None and reading.season_year is not None:
        first = season_span(reading.season, reading.season_year)[0]
        middle = first + relativedelta(months=1)
        return render_message(
            f"date_basis_{reading.basis}",
            season=reading.season_word,
            year=reading.season_year,
            months=render_message(f"date_season_months_{reading.season}"),
            first_month=calendar.month_name[first.month],
            middle_month=calendar.month_name[middle.month],
        )
    return render_message(f"date_basis_{reading.basis}")
