"""Conditions in words: one describer (``surveykit.wording``), an officer and a respondent voice.

The exact strings pin what officers see in ``surveykit show`` and respondents in the email form;
the properties check what any phrasebook gets from the walk (every question named, compound
operands parenthesised), and that the walk is complete enough to write a condition's source.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from strategies import conditions, specs
from surveykit import Consultation, load_spec, parse_condition
from surveykit.cli.present import OFFICER, describe_condition
from surveykit.conditions import All, Any_, Condition, Equals, Not, OneOf, references, render, walk
from surveykit.wording import Phrasebook, describe
from surveykit_email.wording import RESPONDENT, applies_when

SPEC = Path(__file__).resolve().parents[1] / "specs" / "taking_stock.toml"


@functools.cache
def taking_stock() -> Consultation:
    return load_spec(SPEC)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: A third voice: the condition's own source text, as ``render`` writes it.
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
)


def _names(book: Phrasebook, condition: Condition, c: Consultation) -> list[str]:
    return [book.name(c.by_id.get(qid), qid) for qid in references(condition)]


def _has_empty_list(condition: Condition) -> bool:
    return any(isinstance(node, OneOf) and not node.values for node in walk(condition))


# exact strings ---------------------------------------------------------------------------------

#: Taking Stock's real conditions, by the question they guard.
TAKING_STOCK = {
    "q2": (
        "Question 1 is answered “Yes they are generally relevant, but I suggest some changes” or "
        "“No, none of them are relevant now”",
        'you answered "Yes they are generally relevant, but I suggest some changes" or '
        '"No, none of them are relevant now" to question 1',
    ),
    "q14": ("Question 13 is answered “Yes”", 'you answered "Yes" to question 13'),
    "q16": ("Question 15 is answered “Yes”", 'you answered "Yes" to question 15'),
}


def test_every_taking_stock_condition_is_pinned() -> None:
    guarded = {q.id for q in taking_stock().questions if q.condition is not None}
    assert guarded == set(TAKING_STOCK)


@pytest.mark.parametrize(
    ("qid", "officer", "respondent"), [(k, *v) for k, v in TAKING_STOCK.items()]
)
def test_taking_stock_conditions_in_both_voices(qid: str, officer: str, respondent: str) -> None:
    c = taking_stock()
    condition = c.by_id[qid].condition
    assert condition is not None
    assert describe_condition(condition, c) == describe(condition, c, OFFICER) == officer
    assert applies_when(condition, c) == describe(condition, c, RESPONDENT) == respondent


@pytest.mark.parametrize(
    ("source", "officer", "respondent"),
    [
        (
            'q13 != "yes"',
            "Question 13 is not answered “Yes”",
            'you did not answer "Yes" to question 13',
        ),
        (
            'q13 in ["yes", "no", "dont_know"]',
            "Question 13 is answered “Yes” or “No” or “Don't know”",
            'you answered "Yes", "No" or "Don\'t know" to question 13',
        ),
        (
            'q8 not in ["no", "dont_know"]',
            "not (Question 8 is answered “No” or “Don't know”)",
            'you did not answer "No" or "Don\'t know" to question 8',
        ),
        ('"ofsted" in q18', "Question 18 includes “Ofsted”", 'you ticked "Ofsted" in question 18'),
        (
            '"ofsted" not in q18',
            "not (Question 18 includes “Ofsted”)",
            'you did not tick "Ofsted" in question 18',
        ),
        ("answered(q11)", "Question 11 is answered", "you answered question 11"),
        ("not answered(q11)", "not (Question 11 is answered)", "you left question 11 unanswered"),
        (
            'not not q13 == "yes"',
            "not (Question 13 is not answered “Yes”)",
            'it is not the case that you did not answer "Yes" to question 13',
        ),
        (
            'not (q13 == "yes" and q15 == "yes")',
            "not (Question 13 is answered “Yes” and Question 15 is answered “Yes”)",
            'it is not the case that (you answered "Yes" to question 13 and '
            'you answered "Yes" to question 15)',
        ),
        (
            'q13 == "yes" and (q15 == "no" or not answered(q3))',
            "Question 13 is answered “Yes” and "
            "(Question 15 is answered “No” or not (Question 3 is answered))",
            'you answered "Yes" to question 13 and '
            '(you answered "No" to question 15 or you left question 3 unanswered)',
        ),
        (
            'role == "other" or q99 == "maybe" or q13 == "perhaps"',
            "Question A1 is answered “Other” or q99 is answered 'maybe' or "
            "Question 13 is answered 'perhaps'",
            'you answered "Other" to question A1 or you answered "maybe" to question q99 or '
            'you answered "perhaps" to question 13',
        ),
    ],
)
def test_each_case_in_both_voices(source: str, officer: str, respondent: str) -> None:
    condition, c = parse_condition(source), taking_stock()
    assert describe_condition(condition, c) == officer
    assert applies_when(condition, c) == respondent


def test_a_phrase_naming_an_unknown_field_fails_when_the_phrasebook_is_made() -> None:
    with pytest.raises(ValueError, match=r"uses \{labels\}"):
        Phrasebook(
            name=lambda _q, qid: qid,
            label=lambda _o, value: value,
            join=" or ".join,
            equals="{name} is {labels}",
            one_of="{name} is one of {labels}",
            contains="{name} has {label}",
            answered="{name} is answered",
            negation="not {operand}",
        )


# properties ------------------------------------------------------------------------------------

spec_conditions = specs().flatmap(
    lambda c: st.tuples(
        st.sampled_from([q.condition for q in c.questions if q.condition is not None] or [None]),
        st.just(c),
    )
)


@given(spec_conditions)
def test_every_referenced_question_is_named(pair: tuple[Condition | None, Consultation]) -> None:
    condition, c = pair
    assume(condition is not None)
    assert condition is not None
    for book in (OFFICER, RESPONDENT, SOURCE):
        text = describe(condition, c, book)
        for name in _names(book, condition, c):
            assert name in text


@given(conditions())
def test_questions_the_spec_lacks_are_named_by_id(condition: Condition) -> None:
    assume(not _has_empty_list(condition))
    c = taking_stock()
    for book in (OFFICER, RESPONDENT):
        text = describe(condition, c, book)
        for name in _names(book, condition, c):
            assert name in text


@given(conditions())
def test_compound_operands_are_parenthesised(condition: Condition) -> None:
    assume(not _has_empty_list(condition))
    c = taking_stock()
    for book in (OFFICER, RESPONDENT, SOURCE):
        for node in walk(condition):
            if isinstance(node, All | Any_):
                joiner = book.conjunction if isinstance(node, All) else book.disjunction
                parts = [describe(o, c, book) for o in node.operands]
                assert describe(node, c, book) == joiner.join(
                    f"({part})" if isinstance(o, All | Any_) else part
                    for o, part in zip(node.operands, parts, strict=True)
                )


@given(conditions())
def test_generic_negation_in_each_voice(condition: Condition) -> None:
    assume(not _has_empty_list(condition))
    c = taking_stock()
    inner, negated = describe(condition, c, OFFICER), describe(Not(condition), c, OFFICER)
    if isinstance(condition, Equals):  # the only negation with an officer phrase of its own
        assert negated == inner.replace(" is answered ", " is not answered ", 1)
    else:
        assert negated == f"not ({inner})"
    if isinstance(condition, Not | All | Any_):
        text = describe(condition, c, RESPONDENT)
        wrapped = f"({text})" if isinstance(condition, All | Any_) else text
        assert describe(Not(condition), c, RESPONDENT) == f"it is not the case that {wrapped}"


@given(conditions())
def test_the_walk_can_write_a_condition_back_as_source(condition: Condition) -> None:
    assert describe(condition, taking_stock(), SOURCE) == render(condition)
