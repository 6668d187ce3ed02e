"""An independent evaluator of SurveyJS expressions, written from SurveyJS's documented semantics.

It shares nothing with the translator (its own tokenizer and recursive-descent parser), so a
test can check that SurveyJS's meaning of an expression equals the surveykit meaning of its
translation.  Semantics followed (SurveyJS's conditions documentation and its
``OperandMaker``/``Helpers`` behaviour, checked against survey-library's source at commit
1b2b5df9, ``packages/survey-core/src/expressions/expressions.ts`` and ``helpers.ts``: the empty
and ``undefined`` cases of ``=``, ordering, ``notcontains``, ``anyof``/``noneof`` and string
comparison below are as that code has them):

* ``{q}`` is the question's value: ``None`` (``undefined``) when unanswered, a string for a
  choice, text or date (ISO), a number, or a list of choices for a checkbox question.
* ``=``, ``==``: ``Helpers.isTwoValueEquals`` -- ``undefined`` equals ``''``; two strings are
  equal after ``trim()`` and ``toLowerCase()`` (``settings.comparator``: trimStrings true,
  caseSensitive false); two values convertible to numbers are equal when ``parseInt`` and
  ``parseFloat`` agree; lists compare item by item.  ``!=``, ``<>`` are its negation.
* ``<``, ``<=``/``=<``, ``>``, ``>=``/``=>``: false when either side is ``undefined``; two
  strings compare as strings, anything else as JavaScript numbers (NaN: false).
* ``contains``/``notcontains``: on a list, whether some item equals the value (as ``=``); on a
  string, a substring test ignoring case (``containsCore`` lower-cases both sides unless
  ``settings.comparator.caseSensitive``); ``undefined`` contains nothing (``notcontains``
  true).  ``anyof``, ``allof``, ``noneof`` test each listed value the same way.
* ``empty``/``notempty``: ``undefined``, ``''`` and ``[]`` are empty.
* ``!``/``not``, ``and``/``&&``, ``or``/``||``: ``and`` binds tighter than ``or``; ``!``
  applies to the operand right after it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\{[^}]*\})
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
    | (?P<op>&&|\|\||==|!=|<>|<=|=<|>=|=>|=|<|>|!|\(|\)|\[|\]|,|-)
    | (?P<word>[A-Za-z_]+)
    )""",
    re.VERBOSE,
)
_JS_SPACE = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_JS_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_COMPARISONS = {"=", "==", "!=", "<>", "<", "<=", "=<", ">", ">=", "=>"}
_WORDS = {"contains", "notcontains", "anyof", "allof", "noneof"}


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


def _js_number(value: Any) -> float:
    """JavaScript's ``Number(value)`` for the values an answer can hold."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip(_JS_SPACE)
        if not text:
            return 0.0
        return float(text) if _JS_NUMBER.fullmatch(text) else math.nan
    return math.nan


def _convertible(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(_JS_NUMBER.fullmatch(value.strip(_JS_SPACE)))


def _parse_int(value: Any) -> float:
    match = re.match(r"\s*([+-]?[0-9]+)", str(value))
    return float(match.group(1)) if match else math.nan


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def equals(x: Any, y: Any) -> bool:
    if x is None and y is None:
        return True
    if (x is None and y == "") or (y is None and x == ""):
        return True
    if isinstance(x, str) and isinstance(y, str):
        return x.strip(_JS_SPACE).lower() == y.strip(_JS_SPACE).lower()
    if (
        _convertible(x)
        and _convertible(y)
        and _parse_int(x) == _parse_int(y)
        and _js_number(x) == _js_number(y)
    ):
        return True
    if x is None or y is None:
        return False
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(equals(a, b) for a, b in zip(x, y, strict=True))
    return type(x) is type(y) and x == y


def _order(op: str, x: Any, y: Any) -> bool:
    if x is None or y is None:
        return False
    if not (isinstance(x, str) and isinstance(y, str)):
        x, y = _js_number(x), _js_number(y)
    if op == "<":
        return x < y
    if op == ">":
        return x > y
    if op in ("<=", "=<"):
        return x <= y
    return x >= y


def _contains(left: Any, right: Any, positive: bool) -> bool:
    if left is None or left == "":
        return False
    if isinstance(left, str):
        if right is None or right == "":
            return False
        # settings.comparator.caseSensitive is false by default: containsCore lower-cases both.
        found = str(right).lower() in left.lower()
        return found if positive else not found
    items = left if isinstance(left, list) else [left]
    for wanted in right if isinstance(right, list) else [right]:
        if not any(equals(item, wanted) for item in items):
            return not positive
    return positive


def _word(op: str, left: Any, right: Any) -> bool:
    if op == "contains":
        return _contains(left, right, True)
    if op == "notcontains":
        if left is None and not _empty(right):
            return True
        return _contains(left, right, False)
    if op == "anyof":
        if _empty(left) and _empty(right):
            return True
        if _empty(left):
            return False
        if _empty(right):
            return True
        if not isinstance(left, list):
            return _contains(right, left, True)
        wanted = right if isinstance(right, list) else [right]
        return any(_contains(left, w, True) for w in wanted)
    if op == "allof":
        if _empty(left) and not _empty(right):
            return False
        return _contains(left, right, True)
    # noneof
    if _empty(left) or _empty(right):
        return True
    return not _word("anyof", left, right)


class _Parser:
    """Recursive descent: or < and < ! < comparison < unary minus < primary."""

    def __init__(self, text: str, answers: Mapping[str, Any]) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.answers = answers

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[1] in values

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise SyntaxError(f"left over: {self.tokens[self.pos :]}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.at("or", "||"):
            self.take()
            right = self.and_()
            value = bool(value) or bool(right)
        return value

    def and_(self) -> Any:
        value = self.comparison()
        while self.at("and", "&&"):
            self.take()
            right = self.comparison()
            value = bool(value) and bool(right)
        return value

    def comparison(self) -> Any:
        left = self.unary()
        token = self.peek()
        if token is None:
            return left
        if token[1] in ("empty", "notempty"):
            self.take()
            return _empty(left) == (token[1] == "empty")
        if token[1] in _COMPARISONS or token[1] in _WORDS:
            self.take()
            right = self.unary()
            op = token[1]
            if op in ("=", "=="):
                return equals(left, right)
            if op in ("!=", "<>"):
                return not equals(left, right)
            if op in _WORDS:
                return _word(op, left, right)
            return _order(op, left, right)
        return left

    def unary(self) -> Any:
        if self.at("!", "not"):
            self.take()
            return not self.truth(self.unary())
        if self.at("-"):
            self.take()
            return -_js_number(self.unary())
        return self.primary()

    @staticmethod
    def truth(value: Any) -> bool:
        if isinstance(value, list):
            return True
        return bool(value) and not (isinstance(value, float) and math.isnan(value))

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.or_()
            assert self.take()[1] == ")"
            return value
        if text == "[":
            items = []
            while not self.at("]"):
                items.append(self.or_())
                if self.at(","):
                    self.take()
            self.take()
            return items
        if kind == "ref":
            return self.answers.get(text[1:-1].strip())
        if kind == "string":
            return text[1:-1]
        if kind == "number":
            return float(text) if "." in text else int(text)
        if text in ("true", "false"):
            return text == "true"
        raise SyntaxError(f"not supported here: {text!r}")


def evaluate(expression: str, answers: Mapping[str, Any]) -> bool:
    """Whether SurveyJS shows the element: the expression's value as a boolean."""
    return _Parser.truth(_Parser(expression, answers).parse())
