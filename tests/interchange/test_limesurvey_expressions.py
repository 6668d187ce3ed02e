"""LimeSurvey relevance equations translate to surveykit conditions exactly, or are refused.

Exactness is checked against meaning, not structure: LimeSurvey's meaning comes from an
independent evaluator (``em_eval``, written from LimeSurvey's PHP, sharing nothing with the
translator) and surveykit's from the engine's own :func:`surveykit.conditions.evaluate`.  Both
readings of a hidden question are modelled: surveykit clears its answer, LimeSurvey reads it as
``''`` with ``.NAOK`` and makes the whole equation false without.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from typing import Any

import em_eval
import pytest
from conditiongen import DATES, forms
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
    walk,
)
from surveykit_interchange.limesurvey_expressions import (
    QuestionInfo,
    UnsupportedCondition,
    UnsupportedExpression,
    is_always,
    to_condition,
    to_relevance,
)

QUESTIONS: dict[str, QuestionInfo] = {
    "colour": QuestionInfo("select_one", ("A1", "A2", "red", "Red")),
    "kids": QuestionInfo("select_one", ("1", "2", "3", "10")),
    "yn": QuestionInfo("select_one", ("Y", "N")),
    "sports": QuestionInfo("select_multiple", ("SQ001", "SQ002", "other")),
    "age": QuestionInfo("integer"),
    "cost": QuestionInfo("decimal"),
    "born": QuestionInfo("date"),
    "name": QuestionInfo("text"),
}
EQUALITY = ("==", "!=", "eq", "ne")
ORDERING = ("<", "<=", ">", ">=", "lt", "le", "gt", "ge")
LITERAL_NUMBERS = ("0", "1", "2", "2.5", "3", "10", "18", "250", "-1", "-2.5", ".5")
TEXTS = ("yes", "0", "A1", "x y", "Y")


# answers, as surveykit holds them and as LimeSurvey does ------------------------------------


def answers_for(questions: Mapping[str, QuestionInfo]) -> st.SearchStrategy[dict[str, Any]]:
    return generated_answers(questions, TEXTS)


def _em_text(value: Any) -> str:
    """How LimeSurvey holds a stored answer: text (a number as written, a date with a time)."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value + " 00:00:00"
    return str(value)


def em_values(questions: Mapping[str, QuestionInfo], answers: Mapping[str, Any]) -> dict[str, str]:
    """Every EM variable of the questions: ``''`` when unanswered, ``'Y'``/``''`` per item."""
    values: dict[str, str] = {}
    for name, info in questions.items():
        key = info.key or name
        if info.type == "select_multiple":
            chosen = answers.get(key) or []
            values.update({f"{name}_{c}": "Y" if c in chosen else "" for c in info.choices})
        else:
            values[name] = _em_text(answers[key]) if key in answers else ""
    return values


def em_hidden(questions: Mapping[str, QuestionInfo], hidden: Collection[str]) -> set[str]:
    names = set()
    for name in hidden:
        info = questions[name]
        if info.type == "select_multiple":
            names.update(f"{name}_{c}" for c in info.choices)
        else:
            names.add(name)
    return names


def agree(
    expression: str,
    condition: Condition,
    answers: Mapping[str, Any],
    hidden: Collection[str] = (),
    questions: Mapping[str, QuestionInfo] = QUESTIONS,
) -> None:
    """Hidden questions (by name): surveykit drops their answers, LimeSurvey marks them
    irrelevant.  ``answers`` are by surveykit key."""
    hidden_keys = {questions[name].key or name for name in hidden}
    shown = {k: v for k, v in answers.items() if k not in hidden_keys}
    limesurvey = em_eval.evaluate(
        expression, em_values(questions, shown), em_hidden(questions, hidden)
    )
    surveykit = evaluate(condition, shown)
    assert limesurvey == surveykit, (expression, condition, answers, sorted(hidden))


# generated equations, including what must be refused ----------------------------------------


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


@st.composite
def variable(draw: st.DrawFn, name: str) -> str:
    return name + draw(st.sampled_from(("", ".NAOK", ".NAOK", ".NAOK", ".code", ".valueNAOK")))


