"""XLSForm ``relevant`` expressions to surveykit conditions, and surveykit conditions back.

XLSForm writes skip logic in XPath 1.0 with ODK's ``${name}`` references.  surveykit's
``shown_if`` language is much smaller, so :func:`to_condition` translates only what it can say
*exactly* -- a translation must hold on precisely the answers where the XPath holds -- and
refuses the rest with :class:`UnsupportedExpression`, naming the construct and its position.

Exactness decisions (docs/interchange.md has the same table).  An XLSForm field that was not
answered (or not shown) has the empty string as its value; in surveykit the answer is absent.
Answers in surveykit are never empty: a text is non-blank, a multiple choice holds an option.

* ``${q} = 'x'`` (select_one) is :class:`Equals`: both false when unanswered.  ``!=`` is
  ``Not(Equals)``: XPath's ``'' != 'x'`` is true, and so is surveykit's ``!=`` on a missing
  answer, so no ``answered(q) and`` is needed.
* ``selected(${q}, 'x')`` is :class:`Contains` (select_multiple) or :class:`Equals`
  (select_one, whose value is a list of one).
* ``${m} = 'x'`` on a select_multiple holds only when ``x`` alone is chosen: ``Contains`` and
  ``Count == 1``.  A value with a space (several choices, order-dependent in XPath) is refused.
* ``count-selected(${m}) OP n`` is :class:`Count`; only whole ``n >= 0`` (surveykit refuses the
  others, though XPath gives them a meaning).
* ``${n} OP number`` (integer/decimal) is :class:`Compare`; ``!=`` is ``Not(Compare ==)``.  An
  unanswered number is NaN in XPath: every comparison is false but ``!=``, which is true --
  exactly surveykit's behaviour on a missing answer.  A quoted number is refused: ``=`` then
  compares text (``'250.0' = '250'`` is false), so its meaning depends on how the form writes it.
* ``${d} OP date('YYYY-MM-DD')`` is :class:`Compare` on the day.  ``${d} = 'YYYY-MM-DD'``
  (and ``!=``) compare text, which is exact because dates are stored in ISO form; ordering a
  date against a *quoted* date is refused: XPath 1.0 turns both sides into NaN (always false)
  while ODK Collect compares dates, so the form's meaning depends on the engine.
* ``${q} != ''``, ``string-length(${q}) > 0`` (and every comparison of ``string-length`` with a
  number that is the same for every non-empty value) are :class:`Answered`; ``= ''`` and
  ``string-length(..) = 0`` are ``Not(Answered)``.
* Text compared with anything but ``''`` is refused: XPath compares text exactly, surveykit
  ignoring case and spacing.
* Refused outright: a bare ``${q}`` (XPath's truthiness: a field is a one-node node-set, true
  even when empty), ``true()``/``false()`` (surveykit has no constant), ``.`` (only meaningful
  in a constraint), paths, arithmetic, comparing two questions, and every other function.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Mapping

from attrs import field, frozen
from attrs.validators import in_
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

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
    TextOneOf,
)

from ._shared import compare, iso_day, number, number_text, quote, span

__all__ = [
    "XLSFORM_TYPES",
    "QuestionInfo",
    "UnsupportedCondition",
    "UnsupportedExpression",
    "to_condition",
    "to_relevant",
]

#: The XLSForm field types a relevant expression may read.
XLSFORM_TYPES = ("select_one", "select_multiple", "text", "integer", "decimal", "date")
#: How deeply ``not``, ``and``, ``or`` and brackets may nest (surveykit's own limit is 32).
MAX_DEPTH = 32

_FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SURVEYKIT_OP = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_XPATH_OP = {v: k for k, v in _SURVEYKIT_OP.items()}


@frozen
class QuestionInfo:
    """What an expression may know about an earlier XLSForm field.

    ``key`` is the surveykit answer key the condition reads (default: the XLSForm name), so an
    importer that renames ``project-alpha`` to ``project_alpha`` can say so.
    """

    type: str = field(validator=in_(XLSFORM_TYPES))
    choices: tuple[str, ...] = field(default=(), converter=tuple)
    key: str | None = None


class UnsupportedExpression(Exception):
    """An XLSForm expression surveykit cannot say exactly; ``column`` is 1-based in it."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column


