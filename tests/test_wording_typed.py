"""Typed conditions in words: numbers, dates, counts, text and parts, in both voices.

Exact strings pin what officers and respondents read; properties check that a phrasebook
written before these phrases existed still describes every typed condition, and that the walk
can still write any typed condition back as its source.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import assume, given

from surveykit import Consultation, Question, load_spec, parse_condition
from surveykit.cli.present import OFFICER
from surveykit.conditions import (
    OPERATORS,
    Condition,
    Count,
    OneOf,
    Operand,
    TextOneOf,
    _number_text,
    bind,
    references,
    render,
    walk,
)
from surveykit.model import Option
from surveykit.wording import Phrasebook, describe, say_date, say_number
from surveykit_email.wording import RESPONDENT
from test_conditions_typed import typed_cases

SPEC = Path(__file__).resolve().parents[1] / "specs" / "taking_stock.toml"


@functools.cache
def taking_stock() -> Consultation:
    return load_spec(SPEC)


AGREE = (Option("agree", "Agree"), Option("disagree", "Disagree"))
#: Parts as ``Engine.parts`` would give them, for conditions on kinds Taking Stock lacks.
PARTS = {
    "n1": Question(id="n1", text="Staff?", kind="number", number="21", settings={"unit": "people"}),
    "n2": Question(
        id="n2",
        text="Budget?",
        kind="number",
        number="22",
        settings={"unit": "£", "unit_prefix": True},
    ),
    "d1": Question(id="d1", text="Started?", kind="date", number="23"),
    "m1": Question(id="m1", text="Since?", kind="date", number="24"),
    "c1": Question(id="c1", text="Which?", kind="multi", number="25"),
    "t1": Question(id="t1", text="Area?", kind="text", number="26"),
    "g7.cost": Question(
        id="g7.cost",
        text="Cost",
        kind="single",
        number="27",
        options=AGREE,
        label="Cost of services",
    ),
}
TYPES = {
    "n1": Operand("number"),
    "n2": Operand("number"),
    "d1": Operand("date"),
    "m1": Operand("month"),
    "c1": Operand("options"),
    "t1": Operand("text"),
    "g7.cost": Operand("option", ("agree", "disagree")),
    "q7.cost": Operand("option", ("agree", "disagree")),
}


def _words(source: str, book: Phrasebook) -> str:
    condition, problems = bind(parse_condition(source), TYPES.get)
    assert problems == []
    return describe(condition, taking_stock(), book, parts=PARTS)


@pytest.mark.parametrize(
    ("source", "officer", "respondent"),
    [
        ("n1 > 250", "Question 21 is more than 250 people", "question 21 is more than 250 people"),
        (
            "n1 >= 1250",
            "Question 21 is 1,250 people or more",
            "question 21 is 1,250 people or more",
        ),
        ("n1 < 0.5", "Question 21 is less than 0.5 people", "question 21 is less than 0.5 people"),
        ("n1 <= -3", "Question 21 is -3 people or less", "question 21 is -3 people or less"),
        ("n2 == 12.5", "Question 22 is £12.5", "question 22 is £12.5"),
        ("n2 != -40", "Question 22 is not -£40", "question 22 is not -£40"),
        (
            "not n2 < 10",
            "not (Question 22 is less than £10)",
            "it is not the case that question 22 is less than £10",
        ),
        (
            "d1 > 2024-01-01",
            "Question 23 is after 1 January 2024",
            "question 23 is after 1 January 2024",
        ),
        (
            "d1 <= 2024-12-25",
            "Question 23 is on or before 25 December 2024",
            "question 23 is on or before 25 December 2024",
        ),
        (
            "d1 != 2024-02-29",
            "Question 23 is not 29 February 2024",
            "question 23 is not 29 February 2024",
        ),
        (
            "m1 >= 2023-04",
            "Question 24 is in or after April 2023",
            "question 24 is in or after April 2023",
        ),
        ("m1 == 2023-04", "Question 24 is in April 2023", "question 24 is in April 2023"),
        (
            "count(c1) >= 2",
            "at least 2 options are chosen at Question 25",
            "at least 2 options are chosen at question 25",
        ),
        (
            "count(c1) == 1",
            "exactly 1 option is chosen at Question 25",
            "exactly 1 option is chosen at question 25",
        ),
        (
            "count(c1) > 1",
            "more than 1 option is chosen at Question 25",
            "more than 1 option is chosen at question 25",
        ),
        (
            "count(c1) == 0",
            "no options are chosen at Question 25",
            "no options are chosen at question 25",
        ),
        (
            "count(c1) > 0",
            "at least 1 option is chosen at Question 25",
            "at least 1 option is chosen at question 25",
        ),
        (
            "count(c1) != 0",
            "at least 1 option is chosen at Question 25",
            "at least 1 option is chosen at question 25",
        ),
        (
            "count(c1) < 3",
            "fewer than 3 options are chosen at Question 25",
            "fewer than 3 options are chosen at question 25",
        ),
        (
            "t1 == 'North Yorkshire'",
            "Question 26 is answered 'North Yorkshire'",
            'you answered "North Yorkshire" to question 26',
        ),
        (
            "t1 not in ['York', 'Leeds']",
            "not (Question 26 is answered 'York' or 'Leeds')",
            'you did not answer "York" or "Leeds" to question 26',
        ),
        (
            "g7.cost == 'agree'",
            "Question 27 (Cost of services) is answered “Agree”",
            'you answered "Agree" to question 27',
        ),
    ],
)
def test_each_typed_case_in_both_voices(source: str, officer: str, respondent: str) -> None:
    """Numbers with units, dates, months, counts that agree with their number, text."""
    assert _words(source, OFFICER) == officer
    assert _words(source, RESPONDENT) == respondent


def test_a_part_the_caller_did_not_pass_is_named_after_its_question() -> None:
    """Without ``parts``, ``q7.cost`` is Question 7 with the part's name, not a bare key."""
    condition, _ = bind(parse_condition("q7.cost == 'agree'"), TYPES.get)
    assert describe(condition, taking_stock(), OFFICER) == "Question 7 (cost) is answered 'agree'"


