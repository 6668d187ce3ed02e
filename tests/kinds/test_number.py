"""The number kind: every text and JSON form it reads, its bounds, decimals and units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import EMPTY, Question, Rejected
from surveykit_kinds import Number

NUMBER = Number()


def question(**settings) -> Question:
    return Question(id="q5", text="How many?", kind="number", number="5", settings=settings)


def check(value, **settings):
    return NUMBER.checker(question(**settings))(value)


@pytest.mark.parametrize(
    ("raw", "settings", "stored"),
    [
        (250, {}, 250),
        (12.0, {}, 12),
        ("1,250", {}, 1250),
        (" 12.5 ", {"decimals": 1}, 12.5),
        ("-3", {}, -3),
        ("\u22123", {}, -3),
        ("+4", {}, 4),
        ("£12.50", {"unit": "£", "unit_prefix": True, "decimals": 2}, 12.5),
        ("-£3", {"unit": "£", "unit_prefix": True}, -3),
        ("£-3", {"unit": "£", "unit_prefix": True}, -3),
        ("12.5 kg", {"unit": "kg", "decimals": 1}, 12.5),
        ("12.5KG", {"unit": "kg", "decimals": 1}, 12.5),
        ("250 people", {"unit": "people"}, 250),
        (".5", {"decimals": 2}, 0.5),
        ("12.50", {"decimals": 1}, 12.5),
        (7, {"decimals": 2}, 7.0),
        ("0.1", {"min": 0.1, "decimals": 1}, 0.1),
    ],
)
def test_every_form_of_a_number_is_read(raw, settings, stored):
    """Numbers from JSON and as people type them are stored as one int or float."""
    result = check(raw, **settings)
    assert result == stored
    assert result.__class__ is stored.__class__


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_is_no_answer(blank):
    assert check(blank) is EMPTY


@pytest.mark.parametrize(
    ("raw", "settings", "expected"),
    [
        (
            "lots",
            {"unit": "people"},
            ("not_a_number", "Question 5: enter a number of people, such as 250"),
        ),
        (
            "12.5 kg",
            {"unit": "people"},
            ("not_a_number", "Question 5: enter a number of people, such as 250"),
        ),
        ("£12", {}, ("not_a_number", "Question 5: enter a number, such as 250")),
        ("1,25", {}, ("not_a_number", "Question 5: enter a number, such as 250")),
        ("1e3", {}, ("not_a_number", "Question 5: enter a number, such as 250")),
        (
            "twelve",
            {"unit": "£", "unit_prefix": True, "decimals": 2},
            ("not_a_number", "Question 5: enter an amount, such as £250.00"),
        ),
        (12.5, {}, ("too_precise", "Question 5: enter a whole number, such as 250")),
        (
            "2.5",
            {"min": 1, "max": 20, "unit": "people"},
            ("too_precise", "Question 5: enter a whole number of people, such as 1"),
        ),
        (
            "£2.50",
            {"unit": "£", "unit_prefix": True},
            ("too_precise", "Question 5: enter a whole number, such as £250"),
        ),
        (
            "12.345",
            {"decimals": 2},
            (
                "too_precise",
                "Question 5: the number can have at most 2 decimal places, such as 250.00",
            ),
        ),
        (0, {"min": 1}, ("too_small", "Question 5: the number must be 1 or more")),
        ("0", {"min": 0.5}, ("too_small", "Question 5: the number must be 1 or more")),
        (
            251,
            {"max": 250, "unit": "people"},
            ("too_large", "Question 5: the number of people must be 250 or less"),
        ),
        (
            "-£1",
            {"min": 0, "unit": "£", "unit_prefix": True},
            ("too_small", "Question 5: the amount must be £0 or more"),
        ),
        (10**20, {}, ("too_large", "Question 5: the number must be 999,999,999,999,999 or less")),
        (float("nan"), {}, ("not_a_number", "Question 5: enter a number, such as 250")),
        (True, {}, ("wrong_type", "Question 5: enter a number, such as 250, not a yes/no value")),
        ([1], {}, ("wrong_type", "Question 5: enter a number, such as 250, not a list")),
    ],
)
def test_wrong_numbers_say_what_to_write(raw, settings, expected):
    """Each refusal names the question and says what to enter, with an example in range."""
    result = check(raw, **settings)
    assert (result.code, result.message) == expected


def test_the_example_in_a_message_lies_within_the_bounds():
    assert check("x", min=1000, max=2000).message == "Question 5: enter a number, such as 1,000"


@given(st.integers(-(10**14), 10**14), st.integers(0, 6))
def test_text_and_json_forms_agree(units, decimals):
    """A number typed with thousands commas is stored as the JSON number with that value."""
    settings = {"decimals": decimals}
    value = units / 10**decimals
    typed = f"{value:,.{decimals}f}"
    assert check(typed, **settings) == check(value, **settings)


@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        ({"min": 1, "max": 10, "decimals": 2, "unit": "£", "unit_prefix": True}, []),
        ({"min": 10, "max": 1}, [("min", "min (10) is more than max (1)")]),
        (
            {"min": 0.2, "max": 0.8},
            [("min", "no number with 0 decimal places lies between min (0.2) and max (0.8)")],
        ),
        ({"decimals": -1}, [("decimals", "decimals must be a whole number from 0 to 6, not -1")]),
        (
            {"decimals": True},
            [("decimals", "decimals must be a whole number from 0 to 6, not True")],
        ),
        ({"min": "1"}, [("min", "min must be a number, not '1'")]),
        ({"max": float("inf")}, [("max", "max must be a number, not inf")]),
        (
            {"max": 10**16},
            [("max", "max must be less than 1,000,000,000,000,000 in size, not 10000000000000000")],
        ),
        (
            {"unit": "2x"},
            [
                (
                    "unit",
                    "unit '2x' must not start or end with a space or a digit: "
                    "respondents type it next to the number",
                )
            ],
        ),
        (
            {"unit": "k.g"},
            [("unit", "unit 'k.g' must not hold a comma, full stop, plus or minus sign")],
        ),
        ({"unit": 5}, [("unit", "unit must be a short piece of text, not 5")]),
        (
            {"unit_prefix": True},
            [("unit_prefix", "unit_prefix needs a unit to put before the number")],
        ),
        (
            {"unit": "£", "unit_prefix": "yes"},
            [("unit_prefix", "unit_prefix must be true or false, not 'yes'")],
        ),
    ],
)
def test_settings_are_checked(settings, problems):
    assert NUMBER.check_settings(question(**settings)) == problems


def test_a_wrong_answer_is_a_rejection_not_an_exception():
    assert check({"a": 1}).__class__ is Rejected