class UnsupportedCondition(ValueError):
    """A surveykit condition with no exact XLSForm ``relevant`` spelling."""


# parsing -----------------------------------------------------------------------------------


@functools.cache
def _parser() -> Lark:
    grammar = importlib.resources.files(__package__).joinpath("xlsform_relevant.lark")
    return Lark(grammar.read_text(), parser="lalr", lexer="basic", propagate_positions=True)


def _parse(expression: str) -> Tree:
    if not expression.strip():
        raise UnsupportedExpression("the expression is empty", 1)
    try:
        return _parser().parse(expression)
    except UnexpectedEOF:
        raise UnsupportedExpression("the expression ends too soon", len(expression) + 1) from None
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            column = len(expression) + 1
            raise UnsupportedExpression("the expression ends too soon", column) from None
        where = exc.token.start_pos + 1
        message = f"unexpected {str(exc.token)!r}: this is not XPath surveykit can read"
        raise UnsupportedExpression(message, where) from None
    except UnexpectedCharacters as exc:
        char = expression[exc.pos_in_stream]
        message = f"unexpected character {char!r}: this is not XPath surveykit can read"
        raise UnsupportedExpression(message, exc.pos_in_stream + 1) from None
    except UnexpectedInput as exc:  # pragma: no cover - Lark's remaining cases
        raise UnsupportedExpression("the expression does not parse", exc.column) from None


# translating -------------------------------------------------------------------------------


