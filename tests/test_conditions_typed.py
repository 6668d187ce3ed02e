"""Conditions on typed parts: numbers, dates, text, counts, part keys, and binding to a spec.

Examples pin the grammar, the syntax errors and every bind problem; properties check, over
random typed conditions and answers of every type (wrong ones and missing ones included), that
the closures, the generated check function and the reference interpreter agree, that ``not``
is exact, and that ``render`` round-trips through ``parse_condition`` and ``bind``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import Choices, conditions
from surveykit import ConditionSyntaxError, parse_condition
from surveykit._codegen import compile_check
from surveykit.conditions import (
    ANSWER_TYPES,
    All,
    Answered,
    Any_,
    BindProblem,
    Compare,
    Condition,
    Contains,
    Count,
    DateLiteral,
    Equals,
    Leaf,
    Not,
    OneOf,
    Operand,
    TextEquals,
    TextOneOf,
    _parser,
    bind,
    compile_condition,
    evaluate,
    normalise_text,
    references,
    render,
    walk,
)
from surveykit.errors import AnswerProblem
from surveykit.kinds import answer_type
from surveykit.model import Question

# parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('q7.cost == "agree"', Equals("q7.cost", "agree")),
        ('"x" in q5.other_', Contains("q5.other_", "x")),
        ("answered(q5.other)", Answered("q5.other")),
        ("q3 < 250", Compare("q3", "<", 250)),
        ("q3 <= -1.5", Compare("q3", "<=", -1.5)),
        ("q3>0.25", Compare("q3", ">", 0.25)),
        ("q3 >= 0", Compare("q3", ">=", 0)),
        ("q3 == 250", Compare("q3", "==", 250)),
        ("q3 != 250", Not(Compare("q3", "==", 250))),
        ("q4 > 2024-01-01", Compare("q4", ">", DateLiteral("2024-01-01"))),
        ("q4 == 2024-01", Compare("q4", "==", DateLiteral("2024-01"))),
        ("q4 != 2024-02-29", Not(Compare("q4", "==", DateLiteral("2024-02-29")))),
        ('q4 < "x"', Compare("q4", "<", "x")),
        ("count(q2) >= 2", Count("q2", ">=", 2)),
        ("count ( q2 ) != 0", Count("q2", "!=", 0)),
        ("not count(q2) == 1", Not(Count("q2", "==", 1))),
        ('count == "x"', Equals("count", "x")),
        ('"a" in count', Contains("count", "a")),
        ("answered(count)", Answered("count")),
        ("count(count) < 3", Count("count", "<", 3)),
        ('counter == "x"', Equals("counter", "x")),
    ],
)
def test_each_typed_form_parses_to_its_node(source: str, expected: Condition) -> None:
    """Part keys, numbers, dates and count() parse to the nodes they name."""
    assert parse_condition(source) == expected


def test_whole_numbers_stay_whole_and_decimals_stay_decimal() -> None:
    """``250`` is an int and ``250.0`` a float, so render writes each back as it was."""
    whole, decimal = parse_condition("q3 == 250"), parse_condition("q3 == 250.0")
    assert isinstance(whole, Compare)
    assert isinstance(decimal, Compare)
    assert (type(whole.value), type(decimal.value)) == (int, float)
    assert (render(whole), render(decimal)) == ("q3 == 250", "q3 == 250.0")


def test_typed_nodes_remember_the_column_of_their_key() -> None:
    """Every comparison records the 1-based column of the key it reads."""
    condition = parse_condition("q3 > 1 and count(q2) > 1 or  q4 < 2024-01")
    assert [node.column for node in walk(condition) if isinstance(node, Compare | Count)] == [
        1,
        18,
        30,
    ]


def test_the_parser_is_built_once() -> None:
    """Building the parser is start-up cost, so every parse shares one."""
    assert _parser() is _parser()


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        ("q4 > 2024-02-30", 6, "2024-02-30 is not a real date"),
        ("q4 > 2024-13", 6, "2024-13 is not a real month"),
        (
            "q4 >= 2024-1-5",
            7,
            "write the date 2024-1-5 with two-digit months and days: 2024-01-05",
        ),
        ('count(q2) >= "2"', 14, "unexpected '\"2\"'; expected a number"),
        ("count(q2) >= 2024-01", 14, "unexpected '2024-01'; expected a number"),
        (
            "count(q2)",
            10,
            "the condition ends too soon; expected a comparison (==, !=, <, <=, >, >=)",
        ),
        (
            "count q2 > 1",
            7,
            "unexpected 'q2'; expected 'in', 'not' or a comparison (==, !=, <, <=, >, >=)",
        ),
        ("q3 <", 5, "the condition ends too soon; expected a quoted string, a number or a date"),
        ("q3 < 1.", 6, "unexpected character '1'"),
        ("q3 < 1e3", 6, "unexpected character '1'"),
        ("q3 in [1, 2]", 8, "unexpected '1'; expected ']' or a quoted string"),
        ('q7..cost == "a"', 3, "unexpected character '.'"),
        ('q7.cost.x == "a"', 8, "unexpected character '.'"),
        ('"a" < q1', 5, "unexpected '<'; expected 'in' or 'not'"),
        ("q3 =< 1", 4, "unexpected character '='"),
        ("q3 < 1" + "0" * 400 + ".5", 6, "the number 100000000000... is too large"),
        ("q3 < " + "9" * 5000, 6, "the number 999999999999... is too long"),
    ],
)
def test_typed_syntax_errors_point_at_the_right_column(
    source: str, column: int, message: str
) -> None:
    """A bad number, date or count() is refused with a plain message at its column."""
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(source)
    assert (info.value.column, info.value.message) == (column, message)


# binding ----------------------------------------------------------------------------------

PARTS = {
    "q1": Operand("option", ("yes", "no")),
    "q2": Operand("options", ("peer", "data")),
    "q3": Operand("number"),
    "q4": Operand("date"),
    "q5": Operand("month"),
    "q6": Operand("text"),
    "q7.cost": Operand("option", ("agree", "disagree")),
    "q8": Operand("ranking", ("x", "y")),
    "q9": Operand("geo"),
}


def _bind(source: str) -> tuple[Condition, list[BindProblem]]:
    return bind(parse_condition(source), PARTS.get)


@pytest.mark.parametrize(
    ("source", "code", "message"),
    [
        ("q0 == 'x'", "unknown_question", "q0 is not an earlier question"),
        ("q7.costs == 'agree'", "unknown_question", "q7.costs is not an earlier question"),
        (
            "q1 == 'Yes'",
            "unknown_option",
            "'Yes' is not an option of q1 (its options are 'yes', 'no'); did you mean 'yes'?",
        ),
        (
            "q7.cost in ['agree', 'agreed']",
            "unknown_option",
            "'agreed' is not an option of q7.cost (its options are 'agree', 'disagree'); "
            "did you mean 'agree'?",
        ),
        (
            "'ofsted' in q2",
            "unknown_option",
            "'ofsted' is not an option of q2 (its options are 'peer', 'data')",
        ),
        ("'z' in q8", "unknown_option", "'z' is not an option of q8 (its options are 'x', 'y')"),
        (
            "q3 == 'many'",
            "bad_comparison",
            "q3 is a number; compare it with a number such as 250, not the text 'many'",
        ),
        (
            "q3 > '250'",
            "bad_comparison",
            "q3 is a number; write the number without quotes: q3 > 250",
        ),
        (
            "q3 < 2024-01-01",
            "bad_comparison",
            "q3 is a number; compare it with a number such as 250, not the date 2024-01-01",
        ),
        (
            "q3 in []",
            "bad_comparison",
            "q3 is a number; compare it with ==, <, <=, > or >=, not a list",
        ),
        (
            "q4 > 2024-03",
            "bad_comparison",
            "the date literal 2024-03 has month precision but q4 asks for a whole date: "
            "write 2024-03-01",
        ),
        (
            "q5 >= 2024-03-05",
            "bad_comparison",
            "the date literal 2024-03-05 has day precision but q5 asks for a month and year: "
            "write 2024-03",
        ),
        (
            "q4 < '2024-01-01'",
            "bad_comparison",
            "q4 is a date; write the date without quotes: q4 < 2024-01-01",
        ),
        (
            "q5 == 3",
            "bad_comparison",
            "q5 is a month and year; compare it with a date such as 2024-01, not the number 3",
        ),
        (
            "count(q1) > 1",
            "bad_comparison",
            "count() applies to multiple-choice and ranking questions; q1 is a single choice: "
            'use q1 == "yes"',
        ),
        (
            "count(q3) > 1",
            "bad_comparison",
            "count() applies to multiple-choice and ranking questions; q3 is a number: "
            "compare the number itself, q3 > 1",
        ),
        (
            "count(q6) > 1",
            "bad_comparison",
            "count() applies to multiple-choice and ranking questions; q6 is a text answer: "
            "to test whether it was answered use answered(q6)",
        ),
        (
            "count(q2) >= 1.5",
            "bad_comparison",
            "count(q2) is a whole number of options; compare it with a whole number such as 2, "
            "not 1.5",
        ),
        (
            "count(q8) > -1",
            "bad_comparison",
            "count(q8) is never below 0; compare it with 0 or more",
        ),
        (
            "q1 < 'yes'",
            "bad_comparison",
            "q1 is a single choice, which has no order; only numbers and dates can be compared "
            "with <, <=, > and >=",
        ),
        (
            "q2 >= 2",
            "bad_comparison",
            "q2 is a multiple choice, which has no order; only numbers and dates can be "
            "compared with <, <=, > and >=; to compare how many options were chosen write "
            "count(q2) >= 2",
        ),
        (
            "q1 == 250",
            "bad_comparison",
            "q1 is a single choice; compare it with one of its options in quotes, such as "
            'q1 == "yes", not the number 250',
        ),
        (
            "q6 == 2024-01-01",
            "bad_comparison",
            'q6 is a text answer; compare it with text in quotes, such as q6 == "2024-01-01"',
        ),
        (
            "q6 < 'm'",
            "bad_comparison",
            "q6 is a text answer, which has no order; only numbers and dates can be compared "
            "with <, <=, > and >=",
        ),
        (
            "'x' in q6",
            "bad_comparison",
            "q6 is a text answer, not a choice of options; to compare the whole answer write "
            "'q6 == \"x\"'",
        ),
        (
            "'x' in q3",
            "bad_comparison",
            "'\"x\" in q3' tests for an option, but q3 is a number; compare it with a number, "
            "such as q3 == 250",
        ),
        (
            "q8 == 'x'",
            "bad_comparison",
            "q8 is a ranking, so its answer ranks several options; to test for one option "
            "write '\"x\" in q8'",
        ),
        (
            "q9 == 'x'",
            "bad_comparison",
            "q9's answers cannot be compared; only answered(q9) can be used with it",
        ),
    ],
)
def test_each_bind_problem_says_what_to_write(source: str, code: str, message: str) -> None:
    """A comparison that does not fit its part is one problem, with a plain remedy."""
    _condition, problems = _bind(source)
    assert [(p.code, p.message) for p in problems] == [(code, message)]


def test_option_questions_keep_todays_two_problems() -> None:
    """A wrong form with a wrong option reports both, as the loader always has."""
    _condition, problems = _bind("'maybe' in q1")
    assert [p.code for p in problems] == ["bad_comparison", "unknown_option"]


def test_a_bind_problem_points_at_its_key() -> None:
    """The problem's column is where the offending comparison's key starts."""
    _condition, problems = _bind("answered(q1) and count(q3) > 1")
    assert [p.column for p in problems] == [24]


def test_a_problem_met_twice_is_reported_once() -> None:
    """The same mistake repeated is one problem, at its first column."""
    _condition, problems = _bind("q3 == 'x' or answered(q1) or q3 == 'x'")
    assert [(p.code, p.column) for p in problems] == [("bad_comparison", 1)]


def test_answered_fits_every_type() -> None:
    """``answered(q)`` binds to any part, of any answer type, even one conditions cannot read."""
    for key in PARTS:
        assert bind(Answered(key), PARTS.get) == (Answered(key), [])


def test_text_comparisons_are_bound_normalised() -> None:
    """On a text part ``==`` and ``in`` become their normalised forms; others stay as parsed."""
    condition, problems = _bind("q6 == ' North  Yorkshire ' and q6 not in ['A', 'b\tC']")
    assert problems == []
    assert condition == All(
        (TextEquals("q6", "north yorkshire"), Not(TextOneOf("q6", ("a", "b c"))))
    )
    # Rendered (and so shown) as the spec wrote the literals: parsing it back binds equal.
    assert render(condition) == 'q6 == " North  Yorkshire " and q6 not in ["A", "b\tC"]'
    assert _bind(render(condition))[0] == condition


def test_well_typed_comparisons_bind_as_parsed() -> None:
    """Numbers, dates, counts and options need no rewriting."""
    source = (
        'q1 == "yes" and "peer" in q2 and q3 >= 250 and q4 < 2024-01-01 and q5 == 2024-03 '
        'and count(q8) == 2 and q7.cost != "agree"'
    )
    condition, problems = _bind(source)
    assert (condition, problems) == (parse_condition(source), [])


@given(conditions(), st.sampled_from(("option", "options", "ranking")))
def test_bind_never_changes_a_condition_on_option_parts(condition: Condition, kind: str) -> None:
    """Option, multi-choice and ranking parts keep today's nodes, so today's meaning."""
    bound, _problems = bind(condition, lambda _key: Operand(kind, ("a", "b")))
    assert bound == condition


# semantics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "holds"),
    [
        ("q3 < 250", False),
        ("q3 >= 250", False),
        ("q3 == 250", False),
        ("q3 != 250", True),
        ("not q3 < 250", True),
        ("q4 > 2024-01-01", False),
        ("q4 != 2024-01-01", True),
        ("q6 == 'x'", False),
        ("q6 != 'x'", True),
        ("q6 in ['x']", False),
        ("count(q2) == 0", True),
        ("count(q2) >= 1", False),
        ("count(q8) < 1", True),
    ],
)
def test_a_missing_answer_compares_false_but_counts_zero(source: str, holds: bool) -> None:
    """Missing: every comparison fails (``!=`` being ``not ==``) and count() is 0."""
    condition, problems = _bind(source)
    assert problems == []
    assert evaluate(condition, {}) is holds
    assert compile_condition(condition)({}) is holds


@pytest.mark.parametrize(
    ("source", "answers", "holds"),
    [
        ("q3 > 250", {"q3": 251}, True),
        ("q3 > 250", {"q3": 250.5}, True),
        ("q3 > 250", {"q3": 250}, False),
        ("q3 == 1", {"q3": 1.0}, True),
        ("q3 == 1", {"q3": True}, False),
        ("q3 != 1", {"q3": True}, True),
        ("q3 > 0", {"q3": "12"}, False),
        ("q3 > 0", {"q3": [1]}, False),
        ("q3 < 0", {"q3": float("nan")}, False),
        ("q4 > 2024-01-01", {"q4": "2024-03-05"}, True),
        ("q4 > 2024-01-01", {"q4": "2023-12-31"}, False),
        ("q4 > 2024-01-01", {"q4": "2024-03"}, False),
        ("q4 > 2024-01-01", {"q4": dt.date(2024, 3, 5)}, False),
        ("q5 <= 2024-03", {"q5": "2024-03"}, True),
        ("q5 <= 2024-03", {"q5": "2024-02-28"}, False),
        ("q6 == 'North Yorkshire'", {"q6": "  north   YORKSHIRE\n"}, True),
        ("q6 == 'Straße'", {"q6": "STRASSE"}, True),
        ("q6 == 'x'", {"q6": ["x"]}, False),
        ("q6 in ['a b', 'c']", {"q6": "A\tB"}, True),
        ("count(q2) == 2", {"q2": ["peer", "data"]}, True),
        ("count(q2) == 0", {"q2": ("peer",)}, True),
        ("count(q2) == 0", {"q2": Choices(["peer"])}, True),
        ("count(q2) == 0", {"q2": "peer"}, True),
        ("count(q8) > 1", {"q8": ["y", "x"]}, True),
    ],
)
def test_typed_comparisons_match_only_answers_of_their_type(
    source: str, answers: dict[str, Any], holds: bool
) -> None:
    """Numbers are int or float (not bool); dates are ISO text of the literal's precision."""
    condition, problems = _bind(source)
    assert problems == []
    assert evaluate(condition, answers) is holds
    assert compile_condition(condition)(answers) is holds
    assert _generated(condition, answers) is holds


