"""An independent evaluator of LimeSurvey ExpressionScript (EM) relevance, as the server runs it.

It shares nothing with the translator (its own tokenizer and recursive-descent parser), so a
test can check that LimeSurvey's meaning of an equation equals the surveykit meaning of its
translation.  Written from LimeSurvey's PHP (unl/LimeSurvey mirror, commit bc68c879,
``application/helpers/expressions/em_core_helper.php`` and ``em_manager_helper.php``) run on
PHP 8's comparison rules:

* Tokens as ``ExpressionManager::__construct`` lists them, tried in that order, case-insensitive:
  strings, ``(``, ``)``, ``,``, ``and``/``or``/``&&``/``||``, ``<= < >= > == !=`` and
  ``le lt ge gt eq ne``, SGQA codes, words (``q``, ``q_SQ001.NAOK``), numbers, ``!``, ``=``,
  ``+ - * /``; anything else (``{``) is a syntax error.  A string's value is its text without
  the quotes; a number's is its *text* too.
* Precedence (``RDP_Evaluate*``): or < and < equality < relation < additive < multiplicative
  < unary (``! - +``, applied to the next *primary*) < primary.
* A variable's value is the answer as LimeSurvey holds it: a string, ``''`` when unanswered;
  ``q.NAOK``, ``q.code``, ``q.value`` read the same (``.value`` of a list question would be its
  assessment value: the tests never ask for that).  A variable of a hidden (irrelevant)
  question reads as ``NULL``; afterwards ``ProcessBooleanExpression`` answers false if any
  variable read *without* ``.NAOK`` (note: ``.valueNAOK`` does not count as ``.NAOK`` there)
  belongs to a hidden question.
* ``RDP_EvaluateBinary``: ``==``/``!=`` are PHP's loose ``==``; ``<``... are false when one side
  is "numeric or ''" and the other not, else PHP's loose order, with ``'0'``/``''`` special
  cases for ``<=`` and ``>``.  PHP 8 compares two strings as numbers when both are numeric,
  else as strings (byte order); a number and a non-numeric string as strings.
* ``is_empty(x)`` is ``x === NULL || x === '' || x === false`` (``exprmgr_empty``);
  ``count(..)`` counts the arguments ``!= ''``; ``strlen``.  Any other function is an error.
* Any error makes the relevance false (:func:`relevance`); :func:`evaluate` raises
  :class:`EMError` instead, so that a test notices an equation the evaluator cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any


class EMError(Exception):
    """What LimeSurvey reports as an error in the equation (the relevance is then false)."""


_ATTRIBUTES = (
    "code|gid|grelevance|gseq|jsName|mandatory|NAOK|qid|qseq|question|readWrite|"
    "relevanceStatus|relevance|rowdivid|sgqa|shown|type|valueNAOK|value"
)
_TOKENS = [
    ("string", r'(?<!\\)".*?(?<!\\)"'),
    ("string", r"(?<!\\)'.*?(?<!\\)'"),
    ("space", r"\s+"),
    ("(", r"\("),
    (")", r"\)"),
    (",", r","),
    ("andor", r"\band\b|\bor\b|&&|\|\|"),
    ("compare", r"<=|<|>=|>|==|!=|\ble\b|\blt\b|\bge\b|\bgt\b|\beq\b|\bne\b"),
    (
        "sgqa",
        r"(?:INSERTANS:)?[0-9]+X[0-9]+X[0-9]+[A-Z0-9_]*\#?[01]?(?:\.(?:" + _ATTRIBUTES + "))?",
    ),
    (
        "word",
        r"(?:TOKEN:)?(?:[A-Z][A-Z0-9_]*)?(?:\.(?:[A-Z][A-Z0-9_]*))*(?:\.(?:" + _ATTRIBUTES + "))?",
    ),
    ("number", r"[0-9]+\.?[0-9]*|\.[0-9]+"),
    ("not", r"!"),
    ("other", r"\+\+|--"),
    ("assign", r"="),
    ("binary", r"[+*/-]"),
]
_COMPILED = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _TOKENS]


def tokenize(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        for kind, pattern in _COMPILED:
            match = pattern.match(text, pos)
            if match and match.end() > pos:
                word = match.group()
                if kind == "string":
                    body = word[1:-1]
                    tokens.append(("string", body.replace('\\"', '"').replace("\\'", "'")))
                elif kind != "space":
                    tokens.append((kind, word))
                pos = match.end()
                break
        else:
            raise EMError(f"unsupported syntax at {text[pos:]!r}")
    return tokens


# PHP 8 values and comparisons ---------------------------------------------------------------

_WHITE = " \t\n\r\v\f"


def is_numeric(value: Any) -> bool:
    """PHP 8's ``is_numeric``: whitespace around, a sign, digits with a point, an exponent."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return True
    text = value.strip(_WHITE)
    if text[:1] in ("+", "-"):
        text = text[1:]
    mantissa, e, exponent = text.lower().partition("e")
    if e:
        digits = exponent[1:] if exponent[:1] in ("+", "-") else exponent
        if not digits.isdigit() or not digits.isascii():
            return False
    whole, _, fraction = mantissa.partition(".")
    parts_ok = all(p == "" or (p.isdigit() and p.isascii()) for p in (whole, fraction))
    return parts_ok and (whole + fraction) != ""