@st.composite
def typed_atoms(draw: st.DrawFn) -> str:
    """A comparison that fits its question's type, most of the time (so that many translate)."""
    name = draw(st.sampled_from(tuple(QUESTIONS)))
    info = QUESTIONS[name]
    # A word operator (eq, lt...) needs spaces around it, in EM as here.
    op = f" {draw(st.sampled_from(EQUALITY + ORDERING))} "
    equality = f" {draw(st.sampled_from(EQUALITY))} "
    if info.type == "select_multiple":
        item = draw(variable(f"{name}_{draw(st.sampled_from(info.choices))}"))
        if draw(st.integers(0, 3)) == 0:
            return f"{draw(st.sampled_from(('', '!')))}is_empty({item})"
        return draw(spaced(item, equality, draw(quoted(draw(st.sampled_from(("Y", "", "N")))))))
    ref = draw(variable(name))
    if draw(st.integers(0, 4)) == 0:
        return f"{draw(st.sampled_from(('', '!')))}is_empty({ref})"
    if draw(st.integers(0, 4)) == 0 or (info.type in ("date", "text") and draw(st.booleans())):
        left, right, op = ref, draw(quoted("")), equality
    elif info.type == "select_one":
        if draw(st.booleans()):
            left, right, op = ref, draw(quoted(draw(st.sampled_from(info.choices)))), equality
        else:
            left, right = ref, draw(st.sampled_from(LITERAL_NUMBERS))
    elif info.type in ("integer", "decimal"):
        left, right = ref, draw(st.sampled_from(LITERAL_NUMBERS))
    elif info.type == "date":
        left, right = ref, draw(quoted(draw(st.sampled_from(DATES))))
    else:
        left, right = ref, draw(quoted(draw(st.sampled_from(TEXTS))))
    if draw(st.booleans()):
        flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "lt": "gt", "le": "ge"}
        flip |= {"gt": "lt", "ge": "le"}
        left, right, op = right, left, f" {flip.get(op.strip(), op.strip())} "
    return draw(spaced(left, op, right))


@st.composite
def atoms(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)):
        return draw(typed_atoms())
    name = draw(st.sampled_from((*QUESTIONS, "later", "sports_SQ009", "that.age", "12X3X4")))
    ref = draw(variable(name))
    op = draw(st.sampled_from(EQUALITY + ORDERING))
    literal = draw(
        st.one_of(
            quoted(draw(st.sampled_from(("red", "A1", "", "nope", "2", "250", "Y")))),
            st.sampled_from(LITERAL_NUMBERS),
        )
    )
    other = draw(st.sampled_from(tuple(QUESTIONS)))
    return draw(
        st.sampled_from(
            (
                f"{ref} {op} {literal}",
                f"{literal} {op} {ref}",
                ref,
                "1",
                f"{ref} + 1 > 2",
                f"{ref} {op} {other}",
                f"strlen({ref}) > 3",
                f"{{{ref} {op} {literal}}}",
                f"!{ref} == {literal}",
                f"{ref}.shown == 'x'",
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
        st.builds(lambda a, b: f"{a} AND {b}", inner, inner),
        st.builds(lambda a, b: f"{a} or\n{b}", inner, inner),
        st.builds(lambda a, b: f"{a} || {b}", inner, inner),
    ),
    max_leaves=5,
)


def translate(expression: str, always: Collection[str]) -> Condition | UnsupportedExpression:
    try:
        return to_condition(expression, QUESTIONS, always)
    except UnsupportedExpression as refused:
        return refused


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    expression=expressions,
    always=st.sets(st.sampled_from(tuple(QUESTIONS))),
    data=st.data(),
)
def test_a_translation_means_what_limesurvey_means(
    expression: str, always: set[str], data: st.DataObject
) -> None:
    outcome = translate(expression, always)
    if isinstance(outcome, UnsupportedExpression):
        assert outcome.message
        assert 1 <= outcome.column <= len(expression) + 1
        return
    may_hide = sorted(set(QUESTIONS) - always)
    for _ in range(8):
        answers = data.draw(answers_for(QUESTIONS))
        hidden = data.draw(st.sets(st.sampled_from(may_hide))) if may_hide else set()
        agree(expression, outcome, answers, hidden)


# round trip: surveykit condition -> relevance -> condition ---------------------------------

CHOICE_POOL = ("Y", "N", "A1", "other", "SQ001", "3", "10")
#: "some chosen" and "none chosen": the only counts a relevance equation says here.
SOME_OR_NONE = st.sampled_from((("==", 0), ("!=", 0), (">=", 1), (">", 0), ("<", 1)))