def test_references_include_part_keys_and_counts() -> None:
    """``references`` lists every key read, typed comparisons included."""
    condition, _ = _bind("q3 > 1 or count(q2) > 1 and q7.cost == 'agree' or q6 != 'x'")
    assert references(condition) == ("q3", "q2", "q7.cost", "q6")


# the kind's answer type -------------------------------------------------------------------


class _Kind:
    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (_Kind(has_options=True, multiple=False), "option"),
        (_Kind(has_options=True, multiple=True), "options"),
        (_Kind(has_options=False, multiple=False), "text"),
        (_Kind(has_options=True, multiple=True, answer_type="ranking"), "ranking"),
        (_Kind(has_options=False, multiple=False, answer_type="number"), "number"),
        (
            _Kind(
                has_options=False,
                multiple=False,
                answer_type="date",
                answer_type_of=lambda q: "month" if q.settings.get("precision") else "date",
            ),
            "month",
        ),
    ],
)
def test_answer_type_asks_the_kind_then_falls_back(kind: _Kind, expected: str) -> None:
    """``answer_type_of`` wins over ``answer_type``, which wins over the options rule."""
    question = Question(id="q1", text="?", kind="k", settings={"precision": "month"})
    assert answer_type(question, {"k": kind}) == expected


# properties -------------------------------------------------------------------------------

