"""The ``shown_if`` condition language: parse once, bind to the spec, compile to closures.

Expressions are small and safe by construction: comparisons of earlier answers with literals
(quoted strings, numbers, ISO dates), ``count(q)``, ``answered(q)``, ``and``/``or``/``not`` and
parentheses.  Nothing is ever passed to ``eval``; a parsed expression is turned into nested
Python closures that read a mapping of cleaned answers.

Parsing knows nothing of the spec.  :func:`bind` then checks each comparison against the type of
the part it reads (an :class:`Operand`) and rewrites it where the meaning depends on that type:
text is compared normalised (:class:`TextEquals`, :class:`TextOneOf`), numbers and dates in
order (:class:`Compare`), and a comparison that makes no sense is a :class:`BindProblem`.

Semantics on missing answers: an absent answer equals no value, is in no list, contains no
option and is neither before, after, above nor below anything; ``count(q)`` of it is 0.  ``!=``
and ``not in`` are exact negations of ``==`` and ``in``, so ``q1 != "yes"`` holds when q1 was
not answered (or not shown).  An answer of the wrong type behaves like a missing one.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field
from attrs.validators import in_

from . import _fastparse
from ._classes import frozen
from .errors import ConditionSyntaxError, ConditionTooDeep

if TYPE_CHECKING:  # Lark is imported only when the quick reader declines a condition
    from lark import Lark, Token, Tree

__all__ = [
    "ANSWER_TYPES",
    "All",
    "Answered",
    "Any_",
    "BindProblem",
    "Compare",
    "Compiled",
    "Condition",
    "Contains",
    "Count",
    "DateLiteral",
    "Equals",
    "Leaf",
    "Not",
    "OneOf",
    "Operand",
    "TextEquals",
    "TextOneOf",
    "bind",
    "compile_condition",
    "evaluate",
    "normalise_text",
    "parse_condition",
    "references",
    "render",
    "walk",
]

#: Words that are never question ids.  ``count`` is not one: it is a function only before "(".
KEYWORDS = frozenset({"and", "or", "not", "in", "answered"})
#: How deeply ``not``, ``and`` and ``or`` may nest in one condition (a comparison is one level).
MAX_CONDITION_DEPTH = 32
#: What a condition may do with a part's answer; see :func:`surveykit.kinds.answer_type`.
ANSWER_TYPES = ("option", "options", "ranking", "number", "date", "month", "text")
#: The comparison operators, and those that order (numbers and dates only).
OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
ORDERING = ("<", "<=", ">", ">=")

Compiled = Callable[[Mapping[str, Any]], bool]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def normalise_text(value: str) -> str:
    """Text as conditions compare it: case-folded, whitespace runs made one space, ends cut."""
    return " ".join(value.casefold().split())


# syntax tree -------------------------------------------------------------------------------


@frozen
class DateLiteral:
    """An unquoted ISO date in a condition: ``2024-03-05`` (a day) or ``2024-03`` (a month)."""

    text: str

    @property
    def precision(self) -> str:
        return "day" if len(self.text) == 10 else "month"

    def __str__(self) -> str:
        return self.text


Literal = str | int | float | DateLiteral


@frozen
class Equals:
    """``q == "v"``: a single choice is the option ``v`` (text: see :class:`TextEquals`)."""

    question: str
    value: str
    column: int = field(default=0, eq=False)


@frozen
class OneOf:
    """``q in ["a", "b"]``."""

    question: str
    values: tuple[str, ...]
    column: int = field(default=0, eq=False)


@frozen
class Contains:
    """``"v" in q``: a multi-choice or ranking answer includes an option."""

    question: str
    value: str
    column: int = field(default=0, eq=False)


@frozen
class Answered:
    """``answered(q)``: the question was shown and answered."""

    question: str
    column: int = field(default=0, eq=False)


@frozen
class Compare:
    """``q < 250``, ``q >= 2024-01-01``, ``q == 3``: a number or date answer against a literal.

    Bound, ``value`` is an ``int``/``float`` for a number part and a :class:`DateLiteral` of the
    part's precision for a date part.  Parsed but not bound, it may also be quoted text
    (``q < "x"``), which :func:`bind` refuses.  ``!=`` is ``Not(Compare(q, "==", v))``, so that
    it stays the exact negation of ``==`` on a missing answer.
    """

    question: str
    op: str = field(validator=in_(("==", *ORDERING)))
    value: Literal
    column: int = field(default=0, eq=False)


@frozen
class Count:
    """``count(q) >= 2``: how many options a multi-choice or ranking answer holds (0 if none)."""

    question: str
    op: str = field(validator=in_(OPERATORS))
    value: int | float
    column: int = field(default=0, eq=False)


@frozen
class TextEquals:
    """``q == "v"`` on a text part: equal once both sides are :func:`normalise_text`-ed.

    ``value`` is held normalised already; :func:`bind` makes these from :class:`Equals`.
    ``written`` is the literal as the spec wrote it, for showing and rendering only.
    """

    question: str
    value: str
    column: int = field(default=0, eq=False)
    written: str | None = field(default=None, eq=False)

    @property
    def source(self) -> str:
        """The literal as the spec wrote it (where known), for showing and writing back."""
        return self.value if self.written is None else self.written


@frozen
class TextOneOf:
    """``q in ["a", "b"]`` on a text part, normalised like :class:`TextEquals`."""

    question: str
    values: tuple[str, ...]
    column: int = field(default=0, eq=False)
    written: tuple[str, ...] | None = field(default=None, eq=False)

    @property
    def source(self) -> tuple[str, ...]:
        """The literals as the spec wrote them (where known), for showing and writing back."""
        return self.values if self.written is None else self.written


@frozen
class Not:
    operand: Condition


@frozen
class All:
    operands: tuple[Condition, ...]


@frozen
class Any_:
    operands: tuple[Condition, ...]


#: The nodes that read one answer; each has ``question`` and ``column``.
Leaf = Equals | OneOf | Contains | Answered | Compare | Count | TextEquals | TextOneOf
Condition = Leaf | Not | All | Any_


# parsing -----------------------------------------------------------------------------------


class _BadLiteral(Exception):
    """A literal that lexes but means nothing (``2024-02-30``); becomes a syntax error."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def _unquote(token: Token) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    chars = iter(body)
    for ch in chars:
        out.append(next(chars, "\\") if ch == "\\" else ch)
    return "".join(out)