def _exportable(form: tuple[dict[str, QuestionInfo], Condition]) -> bool:
    """Dates have no exact relevance equation (LimeSurvey stores them with a time)."""
    return not any(
        isinstance(node, Compare) and isinstance(node.value, DateLiteral) for node in walk(form[1])
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), form=forms(CHOICE_POOL, SOME_OR_NONE).filter(_exportable))
def test_export_then_import_keeps_the_meaning(
    data: st.DataObject, form: tuple[dict[str, QuestionInfo], Condition]
) -> None:
    questions, condition = form
    relevance = to_relevance(condition, questions)
    back = to_condition(relevance, questions)
    for _ in range(8):
        answers = data.draw(answers_for(questions))
        hidden = data.draw(st.sets(st.sampled_from(sorted(questions))))
        shown = {k: v for k, v in answers.items() if k not in hidden}
        expected = evaluate(condition, shown)
        assert evaluate(back, shown) == expected, (relevance, answers)
        agree(relevance, condition, answers, hidden, questions)


# each documented form and refusal ----------------------------------------------------------

ALWAYS = frozenset(QUESTIONS)


@pytest.mark.parametrize(
    ("expression", "condition"),
    [
        ("colour == 'A1'", Equals("colour", "A1")),
        ('colour.NAOK == "red"', Equals("colour", "red")),
        ("(colour.NAOK == 'Red')", Equals("colour", "Red")),
        ("'A2' eq colour", Equals("colour", "A2")),
        ("colour != 'A1'", Not(Equals("colour", "A1"))),
        (
            "colour == 'A1' || colour == 'A2'",
            Any_((Equals("colour", "A1"), Equals("colour", "A2"))),
        ),
        ("kids == 2", Equals("kids", "2")),
        ("kids > 2", OneOf("kids", ("3", "10"))),
        ("kids >= 1", Answered("kids")),
        ("kids < 3", Not(OneOf("kids", ("3", "10")))),
        ("yn == 'Y'", Equals("yn", "Y")),
        ("sports_SQ001 == 'Y'", Contains("sports", "SQ001")),
        ("(sports_other.NAOK == 'Y')", Contains("sports", "other")),
        ("sports_SQ002.NAOK != 'Y'", Not(Contains("sports", "SQ002"))),
        ("sports_SQ002.NAOK == ''", Not(Contains("sports", "SQ002"))),
        ("is_empty(sports_SQ001.NAOK)", Not(Contains("sports", "SQ001"))),
        ("age >= 18", Compare("age", ">=", 18)),
        ("age > 0", Compare("age", ">", 0)),
        ("age gt 2.5", Compare("age", ">", 2.5)),
        ("age < 18", Any_((Not(Answered("age")), Compare("age", "<", 18)))),
        ("18 > age", Any_((Not(Answered("age")), Compare("age", "<", 18)))),
        ("age != 3", Not(Compare("age", "==", 3))),
        (
            "!is_empty(age) and age < -1",
            All((Answered("age"), Compare("age", "<", -1))),
        ),
        ("!is_empty(name)", Answered("name")),
        ("is_empty(name)", Not(Answered("name"))),
        ("name.NAOK != ''", Answered("name")),
        ("born == ''", Not(Answered("born"))),
        ("!(age > 1)", Not(Compare("age", ">", 1))),
        (
            "age > 1 or age > 5 and colour == 'A1'",
            Any_(
                (
                    Compare("age", ">", 1),
                    All((Compare("age", ">", 5), Equals("colour", "A1"))),
                )
            ),
        ),
        (
            "(age > 1 OR age > 5)\n && colour == 'A1'",
            All((Any_((Compare("age", ">", 1), Compare("age", ">", 5))), Equals("colour", "A1"))),
        ),
    ],
)
def test_each_supported_form(expression: str, condition: Condition) -> None:
    assert to_condition(expression, QUESTIONS, ALWAYS) == condition