KEYS = ("q1", "q2", "b", "notes", "q7.cost", "q7.time", "q5.other", "count")
OPTIONS = ("yes", "no", "a", "b c", "don't know", 'say "no"', "a\\b", "x_y")
_TEXT = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=6)
_TEXTS = st.one_of(st.sampled_from(("Yes", " north  Yorkshire ", "Straße", "", "a b")), _TEXT)
_NUMBERS = st.one_of(
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from((0.25, -1.5, 1e16, 1e-7, -0.0)),
)
_OPS = st.sampled_from(("==", "!=", "<", "<=", ">", ">="))


def _operand(answer_type: str) -> st.SearchStrategy[Operand]:
    if answer_type in ("option", "options", "ranking"):
        options = st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=4, unique=True)
        return options.map(lambda values: Operand(answer_type, tuple(values)))
    return st.just(Operand(answer_type))


@st.composite
def _operands(draw: st.DrawFn) -> dict[str, Operand]:
    """Parts of every answer type (and now and then a second of one), under shuffled keys."""
    types = [*ANSWER_TYPES, *draw(st.lists(st.sampled_from(ANSWER_TYPES), max_size=1))]
    keys = draw(st.permutations(KEYS))
    return {key: draw(_operand(kind)) for key, kind in zip(keys, types, strict=False)}