def _number(token: Token) -> int | float:
    try:
        value = float(token) if "." in token else int(token)
    except ValueError:  # more digits than Python converts
        raise _BadLiteral(f"the number {token[:12]}... is too long", token.column) from None
    if value in (float("inf"), float("-inf")):
        raise _BadLiteral(f"the number {token[:12]}... is too large", token.column)
    return value


_ISO = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")


def _date(token: Token) -> DateLiteral:
    year, month, *day = (int(part) for part in token.split("-"))
    what = "date" if day else "month"
    try:
        dt.date(year, month, day[0] if day else 1)
    except ValueError:
        raise _BadLiteral(f"{token} is not a real {what}", token.column) from None
    if not _ISO.fullmatch(token):
        iso = f"{year:04}-{month:02}" + (f"-{day[0]:02}" if day else "")
        message = f"write the {what} {token} with two-digit months and days: {iso}"
        raise _BadLiteral(message, token.column)
    return DateLiteral(str(token))


def _literal(token: Token) -> Literal:
    if token.type == "NUMBER":
        return _number(token)
    if token.type == "DATE":
        return _date(token)
    return _unquote(token)


class _Build:
    """The grammar's rules, building a condition from their tokens: used by the quick reader
    (:mod:`surveykit._fastparse`) directly and by Lark through :func:`_lark_transformer`."""

    def negation(self, operand):
        return Not(operand)

    def or_expr(self, *operands):
        return Any_(tuple(operands))

    def and_expr(self, *operands):
        return All(tuple(operands))

    def answered(self, name):
        return Answered(str(name), name.column)

    def compare(self, name, op, token):
        value, q, column = _literal(token), str(name), name.column
        if op in ("==", "!="):
            node = (
                Equals(q, value, column)
                if isinstance(value, str)
                else Compare(q, "==", value, column)
            )
            return node if op == "==" else Not(node)
        return Compare(q, str(op), value, column)

    def count(self, _count, name, op, number):
        return Count(str(name), str(op), _number(number), name.column)

    def one_of(self, name, values):
        return OneOf(str(name), values, name.column)

    def not_one_of(self, name, values):
        return Not(OneOf(str(name), values, name.column))

    def contains(self, value, name):
        return Contains(str(name), _unquote(value), name.column)

    def not_contains(self, value, name):
        return Not(Contains(str(name), _unquote(value), name.column))

    def list(self, *items):
        return tuple(_unquote(item) for item in items if item is not None)


