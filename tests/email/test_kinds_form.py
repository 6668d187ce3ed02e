"""The email form asks every kind of question so that a person can answer by typing a reply."""

from __future__ import annotations

from typing import Any

from attrs import frozen
from mailtools import reply

from kindspecs import RESIDENTS, spec_text
from surveykit import EMPTY, Rejected, get_plugins, load_spec, loads_spec
from surveykit.plugins import Registry
from surveykit_email.form import WIDTH, write_form
from surveykit_email.items import form_items
from surveykit_email.parse import read_reply

FORM = write_form(load_spec(RESIDENTS), reference="SK-2TX4-64WF-G91Z")


def _block(number: str) -> str:
    """The lines of one item of the form, from its number to the next blank line."""
    start = FORM.index(f"\n{number}. ") + 1
    end = FORM.index("\n\n", start)
    return FORM[start:end]


def test_a_number_says_what_to_write_with_its_unit_and_bounds():
    block = _block("3")
    assert "Write a number of people, such as 3. It must be from 1 to 20." in block
    assert "Your answer:" in block
    money = _block("12")
    assert "Write an amount, such as £250.00. It must be from £0.00 to £500.00." in money


def test_a_date_asks_for_a_day_or_a_month_with_an_example_in_range():
    assert "Write a month and year, such as March 2027." in " ".join(_block("5").split())
    event = " ".join(_block("15").split())
    assert "Write a date, such as 5 March 2027. It must be from 11 January 2027 to today." in event


def test_contact_details_each_have_a_line_to_write_on():
    assert "Write a full postcode, such as SW1A 1AA.\n    Your answer:" in _block("1")
    assert "Write an email address, such as name@example.com." in _block("17")
    assert "Write a UK phone number" in _block("18")


def test_each_statement_of_a_grid_is_an_item_with_the_shared_boxes():
    grid = _block("8")
    assert grid.startswith("8. How far do you agree with each statement? (required)")
    assert "Tick one box for each statement." in grid
    for number, words in [
        ("8a", "Parks and open spaces are well looked after"),
        ("8b", "Streets are kept clean"),
        ("8c", "Bins are collected when they should be"),
        ("8d", "It is easy to get in touch with the council"),
    ]:
        row = _block(number)
        assert row.splitlines()[0] == f"{number}. {words}"
        assert "(required)" not in row  # said once, on the grid
        assert row.count("[ ] ") == 5
    assert "By phone, online or in person." in _block("8d")


def test_a_ranking_asks_for_numbers_in_its_boxes():
    block = " ".join(_block("10").split())
    assert (
        "Number the options in order of preference, 1 for the most important; rank up to 3."
        in block
    )
    assert "like this: [1]" in block
    assert "Tick all that apply" not in block
    assert "[ ] Affordable housing" in block


def test_an_other_option_has_a_blank_for_the_words():
    assert "    [ ] Somewhere else (please specify): ______" in _block("14")
    assert "    [ ] Another service (please specify): ______" in _block("7")
    assert "Tick all that apply." in _block("7")


def test_conditions_on_the_new_kinds_are_said_in_the_respondents_words():
    said = " ".join(FORM.split())
    assert "(Answer only if question 3 is more than 4 people.)" in said
    assert "(Answer only if question 5 is in or after January 2024.)" in said
    assert "(Answer only if fewer than 3 options are chosen at question 10.)" in said
    assert (
        '(Answer only if you answered "Disagree" to question 8a or you answered '
        '"Strongly disagree" to question 8a.)'
    ) in said
    assert '(Answer only if you answered "Northbridge" to question 2.)' in said


def test_lines_stay_within_the_width():
    assert all(len(line) <= WIDTH for line in FORM.splitlines() if " " in line.strip())


def test_row_numbers_never_take_a_question_number():
    """A grid numbered 8 beside a question numbered 8a numbers its rows 8-a, 8-b."""
    spec = loads_spec(
        spec_text(
            """
[[sections.questions]]
id = "g"
number = "8"
text = "How far do you agree?"
kind = "grid"
rows = [{ id = "a", text = "First thing" }, { id = "b", text = "Second thing" }]
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[sections.questions]]
id = "q8a"
number = "8a"
text = "Anything else?"
kind = "text"
"""
        )
    )
    keys = [item.key for item in form_items(spec, get_plugins().kinds)]
    assert keys == ["8", "8-a", "8-b", "8a"]
    form = write_form(spec)
    assert "\n8-a. First thing\n" in form
    reading = read_reply(reply(lines=("8-a. Yes", "8-b: no", "8a. Nothing more")), spec)
    assert reading.answers == {"g.a": "yes", "g.b": "no", "q8a": "Nothing more"}


@frozen
class Shout:
    """A third-party kind the email channel knows nothing about: text, refused in lower case."""

    name: str = "shout"
    description: str = "words in capitals"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False

    def checker(self, question):
        def check(value: Any) -> Any:
            if value.__class__ is not str or not value.strip():
                return EMPTY
            text = value.strip()
            if text != text.upper():
                return Rejected("not_shouted", f"{question.title}: write it in capitals")
            return text

        return check


def test_an_unknown_kind_gets_a_text_box_whose_text_goes_to_its_checker():
    kinds: Registry[Any] = Registry("question kind")
    for name in get_plugins().kinds:
        kinds.add(name, get_plugins().kinds[name], "built-in")
    kinds.add("shout", Shout(), "third-party")
    spec = loads_spec(
        spec_text(
            """
[[sections.questions]]
id = "loud"
number = "1"
text = "What do you want to shout about?"
kind = "shout"
"""
        ),
        kinds=kinds,
    )
    form = write_form(spec, kinds=kinds)
    assert "1. What do you want to shout about?\n    Your answer:\n" in form

    def shouted(words: str) -> bytes:
        return reply(lines=(f"1. {words}",))

    assert read_reply(shouted("MORE BUSES"), spec, kinds=kinds).answers == {"loud": "MORE BUSES"}
    quiet = read_reply(shouted("more buses"), spec, kinds=kinds)
    assert "loud" not in quiet.answers
    assert [(p.code, p.question, p.message) for p in quiet.problems if p.question] == [
        ("invalid_answer", "loud", "Question 1: write it in capitals")
    ]