_ONE_IN_THREE = st.sampled_from((False, True, False))
_ONE_IN_FIVE = st.sampled_from((False, False, True, False, False))


def _month(day: dt.date) -> str:
    return day.isoformat()[:7]


def _compare(key: str, op: str, value: Any) -> Condition:
    return Not(Compare(key, "==", value)) if op == "!=" else Compare(key, op, value)


@st.composite
def _leaf(draw: st.DrawFn, key: str, operand: Operand) -> Condition:
    """A well-typed comparison on ``key``, as parsed (before binding)."""
    kind = operand.answer_type
    if draw(st.integers(0, 5)) == 0:
        return Answered(key)
    negate = draw(st.booleans())
    node: Condition
    if kind == "option":
        if draw(st.booleans()):
            node = Equals(key, draw(st.sampled_from(operand.options)))
        else:
            node = OneOf(key, tuple(draw(st.lists(st.sampled_from(operand.options), max_size=3))))
    elif kind in ("options", "ranking"):
        if draw(st.booleans()):
            node = Contains(key, draw(st.sampled_from(operand.options)))
        else:
            node = Count(key, draw(_OPS), draw(st.integers(0, 4)))
    elif kind == "text":
        if draw(st.booleans()):
            node = Equals(key, draw(_TEXTS))
        else:
            node = OneOf(key, tuple(draw(st.lists(_TEXTS, max_size=3))))
    elif kind == "number":
        node = _compare(key, draw(_OPS), draw(_NUMBERS))
    else:
        day = draw(st.dates())
        text = day.isoformat() if kind == "date" else _month(day)
        node = _compare(key, draw(_OPS), DateLiteral(text))
    return Not(node) if negate else node