#: The rules the quick reader builds conditions with.
_BUILD = _Build()


@functools.cache
def _lark_transformer_class() -> type:
    """:class:`_Build` as a Lark transformer (Lark imported here, on first need)."""
    from lark import Transformer, v_args

    # Lark wraps only the rules a transformer class defines itself, so they are copied in.
    rules = {name: rule for name, rule in vars(_Build).items() if not name.startswith("_")}
    return v_args(inline=True)(type("ToAst", (Transformer,), rules))


def _lark_transformer() -> Any:
    return _lark_transformer_class()()


def _grammar() -> str:
    import importlib.resources  # here: only Lark, reading a condition the quick reader declined

    return importlib.resources.files(__package__).joinpath("conditions.lark").read_text()


@functools.cache
def _parser() -> Lark:
    from lark import Lark

    # The basic lexer always reads a keyword as a keyword.  The contextual lexer would read
    # ``or`` as a question id where only an id can follow, and misplace syntax errors.
    # Positions let a condition nested too deeply be refused at the column where it goes on.
    return Lark(
        _grammar(), parser="lalr", lexer="basic", maybe_placeholders=True, propagate_positions=True
    )


@functools.cache
def _building_parser() -> Lark:
    """The same grammar, building the condition as it parses (no tree, no positions): about
    twice as fast, for conditions that cannot be nested too deeply (see :func:`_shallow`)."""
    from lark import Lark

    return Lark(
        _grammar(),
        parser="lalr",
        lexer="basic",
        maybe_placeholders=True,
        transformer=_lark_transformer(),
    )


def _shallow(source: str) -> bool:
    """Whether ``source`` surely nests no deeper than :data:`MAX_CONDITION_DEPTH`: each level
    above a comparison needs a ``not``, ``and`` or ``or`` (brackets alone add none), and
    counting those words anywhere in the text, inside names and strings too, only counts more."""
    words = source.count("not") + source.count("and") + source.count("or")
    return words < MAX_CONDITION_DEPTH


_TOKEN_NAMES = {
    "NAME": "a question id",
    "OP": "a comparison (==, !=, <, <=, >, >=)",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "AND": "'and'",
    "OR": "'or'",
    "NOT": "'not'",
    "IN": "'in'",
    "ANSWERED": "'answered'",
    "COUNT": "'count'",
    "$END": "the end",
}
#: Literals, named last and in this order: "a quoted string, a number or a date".
_VALUE_NAMES = {"STRING": "a quoted string", "NUMBER": "a number", "DATE": "a date"}


def _describe_expected(expected: set[str]) -> str:
    names = sorted({_TOKEN_NAMES.get(e, e) for e in expected if e not in _VALUE_NAMES})
    names += [name for token, name in _VALUE_NAMES.items() if token in expected]
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]


def parse_condition(source: str) -> Condition:
    """Parse a ``shown_if`` expression, or raise :class:`ConditionSyntaxError` with a column."""
    if not source.strip():
        raise ConditionSyntaxError("the condition is empty", source, 1)
    shallow = _shallow(source)
    if shallow:
        quick = _fastparse.read(source, _BUILD)
        if quick is not None:
            return quick
    return _parse_with_lark(source, shallow)