@pytest.mark.parametrize(
    ("expression", "message", "column"),
    [
        ("age + 1 > 18", "`age + 1`: arithmetic is not supported", 1),
        ("colour == 'A1' and later == 'x'", "`later` is not an earlier question", 20),
        ("sports_SQ009 == 'Y'", "an item 'SQ009' that `sports` does not list", 1),
        ("colour_other == 'x'", "`colour` has no part `other`", 1),
        ("strlen(name) > 3", "`strlen(..)` is not supported", 1),
        ("count(sports_SQ001, sports_SQ002) > 0", "`count(..)` is not supported", 1),
        ("that.sports.NAOK == 'Y'", "`that`", 1),
        ("self.NAOK == 'Y'", "`self`", 1),
        ("12X3X45 == 'Y'", "SGQA codes are not supported", 1),
        ("colour.shown == 'Red'", "reads something other than the answer", 1),
        ("colour.value == 1", "assessment value", 1),
        ("{colour == 'A1'}", "curly braces are tailoring", 1),
        ("not(age > 1)", "`not` is no ExpressionScript operator", 1),
        ("age > 1 and not age > 2", "`not` is no ExpressionScript operator", 13),
        ("colour == 'x'", "a choice 'x' that `colour` does not list", 1),
        ("colour == 'a1'", "a choice 'a1' that `colour` does not list", 1),
        ("sports_SQ001 == 'N'", "an item of a multiple choice is 'Y' when ticked", 1),
        ("sports.NAOK == 'Y'", "read one item at a time", 1),
        ("age", "a question on its own is not supported", 1),
        ("1", "always true", 1),
        ("1 and age > 1", "a number on its own is not a condition", 1),
        ("born >= '2024-01-01'", "a date is compared only with ''", 1),
        ("name == 'York'", "text is compared only with ''", 1),
        ("age > '18'", "compared only with a number without quotes", 1),
        ("age != cost", "comparing two questions is not supported", 1),
        ("age == 0", "disagree on this when the question is unanswered", 1),
        ("age < 0", "disagree on this when the question is unanswered", 1),
        ("age > -1", "disagree on this when the question is unanswered", 1),
        ("colour > 1", "this holds on no answer", 1),
        ("kids > 10", "this holds on no answer", 1),
        ("kids < 11", "this holds on every answer", 1),
        ("!age == 1", "`!` is supported only before brackets or is_empty", 1),
        ("age = 3", "an assignment is not a condition", 1),
        ("age > 1 and", "ends too soon", 12),
        ("age ~ 1", "unexpected character '~'", 5),
        ("colour == 'it\\'s'", "a backslash", 11),
        ("", "always true", 1),
        ("age == 1 == 1", "comparing the result of a comparison", 1),
    ],
)
def test_each_refusal_names_the_construct_and_where(
    expression: str, message: str, column: int
) -> None:
    with pytest.raises(UnsupportedExpression) as refused:
        to_condition(expression, QUESTIONS, ALWAYS)
    assert message in refused.value.message
    assert refused.value.column == column


@pytest.mark.parametrize(
    ("expression", "translated"),
    [
        ("colour == 'A1'", Equals("colour", "A1")),
        ("!is_empty(name)", Answered("name")),
        ("age >= 18 and colour == 'A1'", All((Compare("age", ">=", 18), Equals("colour", "A1")))),
        ("colour != 'A1'", None),
        ("is_empty(name)", None),
        ("colour == 'A1' or age > 3", None),
        ("is_empty(name.valueNAOK)", None),
        ("colour.NAOK != 'A1'", Not(Equals("colour", "A1"))),
    ],
)
def test_without_naok_only_what_a_hidden_question_cannot_change(
    expression: str, translated: Condition | None
) -> None:
    """A hidden question read without .NAOK makes LimeSurvey's equation false."""
    if translated is None:
        with pytest.raises(UnsupportedExpression, match=r"without \.NAOK"):
            to_condition(expression, QUESTIONS)
        assert to_condition(expression, QUESTIONS, ALWAYS) is not None
        return
    condition = to_condition(expression, QUESTIONS)
    assert condition == translated
    for hidden in ({"colour"}, {"name"}, {"age"}, set()):
        for answers in ({"colour": "A1", "name": "x", "age": 20}, {}):
            agree(expression, condition, answers, hidden)


@pytest.mark.parametrize(
    ("cell", "always"),
    [("", True), ("1", True), (" 1 ", True), ("1.0", True), ("0", False), ("age > 1", False)],
)
def test_is_always_reads_the_cell_as_limesurvey_does(cell: str, always: bool) -> None:
    assert is_always(cell) is always


def test_a_renamed_question_is_read_under_its_surveykit_key() -> None:
    questions = {"satisfaction": QuestionInfo("integer", key="satisfaction_score")}
    assert to_condition("satisfaction.NAOK > 2", questions) == Compare("satisfaction_score", ">", 2)


