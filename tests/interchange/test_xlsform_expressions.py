"""XLSForm ``relevant`` expressions translate to surveykit conditions exactly, or are refused.

Exactness is checked against meaning, not structure: the XPath meaning comes from an
independent evaluator (``xpath_eval``, written from XPath 1.0 and ODK, sharing nothing with the
translator) and the surveykit meaning from the engine's own :func:`surveykit.conditions.evaluate`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import pytest
import xpath_eval
from conditiongen import DATES, NUMBERS, answers_for, forms
from hypothesis import HealthCheck, given, settings
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
    TextEquals,
    evaluate,
)
from surveykit_interchange.xlsform_expressions import (
    QuestionInfo,
    UnsupportedCondition,
    UnsupportedExpression,
    to_condition,
    to_relevant,
)

CHOICE_POOL = ("yes", "no", "other", "dont-know", "x_1", "3")
OPS = ("=", "!=", "<", "<=", ">", ">=")
QUOTES = (("'", "'"), ('"', '"'), ("\u2018", "\u2019"), ("\u201c", "\u201d"))

QUESTIONS: dict[str, QuestionInfo] = {
    "colour": QuestionInfo("select_one", ("red", "green", "other")),
    "sports": QuestionInfo("select_multiple", ("football", "rugby", "other")),
    "age": QuestionInfo("integer"),
    "cost": QuestionInfo("decimal"),
    "born": QuestionInfo("date"),
    "name": QuestionInfo("text"),
}


# answers -----------------------------------------------------------------------------------


def agree(expression: str, condition: Condition, answers: Mapping[str, Any]) -> None:
    xpath = xpath_eval.evaluate(expression, answers)
    surveykit = evaluate(condition, answers)
    assert xpath == surveykit, (expression, condition, answers)


# generated XPath expressions, including what must be refused -------------------------------


@st.composite
def spaced(draw: st.DrawFn, *parts: str) -> str:
    """Join tokens with the whitespace real cells hold: none, spaces, newlines."""
    gaps = st.sampled_from(("", " ", "  ", "\n", " \n\t"))
    return "".join(
        part + (draw(gaps) if i < len(parts) - 1 else "") for i, part in enumerate(parts)
    )


@st.composite
def quoted(draw: st.DrawFn, text: str) -> str:
    opening, closing = draw(st.sampled_from(QUOTES))
    return opening + text + closing


def number_text(n: float) -> str:
    return str(n)


@st.composite
def literals(draw: st.DrawFn) -> str:
    choices = [c for info in QUESTIONS.values() for c in info.choices]
    return draw(
        st.one_of(
            quoted(draw(st.sampled_from((*choices, "", "nope", *DATES, "250", " red")))),
            st.sampled_from(NUMBERS).map(number_text),
            st.sampled_from(DATES).map(lambda d: f"date('{d}')"),
        )
    )


@st.composite
def typed_atoms(draw: st.DrawFn) -> str:
    """A comparison that fits its field's type, most of the time (so that most translate)."""
    name = draw(st.sampled_from(tuple(QUESTIONS)))
    info, ref = QUESTIONS[name], "${" + name + "}"
    op = draw(st.sampled_from(OPS))
    equality = draw(st.sampled_from(("=", "!=")))
    choice = draw(st.sampled_from((*info.choices, "", "nope") if info.choices else ("",)))
    match info.type:
        case "select_one":
            left, right, op = ref, draw(quoted(choice)), equality
        case "select_multiple":
            if draw(st.booleans()):
                return draw(spaced("selected(", ref, ",", draw(quoted(choice)), ")"))
            left, right = f"count-selected({ref})", draw(st.sampled_from(("0", "1", "2", "3")))
        case "integer" | "decimal":
            left, right = ref, number_text(draw(st.sampled_from(NUMBERS)))
        case "date":
            day = draw(st.sampled_from(DATES))
            left, right = ref, f"date('{day}')"
            if draw(st.booleans()):
                right, op = draw(quoted(day)), equality
        case _:
            if draw(st.booleans()):
                left, right, op = ref, draw(quoted("")), equality
            else:
                left, right = f"string-length({ref})", draw(st.sampled_from(("0", "1")))
    if draw(st.booleans()):
        left, right, op = right, left, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
    return draw(spaced(left, op, right))