def test_numbers_and_dates_are_said_as_people_write_them() -> None:
    """Thousands get commas, floats never an exponent, dates no leading zero."""
    assert say_number(None, 1234567) == "1,234,567"
    assert say_number(None, 1e16) == "10,000,000,000,000,000"
    assert say_number(None, 0.0000001) == "0.0000001"
    assert say_date(parse_condition("d1 == 2024-03-05").value) == "5 March 2024"  # type: ignore[union-attr]
    assert say_date(parse_condition("d1 == 2024-03").value) == "March 2024"  # type: ignore[union-attr]


#: A phrasebook made before typed conditions: it has none of their phrases.
OLD = Phrasebook(
    name=lambda question, qid: question.title if question else qid,
    label=lambda _option, value: repr(value),
    join=" or ".join,
    equals="{name} is answered {label}",
    one_of="{name} is answered {labels}",
    contains="{name} includes {label}",
    answered="{name} is answered",
    negation="not ({operand})",
)


def test_a_phrasebook_without_typed_phrases_gets_the_defaults() -> None:
    """Existing phrasebooks keep working: the new phrases have defaults."""
    assert _words("d1 > 2024-01-01 and count(c1) >= 2", OLD) == (
        "Question 23 is after 1 January 2024 and at least 2 options are chosen at Question 25"
    )
    assert _words("t1 == 'York'", OLD) == "Question 26 is answered 'York'"


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"numbers": {"<": "under {value}"}}, r"numbers has no phrase for ==, !=, <=, >, >="),
        (
            {"counts": dict.fromkeys(OPERATORS, "{n}")},
            "no phrase for none",
        ),
        ({"dates": dict.fromkeys(OPERATORS, "{date}")}, r"uses \{date\}"),
        ({"compare": "{name} {value}"}, r"uses \{value\}"),
        ({"count": "{name} has {n}"}, r"uses \{n\}"),
    ],
)
def test_a_bad_typed_phrase_fails_when_the_phrasebook_is_made(
    changes: dict, complaint: str
) -> None:
    """A missing operator or a misnamed field is refused at once, not when a form is sent."""
    with pytest.raises(ValueError, match=complaint):
        Phrasebook(
            name=lambda _q, qid: qid,
            label=lambda _o, value: value,
            join=" or ".join,
            equals="{name} is {label}",
            one_of="{name} is one of {labels}",
            contains="{name} has {label}",
            answered="{name} is answered",
            negation="not {operand}",
            **changes,
        )


# properties --------------------------------------------------------------------------------


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _source_relations(value: str) -> dict[str, str]:
    return {op: f"{op} {{{value}}}" for op in OPERATORS}


#: The condition's own source text as a voice: every typed phrase written as ``render`` does.
SOURCE = Phrasebook(
    name=lambda _question, qid: qid,
    label=lambda _option, value: _quote(value),
    join=", ".join,
    equals="{name} == {label}",
    one_of="{name} in [{labels}]",
    contains="{label} in {name}",
    answered="answered({name})",
    not_equals="{name} != {label}",
    not_one_of="{name} not in [{labels}]",
    not_contains="{label} not in {name}",
    negation="not {grouped}",
    compare="{name} {relation}",
    numbers=_source_relations("value"),
    dates=_source_relations("value"),
    months=_source_relations("value"),
    say_number=lambda _question, value: _number_text(value),
    say_date=lambda literal: literal.text,
    count="count({name}) {count}",
    counts={**_source_relations("n"), "none": "== 0"},
)


def _has_empty_list(condition: Condition) -> bool:
    return any(isinstance(node, OneOf | TextOneOf) and not node.values for node in walk(condition))


def _said_plainly(condition: Condition) -> bool:
    """No count that the walk says more plainly ("none", "at least 1") than its source."""
    plain = {("==", 0), ("<=", 0), ("<", 1), ("!=", 0), (">", 0)}
    return not any(
        isinstance(node, Count) and (node.op, node.value) in plain for node in walk(condition)
    )


@given(typed_cases())
def test_the_walk_can_write_a_typed_condition_back_as_source(case) -> None:
    """Every typed node has a phrase, and the source voice says exactly what render writes."""
    condition, _operands, _sheets = case
    assume(_said_plainly(condition))
    assert describe(condition, taking_stock(), SOURCE) == render(condition)


@given(typed_cases())
def test_every_part_read_is_named_in_each_voice(case) -> None:
    """Officers and respondents are told of every part a typed condition reads."""
    condition, _operands, _sheets = case
    assume(not _has_empty_list(condition))  # a spec cannot hold one: see empty_list
    c = taking_stock()
    for book in (OFFICER, RESPONDENT, OLD):
        text = describe(condition, c, book)
        for key in references(condition):
            question = c.by_id.get(key)
            if question is None and "." in key:
                continue  # named after its question: see the example above
            assert book.name(question, key) in text