def _parse_with_lark(source: str, shallow: bool) -> Condition:
    """What the quick reader declined: Lark reads it, and says exactly what is wrong."""
    from lark.exceptions import (
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        UnexpectedToken,
        VisitError,
    )

    try:
        if shallow:
            return _building_parser().parse(source)
        tree = _parser().parse(source)
    except _BadLiteral as exc:  # raised as it parses by the building parser
        raise ConditionSyntaxError(exc.message, source, exc.column) from None
    except UnexpectedEOF as exc:
        raise ConditionSyntaxError(
            f"the condition ends too soon; expected {_describe_expected(set(exc.expected))}",
            source,
            len(source) + 1,
        ) from None
    except UnexpectedToken as exc:
        expected = _describe_expected(set(exc.expected))
        if exc.token.type == "$END":
            message, column = f"the condition ends too soon; expected {expected}", len(source) + 1
        else:
            message, column = f"unexpected {str(exc.token)!r}; expected {expected}", exc.column
        raise ConditionSyntaxError(message, source, column) from None
    except UnexpectedCharacters as exc:
        raise ConditionSyntaxError(
            f"unexpected character {source[exc.pos_in_stream]!r}", source, exc.column
        ) from None
    except UnexpectedInput as exc:  # pragma: no cover - Lark's remaining cases
        raise ConditionSyntaxError("the condition does not parse", source, exc.column) from None
    column = _too_deep(tree)
    if column is not None:
        raise ConditionTooDeep(
            f"the condition is nested more than {MAX_CONDITION_DEPTH} levels deep", source, column
        )
    try:
        return _lark_transformer().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, _BadLiteral):
            raise ConditionSyntaxError(exc.orig_exc.message, source, exc.orig_exc.column) from None
        raise  # pragma: no cover - a bug in the transformer


def _tree_class() -> type:
    from lark import Tree

    return Tree


def _too_deep(tree: Tree) -> int | None:
    """The column where ``tree`` first goes deeper than :data:`MAX_CONDITION_DEPTH`, if it does.

    Lark's parser does not recurse, but everything after it does (building the condition,
    checking, compiling and showing it), so depth is measured here without recursing.
    """
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_CONDITION_DEPTH:
            return node.meta.column if not node.meta.empty else 1
        stack.extend(
            (child, depth + 1)
            for child in node.children
            if isinstance(child, _tree_class()) and child.data != "list"  # a comparison's values
        )
    return None


def walk(condition: Condition) -> Iterator[Condition]:
    """Yield every node of a condition, depth first."""
    yield condition
    if isinstance(condition, Not):
        yield from walk(condition.operand)
    elif isinstance(condition, All | Any_):
        for operand in condition.operands:
            yield from walk(operand)


def references(condition: Condition) -> tuple[str, ...]:
    """The answer keys (question ids and part keys) a condition reads, in order of mention."""
    seen: dict[str, None] = {}
    for node in walk(condition):
        if isinstance(node, Leaf):
            seen.setdefault(node.question, None)
    return tuple(seen)


# binding -----------------------------------------------------------------------------------


def _as_tuple(values: Iterable[str]) -> tuple[str, ...]:
    """``tuple``, as a converter attrs reads the signature of cheaply: for the built-in it
    parses a text signature, a measurable part of starting a command (issue 20)."""
    return tuple(values)


@frozen
class Operand:
    """What a condition knows about an earlier part it reads.

    ``answer_type`` is one of :data:`ANSWER_TYPES`; ``options`` are the option values of an
    ``option``, ``options`` or ``ranking`` part (empty: not checked).
    """

    answer_type: str
    options: tuple[str, ...] = field(default=(), converter=_as_tuple)


@frozen
class BindProblem:
    """One comparison that does not fit the part it reads.

    ``code`` is ``unknown_question``, ``unknown_option`` or ``bad_comparison``; ``message`` is a
    plain sentence naming the part (the spec loader shows it after ``shown_if:``); ``column``
    is the 1-based column of the part's key in the condition.
    """

    code: str
    message: str
    column: int = 0