@st.composite
def atoms(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)):
        return draw(typed_atoms())
    name = draw(st.sampled_from((*QUESTIONS, "later")))
    ref = "${" + name + "}"
    op = draw(st.sampled_from(OPS))
    shape = draw(st.integers(0, 9))
    if shape <= 2:
        left, right = ref, draw(literals())
        if draw(st.booleans()):
            left, right = right, left
        return draw(spaced(left, op, right))
    if shape == 3:
        choice = draw(st.sampled_from(("red", "football", "rugby", "other", "nope")))
        return draw(spaced("selected(", ref, ",", draw(quoted(choice)), ")"))
    if shape == 4:
        n = draw(st.sampled_from(("0", "1", "2", "3", "-1", "1.5")))
        return draw(spaced("count-selected(", ref, ")", op, n))
    if shape == 5:
        n = draw(st.sampled_from(("0", "1", "2", "0.5", "-1")))
        return draw(spaced("string-length(", ref, ")", op, n))
    if shape == 6:
        return draw(spaced(ref, op, draw(quoted(""))))
    other = "${" + draw(st.sampled_from(tuple(QUESTIONS))) + "}"
    return draw(
        st.sampled_from(
            (ref, "true()", "false()", ".", f"{ref} + 1 > 2", f"{ref} {op} {other}", f"-{ref} < 0")
        )
    )


expressions = st.recursive(
    atoms(),
    lambda inner: st.one_of(
        st.builds(lambda a: f"not({a})", inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a, b: f"{a} and {b}", inner, inner),
        st.builds(lambda a, b: f"{a} or\n{b}", inner, inner),
    ),
    max_leaves=5,
)


def translate(expression: str) -> Condition | UnsupportedExpression:
    try:
        return to_condition(expression, QUESTIONS)
    except UnsupportedExpression as refused:
        return refused


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(expression=expressions, samples=st.lists(answers_for(QUESTIONS), min_size=8, max_size=8))
def test_a_translation_means_what_the_xpath_means(
    expression: str, samples: list[dict[str, Any]]
) -> None:
    outcome = translate(expression)
    if isinstance(outcome, UnsupportedExpression):
        assert outcome.message
        assert 1 <= outcome.column <= len(expression) + 1
        return
    condition = outcome
    for answers in samples:
        agree(expression, condition, answers)


# round trip: surveykit condition -> relevant -> condition ----------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), form=forms(CHOICE_POOL))
def test_export_then_import_keeps_the_meaning(
    data: st.DataObject, form: tuple[dict[str, QuestionInfo], Condition]
) -> None:
    questions, condition = form
    relevant = to_relevant(condition)
    back = to_condition(relevant, questions)
    for answers in data.draw(st.lists(answers_for(questions), min_size=8, max_size=8)):
        expected = evaluate(condition, answers)
        assert evaluate(back, answers) == expected, (relevant, answers)
        assert xpath_eval.evaluate(relevant, answers) == expected, (relevant, answers)


# each documented form and refusal ----------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "condition"),
    [
        ("${colour} = 'red'", Equals("colour", "red")),
        ("'red' = ${colour}", Equals("colour", "red")),
        ("${colour} != 'red'", Not(Equals("colour", "red"))),
        ("${colour}=\u2018other\u2019", Equals("colour", "other")),
        ("${colour} = \u201cgreen\u201d", Equals("colour", "green")),
        ("selected(${sports}, 'rugby')", Contains("sports", "rugby")),
        ("selected(${colour}, 'red')", Equals("colour", "red")),
        ("${sports} = 'rugby'", All((Contains("sports", "rugby"), Count("sports", "==", 1)))),
        ("not(selected(${sports}, 'other'))", Not(Contains("sports", "other"))),
        ("count-selected(${sports}) >= 2", Count("sports", ">=", 2)),
        ("2 > count-selected(${sports})", Count("sports", "<", 2)),
        ("${age} > 18", Compare("age", ">", 18)),
        ("${cost} <= -1.5", Compare("cost", "<=", -1.5)),
        ("${age} != 3", Not(Compare("age", "==", 3))),
        ("${born} >= date('2024-01-01')", Compare("born", ">=", DateLiteral("2024-01-01"))),
        ("${born} = '2024-01-01'", Compare("born", "==", DateLiteral("2024-01-01"))),
        ("string-length(${name}) > 0", Answered("name")),
        ("string-length(${name}) != 0", Answered("name")),
        ("string-length(${name}) = 0", Not(Answered("name"))),
        ("${name} != ''", Answered("name")),
        ("${age} = ''", Not(Answered("age"))),
        (
            "${age} > 1 or ${age} < 0 and ${colour} = 'red'",
            Any_((Compare("age", ">", 1), All((Compare("age", "<", 0), Equals("colour", "red"))))),
        ),
        (
            "(${age} > 1 or ${age} < 0)\n and ${colour} = 'red'\n",
            All((Any_((Compare("age", ">", 1), Compare("age", "<", 0))), Equals("colour", "red"))),
        ),
    ],
)
def test_each_supported_form(expression: str, condition: Condition) -> None:
    assert to_condition(expression, QUESTIONS) == condition


