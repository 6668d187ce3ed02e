"""The ``shown_if`` condition language: parse once, check against the spec, compile to closures.

Expressions are small and safe by construction: comparisons of earlier answers with string
literals, ``answered(q)``, ``and``/``or``/``not`` and parentheses.  Nothing is ever passed to
``eval``; a parsed expression is turned into nested Python closures that read a mapping of
cleaned answers.

Semantics on missing answers: an absent answer equals no value, is in no list and contains no
option.  ``!=`` and ``not in`` are exact negations of ``==`` and ``in``, so ``q1 != "yes"`` holds
when q1 was not answered (or not shown).
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from attrs import field, frozen
from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ConditionSyntaxError, ConditionTooDeep

__all__ = [
    "All",
    "Answered",
    "Any_",
    "Compiled",
    "Condition",
    "Contains",
    "Equals",
    "Not",
    "OneOf",
    "compile_condition",
    "parse_condition",
    "references",
]

KEYWORDS = frozenset({"and", "or", "not", "in", "answered"})
#: How deeply ``not``, ``and`` and ``or`` may nest in one condition (a comparison is one level).
MAX_CONDITION_DEPTH = 32

Compiled = Callable[[Mapping[str, Any]], bool]


@frozen
class Equals:
    """``q == "v"``."""

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
    """``"v" in q``: a multi-choice answer includes an option."""

    question: str
    value: str
    column: int = field(default=0, eq=False)


@frozen
class Answered:
    """``answered(q)``: the question was shown and answered."""

    question: str
    column: int = field(default=0, eq=False)


@frozen
class Not:
    operand: Condition


@frozen
class All:
    operands: tuple[Condition, ...]


@frozen
class Any_:
    operands: tuple[Condition, ...]


Condition = Equals | OneOf | Contains | Answered | Not | All | Any_


def _unquote(token: Token) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    chars = iter(body)
    for ch in chars:
        out.append(next(chars, "\\") if ch == "\\" else ch)
    return "".join(out)


@v_args(inline=True)
class _ToAst(Transformer):
    def negation(self, operand):
        return Not(operand)

    def or_expr(self, *operands):
        return Any_(tuple(operands))

    def and_expr(self, *operands):
        return All(tuple(operands))

    def answered(self, name):
        return Answered(str(name), name.column)

    def equals(self, name, _op, value):
        return Equals(str(name), _unquote(value), name.column)

    def not_equals(self, name, _op, value):
        return Not(Equals(str(name), _unquote(value), name.column))

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


@functools.cache
def _parser() -> Lark:
    grammar = importlib.resources.files(__package__).joinpath("conditions.lark").read_text()
    # The basic lexer always reads a keyword as a keyword.  The contextual lexer would read
    # ``or`` as a question id where only an id can follow, and misplace syntax errors.
    # Positions let a condition nested too deeply be refused at the column where it goes on.
    return Lark(
        grammar, parser="lalr", lexer="basic", maybe_placeholders=True, propagate_positions=True
    )


_TOKEN_NAMES = {
    "NAME": "a question id",
    "STRING": "a quoted string",
    "EQ": "'=='",
    "NE": "'!='",
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
    "$END": "the end",
}


def _describe_expected(expected: set[str]) -> str:
    names = sorted({_TOKEN_NAMES.get(e, e) for e in expected})
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]


def parse_condition(source: str) -> Condition:
    """Parse a ``shown_if`` expression, or raise :class:`ConditionSyntaxError` with a column."""
    if not source.strip():
        raise ConditionSyntaxError("the condition is empty", source, 1)
    try:
        tree = _parser().parse(source)
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
    return _ToAst().transform(tree)


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
            if isinstance(child, Tree) and child.data != "list"  # a comparison's values
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
    """The question ids a condition reads, in order of first mention."""
    seen: dict[str, None] = {}
    for node in walk(condition):
        if isinstance(node, Equals | OneOf | Contains | Answered):
            seen.setdefault(node.question, None)
    return tuple(seen)


def compile_condition(condition: Condition) -> Compiled:
    """Turn a condition into a closure over a mapping of cleaned answers.

    The closures are type-robust: an answer of the wrong type (which validation will reject
    anyway) simply fails to match instead of raising.
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
        case Not(operand=operand):
            return not evaluate(operand, answers)
        case All(operands=operands):
            return all(evaluate(o, answers) for o in operands)
        case Any_(operands=operands):
            return any(evaluate(o, answers) for o in operands)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def render(condition: Condition) -> str:
    """Write a condition back as source text (used by ``surveykit show`` and by tests)."""
    match condition:
        case Equals(question=q, value=v):
            return f"{q} == {_quote(v)}"
        case OneOf(question=q, values=values):
            return f"{q} in [{', '.join(_quote(v) for v in values)}]"
        case Contains(question=q, value=v):
            return f"{_quote(v)} in {q}"
        case Answered(question=q):
            return f"answered({q})"
        case Not(operand=Equals(question=q, value=v)):
            return f"{q} != {_quote(v)}"
        case Not(operand=OneOf(question=q, values=values)):
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
