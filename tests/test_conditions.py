"""The ``shown_if`` condition language: parsing, errors, semantics, compiling and rendering."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import Choices, answer_maps, condition_sources, conditions
from surveykit import ConditionSyntaxError, parse_condition
from surveykit.conditions import (
    All,
    Answered,
    Any_,
    Contains,
    Equals,
    Not,
    OneOf,
    compile_condition,
    evaluate,
    references,
    render,
)

# parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('q1 == "yes"', Equals("q1", "yes")),
        ('q1 != "yes"', Not(Equals("q1", "yes"))),
        ('q1 in ["changes", "no"]', OneOf("q1", ("changes", "no"))),
        ('q1 in ["changes", "no",]', OneOf("q1", ("changes", "no"))),
        ("q1 in []", OneOf("q1", ())),
        ('q1 not in ["a"]', Not(OneOf("q1", ("a",)))),
        ('"ofsted" in q7', Contains("q7", "ofsted")),
        ('"ofsted" not in q7', Not(Contains("q7", "ofsted"))),
        ("answered(q3)", Answered("q3")),
        ("answered ( q3 )", Answered("q3")),
        ('not q1 == "a"', Not(Equals("q1", "a"))),
        ('not not q1 == "a"', Not(Not(Equals("q1", "a")))),
        ("q1=='a'and q2!='b'", All((Equals("q1", "a"), Not(Equals("q2", "b"))))),
    ],
)
def test_each_form_parses_to_its_node(source, expected):
    """Every form of the language parses to the node it names."""
    assert parse_condition(source) == expected


def test_and_binds_tighter_than_or():
    """``a or b and c`` reads as ``a or (b and c)``."""
    a, b, c = (Answered(q) for q in ("a", "b", "c"))
    assert parse_condition("answered(a) or answered(b) and answered(c)") == Any_((a, All((b, c))))


def test_not_binds_tighter_than_and():
    """``not a and b`` reads as ``(not a) and b``."""
    a, b = Answered("a"), Answered("b")
    assert parse_condition("not answered(a) and answered(b)") == All((Not(a), b))


def test_parentheses_group():
    """Parentheses override precedence and keep explicit nesting."""
    a, b, c = (Answered(q) for q in ("a", "b", "c"))
    source = "(answered(a) or answered(b)) and answered(c)"
    assert parse_condition(source) == All((Any_((a, b)), c))
    assert parse_condition("not (answered(a) and answered(b))") == Not(All((a, b)))
    nested = "answered(a) and (answered(b) and answered(c))"
    assert parse_condition(nested) == All((a, All((b, c))))


def test_a_chain_of_ands_is_one_node():
    """``a and b and c`` is one conjunction of three, not nested pairs."""
    a, b, c = (Answered(q) for q in ("a", "b", "c"))
    assert parse_condition("answered(a) and answered(b) and answered(c)") == All((a, b, c))


def test_nodes_remember_their_column():
    """Each comparison records the 1-based column of its question id."""
    condition = parse_condition('q1 == "a" or  "b" in q2')
    assert [node.column for node in condition.operands] == [1, 22]


def test_columns_do_not_affect_equality():
    """Two conditions that differ only in layout are equal."""
    assert parse_condition('q1=="a"') == parse_condition('   q1  ==  "a"')


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ('notes == "a"', "notes"),
        ('order == "a"', "order"),
        ('inner in ["a"]', "inner"),
        ('"a" in android', "android"),
        ("answered(answered_by)", "answered_by"),
        ('in_ == "a"', "in_"),
        ('not_ != "a"', "not_"),
    ],
)
def test_ids_may_start_with_a_keyword(source, name):
    """An id that merely starts with a keyword is read as an id."""
    assert references(parse_condition(source)) == (name,)


@pytest.mark.parametrize("value", ["and", "or", "not", "in", "answered", "q1 == 'x'"])
def test_keywords_inside_quotes_are_plain_strings(value):
    """A quoted keyword is a value like any other."""
    assert parse_condition(f'q1 == "{value}"') == Equals("q1", value)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("q == 'single'", "single"),
        ('q == "double"', "double"),
        ('q == "it\'s"', "it's"),
        ("q == 'say \"no\"'", 'say "no"'),
        (r"q == 'it\'s'", "it's"),
        (r'q == "say \"no\""', 'say "no"'),
        (r'q == "back\\slash"', "back\\slash"),
        (r'q == "\y"', "y"),
        ('q == ""', ""),
        ("q == 'caf\u00e9'", "caf\u00e9"),
        ('q == "tab\there"', "tab\there"),
    ],
)
def test_strings_in_either_quotes_with_escapes(source, value):
    """Strings take single or double quotes; a backslash makes the next character literal."""
    assert parse_condition(source) == Equals("q", value)


# syntax errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        ("q1 == ", 7, "the condition ends too soon; expected a quoted string, a number or a date"),
        ('q1 = "a"', 4, "unexpected character '='"),
        ('(q1 == "a"', 11, "the condition ends too soon; expected ')'"),
        ('q1 in ["a" "b"]', 12, "unexpected '\"b\"'; expected ',' or ']'"),
        ('q1 in ["a",, "b"]', 12, "unexpected ','; expected ']' or a quoted string"),
        ('q1 == "a" $', 11, "unexpected character '$'"),
        ('q1 == "a" && q2 == "b"', 11, "unexpected character '&'"),
        ("q1 == yes", 7, "unexpected 'yes'; expected a quoted string, a number or a date"),
        ('q1 == "yes', 7, "unexpected character '\"'"),
        (
            "q1",
            3,
            "the condition ends too soon; expected 'in', 'not' or a comparison "
            "(==, !=, <, <=, >, >=)",
        ),
        ('q1 not == "a"', 8, "unexpected '=='; expected 'in'"),
        ('"a" in', 7, "the condition ends too soon; expected a question id"),
        ("answered()", 10, "unexpected ')'; expected a question id"),
        ('1q == "a"', 1, "unexpected character '1'"),
        ("", 1, "the condition is empty"),
        ("   ", 1, "the condition is empty"),
    ],
)
def test_syntax_errors_point_at_the_right_column(source, column, message):
    """A syntax error gives a plain message and the 1-based column where reading stopped."""
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(source)
    assert (info.value.column, info.value.message, info.value.source) == (column, message, source)


@pytest.mark.parametrize(
    ("source", "column", "found"),
    [
        ('q1 == "a" or or q2 == "b"', 14, "or"),
        ('and == "a"', 1, "and"),
        ("answered(or)", 10, "or"),
        ('"a" in not', 8, "not"),
        ('q1 == "a" and in', 15, "in"),
    ],
)
def test_keywords_are_never_question_ids(source, column, found):
    """A misplaced keyword is reported where it stands, not read as a question id."""
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(source)
    assert info.value.column == column
    assert info.value.message.startswith(f"unexpected {found!r}; expected ")


def test_keywords_are_lower_case():
    """``AND`` is not a keyword, so it cannot join two comparisons."""
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition('q1 == "a" AND q2 == "b"')
    assert info.value.column == 11
    assert info.value.message.startswith("unexpected 'AND'")


def test_a_syntax_error_shows_where():
    """The error's text repeats the condition with a caret under the column."""
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition('q1 = "a"')
    assert str(info.value) == "unexpected character '=' at column 4\n    q1 = \"a\"\n       ^"


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_a_syntax_error(source):
    """Arbitrary text never makes the parser fail with anything but a located syntax error."""
    try:
        parse_condition(source)
    except ConditionSyntaxError as exc:
        error = exc
    else:
        return
    assert 1 <= error.column <= len(source) + 1