class _Translator:
    """Turns one parsed expression into a condition, or refuses it."""

    def __init__(self, source: str, questions: Mapping[str, QuestionInfo]) -> None:
        self.source = source
        self.questions = questions

    def text(self, node: Tree | Token) -> str:
        start, end = span(node)
        return " ".join(self.source[start:end].split())

    def refuse(self, node: Tree | Token, reason: str) -> UnsupportedExpression:
        """Refuse ``node``, quoting it: "`${age} + 1`: arithmetic is not supported"."""
        glue = " " if reason.startswith("is ") else ": "
        return self.plain(node, f"`{self.text(node)}`{glue}{reason}")

    @staticmethod
    def plain(node: Tree | Token, message: str) -> UnsupportedExpression:
        return UnsupportedExpression(message, span(node)[0] + 1)

    # boolean context: what a relevant cell, and()/or()/not() operands, must be

    def boolean(self, node: Tree | Token, depth: int = 1) -> Condition:
        if depth > MAX_DEPTH:
            raise self.refuse(node, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, Token):  # pragma: no cover - every token is wrapped in a rule
            raise self.refuse(node, "is not a condition")
        kind = node.data
        if kind == "group":
            return self.boolean(node.children[0], depth + 1)
        if kind == "or_expr":
            return Any_(tuple(self.boolean(c, depth + 1) for c in node.children))
        if kind == "and_expr":
            return All(tuple(self.boolean(c, depth + 1) for c in node.children))
        if kind in ("eq_expr", "rel_expr"):
            if len(node.children) > 3:
                raise self.refuse(node, "comparing the result of a comparison is not supported")
            left, op, right = node.children
            return self.comparison(node, left, str(op), right)
        if kind == "call":
            return self.boolean_call(node, depth)
        raise self.refuse(node, _NOT_A_CONDITION.get(kind, "is not a condition"))

    def boolean_call(self, node: Tree, depth: int) -> Condition:
        name, args = str(node.children[0]), [a for a in node.children[1:] if a is not None]
        if name == "not" and len(args) == 1:
            return Not(self.boolean(args[0], depth + 1))
        if name == "selected" and len(args) == 2:
            kind, (question, info), _ = self.operand(args[0])  # type: ignore[misc]
            if kind != "ref":
                raise self.refuse(node, "selected() is supported only of one `${question}`")
            value = self.choice(args[1], question, info, node)
            if info.type == "select_multiple":
                return Contains(self.key(question, info), value, span(node)[0] + 1)
            if info.type == "select_one":
                return Equals(self.key(question, info), value, span(node)[0] + 1)
            raise self.refuse(
                node,
                f"selected() needs a select question; `${{{question}}}` is {_article(info.type)}",
            )
        if name in ("true", "false") and not args:
            raise self.refuse(node, "surveykit conditions have no true() or false()")
        raise self.plain(node, f"`{name}(..)` is not supported")

    # operands of a comparison

    def operand(self, node: Tree | Token) -> tuple[str, object, Tree | Token]:
        """``(kind, value, node)``: kind is ref, string, number, date, count or length."""
        while isinstance(node, Tree) and node.data == "group":
            node = node.children[0]
        if isinstance(node, Token):  # pragma: no cover - every token is wrapped in a rule
            raise self.refuse(node, "is not a value")
        kind = node.data
        if kind == "ref":
            return "ref", self.question(node), node
        if kind == "string":
            return "string", _unquote(str(node.children[0])), node
        if kind == "number":
            return "number", number(str(node.children[0])), node
        if kind == "negative":
            sign, inner = node.children
            inner_kind, value, _ = self.operand(inner)
            if str(sign) == "-" and inner_kind == "number":
                return "number", -value, node  # type: ignore[operator]
            raise self.refuse(node, "arithmetic is not supported")
        if kind == "call":
            return self.value_call(node)
        if kind in ("add_expr", "mul_expr"):
            raise self.refuse(node, "arithmetic is not supported")
        if kind in ("eq_expr", "rel_expr", "and_expr", "or_expr"):
            raise self.refuse(node, "comparing the result of a comparison is not supported")
        raise self.refuse(node, _NOT_A_CONDITION.get(kind, "is not supported"))

    def value_call(self, node: Tree) -> tuple[str, object, Tree]:
        name, args = str(node.children[0]), [a for a in node.children[1:] if a is not None]
        if name in ("count-selected", "string-length") and len(args) == 1:
            inner = args[0]
            while isinstance(inner, Tree) and inner.data == "group":
                inner = inner.children[0]
            if isinstance(inner, Tree) and inner.data == "ref":
                kind = "count" if name == "count-selected" else "length"
                return kind, self.question(inner), node
            raise self.refuse(node, f"`{name}(..)` is supported only of one `${{question}}`")
        if name == "date" and len(args) == 1:
            arg = args[0]
            if isinstance(arg, Tree) and arg.data == "string":
                text = _unquote(str(arg.children[0])).strip()
                if iso_day(text):
                    return "date", text, node
            raise self.refuse(node, "date() is supported only of a quoted date 'YYYY-MM-DD'")
        if name in ("true", "false") and not args:
            raise self.refuse(node, "surveykit conditions have no true() or false()")
        raise self.plain(node, f"`{name}(..)` is not supported")

    def question(self, node: Tree) -> tuple[str, QuestionInfo]:
        name = str(node.children[0])[2:-1].strip()
        info = self.questions.get(name)
        if info is None:
            raise self.refuse(node, "is not an earlier question")
        return name, info

    @staticmethod
    def key(name: str, info: QuestionInfo) -> str:
        return info.key or name

    def choice(self, node: Tree | Token, name: str, info: QuestionInfo, where: Tree) -> str:
        kind, value, _ = self.operand(node)
        if kind != "string" or str(value) != "".join(str(value).split()):
            raise self.refuse(where, "a choice must be one quoted choice name")
        return self.listed(where, str(value), name, info)

    def listed(self, where: Tree, value: str, name: str, info: QuestionInfo) -> str:
        if info.type in ("select_one", "select_multiple") and value not in info.choices:
            raise self.refuse(
                where, f"a choice {value!r} that {info.type} `${{{name}}}` does not list"
            )
        return value

    # comparisons

    def comparison(self, node: Tree, left: Tree, op: str, right: Tree) -> Condition:
        if _reads_question(left) and _reads_question(right):
            raise self.refuse(node, "comparing two questions is not supported")
        a, b = self.operand(left), self.operand(right)
        questions = ("ref", "count", "length")
        if a[0] not in questions:
            if b[0] not in questions:
                raise self.refuse(node, "compares no earlier question")
            a, b, op = b, a, _FLIP[op]
        kind, (name, info), _ = a
        value_kind, value, value_node = b
        column = span(node)[0] + 1
        key = self.key(name, info)
        if kind == "length":
            return self.length(node, op, value_kind, value, key)
        if kind == "count":
            return self.count(node, op, value_kind, value, name, info, key)
        if value_kind == "string" and value == "" and op in ("=", "!="):
            answered = Answered(key, column)
            return answered if op == "!=" else Not(answered)
        if info.type == "select_one":
            if value_kind != "string" or op not in ("=", "!="):
                raise self.refuse(
                    node, "a select_one is compared only with = or != and a quoted choice"
                )
            equals = Equals(key, self.listed(node, str(value), name, info), column)
            return equals if op == "=" else Not(equals)
        if info.type == "select_multiple":
            if value_kind != "string" or op not in ("=", "!=") or " " in str(value):
                raise self.refuse(
                    node,
                    "a select_multiple is compared only with = or != and "
                    "one quoted choice; use selected() or count-selected()",
                )
            value = self.listed(node, str(value), name, info)
            alone = All((Contains(key, value, column), Count(key, "==", 1, column)))
            return alone if op == "=" else Not(alone)
        if info.type == "text":
            raise self.refuse(
                node,
                "text is compared only with '' (surveykit compares text "
                "ignoring case and spacing, XPath exactly)",
            )
        if info.type in ("integer", "decimal"):
            if value_kind != "number":
                raise self.refuse(
                    node, f"{_article(info.type)} is compared only with a number without quotes"
                )
            return _compare(key, op, value, column)  # type: ignore[arg-type]
        # date
        if value_kind == "date":
            return _compare(key, op, DateLiteral(str(value)), column)
        if value_kind == "string" and op in ("=", "!="):
            if iso_day(str(value)):
                return _compare(key, op, DateLiteral(str(value)), column)
            raise self.refuse(value_node, "a date is compared only with 'YYYY-MM-DD'")
        if value_kind == "string" and iso_day(str(value).strip()):
            raise self.refuse(
                node,
                f"ordering a date against quoted text depends on the "
                f"engine; write date('{str(value).strip()}')",
            )
        raise self.refuse(value_node, "a date is compared only with date('YYYY-MM-DD')")

    def length(self, node: Tree, op: str, value_kind: str, value: object, key: str) -> Condition:
        if value_kind != "number":
            raise self.refuse(node, "string-length() is compared only with a number")
        n = float(value)  # type: ignore[arg-type]
        holds = _ORDER[op]
        empty = holds(0, n)
        # Every length from 1 up occurs; the comparison must hold the same way on all of them.
        if op in ("=", "!="):
            same = not (n >= 1 and n == int(n))
            non_empty = op == "!="
        else:
            non_empty = holds(1, n)
            same = non_empty == holds(10**12, n)
        if not same:
            raise self.refuse(
                node,
                "only whether the answer is empty can be tested: compare string-length() with 0",
            )
        if empty == non_empty:
            raise self.refuse(node, "this holds on every answer; surveykit has no constant")
        column = span(node)[0] + 1
        return Answered(key, column) if non_empty else Not(Answered(key, column))

    def count(
        self, node: Tree, op: str, value_kind: str, value: object, name: str,
        info: QuestionInfo, key: str,
    ) -> Condition:  # fmt: skip
        if info.type != "select_multiple":
            raise self.refuse(
                node,
                f"count-selected() needs a select_multiple; `${{{name}}}` is {_article(info.type)}",
            )
        if value_kind != "number" or value != int(value) or value < 0:  # type: ignore[call-overload,operator]
            raise self.refuse(
                node, "count-selected() is compared only with a whole number 0 or more"
            )
        return Count(key, _SURVEYKIT_OP[op], int(value), span(node)[0] + 1)  # type: ignore[call-overload]


