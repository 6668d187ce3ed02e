"""SurveyJS ``visibleIf`` expressions translate to surveykit conditions exactly, or are refused.

Exactness is checked against meaning, not structure: SurveyJS's meaning comes from an
independent evaluator (``surveyjs_eval``, written from SurveyJS's documented semantics, sharing
nothing with the translator) and surveykit's from the engine's own
:func:`surveykit.conditions.evaluate`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import pytest
import surveyjs_eval
from conditiongen import DATES, NUMBERS, forms
from conditiongen import WORDS as TEXT_ANSWERS
from conditiongen import answers_for as generated_answers
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
from surveykit_interchange.surveyjs_expressions import (
    QuestionInfo,
    UnsupportedCondition,
    UnsupportedExpression,
    to_condition,
    to_visible_if,
)

CHOICE_POOL = ("Yes", "no", "other", "dont-know", "x_1", "3")
OPS = ("=", "==", "!=", "<>", "<", "<=", "=<", ">", ">=", "=>")
WORDS = ("contains", "notcontains", "anyof", "allof", "noneof")

QUESTIONS: dict[str, QuestionInfo] = {
    "colour": QuestionInfo("select_one", ("Red", "green", "other")),
    "kids": QuestionInfo("select_one", ("1", "2", "3", "10")),
    "sports": QuestionInfo("select_multiple", ("football", "Rugby", "other")),
    "age": QuestionInfo("integer"),
    "cost": QuestionInfo("decimal"),
    "born": QuestionInfo("date"),
    "name": QuestionInfo("text"),
}


# answers -----------------------------------------------------------------------------------


#: SurveyJS trims text before comparing it: an answer with spaces around it is asked too.
TEXTS = (*TEXT_ANSWERS, "  Red ")
#: "some chosen" and "none chosen": the only counts SurveyJS can say.
SOME_OR_NONE = st.sampled_from((("==", 0), ("!=", 0), (">=", 1), (">", 0), ("<", 1)))


def answers_for(questions: Mapping[str, QuestionInfo]) -> st.SearchStrategy[dict[str, Any]]:
    return generated_answers(questions, TEXTS)


def agree(expression: str, condition: Condition, answers: Mapping[str, Any]) -> None:
    surveyjs = surveyjs_eval.evaluate(expression, answers)
    surveykit = evaluate(condition, answers)
    assert surveyjs == surveykit, (expression, condition, answers)


# generated SurveyJS expressions, including what must be refused ----------------------------


@st.composite
def spaced(draw: st.DrawFn, *parts: str) -> str:
    gaps = st.sampled_from(("", " ", "  ", "\n"))
    return "".join(
        part + (draw(gaps) if i < len(parts) - 1 else "") for i, part in enumerate(parts)
    )


@st.composite
def quoted(draw: st.DrawFn, text: str) -> str:
    quote = draw(st.sampled_from(("'", '"')))
    return quote + text + quote


def some_case(text: str) -> st.SearchStrategy[str]:
    """The same choice as a form may spell it: other case, spaces around."""
    return st.sampled_from((text, text.upper(), text.lower(), f" {text} "))


@st.composite
def typed_atoms(draw: st.DrawFn) -> str:
    """A comparison that fits its question's type, most of the time (so that most translate)."""
    name = draw(st.sampled_from(tuple(QUESTIONS)))
    info, ref = QUESTIONS[name], "{" + name + "}"
    op = draw(st.sampled_from(OPS))
    equality = draw(st.sampled_from(("=", "==", "!=", "<>")))
    if draw(st.integers(0, 5)) == 0:
        return draw(spaced(ref, draw(st.sampled_from(("empty", "notempty")))))
    choice = draw(some_case(draw(st.sampled_from(info.choices)))) if info.choices else ""
    match info.type:
        case "select_one":
            if draw(st.booleans()):
                items = draw(st.lists(st.sampled_from(info.choices), min_size=1, max_size=3))
                word = draw(st.sampled_from(("anyof", "noneof")))
                listed = ", ".join(draw(quoted(c)) for c in items)
                return draw(spaced(ref, word, f"[{listed}]"))
            if name == "kids" and draw(st.booleans()):
                left, right = ref, str(draw(st.sampled_from((0, 1, 2, 2.5, 3, 10, 11))))
            else:
                left, right, op = ref, draw(quoted(choice)), equality
        case "select_multiple":
            word = draw(st.sampled_from(WORDS))
            if word in ("contains", "notcontains"):
                return draw(spaced(ref, word, draw(quoted(choice))))
            items = draw(st.lists(st.sampled_from(info.choices), min_size=1, max_size=3))
            return draw(spaced(ref, word, "[" + ", ".join(draw(quoted(c)) for c in items) + "]"))
        case "integer" | "decimal":
            left, right = ref, str(draw(st.sampled_from(NUMBERS)))
        case "date":
            left, right = ref, draw(quoted(draw(st.sampled_from(DATES))))
        case _:
            left, right, op = ref, draw(quoted("")), equality
    if draw(st.booleans()) and op not in WORDS:
        flip = {"<": ">", "<=": ">=", "=<": "=>", ">": "<", ">=": "<=", "=>": "=<"}
        left, right, op = right, left, flip.get(op, op)
    return draw(spaced(left, op, right))


