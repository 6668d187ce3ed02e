"""Grids: statements sharing options, expanded into one single-choice part per row."""

from __future__ import annotations

import pytest

from surveykit import Option, Question
from surveykit.conditions import Answered
from surveykit_kinds import Grid

GRID = Grid()
AGREE = (Option("agree", "Agree"), Option("disagree", "Disagree"))
ROWS = [
    {"id": "cost", "text": "Cost of services"},
    {"id": "quality", "text": "Quality of services", "hint": "Think of the last year.",
     "required": False},
]  # fmt: skip


NO_ROWS = 'a grid needs at least one row: rows = [{ id = "cost", text = "Cost of services" }, ...]'


def grid(rows=ROWS, **fields) -> Question:
    return Question(
        id="q7",
        text="How far do you agree?",
        kind="grid",
        number="7",
        options=AGREE,
        required=True,
        section="views",
        settings={"rows": rows},
        **fields,
    )


def test_each_row_is_a_single_choice_part():
    cost, quality = GRID.expand(grid(sensitive=True))
    assert [p.id for p in (cost, quality)] == ["q7.cost", "q7.quality"]
    assert {(p.kind, p.options, p.number, p.section, p.sensitive) for p in (cost, quality)} == {
        ("single", AGREE, "7", "views", True)
    }
    assert (cost.text, cost.label, cost.required, cost.hint) == (
        "Cost of services",
        "Cost of services",
        True,
        None,
    )
    assert (quality.required, quality.hint) == (False, "Think of the last year.")
    assert dict(cost.settings) == {"row_of": "q7", "row": "cost"}
    assert cost.title == "Question 7 (Cost of services)"


def test_the_rows_share_the_grid_s_condition():
    parts = GRID.expand(grid(shown_if="answered(q1)", condition=Answered("q1")))
    assert {(p.shown_if, p.condition) for p in parts} == {("answered(q1)", Answered("q1"))}


def test_the_grid_itself_takes_no_answer():
    result = GRID.checker(grid())({"cost": "agree"})
    assert (result.code, result.message) == (
        "wrong_type",
        "Question 7: answer each statement on its own, under its own key (q7.cost); the grid "
        "as a whole takes no answer",
    )


@pytest.mark.parametrize(
    ("rows", "problems"),
    [
        (None, [NO_ROWS]),
        ([], [NO_ROWS]),
        (["cost"], ['row 1 must be a table such as { id = "cost", text = "..." }']),
        ([{"text": "Cost"}], ["row 1 has no id"]),
        (
            [{"id": "cost x", "text": "Cost"}],
            [
                "row 1's id 'cost x' is not a valid id: use letters, digits and underscores, "
                "starting with a letter or underscore"
            ],
        ),
        (
            [{"id": "cost", "text": "Cost"}, {"id": "cost", "text": "Price"}],
            ["row 2 repeats the id 'cost'; each row needs its own"],
        ),
        (
            [{"id": "cost", "text": " "}],
            ["row 1 needs some text: the statement the row asks about"],
        ),
        (
            [{"id": "cost", "txt": "Cost"}],
            [
                "row 1 has an unknown key 'txt'; did you mean 'text'?",
                "row 1 needs some text: the statement the row asks about",
            ],
        ),
        (
            [{"id": "cost", "text": "Cost", "required": "yes"}],
            ["row 1's required must be true or false, not 'yes'"],
        ),
        ([{"id": "cost", "text": "Cost", "hint": 3}], ["row 1's hint must be text, not 3"]),
    ],
)
def test_rows_are_checked(rows, problems):
    question = (
        grid(rows)
        if rows is not None
        else grid().__class__(id="q7", text="T", kind="grid", options=AGREE)
    )
    assert GRID.check_settings(question) == [("rows", p) for p in problems]


def test_bad_rows_still_expand_into_sound_parts():
    """A question built in code with bad rows expands into its well-formed rows only."""
    rows = [{"id": "cost", "text": "Cost"}, {"id": "cost", "text": "Again"}, "x", {"id": "1"}]
    assert [p.id for p in GRID.expand(grid(rows))] == ["q7.cost"]