_NOT_A_CONDITION = {
    "ref": "a question on its own is not supported (XPath counts it true even when it is "
    "empty); compare it, e.g. `!= ''`",
    "string": "a text on its own is not a condition",
    "number": "a number on its own is not a condition",
    "negative": "arithmetic is not supported",
    "add_expr": "arithmetic is not supported",
    "mul_expr": "arithmetic is not supported",
    "context": "`.` (the current field) is supported only in constraints",
    "path": "XPath paths are not supported; refer to a field as ${name}",
}

_ORDER = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(key: str, op: str, value: int | float | DateLiteral, column: int) -> Condition:
    return compare(key, _SURVEYKIT_OP[op], value, column)


def _reads_question(node: Tree | Token) -> bool:
    """Whether an operand is ``${q}``, ``count-selected(${q})`` or ``string-length(${q})``."""
    while isinstance(node, Tree) and node.data == "group":
        node = node.children[0]
    if not isinstance(node, Tree):
        return False
    if node.data == "call":
        return str(node.children[0]) in ("count-selected", "string-length")
    return node.data == "ref"


def _article(xlsform_type: str) -> str:
    return f"an {xlsform_type}" if xlsform_type[0] in "aeiou" else f"a {xlsform_type}"


def _unquote(text: str) -> str:
    return text[1:-1]


