"""An independent evaluator of XLSForm ``relevant`` expressions, written from XPath 1.0 and ODK.

It shares nothing with the translator (its own tokenizer and recursive-descent parser), so a
test can check that the XPath meaning of an expression equals the surveykit meaning of its
translation.  Semantics followed:

* ``${q}`` is a node-set of one node whose string value is the stored answer as an XForm
  writes it: ``''`` when unanswered, choice names joined by single spaces for a
  select_multiple, numbers in decimal.  A node-set is true when non-empty -- even if its one
  node is empty (XPath 1.0 section 4.3).
* ``=``/``!=`` (section 3.4): a node-set against a number compares ``number(string-value)``,
  against a string compares strings, against a boolean compares ``boolean(node-set)``; otherwise
  booleans first, then numbers, then strings.  ``<``, ``<=``, ``>``, ``>=`` compare numbers.
  ``number('')`` and ``number('abc')`` are NaN, and every comparison with NaN is false except
  ``!=``.
* ODK's additions: ``date('YYYY-MM-DD')`` is a date (days since 1970-01-01); a comparison
  with a date reads the other side as an ISO date where it is one (JavaRosa), else as a number.
  ``selected(s, v)`` tests ``v`` among ``s`` split on spaces; ``count-selected(s)`` counts them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{[^}]*\})
    | (?P<string>'[^']*'|"[^"]*"|\u2018[^\u2019\u2018]*\u2019|\u201c[^\u201d\u201c]*\u201d)
    | (?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
    | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
    | (?P<name>[A-Za-z_][A-Za-z0-9_.-]*)
    )""",
    re.VERBOSE,
)


class Node(str):
    """The string value of one field: a node-set of one node."""


class Date(float):
    """An ODK date: days since the epoch."""


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise SyntaxError(f"cannot read {text[pos:]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent over XPath's precedence: or < and < = != < relational < + - < * div."""

    def __init__(self, text: str, answers: Mapping[str, str]) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.answers = answers

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, *values: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] in ("op", "name") and token[1] in values:
            self.pos += 1
            return token[1]
        return None

    def parse(self) -> Any:
        value = self.or_expr()
        if self.peek() is not None:
            raise SyntaxError(f"unexpected {self.peek()}")
        return value

    def or_expr(self) -> Any:
        value = self.and_expr()
        while self.accept("or"):
            right = self.and_expr()  # XPath evaluates both; no side effects here
            value = boolean(value) or boolean(right)
        return value

    def and_expr(self) -> Any:
        value = self.eq_expr()
        while self.accept("and"):
            right = self.eq_expr()
            value = boolean(value) and boolean(right)
        return value

    def eq_expr(self) -> Any:
        value = self.rel_expr()
        while op := self.accept("=", "!="):
            value = compare(value, op, self.rel_expr())
        return value

    def rel_expr(self) -> Any:
        value = self.add_expr()
        while op := self.accept("<", "<=", ">", ">="):
            value = compare(value, op, self.add_expr())
        return value

    def add_expr(self) -> Any:
        value = self.mul_expr()
        while op := self.accept("+", "-"):
            right = number(self.mul_expr())
            value = number(value) + right if op == "+" else number(value) - right
        return value

    def mul_expr(self) -> Any:
        value = self.unary()
        while op := self.accept("*", "div", "mod"):
            left, right = number(value), number(self.unary())
            if op == "*":
                value = left * right
            elif op == "div":
                value = _divide(left, right)
            else:
                value = math.fmod(left, right) if right else math.nan
        return value

    def unary(self) -> Any:
        if self.accept("-"):
            return -number(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "ref":
            return Node(self.answers.get(text[2:-1], ""))
        if kind == "string":
            return text[1:-1]
        if kind == "number":
            return float(text)
        if kind == "op" and text == "(":
            value = self.or_expr()
            if self.accept(")") is None:
                raise SyntaxError("missing )")
            return value
        if kind == "name" and self.accept("("):
            args = []
            if self.accept(")") is None:
                args.append(self.or_expr())
                while self.accept(","):
                    args.append(self.or_expr())
                if self.accept(")") is None:
                    raise SyntaxError("missing )")
            return call(text, args)
        raise SyntaxError(f"unexpected {text!r}")


def _divide(left: float, right: float) -> float:
    if right:
        return left / right
    if left == 0 or math.isnan(left):
        return math.nan
    return math.copysign(math.inf, left) * math.copysign(1.0, right)


def string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value == int(value) else repr(value)
    return str(value)


def number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = str(value).strip(" \t\r\n")
    if re.fullmatch(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", text):
        return float(text)
    return math.nan


def boolean(value: Any) -> bool:
    if isinstance(value, Node):
        return True  # a node-set of one node, whatever its value
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return len(value) > 0


def _as_date(value: Any) -> float:
    text = string(value).strip()
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return number(value)
    return float((day - dt.date(1970, 1, 1)).days)


_ORDER = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compare(left: Any, op: str, right: Any) -> bool:
    holds = _ORDER[op]
    if isinstance(left, Date) or isinstance(right, Date):
        return holds(_as_date(left), _as_date(right))
    if op in ("=", "!="):
        if isinstance(left, Node) and isinstance(right, Node):
            return holds(str(left), str(right))
        if isinstance(left, Node) or isinstance(right, Node):
            node, other = (left, right) if isinstance(left, Node) else (right, left)
            if isinstance(other, bool):
                return holds(boolean(node), other)
            if isinstance(other, float):
                return holds(number(node), other)
            return holds(str(node), other)
        if isinstance(left, bool) or isinstance(right, bool):
            return holds(boolean(left), boolean(right))
        if isinstance(left, float) or isinstance(right, float):
            return holds(number(left), number(right))
        return holds(string(left), string(right))
    return holds(number(left), number(right))


def call(name: str, args: list[Any]) -> Any:
    if name == "not" and len(args) == 1:
        return not boolean(args[0])
    if name == "true" and not args:
        return True
    if name == "false" and not args:
        return False
    if name == "selected" and len(args) == 2:
        return string(args[1]).strip() in string(args[0]).split()
    if name == "count-selected" and len(args) == 1:
        return float(len(string(args[0]).split()))
    if name == "string-length" and len(args) == 1:
        return float(len(string(args[0])))
    if name == "date" and len(args) == 1:
        return Date(_as_date(args[0]))
    raise NotImplementedError(name)


def field_value(answer: Any) -> str:
    """A surveykit answer as an XForm instance writes it; missing is ''."""
    if answer is None:
        return ""
    if isinstance(answer, list):
        return " ".join(answer)
    if isinstance(answer, float):
        return format(decimal.Decimal(repr(answer)), "f")  # never an exponent
    return str(answer)


def evaluate(expression: str, answers: Mapping[str, Any]) -> bool:
    """Whether a relevant expression holds, with ``answers`` as surveykit stores them."""
    values = {name: field_value(answer) for name, answer in answers.items()}
    return boolean(_Parser(expression, values).parse())
