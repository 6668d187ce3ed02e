"""The residents' survey in a real pseudo-terminal: typed answers checked as they are confirmed,
a grid's statements as choice lists on one page, a ranking typed and confirmed, "Other" words."""

from __future__ import annotations

import os

import pytest
from termtools import ROOT, stored
from test_terminal_pty import CTRL_B, DOWN, Terminal

RESIDENTS = ROOT / "specs" / "examples" / "residents_survey.toml"
BACKSPACE = "\x7f"


@pytest.fixture(autouse=True)
def _needs_a_pty():
    if not hasattr(os, "openpty"):
        pytest.skip("needs a pseudo-terminal")


@pytest.fixture
def residents(tmp_path):
    """The residents' survey without its opening date, so that it is open now."""
    text = RESIDENTS.read_text(encoding="utf-8")
    path = tmp_path / "residents.toml"
    path.write_text(text.replace("\nopens = 2027-01-11\n", "\n"), encoding="utf-8")
    return path


def _line(term: Terminal, title: str, text: str) -> None:
    term.keys(title, text + "\r")


def _row(term: Terminal, statement: str, keys: str) -> None:
    """Answer one statement of a grid, once it is on screen."""
    term.expect(statement)
    term.type(keys)


def test_the_residents_survey_in_a_terminal(residents, db, person):
    """Every kind answered with the keyboard, mistakes refused in the kind's words before the
    answer is taken, back within a grid, and the check step in words."""
    respondent, token = person("Resident 1", "resident", "", spec=residents)
    term = Terminal(db, token, spec=residents)
    shown = term.expect("Your answer")
    assert "(Type a full postcode, such as SW1A 1AA. Enter confirms. Ctrl-B goes back.)" in shown
    term.child.send("sw1a 1aa\r")
    _line(term, "Question 2", "Northbridge")
    term.keys("Question 3", "lots\r")
    term.expect("Question 3: enter a number of people, such as 1")
    term.child.send(BACKSPACE * 4 + "5\r")
    term.choose("Question 4", 1)
    term.expect("Question 5 (")
    shown = term.expect("Your answer")
    assert "(Type a month and year, such as March " in shown
    term.child.send("March 2019\r")
    term.keys("Question 7", " " + DOWN * 7 + " \r")  # bins and "Another service"
    term.expect("Please specify")
    term.type("The tip\r")
    _row(term, "Parks and open spaces are well looked after", "4\r")
    _row(term, "Streets are kept clean", CTRL_B)  # back to the statement before
    _row(term, "Parks and open spaces are well looked after", "\r")  # kept: Disagree
    _row(term, "Streets are kept clean", "2\r")
    _row(term, "Bins are collected when they should be", "2\r")
    _row(term, "It is easy to get in touch with the council", "1\r")
    term.write("Question 9", "The swings are broken")
    shown = term.expect("Question 10 (")
    term.type("3, 9\r")
    term.expect("there is no option 9; use the numbers 1 to 7")
    term.child.send(BACKSPACE + "1\r")
    order = term.expect("Is this order right?")
    assert "Your order:\n  1. Roads and pavements\n  2. Care for older and disabled people" in order
    term.child.send("y")
    term.write("Question 11")
    term.keys("Question 12", "£12.505\r")
    term.expect("the amount can have at most 2 decimal places")
    term.child.send(BACKSPACE + "\r")
    term.write("Question 13", "A market square")
    term.choose("Question 14", 5)
    term.expect("Please specify")
    term.type("At the bus stop\r")
    term.choose("Question 16", 2)
    term.choose("Question 19", 1)
    for title, number in [("E1", 9), ("E2", 3), ("E3", 3), ("E4", 6), ("E5", 3), ("E6", 9)]:
        term.choose(f"Question {title}", number)
    term.choose("Question E7", 5)
    term.expect("Check your answers")
    summary = term.expect("What next?")
    for text in [
        "      SW1A 1AA\n",
        "      5 people\n",
        "      March 2019\n",
        "      Bin collections and recycling; Another service: The tip\n",
        "      Parks and open spaces are well looked after: Disagree\n",
        "      1. Roads and pavements\n      2. Care for older and disabled people\n",
        "      £12.50\n",
        "      Somewhere else: At the bus stop\n",
    ]:
        assert text in summary
    term.child.send("1\r")
    term.expect("Thank you: your response to Your council, your say is stored (version 1).")
    assert term.finish() == 0
    response, _history, _draft = stored(db, respondent.id)
    assert response.answers == {
        "postcode": "SW1A 1AA",
        "town": "Northbridge",
        "household": 5,
        "bedrooms_enough": "yes",
        "moved_in": "2019-03",
        "services_used": ["bins", "other"],
        "services_used.other": "The tip",
        "satisfaction.parks": "disagree",
        "satisfaction.streets": "agree",
        "satisfaction.bins": "agree",
        "satisfaction.contact": "strongly_agree",
        "parks_problem": "The swings are broken",
        "priorities": ["roads", "social_care"],
        "library_contribution": 12.5,
        "northbridge_centre": "A market square",
        "heard_about": "other",
        "heard_about.other": "At the bus stop",
        "updates": "no",
        "consent": "quote",
        **dict.fromkeys(
            [
                "eq_age_group",
                "eq_sex",
                "eq_gender_identity",
                "eq_ethnic_group",
                "eq_disability",
                "eq_religion",
                "eq_sexual_orientation",
            ],
            "prefer_not_to_say",
        ),
    }