def to_condition(expression: str, questions: Mapping[str, QuestionInfo]) -> Condition:
    """Translate an XLSForm ``relevant`` cell exactly, or raise :class:`UnsupportedExpression`.

    ``questions`` maps the XLSForm name of each *earlier* field to what it is.
    """
    return _Translator(expression, questions).boolean(_parse(expression))


# exporting ---------------------------------------------------------------------------------


def to_relevant(condition: Condition) -> str:
    """Write a surveykit condition as an XLSForm ``relevant`` expression with the same meaning.

    Question ids are written as ``${id}``.  Text comparisons (``TextEquals``, ``TextOneOf``)
    and month comparisons have no exact XPath and raise :class:`UnsupportedCondition`.
    """
    match condition:
        case Equals(question=q, value=v):
            return f"${{{q}}} = {_quote(v)}"
        case OneOf(values=()):
            raise UnsupportedCondition("an empty `in []` list has no XLSForm spelling")
        case OneOf(question=q, values=values):
            return "(" + " or ".join(f"${{{q}}} = {_quote(v)}" for v in values) + ")"
        case Contains(question=q, value=v):
            return f"selected(${{{q}}}, {_quote(v)})"
        case Answered(question=q):
            return f"${{{q}}} != ''"
        case Compare(question=q, op=op, value=DateLiteral(text=t)) if len(t) == 10:
            return f"${{{q}}} {_XPATH_OP[op]} date('{t}')"
        case Compare(question=q, op=op, value=int() | float() as v) if not isinstance(v, bool):
            return f"${{{q}}} {_XPATH_OP[op]} {number_text(v)}"
        case Count(question=q, op=op, value=int() as v) if v >= 0:
            return f"count-selected(${{{q}}}) {_XPATH_OP[op]} {v}"
        case Not(operand=Answered(question=q)):
            return f"${{{q}}} = ''"
        case Not(operand=Equals(question=q, value=v)):
            return f"${{{q}}} != {_quote(v)}"
        case Not(operand=Compare(op="==") as inner):
            return to_relevant(inner).replace(" = ", " != ", 1)
        case Not(operand=operand):
            return f"not({to_relevant(operand)})"
        case All(operands=operands) if operands:
            return " and ".join(_group(o) for o in operands)
        case Any_(operands=operands) if operands:
            return " or ".join(to_relevant(o) for o in operands)
        case TextEquals() | TextOneOf():
            raise UnsupportedCondition(
                "text comparisons ignore case and spacing; XPath has no exact equivalent"
            )
    raise UnsupportedCondition(f"no XLSForm spelling for {condition!r}")


def _group(condition: Condition) -> str:
    text = to_relevant(condition)
    return f"({text})" if isinstance(condition, Any_) else text


def _quote(value: str) -> str:
    return quote(value, "XPath", UnsupportedCondition)