#: How messages name each answer type: "q3 is a number".
_NOUNS = {
    "option": "a single choice",
    "options": "a multiple choice",
    "ranking": "a ranking",
    "number": "a number",
    "date": "a date",
    "month": "a month and year",
    "text": "a text answer",
}
_NUMBER_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def bind(
    condition: Condition, resolve: Callable[[str], Operand | None]
) -> tuple[Condition, list[BindProblem]]:
    """Check ``condition`` against the parts it reads and rewrite it to typed nodes.

    ``resolve`` gives the :class:`Operand` for an answer key, or ``None`` when the key is not
    an earlier part.  Text comparisons become :class:`TextEquals`/:class:`TextOneOf`; every
    other node keeps its form.  Each distinct problem is reported once, at its first column;
    with problems, the condition returned is still rewritten where it could be.
    """
    problems: dict[tuple[str, str], BindProblem] = {}

    def rewrite(node: Condition) -> Condition:
        match node:
            case Not(operand=operand):
                return Not(rewrite(operand))
            case All(operands=operands):
                return All(tuple(rewrite(o) for o in operands))
            case Any_(operands=operands):
                return Any_(tuple(rewrite(o) for o in operands))
        assert isinstance(node, Leaf)
        target = resolve(node.question)
        if target is None:
            found = [("unknown_question", f"{node.question} is not an earlier question")]
            bound = node
        else:
            bound, found = _bind_leaf(node, target)
        for code, message in found:
            problems.setdefault((code, message), BindProblem(code, message, node.column))
        return bound

    return rewrite(condition), list(problems.values())


Found = list[tuple[str, str]]


def _bind_leaf(node: Leaf, target: Operand) -> tuple[Condition, Found]:
    """``node`` rewritten for ``target``'s answer type, and what is wrong with it."""
    kind, ref = target.answer_type, node.question
    if isinstance(node, Answered):
        return node, []
    if kind not in _NOUNS:
        message = f"{ref}'s answers cannot be compared; only answered({ref}) can be used with it"
        return node, [("bad_comparison", message)]
    match node:
        case Equals() | OneOf() if kind == "text":
            return _text(node), []
        case Equals(value=value):
            return node, _compare_problems(ref, kind, target, "==", value)
        case OneOf(values=()) if kind in ("number", "date", "month"):
            message = f"{ref} is {_NOUNS[kind]}; compare it with ==, <, <=, > or >=, not a list"
            return node, [("bad_comparison", message)]
        case OneOf(values=()) if kind == "option":
            return node, []  # the loader reports an empty list
        case OneOf(values=values):
            first = values[0] if values else _example_option(target)
            found = _compare_problems(ref, kind, target, "==", first)
            if kind in ("option", "options", "ranking"):
                found += _unknown_options(ref, values[1:], target)
            return node, found
        case Contains(value=value):
            return node, _contains_problems(ref, kind, target, value)
        case Compare(op=op, value=value):
            return node, _compare_problems(ref, kind, target, op, value)
        case Count(op=op, value=value):
            return node, _count_problems(ref, kind, target, op, value)
    raise TypeError(f"not a comparison: {node!r}")  # pragma: no cover


def _text(node: Equals | OneOf) -> TextEquals | TextOneOf:
    if isinstance(node, Equals):
        return TextEquals(node.question, normalise_text(node.value), node.column, node.value)
    values = tuple(normalise_text(v) for v in node.values)
    return TextOneOf(node.question, values, node.column, node.values)


def _example_option(target: Operand) -> str:
    return target.options[0] if target.options else "yes"


def _unknown_options(ref: str, values: tuple[str, ...] | list[str], target: Operand) -> Found:
    options = list(dict.fromkeys(target.options))
    found = []
    for value in values:
        if options and value not in options:
            listed = ", ".join(repr(v) for v in options)
            message = f"{value!r} is not an option of {ref} (its options are {listed})"
            found.append(("unknown_option", message + _did_you_mean(value, options)))
    return found