@st.composite
def _tree(draw: st.DrawFn, operands: Mapping[str, Operand]) -> Condition:
    """A condition reading every part at least once, in a random shape of and, or and not."""
    keys = [*operands, *draw(st.lists(st.sampled_from(sorted(operands)), max_size=3))]
    leaves = [draw(_leaf(key, operands[key])) for key in draw(st.permutations(keys))]
    return _combine(draw, leaves)


def _combine(draw: st.DrawFn, nodes: list[Condition]) -> Condition:
    if len(nodes) == 1:
        node = nodes[0]
    else:
        cut = draw(st.integers(1, len(nodes) - 1))
        operands = (_combine(draw, nodes[:cut]), _combine(draw, nodes[cut:]))
        node = All(operands) if draw(st.booleans()) else Any_(operands)
    return Not(node) if draw(_ONE_IN_THREE) else node


def _literals(condition: Condition, key: str) -> list[Any]:
    """The values a condition compares ``key`` with: answers near them are the interesting ones."""
    found: list[Any] = []
    for node in walk(condition):
        if not isinstance(node, Leaf) or node.question != key:
            continue
        match node:
            case Equals(value=v) | Contains(value=v) | TextEquals(value=v):
                found.append(v)
            case OneOf(values=vs) | TextOneOf(values=vs):
                found.extend(vs)
            case Compare(value=DateLiteral(text=t)):
                found.append(t)
            case Compare(value=v) | Count(value=v):
                found.append(v)
    return found