# semantics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "holds"),
    [
        ('q1 == "a"', False),
        ('q1 != "a"', True),
        ('q1 in ["a", "b"]', False),
        ('q1 not in ["a", "b"]', True),
        ('"a" in q2', False),
        ('"a" not in q2', True),
        ("answered(q1)", False),
        ("not answered(q1)", True),
    ],
)
def test_an_absent_answer_equals_nothing_and_contains_nothing(source, holds):
    """On an absent answer ``==``, ``in`` and ``answered`` fail; their negations hold."""
    condition = parse_condition(source)
    assert evaluate(condition, {}) is holds
    assert compile_condition(condition)({}) is holds


@pytest.mark.parametrize(
    ("source", "answers", "holds"),
    [
        ('q1 == "a"', {"q1": "a"}, True),
        ('q1 == "a"', {"q1": ["a"]}, False),
        ('q1 in ["a", "b"]', {"q1": "b"}, True),
        ('q1 in ["a", "b"]', {"q1": ["a"]}, False),
        ('"a" in q2', {"q2": ["b", "a"]}, True),
        ('"a" in q2', {"q2": "a"}, False),
        ('"a" in q2', {"q2": ("a",)}, False),
        ('"a" in q2', {"q2": Choices(["a"])}, False),
        ('"a" in q2', {"q2": "banana"}, False),
        ("answered(q1)", {"q1": None}, True),
    ],
)
def test_comparisons_match_only_answers_of_the_right_shape(source, answers, holds):
    """A single answer matches ``==`` and ``in [...]``; only a true list matches ``"v" in q``."""
    condition = parse_condition(source)
    assert evaluate(condition, answers) is holds
    assert compile_condition(condition)(answers) is holds


def test_references_are_in_order_of_first_mention():
    """``references`` lists each id a condition reads once, in reading order."""
    condition = parse_condition('q3 == "a" or ("b" in q1 and not answered(q3)) or q2 in []')
    assert references(condition) == ("q3", "q1", "q2")