def _did_you_mean(word: str, choices: list[str]) -> str:
    same_but_case = [c for c in choices if c.lower() == word.lower()]
    import difflib  # here: only a faulty spec needs it, and importing it costs every start

    close = same_but_case or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _what(value: Literal) -> str:
    """A literal as messages name it: "the text 'many'", "the number 250"."""
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, DateLiteral):
        return f"the date {value}"
    return f"the number {_number_text(value)}"


def _compare_problems(ref: str, kind: str, target: Operand, op: str, value: Literal) -> Found:
    """What is wrong with ``ref OP value`` (``==`` for ``in [...]``) on a part of ``kind``."""
    noun = _NOUNS[kind]
    bad = "bad_comparison"
    if kind in ("number", "date", "month"):
        return _ordered_problems(ref, kind, op, value)
    if op in ORDERING:
        message = (
            f"{ref} is {noun}, which has no order; only numbers and dates can be compared "
            "with <, <=, > and >="
        )
        if kind in ("options", "ranking"):
            n = _number_text(value) if isinstance(value, int | float) else "2"
            message += f"; to compare how many options were chosen write count({ref}) {op} {n}"
        return [(bad, message)]
    example = _example_option(target)
    if kind == "option":
        if not isinstance(value, str):
            message = (
                f"{ref} is {noun}; compare it with one of its options in quotes, such as "
                f'{ref} == "{example}", not {_what(value)}'
            )
            return [(bad, message)]
        return _unknown_options(ref, [value], target)
    if kind in ("options", "ranking"):
        holds = "ranks" if kind == "ranking" else "can hold"
        message = (
            f"{ref} is {noun}, so its answer {holds} several options; to test for one option "
            f"write '\"{value if isinstance(value, str) else example}\" in {ref}'"
        )
        found = [(bad, message)]
        return found + (_unknown_options(ref, [value], target) if isinstance(value, str) else [])
    # text: only a quoted string compares with text, and TextEquals has taken that case
    message = f'{ref} is {noun}; compare it with text in quotes, such as {ref} == "{value}"'
    return [(bad, message)]


def _ordered_problems(ref: str, kind: str, op: str, value: Literal) -> Found:
    """What is wrong with ``ref OP value`` on a number, date or month part."""
    noun, bad = _NOUNS[kind], "bad_comparison"
    if kind == "number":
        if isinstance(value, int | float):
            return []
        if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
            return [(bad, f"{ref} is {noun}; write the number without quotes: {ref} {op} {value}")]
        return [(bad, f"{ref} is {noun}; compare it with a number such as 250, not {_what(value)}")]
    wanted, example = ("day", "2024-01-01") if kind == "date" else ("month", "2024-01")
    if isinstance(value, DateLiteral):
        if value.precision == wanted:
            return []
        if wanted == "day":
            message = (
                f"the date literal {value} has month precision but {ref} asks for a whole "
                f"date: write {value}-01"
            )
        else:
            message = (
                f"the date literal {value} has day precision but {ref} asks for a month and "
                f"year: write {value.text[:7]}"
            )
        return [(bad, message)]
    if isinstance(value, str) and _is_date(value.strip(), wanted):
        message = f"{ref} is {noun}; write the date without quotes: {ref} {op} {value.strip()}"
        return [(bad, message)]
    return [(bad, f"{ref} is {noun}; compare it with a date such as {example}, not {_what(value)}")]


def _is_date(text: str, precision: str) -> bool:
    if not _ISO.fullmatch(text) or (len(text) == 10) != (precision == "day"):
        return False
    try:
        dt.date.fromisoformat(text if precision == "day" else text + "-01")
    except ValueError:
        return False
    return True


def _contains_problems(ref: str, kind: str, target: Operand, value: str) -> Found:
    noun, bad = _NOUNS[kind], "bad_comparison"
    if kind in ("options", "ranking"):
        return _unknown_options(ref, [value], target)
    if kind == "option":
        message = f"{ref} is {noun} with one answer; write '{ref} == \"{value}\"'"
        return [(bad, message), *_unknown_options(ref, [value], target)]
    if kind == "text":
        message = (
            f"{ref} is {noun}, not a choice of options; to compare the whole answer write "
            f"'{ref} == \"{value}\"'"
        )
        return [(bad, message)]
    example = "250" if kind == "number" else ("2024-01-01" if kind == "date" else "2024-01")
    what = "a number" if kind == "number" else "a date"
    message = (
        f"'\"{value}\" in {ref}' tests for an option, but {ref} is {noun}; compare it with "
        f"{what}, such as {ref} == {example}"
    )
    return [(bad, message)]