@st.composite
def atoms(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)):
        return draw(typed_atoms())
    name = draw(st.sampled_from((*QUESTIONS, "later", "panel.colour")))
    ref = "{" + name + "}"
    op = draw(st.sampled_from((*OPS, *WORDS)))
    literal = draw(
        st.one_of(
            quoted(draw(st.sampled_from(("red", "Rugby", "", "nope", *DATES, "2", "250")))),
            st.sampled_from(NUMBERS).map(str),
            st.sampled_from(("['red', 'x']", "[]", "true", "false", "today()")),
        )
    )
    other = "{" + draw(st.sampled_from(tuple(QUESTIONS))) + "}"
    return draw(
        st.sampled_from(
            (
                f"{ref} {op} {literal}",
                f"{literal} {op} {ref}",
                ref,
                "true",
                f"{ref} + 1 > 2",
                f"{ref} {op} {other}",
                f"iif({ref} notempty, 1, 0) = 1",
                f"age({ref}) >= 18",
                f"!{ref} notempty",
            )
        )
    )


expressions = st.recursive(
    atoms(),
    lambda inner: st.one_of(
        st.builds(lambda a: f"!({a})", inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a, b: f"{a} and {b}", inner, inner),
        st.builds(lambda a, b: f"{a} && {b}", inner, inner),
        st.builds(lambda a, b: f"{a} or\n{b}", inner, inner),
        st.builds(lambda a, b: f"{a} || {b}", inner, inner),
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
def test_a_translation_means_what_surveyjs_means(
    expression: str, samples: list[dict[str, Any]]
) -> None:
    outcome = translate(expression)
    if isinstance(outcome, UnsupportedExpression):
        assert outcome.message
        assert 1 <= outcome.column <= len(expression) + 1
        return
    for answers in samples:
        agree(expression, outcome, answers)


# round trip: surveykit condition -> visibleIf -> condition ---------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), form=forms(CHOICE_POOL, SOME_OR_NONE))
def test_export_then_import_keeps_the_meaning(
    data: st.DataObject, form: tuple[dict[str, QuestionInfo], Condition]
) -> None:
    questions, condition = form
    visible_if = to_visible_if(condition)
    back = to_condition(visible_if, questions)
    for answers in data.draw(st.lists(answers_for(questions), min_size=8, max_size=8)):
        expected = evaluate(condition, answers)
        assert evaluate(back, answers) == expected, (visible_if, answers)
        assert surveyjs_eval.evaluate(visible_if, answers) == expected, (visible_if, answers)


# each documented form and refusal ----------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "condition"),
    [
        ("{colour} = 'Red'", Equals("colour", "Red")),
        ("{colour}='red'", Equals("colour", "Red")),
        ("{colour} == ' RED '", Equals("colour", "Red")),
        ("'green' = {colour}", Equals("colour", "green")),
        ("{colour} != 'red'", Not(Equals("colour", "Red"))),
        ('{colour} <> "red"', Not(Equals("colour", "Red"))),
        ("{colour} anyof ['red', 'other']", OneOf("colour", ("Red", "other"))),
        ("{colour} noneof ['red']", Not(OneOf("colour", ("Red",)))),
        ("{kids} >= 2", OneOf("kids", ("2", "3", "10"))),
        ("{kids} =< 1", Equals("kids", "1")),
        ("{kids} >= 1", Answered("kids")),
        ("{kids} != 3", Not(Equals("kids", "3"))),
        ("{sports} contains 'rugby'", Contains("sports", "Rugby")),
        ("{sports} notcontains 'other'", Not(Contains("sports", "other"))),
        (
            "{sports} anyof ['football', 'other']",
            Any_((Contains("sports", "football"), Contains("sports", "other"))),
        ),
        (
            "{sports} allof ['football', 'other']",
            All((Contains("sports", "football"), Contains("sports", "other"))),
        ),
        ("{sports} noneof ['other']", Not(Contains("sports", "other"))),
        ("{age} > 18", Compare("age", ">", 18)),
        ("{cost} => -1.5", Compare("cost", ">=", -1.5)),
        ("{age} != 3", Not(Compare("age", "==", 3))),
        ("{born} >= '2024-01-01'", Compare("born", ">=", DateLiteral("2024-01-01"))),
        ("{born} = '2024-01-01'", Compare("born", "==", DateLiteral("2024-01-01"))),
        ("{name} notempty", Answered("name")),
        ("{name} empty", Not(Answered("name"))),
        ("{name} != ''", Answered("name")),
        ("{age} = ''", Not(Answered("age"))),
        ("!({age} > 1)", Not(Compare("age", ">", 1))),
        (
            "{age} > 1 || {age} < 0 && {colour} = 'red'",
            Any_((Compare("age", ">", 1), All((Compare("age", "<", 0), Equals("colour", "Red"))))),
        ),
        (
            "({age} > 1 or {age} < 0)\n and {colour} = 'red'\n",
            All((Any_((Compare("age", ">", 1), Compare("age", "<", 0))), Equals("colour", "Red"))),
        ),
    ],
)
def test_each_supported_form(expression: str, condition: Condition) -> None:
    assert to_condition(expression, QUESTIONS) == condition


@pytest.mark.parametrize(
    ("expression", "message", "column"),
    [
        ("{age} + 1 > 18", "`{age} + 1`: arithmetic is not supported", 1),
        ("{colour} = 'red' and {later} = 'x'", "`{later}` is not an earlier question", 22),
        ("{panel.isalive} = 'Yes'", "dynamic panel, matrix row", 1),
        ("{row.colour} = 'Yes'", "dynamic panel, matrix row", 1),
        ("iif({age} > 1, true, false)", "functions are not supported", 1),
        ("age({born}) >= 18", "functions are not supported", 1),
        ("{born} < today()", "functions are not supported", 10),
        ("{colour} = 'x'", "a choice 'x' that `{colour}` does not list", 1),
        ("{sports} contains 'golf'", "a choice 'golf' that `{sports}` does not list", 1),
        ("{colour} contains 're'", "`contains` is supported only on a checkbox", 1),
        ("{colour} allof ['red']", "`allof` is supported on a checkbox", 1),
        ("{sports} anyof []", "non-empty", 1),
        ("{sports} = 'Rugby'", "a checkbox question is compared only with", 1),
        ("{age}", "a question on its own is not supported", 1),
        ("true", "true and false are not supported", 1),
        ("{colour} = true", "true and false are not supported", 12),
        ("{born} >= '2024-13-01'", "compared only with a quoted 'YYYY-MM-DD'", 1),
        ("{name} = 'York'", "text is compared only with ''", 1),
        ("{age} > '18'", "compared only with a number without quotes", 1),
        ("{age} != {cost}", "comparing two questions is not supported", 1),
        ("{colour} > 1", "only a choice list of numbers", 1),
        ("{colour} > 'red'", "ordered only against a number", 1),
        ("{kids} > 10", "holds on every answer or on none", 1),
        ("{kids} != 4", "holds on every answer or on none", 1),
        ("!{age} notempty", "`!` is supported only before brackets", 1),
        ("{age} > 1 and", "ends too soon", 14),
        ("{age} ~ 1", "unexpected character '~'", 7),
        ("", "the expression is empty", 1),
        ("{age} = 1 = 1", "unexpected '='", 11),
    ],
)
def test_each_refusal_names_the_construct_and_where(
    expression: str, message: str, column: int
) -> None:
    with pytest.raises(UnsupportedExpression) as refused:
        to_condition(expression, QUESTIONS)
    assert message in refused.value.message
    assert refused.value.column == column


def test_choices_equal_ignoring_case_are_all_meant() -> None:
    """SurveyJS cannot tell 'Yes' from 'yes': the translation holds on both."""
    questions = {"q": QuestionInfo("select_one", ("Yes", "yes", "No"))}
    condition = to_condition("{q} = 'YES'", questions)
    assert condition == OneOf("q", ("Yes", "yes"))
    for answer in ("Yes", "yes", "No"):
        agree("{q} = 'YES'", condition, {"q": answer})


def test_a_renamed_question_is_read_under_its_surveykit_key() -> None:
    questions = {"satisfaction-score": QuestionInfo("integer", key="satisfaction_score")}
    assert to_condition("{satisfaction-score} =< 2", questions) == Compare(
        "satisfaction_score", "<=", 2
    )


def test_nesting_is_bounded() -> None:
    expression = "!(" * 40 + "{age} > 1" + ")" * 40
    with pytest.raises(UnsupportedExpression, match="nested more than"):
        to_condition(expression, QUESTIONS)


@pytest.mark.parametrize(
    "condition",
    [
        TextEquals("name", "york"),
        Compare("born", "<", DateLiteral("2024-03")),
        OneOf("colour", ()),
        Count("sports", ">=", 2),
        Count("sports", ">=", 0),
    ],
)
def test_export_refuses_what_surveyjs_cannot_say_exactly(condition: Condition) -> None:
    with pytest.raises(UnsupportedCondition):
        to_visible_if(condition)


def test_surveyjs_quirks_of_the_independent_evaluator() -> None:
    """The evaluator really is SurveyJS: these are the traps the translator must avoid."""
    assert surveyjs_eval.evaluate("{q} = 'YES '", {"q": "yes"}) is True  # case, spaces
    assert surveyjs_eval.evaluate("{q} = ''", {}) is True  # undefined equals ''
    assert surveyjs_eval.evaluate("{q} != 'x'", {}) is True
    assert surveyjs_eval.evaluate("{q} < 3", {}) is False  # undefined orders false
    assert surveyjs_eval.evaluate("{q} = 2", {"q": "2"}) is True  # numbers compare as numbers
    assert surveyjs_eval.evaluate("{q} contains 'ed'", {"q": "red"}) is True  # substring
    assert surveyjs_eval.evaluate("{m} contains 'A'", {"m": ["a", "b"]}) is True
    assert surveyjs_eval.evaluate("{m} notcontains 'a'", {}) is True
    assert surveyjs_eval.evaluate("{m} noneof ['a']", {}) is True
    assert surveyjs_eval.evaluate("{m} = 'a'", {"m": ["a"]}) is False
    assert surveyjs_eval.evaluate("{q} notempty", {"q": []}) is False
    assert surveyjs_eval.evaluate("1 = 1 or 1 = 0 and 1 = 0", {}) is True  # and binds tighter


def test_every_answer_to_two_questions_agrees() -> None:
    """A small exhaustive check beside the random one."""
    expression = "!({colour} != 'red') or {sports} anyof ['rugby', 'other'] and {colour} empty"
    condition = to_condition(expression, QUESTIONS)
    colours = [None, "Red", "green", "other"]
    sports = [
        None,
        *(
            list(c)
            for n in (1, 2, 3)
            for c in itertools.combinations(("football", "Rugby", "other"), n)
        ),
    ]
    for colour, chosen in itertools.product(colours, sports):
        answers = {k: v for k, v in (("colour", colour), ("sports", chosen)) if v is not None}
        agree(expression, condition, answers)