@given(conditions(), answer_maps())
def test_compiled_conditions_agree_with_the_interpreter(condition, answers):
    """The compiled closure and the reference interpreter give the same verdict."""
    assert compile_condition(condition)(answers) is evaluate(condition, answers)


@given(conditions(), answer_maps())
def test_negation_is_exact(condition, answers):
    """``not c`` holds exactly when ``c`` does not, absent answers included."""
    assert evaluate(Not(condition), answers) is not evaluate(condition, answers)
    assert compile_condition(Not(condition))(answers) is not compile_condition(condition)(answers)


@given(st.sampled_from(("q1", "notes")), st.sampled_from(("a", "b")), answer_maps())
def test_not_equals_and_not_in_negate_equals_and_in(name, value, answers):
    """``!=`` and ``not in`` are the exact negations of ``==`` and ``in``."""
    pairs = [
        (f'{name} == "{value}"', f'{name} != "{value}"'),
        (f'{name} in ["{value}", "x"]', f'{name} not in ["{value}", "x"]'),
        (f'"{value}" in {name}', f'"{value}" not in {name}'),
    ]
    for positive, negative in pairs:
        compiled = compile_condition(parse_condition(negative))
        assert compiled(answers) is not evaluate(parse_condition(positive), answers)


# rendering --------------------------------------------------------------------------------


@given(conditions())
def test_rendered_conditions_parse_back_to_the_same_tree(condition):
    """``parse_condition(render(c)) == c``: rendering loses nothing."""
    assert parse_condition(render(condition)) == condition


@given(conditions())
def test_rendering_is_stable(condition):
    """Rendering a parsed rendering gives the same text again."""
    text = render(condition)
    assert render(parse_condition(text)) == text


@given(st.data())
def test_any_layout_parses_to_the_same_tree(data):
    """Spacing, quote marks, needless escapes and parentheses never change the meaning."""
    condition = data.draw(conditions())
    assert parse_condition(data.draw(condition_sources(condition))) == condition


def test_render_writes_the_short_forms():
    """Negated comparisons render as ``!=`` and ``not in``; groups get parentheses."""
    source = (
        'q1 != "a" and q2 not in ["b", "c"] and "d" not in q3 '
        'and not (answered(q4) or q5 == "it\'s \\"x\\"")'
    )
    assert render(parse_condition(source)) == (
        'q1 != "a" and q2 not in ["b", "c"] and "d" not in q3 '
        'and not (answered(q4) or q5 == "it\'s \\"x\\"")'
    )


def _three_ways(source: str) -> list[str]:
    """``source`` read by the quick reader, by Lark building as it parses, and by Lark through a
    tree: each a condition's repr (columns included), or the name of its refusal."""
    from surveykit import _fastparse
    from surveykit import conditions as module

    found = []
    for read in (
        lambda: _fastparse.read(source, module._BUILD) or "declined",
        lambda: module._building_parser().parse(source),
        lambda: module._lark_transformer().transform(module._parser().parse(source)),
    ):
        try:
            found.append(repr(read()))
        except Exception as exc:
            found.append(type(exc).__name__)
    return found


def _broken(source: str, data: st.DataObject) -> str:
    """``source`` with a few characters cut, doubled or swapped for condition punctuation."""
    chars = list(source)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, max(0, len(chars) - 1)))
        what = data.draw(st.sampled_from(["cut", "double", "(", ")", '"', "[", ",", "-", "\n"]))
        if what == "cut" and chars:
            del chars[at]
        elif what == "double" and chars:
            chars.insert(at, chars[at])
        else:
            chars.insert(at, what)
    return "".join(chars)


@given(conditions().flatmap(condition_sources), st.data())
def test_the_quick_reader_and_lark_read_every_condition_alike(source, data):
    """The quick reader builds what Lark builds, columns and all; on a broken condition it
    declines, and Lark says what is wrong."""
    quick, building, tree = _three_ways(source)
    assert quick == building == tree
    broken = _broken(source, data)
    quick, building, tree = _three_ways(broken)
    if tree in ("UnexpectedCharacters", "UnexpectedToken", "UnexpectedEOF", "VisitError"):
        assert quick == "'declined'"
    else:
        assert quick in (building, "'declined'")
        assert building == tree


@given(st.integers(1, 60), st.sampled_from(["not ", "(", "q1 == 'a' and "]))
def test_a_condition_too_deep_is_refused_whichever_way_it_is_read(depth, step):
    from surveykit.conditions import MAX_CONDITION_DEPTH

    source = step * depth + "q1 == 'a'" + (")" * depth if step == "(" else "")
    source = source.replace("'", '"')
    nested = {"not ": depth + 1, "(": 1}.get(step, 2)  # an `and` chain is one level
    if nested > MAX_CONDITION_DEPTH:
        with pytest.raises(ConditionSyntaxError):
            parse_condition(source)
    else:
        parse_condition(source)