def _count_problems(ref: str, kind: str, target: Operand, op: str, value: int | float) -> Found:
    noun, bad = _NOUNS[kind], "bad_comparison"
    if kind not in ("options", "ranking"):
        message = f"count() applies to multiple-choice and ranking questions; {ref} is {noun}"
        if kind == "option":
            message += f': use {ref} == "{_example_option(target)}"'
        elif kind == "number":
            message += f": compare the number itself, {ref} {op} {_number_text(value)}"
        else:
            message += f": to test whether it was answered use answered({ref})"
        return [(bad, message)]
    if not isinstance(value, int):
        whole = max(round(value), 0)
        message = (
            f"count({ref}) is a whole number of options; compare it with a whole number such "
            f"as {whole}, not {_number_text(value)}"
        )
        return [(bad, message)]
    if value < 0:
        return [(bad, f"count({ref}) is never below 0; compare it with 0 or more")]
    return []


# compiling and evaluating ------------------------------------------------------------------


def _unbound(condition: Condition) -> TypeError:
    return TypeError(f"{render(condition)} compares quoted text in order; bind it first")


def compile_condition(condition: Condition) -> Compiled:
    """Turn a condition into a closure over a mapping of cleaned answers.

    The closures are type-robust: an answer of the wrong type (which validation will reject
    anyway) simply fails to match instead of raising.  A bool is not a number.
    """
    match condition:
        case Equals(question=q, value=v):
            return lambda answers: answers.get(q) == v
        case OneOf(question=q, values=values):
            return lambda answers: answers.get(q) in values
        case Contains(question=q, value=v):

            def contains(answers: Mapping[str, Any]) -> bool:
                chosen = answers.get(q)
                return chosen.__class__ is list and v in chosen

            return contains
        case Answered(question=q):
            return lambda answers: q in answers
        case TextEquals(question=q, value=v):

            def text_equals(answers: Mapping[str, Any]) -> bool:
                text = answers.get(q)
                return text.__class__ is str and normalise_text(text) == v

            return text_equals
        case TextOneOf(question=q, values=values):
            texts = frozenset(values)

            def text_one_of(answers: Mapping[str, Any]) -> bool:
                text = answers.get(q)
                return text.__class__ is str and normalise_text(text) in texts

            return text_one_of
        case Compare(question=q, op=op, value=DateLiteral(text=t)):
            compare, size = _COMPARE[op], len(t)

            def date_compare(answers: Mapping[str, Any]) -> bool:
                day = answers.get(q)
                return day.__class__ is str and len(day) == size and compare(day, t)

            return date_compare
        case Compare(question=q, op=op, value=int() | float() as v):
            compare = _COMPARE[op]

            def number_compare(answers: Mapping[str, Any]) -> bool:
                n = answers.get(q)
                return (n.__class__ is int or n.__class__ is float) and compare(n, v)

            return number_compare
        case Compare():
            raise _unbound(condition)
        case Count(question=q, op=op, value=v):
            compare = _COMPARE[op]

            def count(answers: Mapping[str, Any]) -> bool:
                chosen = answers.get(q)
                return compare(len(chosen) if chosen.__class__ is list else 0, v)

            return count
        case Not(operand=operand):
            inner = compile_condition(operand)
            return lambda answers: not inner(answers)
        case All(operands=operands):
            return _all(tuple(compile_condition(o) for o in operands))
        case Any_(operands=operands):
            return _any(tuple(compile_condition(o) for o in operands))
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _all(parts: tuple[Compiled, ...]) -> Compiled:
    if len(parts) == 2:
        first, second = parts
        return lambda answers: first(answers) and second(answers)
    return lambda answers: all(part(answers) for part in parts)