def _near(value: Any) -> st.SearchStrategy[Any]:
    """Answers equal to, around, or a disguise of one literal."""
    if isinstance(value, bool):
        return st.just(value)
    if isinstance(value, int | float):
        disguised = (bool(value), str(value), [value])
        return st.sampled_from((value, float(value), value + 1, value - 1, -value, *disguised))
    if len(value) in (7, 10) and value[:4].isdigit() and value[4:5] == "-":
        day = dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
        earlier = day - dt.timedelta(days=1) if day > dt.date.min else day
        later = day + dt.timedelta(days=31) if day < dt.date(9999, 12, 1) else day
        near = (day, earlier, later)
        disguised = (day, [value], value.replace("-", "/"))
        return st.sampled_from(
            (value, *(d.isoformat() for d in near), *map(_month, near), *disguised)
        )
    return st.sampled_from(
        (value, value.upper(), f"  {value} ", value.replace(" ", "\t  "), value.title(), [value])
    )


@st.composite
def _answer(draw: st.DrawFn, operand: Operand, literals: list[Any]) -> Any:
    pool: list[st.SearchStrategy[Any]] = [
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.floats(),
        _TEXT,
        st.dates().map(dt.date.isoformat),
        st.dates().map(_month),
        st.lists(st.sampled_from(OPTIONS), max_size=4),
        st.lists(st.sampled_from(OPTIONS), max_size=3).map(tuple),
        st.lists(st.sampled_from(OPTIONS), max_size=3).map(Choices),
    ]
    if draw(_ONE_IN_THREE):
        return draw(st.one_of(pool))
    # Mostly answers of the part's own type, near what the condition compares them with.
    if operand.answer_type in ("options", "ranking"):
        chosen = draw(st.lists(st.sampled_from(operand.options), max_size=4))
        return draw(st.sampled_from((chosen, chosen, tuple(chosen), Choices(chosen))))
    if operand.answer_type == "option":
        return draw(st.sampled_from(operand.options))
    return draw(st.sampled_from(literals).flatmap(_near)) if literals else draw(_TEXT)


@st.composite
def typed_cases(
    draw: st.DrawFn,
) -> tuple[Condition, Mapping[str, Operand], list[dict[str, Any]]]:
    """A bound, well-typed condition, the parts it reads, and several sets of answers of any
    shape to them (one condition is checked against many, so that rare mixes turn up)."""
    operands = draw(_operands())
    parsed = draw(_tree(operands))
    condition, problems = bind(parsed, operands.get)
    assert problems == []
    sheets = [
        {
            key: draw(_answer(operand, _literals(condition, key)))
            for key, operand in operands.items()
            if not draw(_ONE_IN_FIVE)
        }
        for _ in range(8)
    ]
    return condition, operands, sheets


def _generated_check(condition: Condition, keys: list[str]) -> Callable[[Mapping[str, Any]], bool]:
    """The generated check function's verdict: a probe question guarded by the condition is
    kept exactly when the condition holds on the answers before it."""
    ids = [*dict.fromkeys([*keys, *references(condition)]), "probe"]
    check = compile_check(
        question_ids=ids,
        conditions=[*(None for _ in ids[:-1]), condition],
        checkers=[lambda v: v for _ in ids],
        required=[None for _ in ids],
        guards=[None for _ in ids],
        known_ids=frozenset(ids),
        unknown_problem=lambda key: AnswerProblem(str(key), "unknown_question", "?"),
    )

    def verdict(answers: Mapping[str, Any]) -> bool:
        clean, problems = check({**answers, "probe": "here"})
        assert problems == []
        return "probe" in clean

    return verdict