def _number(value: Any) -> float:
    return float(value.strip(_WHITE)) if isinstance(value, str) else float(value)


def to_bool(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def _php_string(value: Any) -> str:
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value == int(value) else repr(value)
    return str(value)


def spaceship(a: Any, b: Any) -> int:
    """PHP 8's ``<=>`` for the values EM handles: null, bool, int, float, string."""

    def sign(x: float) -> int:
        return (x > 0) - (x < 0)

    if isinstance(a, bool) or isinstance(b, bool) or (a is None) != (b is None):
        if (a is None and isinstance(b, str)) or (b is None and isinstance(a, str)):
            a, b = ("" if a is None else a), ("" if b is None else b)
        else:
            return sign(int(to_bool(a)) - int(to_bool(b)))
    if a is None and b is None:
        return 0
    if isinstance(a, str) and isinstance(b, str):
        if is_numeric(a) and is_numeric(b):
            return sign(_number(a) - _number(b))
        return sign((a > b) - (a < b))
    if isinstance(a, str) or isinstance(b, str):
        text, num, flipped = (a, b, False) if isinstance(a, str) else (b, a, True)
        if is_numeric(text):
            result = sign(_number(text) - float(num))
        else:
            other = _php_string(num)
            result = sign((text > other) - (text < other))
        return -result if flipped else result
    return sign(float(a) - float(b))


def loose_equal(a: Any, b: Any) -> bool:
    return spaceship(a, b) == 0


def binary(op: str, a: Any, b: Any) -> Any:
    """``RDP_EvaluateBinary``."""
    op = op.lower()
    numeric_a = is_numeric(a) or loose_equal(a, "")
    numeric_b = is_numeric(b) or loose_equal(b, "")
    string_a = not numeric_a or loose_equal(a, "")
    string_b = not numeric_b or loose_equal(b, "")
    mismatch = not (numeric_a and numeric_b) and not (string_a and string_b)
    zero_and_empty = (loose_equal(a, "0") and loose_equal(b, "")) or (
        loose_equal(a, "") and loose_equal(b, "0")
    )
    if op in ("or", "||"):
        return to_bool(a) or to_bool(b)
    if op in ("and", "&&"):
        return to_bool(a) and to_bool(b)
    if op in ("==", "eq"):
        return loose_equal(a, b)
    if op in ("!=", "ne"):
        return not loose_equal(a, b)
    if mismatch and op in ("<", "lt", "<=", "le", ">", "gt", ">=", "ge"):
        return False
    if op in ("<", "lt"):
        return spaceship(a, b) < 0
    if op in ("<=", "le"):
        return True if zero_and_empty else spaceship(a, b) <= 0
    if op in (">", "gt"):
        return False if zero_and_empty else spaceship(a, b) > 0
    if op in (">=", "ge"):
        return spaceship(a, b) >= 0
    raise EMError(f"arithmetic {op!r} is outside this evaluator")


# the parser --------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, values: Mapping[str, str], hidden: Collection[str]) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.values = values
        self.hidden = hidden
        self.read_without_naok: list[str] = []

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        if self.pos >= len(self.tokens):
            raise EMError("poorly terminated expression")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, kind: str, *words: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == kind and (not words or token[1].lower() in words)

    def parse(self) -> bool:
        value = self.or_()
        if self.peek() is not None:
            raise EMError(f"extra tokens: {self.tokens[self.pos :]}")
        if any(self.base(v) in self.hidden for v in self.read_without_naok):
            return False
        return to_bool(value)

    def or_(self) -> Any:
        value = self.and_()
        while self.at("andor", "or", "||"):
            op = self.take()[1]
            value = binary(op, value, self.and_())
        return value

    def and_(self) -> Any:
        value = self.equality()
        while self.at("andor", "and", "&&"):
            op = self.take()[1]
            value = binary(op, value, self.equality())
        return value

    def equality(self) -> Any:
        value = self.relation()
        while self.at("compare", "==", "!=", "eq", "ne"):
            op = self.take()[1]
            value = binary(op, value, self.relation())
        return value

    def relation(self) -> Any:
        value = self.additive()
        while self.at("compare", "<", "<=", ">", ">=", "lt", "le", "gt", "ge"):
            op = self.take()[1]
            value = binary(op, value, self.additive())
        return value

    def additive(self) -> Any:
        value = self.unary()
        if self.at("binary"):
            raise EMError("arithmetic is outside this evaluator")
        return value

    def unary(self) -> Any:
        if self.at("not"):
            self.take()
            return not to_bool(self.primary())
        if self.at("binary", "-", "+"):
            sign = self.take()[1]
            value = self.primary()
            if not is_numeric(value):
                raise EMError("unary minus of a non-number")
            number = _number(value)
            if isinstance(value, str) and not any(c in value for c in ".eE"):
                number = int(number)
            return -number if sign == "-" else number
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "(":
            value = self.or_()
            if self.take()[0] != ")":
                raise EMError("expected )")
            return value
        if kind in ("number", "string"):
            return text
        if kind in ("word", "sgqa"):
            if self.at("("):
                return self.function(text)
            return self.variable(text)
        raise EMError(f"unexpected {text!r}")

    @staticmethod
    def base(name: str) -> str:
        return name.split(".", 1)[0]

    def variable(self, name: str) -> Any:
        base, _, attribute = name.partition(".")
        if base not in self.values and base not in self.hidden:
            raise EMError(f"undefined variable {name!r}")
        if attribute not in ("", "NAOK", "code", "value", "valueNAOK"):
            raise EMError(f"attribute {attribute!r} is outside this evaluator")
        if attribute != "NAOK":
            self.read_without_naok.append(name)
        if base in self.hidden:
            return None
        return self.values[base]

    def function(self, name: str) -> Any:
        self.take()
        args = []
        while not self.at(")"):
            args.append(self.or_())
            if self.at(","):
                self.take()
        self.take()
        if name == "is_empty" and len(args) == 1:
            return args[0] is None or args[0] == "" or args[0] is False
        if name == "count":
            return sum(1 for a in args if not loose_equal(a, ""))
        if name == "strlen" and len(args) == 1:
            return len("" if args[0] is None else str(args[0]))
        raise EMError(f"undefined function {name!r}")


def evaluate(
    expression: str, values: Mapping[str, str], hidden: Collection[str] = frozenset()
) -> bool:
    """The relevance LimeSurvey computes; raises :class:`EMError` where LimeSurvey reports one.

    ``values`` maps each EM variable (``q``, ``q_SQ001``) to the answer as LimeSurvey holds it
    (``''`` when unanswered); ``hidden`` names the variables of questions that are irrelevant.
    """
    return _Parser(expression, values, hidden).parse()


def relevance(
    expression: str, values: Mapping[str, str], hidden: Collection[str] = frozenset()
) -> bool:
    """As LimeSurvey shows it: an equation with an error is false (the question is hidden)."""
    if not expression.strip() or expression.strip() == "1":
        return True
    try:
        return evaluate(expression, values, hidden)
    except EMError:
        return False