def _any(parts: tuple[Compiled, ...]) -> Compiled:
    if len(parts) == 2:
        first, second = parts
        return lambda answers: first(answers) or second(answers)
    return lambda answers: any(part(answers) for part in parts)


def evaluate(condition: Condition, answers: Mapping[str, Any]) -> bool:
    """Interpret a condition directly: the slow, obviously-right reference for tests."""
    match condition:
        case Equals(question=q, value=v):
            return answers.get(q) == v
        case OneOf(question=q, values=values):
            return answers.get(q) in values
        case Contains(question=q, value=v):
            chosen = answers.get(q)
            return type(chosen) is list and v in chosen
        case Answered(question=q):
            return q in answers
        case TextEquals(question=q, value=v):
            text = answers.get(q)
            return type(text) is str and normalise_text(text) == v
        case TextOneOf(question=q, values=values):
            text = answers.get(q)
            return type(text) is str and normalise_text(text) in values
        case Compare(question=q, op=op, value=DateLiteral(text=t)):
            # ISO text of one precision sorts as its dates do; another precision never matches.
            day = answers.get(q)
            return type(day) is str and len(day) == len(t) and _COMPARE[op](day, t)
        case Compare(question=q, op=op, value=int() | float() as v):
            n = answers.get(q)
            return type(n) in (int, float) and _COMPARE[op](n, v)
        case Compare():
            raise _unbound(condition)
        case Count(question=q, op=op, value=v):
            chosen = answers.get(q)
            return _COMPARE[op](len(chosen) if type(chosen) is list else 0, v)
        case Not(operand=operand):
            return not evaluate(operand, answers)
        case All(operands=operands):
            return all(evaluate(o, answers) for o in operands)
        case Any_(operands=operands):
            return any(evaluate(o, answers) for o in operands)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


# rendering ---------------------------------------------------------------------------------


def render(condition: Condition) -> str:
    """Write a condition back as source text (used by ``surveykit show`` and by tests).

    Parsing the text (and binding it, for typed nodes) gives an equal condition back.
    """
    match condition:
        case Equals(question=q, value=v) | TextEquals(question=q, source=v):
            return f"{q} == {_quote(v)}"
        case OneOf(question=q, values=values) | TextOneOf(question=q, source=values):
            return f"{q} in [{', '.join(_quote(v) for v in values)}]"
        case Contains(question=q, value=v):
            return f"{_quote(v)} in {q}"
        case Answered(question=q):
            return f"answered({q})"
        case Compare(question=q, op=op, value=v):
            return f"{q} {op} {_literal_text(v)}"
        case Count(question=q, op=op, value=v):
            return f"count({q}) {op} {_number_text(v)}"
        case Not(operand=Equals(question=q, value=v) | TextEquals(question=q, source=v)):
            return f"{q} != {_quote(v)}"
        case Not(operand=Compare(question=q, op="==", value=v)):
            return f"{q} != {_literal_text(v)}"
        case Not(operand=OneOf(question=q, values=values) | TextOneOf(question=q, source=values)):
            return f"{q} not in [{', '.join(_quote(v) for v in values)}]"
        case Not(operand=Contains(question=q, value=v)):
            return f"{_quote(v)} not in {q}"
        case Not(operand=operand):
            return f"not {_group(operand)}"
        case All(operands=operands):
            return " and ".join(_group(o) for o in operands)
        case Any_(operands=operands):
            return " or ".join(_group(o) for o in operands)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _group(condition: Condition) -> str:
    text = render(condition)
    return f"({text})" if isinstance(condition, All | Any_) else text


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal_text(value: Literal) -> str:
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, DateLiteral):
        return value.text
    return _number_text(value)


def _number_text(value: int | float) -> str:
    """A number as the grammar reads it back: never an exponent, a float always with a point."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        import decimal  # here: only a number written with an exponent needs it (issue 20)

        text = format(decimal.Decimal(text), "f")
    return text if "." in text else text + ".0"
