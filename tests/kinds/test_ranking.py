"""Rankings: read from lists, rank boxes and text, by value or label, stored most preferred
first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import EMPTY, Option, Question
from surveykit_kinds import Ranking

RANKING = Ranking()
OPTIONS = (
    Option("parks", "Parks, gardens and open spaces"),
    Option("roads", "Roads > pavements"),
    Option("bins", "Bin collections"),
    Option("late", "24-hour library"),
)


def question(**settings) -> Question:
    return Question(
        id="q9", text="Rank these", kind="ranking", number="9", options=OPTIONS, settings=settings
    )


def check(value, **settings):
    return RANKING.checker(question(**settings))(value)


@pytest.mark.parametrize(
    "raw",
    [
        ["bins", "parks", "roads"],
        ("bins", "parks", "roads"),
        ["BINS", "Parks, gardens and open spaces", "roads"],
        {"bins": 1, "parks": "2", "roads": " 3 ", "late": ""},
        {"roads": 3, "parks": 2, "bins": 1, "late": None},
        "bins, parks, roads",
        "Bin collections > parks, gardens and open spaces > roads > pavements",
        "bins; parks; roads",
        "1. bins\n2. parks\n3. roads",
        "3) roads\n1) Bin collections\n2) PARKS",
        "- bins\n- parks\n- roads\n",
    ],
)
def test_every_form_of_a_ranking_is_read(raw):
    assert check(raw, min_ranked=3, max_ranked=3) == ["bins", "parks", "roads"]


def test_a_label_starting_with_a_number_is_not_taken_for_a_place():
    assert check("24-hour library, bins", min_ranked=1) == ["late", "bins"]
    assert check("1. 24-hour library\n2. bins", min_ranked=1) == ["late", "bins"]


@pytest.mark.parametrize("blank", [None, "", " \n ", [], {}, {"bins": ""}])
def test_blank_is_no_answer(blank):
    assert check(blank) is EMPTY


@pytest.mark.parametrize(
    ("raw", "settings", "expected"),
    [
        (
            ["bins", "parks"],
            {"min_ranked": 3},
            ("too_few_ranked", "Question 9: rank at least 3 options"),
        ),
        (["bins"], {}, ("too_few_ranked", "Question 9: rank all 4 options")),
        (["bins"], {"max_ranked": 2}, ("too_few_ranked", "Question 9: rank exactly 2 options")),
        (
            ["bins", "parks", "roads"],
            {"min_ranked": 1, "max_ranked": 2},
            ("too_many_ranked", "Question 9: rank no more than 2 options"),
        ),
        (
            "bins, parks, bins",
            {"min_ranked": 1},
            (
                "repeated_choice",
                "Question 9: 'Bin collections' is ranked more than once; "
                "give each option one place",
            ),
        ),
        (
            {"bins": 1, "parks": 1},
            {"min_ranked": 1},
            (
                "repeated_choice",
                "Question 9: two options have the same rank; give each option its own rank",
            ),
        ),
        (
            "1. bins\n1. parks",
            {"min_ranked": 1},
            (
                "repeated_choice",
                "Question 9: two options are numbered the same; give each its own place",
            ),
        ),
        (
            "bins, swimming",
            {"min_ranked": 1},
            (
                "unknown_option",
                "Question 9: 'swimming' is not one of the options "
                "('parks', 'roads', 'bins', 'late')",
            ),
        ),
        (
            {"bins": 5},
            {"min_ranked": 1},
            ("not_a_number", "Question 9: each rank must be a whole number from 1 to 4"),
        ),
        (
            {"bins": "first"},
            {"min_ranked": 1},
            ("not_a_number", "Question 9: each rank must be a whole number from 1 to 4"),
        ),
        (
            3,
            {},
            ("wrong_type", "Question 9: give the options in order of preference, not a number"),
        ),
    ],
)
def test_wrong_rankings_say_what_is_wrong(raw, settings, expected):
    result = check(raw, **settings)
    assert (result.code, result.message) == expected


@given(st.permutations([o.value for o in OPTIONS]), st.integers(1, 4))
def test_every_form_gives_the_same_ranking(order, count):
    """A list, rank boxes and numbered lines of labels say the same thing."""
    ranked = order[:count]
    label = {o.value: o.label for o in OPTIONS}
    forms = [
        list(ranked),
        {value: str(place) for place, value in enumerate(ranked, 1)},
        "\n".join(f"{place}. {label[value]}" for place, value in enumerate(ranked, 1)),
        " > ".join(label[value] for value in ranked),
    ]
    assert [check(form, min_ranked=1) for form in forms] == [list(ranked)] * len(forms)


@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        ({"min_ranked": 2, "max_ranked": 3}, []),
        (
            {"min_ranked": 0},
            [("min_ranked", "min_ranked must be a whole number, 1 or more, not 0")],
        ),
        (
            {"max_ranked": True},
            [("max_ranked", "max_ranked must be a whole number, 1 or more, not True")],
        ),
        (
            {"max_ranked": 5},
            [("max_ranked", "max_ranked (5) is more than the number of options (4)")],
        ),
        (
            {"min_ranked": 3, "max_ranked": 2},
            [("min_ranked", "min_ranked (3) is more than max_ranked (2)")],
        ),
    ],
)
def test_settings_are_checked(settings, problems):
    assert RANKING.check_settings(question(**settings)) == problems