def _generated(condition: Condition, answers: Mapping[str, Any]) -> bool:
    return _generated_check(condition, list(answers))(answers)


@given(typed_cases())
def test_closures_agree_with_the_interpreter(case) -> None:
    """``compile_condition(c)(a) == evaluate(c, a)`` for typed conditions and any answers."""
    condition, _operands, sheets = case
    for node in walk(condition):  # every node: an outer and/or would hide a wrong leaf
        compiled = compile_condition(node)
        for answers in sheets:
            assert compiled(answers) is evaluate(node, answers)


@given(typed_cases())
def test_generated_code_agrees_with_the_interpreter(case) -> None:
    """The generated check function shows a question exactly when ``evaluate`` says so."""
    condition, operands, sheets = case
    for node in walk(condition):  # every node: an outer and/or would hide a wrong leaf
        generated = _generated_check(node, list(operands))
        for answers in sheets:
            assert generated(answers) is evaluate(node, answers)


@given(typed_cases())
def test_not_is_an_exact_negation(case) -> None:
    """``not c`` holds exactly when ``c`` does not, in every evaluator."""
    condition, operands, sheets = case
    negated = Not(condition)
    compiled, compiled_not = compile_condition(condition), compile_condition(negated)
    generated = _generated_check(condition, list(operands))
    generated_not = _generated_check(negated, list(operands))
    for answers in sheets:
        assert evaluate(negated, answers) is not evaluate(condition, answers)
        assert compiled_not(answers) is not compiled(answers)
        assert generated_not(answers) is not generated(answers)


@given(typed_cases())
def test_render_round_trips_through_parse_and_bind(case) -> None:
    """``bind(parse_condition(render(c)))`` gives ``c`` back, with no problems."""
    condition, operands, _answers = case
    assert bind(parse_condition(render(condition)), operands.get) == (condition, [])


@given(typed_cases())
def test_on_no_answers_only_counts_can_hold(case) -> None:
    """With nothing answered a comparison is false in every evaluator, and count() is 0."""
    condition, operands, _sheets = case
    for node in walk(condition):
        if isinstance(node, Count):
            expected = PYTHON[node.op](0, node.value)
        elif isinstance(node, Leaf):
            expected = False
        else:
            continue
        assert evaluate(node, {}) is expected
        assert compile_condition(node)({}) is expected
        assert _generated_check(node, list(operands))({}) is expected


PYTHON = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


@given(
    st.sampled_from(("==", "!=", "<", "<=", ">", ">=")),
    _NUMBERS,
    st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), _TEXT),
)
def test_numbers_compare_as_python_numbers(op: str, literal: Any, answer: Any) -> None:
    """A number part's answer compares as Python compares numbers; anything else is false."""
    bound, problems = bind(parse_condition(render(_compare("q3", op, literal))), PARTS.get)
    assert problems == []
    is_number = type(answer) in (int, float)
    python = PYTHON[op]
    expected = python(answer, literal) if is_number else op == "!="
    assert compile_condition(bound)({"q3": answer}) is expected


@given(st.dates(), st.dates(), _OPS)
def test_dates_compare_as_dates(literal: dt.date, answer: dt.date, op: str) -> None:
    """ISO text of one precision orders exactly as the dates it names."""
    bound, _ = bind(parse_condition(f"q4 {op} {literal.isoformat()}"), PARTS.get)
    month, _ = bind(parse_condition(f"q5 {op} {_month(literal)}"), PARTS.get)
    python = PYTHON[op]
    assert evaluate(bound, {"q4": answer.isoformat()}) is python(answer, literal)
    months = (answer.year, answer.month), (literal.year, literal.month)
    assert evaluate(month, {"q5": _month(answer)}) is python(*months)


@given(_TEXTS, _TEXTS)
def test_text_equality_ignores_case_and_spacing(literal: str, answer: str) -> None:
    """Text matches exactly when both sides normalise to the same words."""
    bound, _ = bind(Equals("q6", literal), PARTS.get)
    assert evaluate(bound, {"q6": answer}) is (normalise_text(answer) == normalise_text(literal))


@given(_TEXTS)
def test_normalising_text_is_idempotent(text: str) -> None:
    """Binding a rendered text comparison again changes nothing, because of this."""
    once = normalise_text(text)
    assert normalise_text(once) == once