@pytest.mark.parametrize(
    ("expression", "message", "column"),
    [
        ("${age} + 1 > 18", "`${age} + 1`: arithmetic is not supported", 1),
        ("${colour} = 'red' and ${later} = 'x'", "`${later}` is not an earlier question", 23),
        ("position(..) > 1", "`position(..)` is not supported", 1),
        ("${colour} = 'x'", "a choice 'x' that select_one `${colour}` does not list", 1),
        ("selected(${sports}, 'golf')", "a choice 'golf' that select_multiple `${sports}`", 1),
        ("${age}", "a question on its own is not supported", 1),
        (".", "`.` (the current field) is supported only in constraints", 1),
        (". > 40 and . < 400", "`.` (the current field)", 1),
        ("true()", "no true() or false()", 1),
        ("${born} >= '2024-01-01'", "write date('2024-01-01')", 1),
        ("decimal-date-time(${born}) > 1", "`decimal-date-time(..)` is not supported", 1),
        ("${name} = 'York'", "text is compared only with ''", 1),
        ("${age} > '18'", "compared only with a number without quotes", 1),
        ("${age} != ${cost}", "comparing two questions is not supported", 1),
        ("count-selected(${sports}) > 1.5", "whole number 0 or more", 1),
        ("count-selected(${colour}) > 1", "count-selected() needs a select_multiple", 1),
        ("string-length(${name}) > 3", "compare string-length() with 0", 1),
        ("string-length(${name}) >= 0", "holds on every answer", 1),
        ("${sports} = 'rugby football'", "a select_multiple is compared only with", 1),
        ("${colour} > 'red'", "a select_one is compared only with = or !=", 1),
        ("/data/age > 1", "XPath paths are not supported", 1),
        ("${age} > 1 and", "ends too soon", 15),
        ("${age} ~ 1", "unexpected character '~'", 8),
        ("", "the expression is empty", 1),
        ("${age} = 1 = 1", "comparing the result of a comparison", 1),
    ],
)
def test_each_refusal_names_the_construct_and_where(
    expression: str, message: str, column: int
) -> None:
    with pytest.raises(UnsupportedExpression) as refused:
        to_condition(expression, QUESTIONS)
    assert message in refused.value.message
    assert refused.value.column == column


def test_a_renamed_field_is_read_under_its_surveykit_key() -> None:
    questions = {"project-alpha": QuestionInfo("select_multiple", ("a",), key="project_alpha")}
    assert to_condition("selected(${project-alpha}, 'a')", questions) == Contains(
        "project_alpha", "a"
    )


def test_nesting_is_bounded() -> None:
    expression = "not(" * 40 + "${age} > 1" + ")" * 40
    with pytest.raises(UnsupportedExpression, match="nested more than"):
        to_condition(expression, QUESTIONS)


@pytest.mark.parametrize(
    "condition",
    [TextEquals("name", "york"), Compare("born", "<", DateLiteral("2024-03")), OneOf("colour", ())],
)
def test_export_refuses_what_xpath_cannot_say_exactly(condition: Condition) -> None:
    with pytest.raises(UnsupportedCondition):
        to_relevant(condition)


def test_xpath_quirks_of_the_independent_evaluator() -> None:
    """The evaluator really is XPath: these are the traps the translator must avoid."""
    assert xpath_eval.evaluate("${q}", {}) is True  # a node-set of one empty node is true
    assert xpath_eval.evaluate("${q} != 250", {}) is True  # NaN != 250
    assert xpath_eval.evaluate("${q} = 250", {"q": "250.0"}) is True  # numbers compare as numbers
    assert xpath_eval.evaluate("${q} = '250'", {"q": 250.0}) is False  # text compares as text
    assert xpath_eval.evaluate("'2024-03-01' > '2024-01-01'", {}) is False  # NaN > NaN
    assert xpath_eval.evaluate("${d} > date('2024-01-01')", {"d": "2024-03-01"}) is True
    assert xpath_eval.evaluate("${m} = 'a'", {"m": ["a", "b"]}) is False
    assert xpath_eval.evaluate("1 or 0 and 0", {}) is True  # and binds tighter


def test_unknown_forms_with_all_answers_agree_exhaustively() -> None:
    """A small exhaustive check beside the random one: every answer to two questions."""
    expression = "not(${colour} != 'red') or count-selected(${sports}) = 1 and ${colour} = ''"
    condition = to_condition(expression, QUESTIONS)
    colours = [None, "red", "green", "other"]
    sports = [
        None,
        *(
            [
                list(c)
                for n in (1, 2, 3)
                for c in itertools.combinations(("football", "rugby", "other"), n)
            ]
        ),
    ]
    for colour, chosen in itertools.product(colours, sports):
        answers = {k: v for k, v in (("colour", colour), ("sports", chosen)) if v is not None}
        agree(expression, condition, answers)


def test_questions_are_checked() -> None:
    with pytest.raises(ValueError, match="type"):
        QuestionInfo("geopoint")