def test_a_listed_name_wins_over_an_item() -> None:
    """An importer lists `q_other` (the words of an "Other") as text of its own."""
    questions = {
        "q": QuestionInfo("select_one", ("A1", "A2")),
        "q_other": QuestionInfo("text", key="q.other"),
    }
    assert to_condition("!is_empty(q_other.NAOK)", questions) == Answered("q.other")


def test_nesting_is_bounded() -> None:
    expression = "!(" * 40 + "age.NAOK > 1" + ")" * 40
    with pytest.raises(UnsupportedExpression, match="nested more than"):
        to_condition(expression, QUESTIONS)


@pytest.mark.parametrize(
    "condition",
    [
        TextEquals("name", "york"),
        Compare("born", "<", DateLiteral("2024-03-05")),
        OneOf("colour", ()),
        Count("sports", ">=", 2),
        Equals("colour", 'it\'s "x"'),
        Equals("colour", "back\\slash"),
        Contains("sports", "two words"),
        Equals("q7.cost", "A1"),
    ],
)
def test_export_refuses_what_limesurvey_cannot_say_exactly(condition: Condition) -> None:
    with pytest.raises(UnsupportedCondition):
        to_relevance(condition, QUESTIONS)


def test_export_writes_naok_and_guards_what_an_empty_answer_would_change() -> None:
    assert to_relevance(Equals("colour", "A1")) == "colour.NAOK == 'A1'"
    assert to_relevance(Compare("age", ">=", 18)) == "age.NAOK >= 18"
    assert to_relevance(Compare("age", "<", 18)) == "(!is_empty(age.NAOK) and age.NAOK < 18)"
    assert to_relevance(Answered("sports"), QUESTIONS) == (
        "(sports_SQ001.NAOK == 'Y' or sports_SQ002.NAOK == 'Y' or sports_other.NAOK == 'Y')"
    )


def test_limesurvey_quirks_of_the_independent_evaluator() -> None:
    """The evaluator really is LimeSurvey's PHP: these are the traps the translator avoids."""
    values = {"age": "", "q": "A1", "n": "05", "t": "0"}
    assert em_eval.evaluate("age < 18", values) is True  # '' sorts first as a string
    assert em_eval.evaluate("18 > age", values) is True
    assert em_eval.evaluate("age > 0", values) is False  # the '0'/'' special case
    assert em_eval.evaluate("0 > age", values) is False
    assert em_eval.evaluate("age == 0", values) is False
    assert em_eval.evaluate("n == 5", values) is True  # numeric strings compare as numbers
    assert em_eval.evaluate("q == 'a1'", values) is False  # case-sensitive
    assert em_eval.evaluate("!is_empty(t)", values) is True  # '0' is not empty
    assert em_eval.evaluate("q != 'A2'", values, hidden={"q"}) is False  # no .NAOK: false
    assert em_eval.evaluate("q.NAOK != 'A2'", values, hidden={"q"}) is True
    assert em_eval.evaluate("q.valueNAOK != 'A2'", values, hidden={"q"}) is False
    assert em_eval.relevance("{q == 'A1'}", values) is False  # braces: a syntax error
    assert em_eval.relevance("not(q == 'A2')", values) is False  # `not` is no operator
    assert em_eval.evaluate("1 == 1 or 1 == 0 and 1 == 0", values) is True  # and binds tighter


def test_every_answer_to_two_questions_agrees() -> None:
    """A small exhaustive check beside the random one, hiding each question in turn."""
    expression = (
        "!(colour.NAOK != 'A1') or sports_other.NAOK == 'Y' and is_empty(colour.NAOK) "
        "or kids.NAOK lt 3"
    )
    condition = to_condition(expression, QUESTIONS)
    colours = [None, *QUESTIONS["colour"].choices]
    kids = [None, *QUESTIONS["kids"].choices]
    sports = [
        None,
        *(
            list(c)
            for n in (1, 2, 3)
            for c in itertools.combinations(("SQ001", "SQ002", "other"), n)
        ),
    ]
    for colour, chosen, kid in itertools.product(colours, sports, kids):
        pairs = (("colour", colour), ("sports", chosen), ("kids", kid))
        answers = {k: v for k, v in pairs if v is not None}
        for hidden in ((), ("colour",), ("sports",), ("kids",)):
            agree(expression, condition, answers, hidden)
