"""The date kind: ISO text, the GOV.UK date input's boxes, dates as people write them, and
bounds, for whole dates and for months."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import EMPTY, Question
from surveykit_kinds import Date

DATE = Date()


def question(**settings) -> Question:
    return Question(id="q6", text="When?", kind="date", number="6", settings=settings)


def check(value, **settings):
    return DATE.checker(question(**settings))(value)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-05",
        {"day": "5", "month": "3", "year": "2024"},
        {"day": " 05 ", "month": "Mar", "year": "2024"},
        {"day": 5, "month": 3, "year": 2024},
        "5/3/2024",
        "05-03-2024",
        "5.3.2024",
        "5 March 2024",
        "5th Mar 2024",
        "5th of march, 2024",
        "Tuesday 5 March 2024",
        " 5 MARCH 2024\n",
    ],
)
def test_every_form_of_a_day_is_read_day_first(raw):
    assert check(raw) == "2024-03-05"


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03",
        "March 2024",
        "mar 2024",
        "3/2024",
        "03-2024",
        {"month": "3", "year": "2024"},
        {"day": "", "month": "March", "year": "2024"},
        "2024-03-31",
        "31 March 2024",
    ],
)
def test_a_month_is_read_from_a_month_or_a_whole_date(raw):
    assert check(raw, precision="month") == "2024-03"


@pytest.mark.parametrize("blank", [None, "", " ", {"day": "", "month": "", "year": ""}, {}])
def test_blank_is_no_answer(blank):
    assert check(blank) is EMPTY


@pytest.mark.parametrize(
    ("raw", "settings", "expected"),
    [
        ("5/3/24", {}, ("not_a_date", "Question 6: the year must have 4 digits, like 2024")),
        (
            "31/2/2024",
            {},
            ("not_a_date", "Question 6: enter a real date: February 2024 has no day 31"),
        ),
        (
            "2023-02-29",
            {},
            ("not_a_date", "Question 6: enter a real date: February 2023 has no day 29"),
        ),
        ("13/13/2024", {}, ("not_a_date", "Question 6: the month must be a number from 1 to 12")),
        ("March 2024", {}, ("not_a_date", "Question 6: the date must include a day")),
        (
            {"day": "5", "year": "2024"},
            {},
            ("not_a_date", "Question 6: the date must include a month"),
        ),
        (
            "soon",
            {},
            (
                "not_a_date",
                "Question 6: enter the date as day, month and year, like 5 March 2024",
            ),
        ),
        (
            "soon",
            {"precision": "month"},
            ("not_a_date", "Question 6: enter the month and year, like March 2024"),
        ),
        (
            "2027-04-01",
            {"latest": dt.date(2027, 3, 31)},
            ("too_late", "Question 6: the date must be on or before 31 March 2027"),
        ),
        (
            "31/12/2019",
            {"earliest": dt.date(2020, 1, 1)},
            ("too_early", "Question 6: the date must be on or after 1 January 2020"),
        ),
        (
            "2020-01",
            {"precision": "month", "earliest": dt.date(2020, 2, 15)},
            ("too_early", "Question 6: the date must be February 2020 or later"),
        ),
        (
            "9999-12-31",
            {"latest": "today"},
            ("too_late", "Question 6: the date must be on or before today"),
        ),
        (
            5,
            {},
            (
                "wrong_type",
                "Question 6: enter the date as day, month and year, like 5 March 2024, "
                "not a number",
            ),
        ),
    ],
)
def test_wrong_dates_say_what_to_write(raw, settings, expected):
    result = check(raw, **settings)
    assert (result.code, result.message) == expected


def test_a_month_in_range_is_accepted_whatever_day_the_bound_falls_on():
    """Month answers compare by month: February 2020 is not before earliest = 2020-02-15."""
    assert check("February 2020", precision="month", earliest=dt.date(2020, 2, 15)) == "2020-02"


def test_today_is_read_when_the_answer_is_checked():
    today = dt.date.today()
    assert check(today.isoformat(), latest="today", earliest="today") == today.isoformat()


@given(st.dates(dt.date(1000, 1, 1)))
def test_every_written_form_of_a_day_agrees_with_iso(day):
    iso = day.isoformat()
    written = [
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d-%m}-{day.year:04d}",
        {"day": str(day.day), "month": str(day.month), "year": f"{day.year:04d}"},
    ]
    assert [check(w) for w in written] == [iso] * len(written)


@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        ({"precision": "month", "earliest": dt.date(2020, 1, 1), "latest": "today"}, []),
        ({"earliest": "2024-03-05", "latest": "2025-01-01"}, []),
        (
            {"precision": "week"},
            [("precision", 'precision must be "day" or "month", not \'week\'')],
        ),
        (
            {"earliest": dt.date(2027, 3, 31), "latest": dt.date(2020, 1, 1)},
            [("earliest", "earliest (31 March 2027) is after latest (1 January 2020)")],
        ),
        (
            {"latest": "tomorrow"},
            [("latest", "latest must be a date such as 2024-03-05, or \"today\"; not 'tomorrow'")],
        ),
        (
            {"latest": dt.datetime(2024, 1, 1, 12)},
            [("latest", "latest must be a date without a time of day, like 2024-03-05")],
        ),
    ],
)
def test_settings_are_checked(settings, problems):
    assert DATE.check_settings(question(**settings)) == problems


def test_the_answer_type_follows_the_precision():
    assert DATE.answer_type_of(question()) == "date"
    assert DATE.answer_type_of(question(precision="month")) == "month"
