"""Generated questions, answers and conditions for the expression translators' properties:
the XLSForm and the SurveyJS tests draw from the same generators, each saying only what its
format can count and which words its answers hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from surveykit.conditions import (
    All,
    Answered,
    Any_,
    Compare,
    Condition,
    Contains,
    Count,
    DateLiteral,
    Equals,
    Not,
    OneOf,
)
from surveykit_interchange.xlsform_expressions import QuestionInfo

NUMBERS = (-250, -2.5, -1, 0, 0.5, 1, 2, 2.5, 3, 250)
DATES = ("2023-12-31", "2024-01-01", "2024-02-29", "2025-06-15")
WORDS = ("yes", "Yes", "0", "red", "a b", "x")
#: Every count of choices a condition may test.
ANY_COUNT = st.builds(
    lambda op, n: (op, n), st.sampled_from(("==", "!=", "<", "<=", ">", ">=")), st.integers(0, 3)
)


def answer_values(info: QuestionInfo, words: Sequence[str] = WORDS) -> st.SearchStrategy[Any]:
    """A stored surveykit answer to a field of this type (never empty: empty is absent)."""
    match info.type:
        case "select_one":
            return st.sampled_from(info.choices)
        case "select_multiple":
            return st.lists(st.sampled_from(info.choices), min_size=1, unique=True)
        case "text":
            return st.sampled_from(words) | st.text(min_size=1, max_size=5).filter(str.strip)
        case "integer":
            return st.sampled_from([int(n) for n in NUMBERS if n == int(n)]) | st.integers(
                -300, 300
            )
        case "decimal":
            return st.sampled_from(NUMBERS) | st.integers(-1200, 1200).map(lambda n: n / 4)
        case _:
            days = st.dates(dt.date(2023, 12, 1), dt.date(2025, 7, 1)).map(dt.date.isoformat)
            return st.sampled_from(DATES) | days


def answers_for(
    questions: Mapping[str, QuestionInfo], words: Sequence[str] = WORDS
) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={name: answer_values(info, words) for name, info in questions.items()},
    )


def leaves(
    name: str, info: QuestionInfo, counts: st.SearchStrategy[tuple[str, int]] = ANY_COUNT
) -> st.SearchStrategy[Condition]:
    answered = st.just(Answered(name))
    match info.type:
        case "select_one":
            choice = st.sampled_from(info.choices)
            return st.one_of(
                answered,
                st.builds(Equals, st.just(name), choice),
                st.builds(lambda c: Not(Equals(name, c)), choice),
                st.lists(choice, min_size=1, unique=True).map(lambda cs: OneOf(name, tuple(cs))),
            )
        case "select_multiple":
            return st.one_of(
                answered,
                st.builds(Contains, st.just(name), st.sampled_from(info.choices)),
                counts.map(lambda pair: Count(name, *pair)),
            )
        case "integer" | "decimal":
            number = st.sampled_from(NUMBERS) | st.integers(-300, 300)
            return st.one_of(
                answered,
                st.builds(
                    Compare, st.just(name), st.sampled_from(("==", "<", "<=", ">", ">=")), number
                ),
                st.builds(lambda n: Not(Compare(name, "==", n)), number),
            )
        case "date":
            day = st.sampled_from(DATES).map(DateLiteral)
            return st.one_of(
                answered,
                st.builds(
                    Compare, st.just(name), st.sampled_from(("==", "<", "<=", ">", ">=")), day
                ),
                st.builds(lambda d: Not(Compare(name, "==", d)), day),
            )
    return answered


def question_infos(choice_pool: Sequence[str]) -> st.SearchStrategy[QuestionInfo]:
    return st.one_of(
        st.sampled_from(("integer", "decimal", "date", "text")).map(QuestionInfo),
        st.builds(
            QuestionInfo,
            st.sampled_from(("select_one", "select_multiple")),
            st.lists(st.sampled_from(choice_pool), min_size=1, max_size=4, unique=True).map(tuple),
        ),
    )


@st.composite
def forms(
    draw: st.DrawFn,
    choice_pool: Sequence[str],
    counts: st.SearchStrategy[tuple[str, int]] = ANY_COUNT,
) -> tuple[dict[str, QuestionInfo], Condition]:
    infos = draw(st.lists(question_infos(choice_pool), min_size=1, max_size=4))
    questions = {f"q{i}": info for i, info in enumerate(infos)}
    leaf = st.one_of(*(leaves(name, info, counts) for name, info in questions.items()))
    condition = draw(
        st.recursive(
            leaf,
            lambda inner: st.one_of(
                inner.map(Not),
                st.lists(inner, min_size=2, max_size=3).map(lambda c: All(tuple(c))),
                st.lists(inner, min_size=2, max_size=3).map(lambda c: Any_(tuple(c))),
            ),
            max_leaves=6,
        )
    )
    return questions, condition
