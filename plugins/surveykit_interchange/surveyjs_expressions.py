"""SurveyJS ``visibleIf`` expressions to surveykit conditions, and surveykit conditions back.

SurveyJS writes skip logic in its own expression language with ``{name}`` references.
:func:`to_condition` translates only what surveykit can say *exactly* -- a translation must
hold on precisely the answers where SurveyJS's expression holds -- and refuses the rest with
:class:`UnsupportedExpression`, naming the construct and its position.  ``questions`` uses the
XLSForm module's :class:`QuestionInfo`, with the XLSForm type of the surveykit kind the importer
chose (radiogroup/dropdown: ``select_one``; checkbox/tagbox: ``select_multiple``; rating:
``integer``; number input: ``decimal``; date input: ``date``; text, comment: ``text``).

Exactness decisions (docs/interchange.md has the same table).  An unanswered SurveyJS question
is ``undefined``; in surveykit the answer is absent and never empty.

* SurveyJS compares strings ignoring case and surrounding spaces (``settings.comparator``:
  ``caseSensitive = false``, ``trimStrings = true``: ``x.trim().toLowerCase()``).  So
  ``{q} = 'yes'`` on a select_one is :class:`OneOf` of every listed choice equal to ``yes``
  that way (usually one: :class:`Equals`); an unlisted value is refused.  ``!=``/``<>`` is
  ``Not(..)``: ``undefined != 'x'`` is true, as surveykit's ``!=`` is on a missing answer.
* Text is compared only with ``''`` (``{t} = ''`` is ``Not(Answered)``: SurveyJS counts
  ``undefined`` equal to ``''``): its trim/lower-case differs from surveykit's casefold and
  whitespace collapsing (``'New  York'``, ``'\\u017f'``), so any other text comparison is refused.
* ``{q} OP number`` on a select_one whose choices are all numerals (SurveyJS compares them as
  numbers) is :class:`OneOf` of the choices where it holds (:class:`Answered` when it holds on
  all of them: ``undefined`` orders false); ``!=`` is its ``Not``.  A comparison that holds
  on every answer or on none is refused (surveykit has no constant).
* ``{n} OP number`` (integer/decimal) is :class:`Compare`: ``undefined`` makes every
  comparison false but ``!=``, exactly as surveykit on a missing answer.  A quoted number is
  refused (SurveyJS would compare a string; the meaning then hinges on JavaScript coercion).
* ``{d} OP 'YYYY-MM-DD'`` on a date is :class:`Compare` on the day: dates are ISO strings in
  both, so string order is date order.  Anything else against a date is refused.
* ``{m} contains 'x'`` (select_multiple) is :class:`Contains` (of each choice equal ignoring
  case and spaces); ``notcontains`` its ``Not`` (true when unanswered in both).  ``contains``
  on anything else is a substring test in SurveyJS and is refused.
* ``{q} anyof [..]`` is :class:`OneOf` (select_one) or ``Any_`` of ``Contains``
  (select_multiple); ``noneof`` is its ``Not`` (true when unanswered in both); ``allof`` is
  ``All`` of ``Contains`` on a select_multiple only (on a select_one it tests substrings).
  An empty list is refused: SurveyJS gives it special meanings.
* ``{q} notempty`` / ``{q} != ''`` are :class:`Answered`; ``empty`` / ``= ''`` its ``Not``.
* ``and``/``&&``, ``or``/``||``, brackets; ``!``/``not`` only before brackets (SurveyJS binds
  ``!`` to the operand next to it, so ``!{a} = 1`` would mean ``(!{a}) = 1``).
* Refused outright: a bare ``{q}`` (JavaScript truthiness), ``true``/``false`` (SurveyJS has
  boolean questions; surveykit no such kind), ``{panel.q}``/``{row.q}`` and other paths, every
  function (``iif``, ``age``, ``today``...), arithmetic, comparing two questions.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Mapping

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
from surveykit_interchange.xlsform_expressions import (
    QuestionInfo,
    UnsupportedCondition,
    UnsupportedExpression,
)

from ._shared import compare, iso_day, number, number_text, quote, span

__all__ = [
    "QuestionInfo",
    "UnsupportedCondition",
    "UnsupportedExpression",
    "to_condition",
    "to_visible_if",
]

#: How deeply ``!``, ``and``, ``or`` and brackets may nest (surveykit's own limit is 32).
MAX_DEPTH = 32

#: SurveyJS's spellings of each comparison, as surveykit writes them.
_OPS = {
    "=": "==", "==": "==", "!=": "!=", "<>": "!=", "<": "<", ">": ">",
    "<=": "<=", "=<": "<=", ">=": ">=", "=>": ">=",
}  # fmt: skip
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ORDER = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_NUMERAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: What JavaScript's ``String.prototype.trim`` removes.
_JS_SPACE = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_JS_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def _fold(text: str) -> str:
    """A string as SurveyJS compares it: ``trim()`` then ``toLowerCase()``."""
    return text.strip(_JS_SPACE).lower()


# parsing -----------------------------------------------------------------------------------


@functools.cache
def _parser() -> Lark:
    grammar = importlib.resources.files(__package__).joinpath("surveyjs_visible.lark")
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
        message = (
            f"unexpected {str(exc.token)!r}: this is not a SurveyJS expression surveykit can read"
        )
        raise UnsupportedExpression(message, where) from None
    except UnexpectedCharacters as exc:
        char = expression[exc.pos_in_stream]
        message = (
            f"unexpected character {char!r}: this is not a SurveyJS expression surveykit can read"
        )
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
        """Refuse ``node``, quoting it: "`{age} + 1`: arithmetic is not supported"."""
        glue = " " if reason.startswith("is ") else ": "
        return UnsupportedExpression(f"`{self.text(node)}`{glue}{reason}", span(node)[0] + 1)

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
        if kind == "negation":
            inner = node.children[1]
            if not (isinstance(inner, Tree) and inner.data == "group"):
                raise self.refuse(node, "`!` is supported only before brackets: write `!(...)`")
            return Not(self.boolean(inner, depth + 1))
        if kind == "emptiness":
            name, info = self.question(node.children[0], node)
            answered = Answered(self.key(name, info), span(node)[0] + 1)
            return answered if str(node.children[1]) == "notempty" else Not(answered)
        if kind == "compare":
            left, op, right = node.children
            return self.comparison(node, left, str(op), right)
        raise self.refuse(node, _NOT_A_CONDITION.get(kind, "is not a condition"))

    def question(self, node: Tree | Token, where: Tree) -> tuple[str, QuestionInfo]:
        """The question ``node`` reads; anything else is refused."""
        while isinstance(node, Tree) and node.data == "group":
            node = node.children[0]
        if not (isinstance(node, Tree) and node.data == "ref"):
            raise self.refuse(where, "compares no earlier question")
        name = str(node.children[0])[1:-1].strip()
        info = self.questions.get(name)
        if info is not None:
            return name, info
        head = name.split(".", 1)[0].split("[", 1)[0]
        if head in ("panel", "row", "parentPanel", "composite") or "." in name or "[" in name:
            raise self.refuse(
                node, "refers into a dynamic panel, matrix row or value path, not supported"
            )
        raise self.refuse(node, "is not an earlier question surveykit can read")

    @staticmethod
    def key(name: str, info: QuestionInfo) -> str:
        return info.key or name

    def literal(self, node: Tree | Token) -> tuple[str, object]:
        """``(kind, value)`` of a constant: string, number or list (of strings)."""
        while isinstance(node, Tree) and node.data == "group":
            node = node.children[0]
        if isinstance(node, Tree):
            if node.data == "string":
                return "string", str(node.children[0])[1:-1]
            if node.data == "number":
                return "number", number(str(node.children[0]))
            if node.data == "negative" and str(node.children[0]) == "-":
                kind, value = self.literal(node.children[1])
                if kind == "number":
                    return "number", -value  # type: ignore[operator]
            if node.data == "array":
                items = [c for c in node.children if c is not None]
                values = []
                for item in items:
                    kind, value = self.literal(item)
                    if kind != "string":
                        raise self.refuse(node, "a list may hold only quoted choices")
                    values.append(value)
                return "list", tuple(values)
            if node.data == "boolean":
                raise self.refuse(
                    node, "true and false are not supported (surveykit has no yes/no kind)"
                )
        raise self.refuse(node, _NOT_A_CONDITION.get(_data(node), "is not supported"))

    def comparison(self, node: Tree, left: Tree, op: str, right: Tree) -> Condition:
        if _is_ref(left) and _is_ref(right):
            raise self.refuse(node, "comparing two questions is not supported")
        if not _is_ref(left):
            if not _is_ref(right):
                for side in (left, right):
                    if _data(side) in _NOT_A_CONDITION:
                        raise self.refuse(side, _NOT_A_CONDITION[_data(side)])
                raise self.refuse(node, "compares no earlier question")
            if op not in _OPS:
                raise self.refuse(node, f"`{op}` needs the question on its left")
            left, right, op = right, left, _FLIP[_OPS[op]]
        name, info = self.question(left, node)
        kind, value = self.literal(right)
        key, column = self.key(name, info), span(node)[0] + 1
        if op in ("contains", "notcontains", "anyof", "allof", "noneof"):
            return self.word(node, op, kind, value, name, info, key, column)
        op = _OPS.get(op, op)
        if kind == "list":
            raise self.refuse(node, "a list is compared only with anyof, allof or noneof")
        if kind == "string" and value == "" and op in ("==", "!="):
            answered = Answered(key, column)
            return answered if op == "!=" else Not(answered)
        if info.type == "select_one":
            return self.select_one(node, op, kind, value, name, info, key, column)
        if info.type == "select_multiple":
            raise self.refuse(
                node,
                "a checkbox question is compared only with contains, anyof, allof, "
                "noneof, empty or notempty",
            )
        if info.type == "text":
            raise self.refuse(
                node,
                "text is compared only with '' (surveykit compares text ignoring case and "
                "all spacing, SurveyJS ignoring case and the spaces at either end)",
            )
        if info.type in ("integer", "decimal"):
            if kind != "number":
                raise self.refuse(node, "a number is compared only with a number without quotes")
            return compare(key, op, value, column)  # type: ignore[arg-type]
        # date
        if kind == "string" and iso_day(str(value)):
            return compare(key, op, DateLiteral(str(value)), column)
        raise self.refuse(node, "a date is compared only with a quoted 'YYYY-MM-DD'")

    def matching(self, node: Tree, value: str, name: str, info: QuestionInfo) -> tuple[str, ...]:
        """The listed choices SurveyJS counts equal to ``value`` (ignoring case and spaces)."""
        found = tuple(c for c in info.choices if _fold(c) == _fold(value))
        if not found:
            raise self.refuse(node, f"a choice {value!r} that `{{{name}}}` does not list")
        return found

    def select_one(
        self, node: Tree, op: str, kind: str, value: object, name: str,
        info: QuestionInfo, key: str, column: int,
    ) -> Condition:  # fmt: skip
        if kind == "string":
            if op not in ("==", "!="):
                raise self.refuse(node, "a choice is ordered only against a number")
            found = self.matching(node, str(value), name, info)
            equal: Condition = (
                Equals(key, found[0], column) if len(found) == 1 else OneOf(key, found, column)
            )
            return equal if op == "==" else Not(equal)
        if not info.choices or not all(_NUMERAL.fullmatch(c) for c in info.choices):
            raise self.refuse(node, "only a choice list of numbers is compared with a number")
        holds = _ORDER["==" if op == "!=" else op]
        found = tuple(c for c in info.choices if holds(float(c), value))
        if not found:
            raise self.refuse(
                node, "this holds on every answer or on none; surveykit has no constant"
            )
        if len(found) == len(info.choices) and op != "!=":
            # True of every choice and false when unanswered: exactly "answered".
            return Answered(key, column)
        equal = Equals(key, found[0], column) if len(found) == 1 else OneOf(key, found, column)
        return Not(equal) if op == "!=" else equal

    def word(
        self, node: Tree, op: str, kind: str, value: object, name: str,
        info: QuestionInfo, key: str, column: int,
    ) -> Condition:  # fmt: skip
        if op in ("contains", "notcontains"):
            if info.type != "select_multiple" or kind != "string":
                raise self.refuse(
                    node,
                    f"`{op}` is supported only on a checkbox question and one quoted choice "
                    "(on text SurveyJS tests for a substring)",
                )
            found = self.matching(node, str(value), name, info)
            has = _any(tuple(Contains(key, c, column) for c in found))
            return has if op == "contains" else Not(has)
        if kind != "list" or not value:
            raise self.refuse(node, f"`{op}` is supported only with a non-empty ['...'] list")
        groups = [self.matching(node, str(v), name, info) for v in value]  # type: ignore[attr-defined]
        if info.type == "select_one" and op in ("anyof", "noneof"):
            found = tuple(dict.fromkeys(c for group in groups for c in group))
            one = OneOf(key, found, column)
            return one if op == "anyof" else Not(one)
        if info.type == "select_multiple":
            each = [_any(tuple(Contains(key, c, column) for c in group)) for group in groups]
            if op == "allof":
                return each[0] if len(each) == 1 else All(tuple(each))
            some = _any(tuple(each))
            return some if op == "anyof" else Not(some)
        raise self.refuse(
            node, f"`{op}` is supported on a checkbox question (and anyof, noneof on a choice)"
        )


_NOT_A_CONDITION = {
    "ref": "a question on its own is not supported (JavaScript's truthiness); write `notempty`",
    "string": "a text on its own is not a condition",
    "number": "a number on its own is not a condition",
    "boolean": "true and false are not supported (surveykit has no yes/no kind)",
    "array": "a list on its own is not a condition",
    "negative": "arithmetic is not supported",
    "add_expr": "arithmetic is not supported",
    "mul_expr": "arithmetic is not supported",
    "call": "functions are not supported",
    "compare": "comparing the result of a comparison is not supported",
    "emptiness": "comparing the result of a comparison is not supported",
    "and_expr": "comparing the result of a comparison is not supported",
    "or_expr": "comparing the result of a comparison is not supported",
    "negation": "comparing the result of a comparison is not supported",
}


def _data(node: Tree | Token) -> str:
    while isinstance(node, Tree) and node.data == "group":
        node = node.children[0]
    return node.data if isinstance(node, Tree) else ""


def _is_ref(node: Tree | Token) -> bool:
    return _data(node) == "ref"


def _any(conditions: tuple[Condition, ...]) -> Condition:
    return conditions[0] if len(conditions) == 1 else Any_(conditions)


def to_condition(expression: str, questions: Mapping[str, QuestionInfo]) -> Condition:
    """Translate a SurveyJS ``visibleIf`` exactly, or raise :class:`UnsupportedExpression`.

    ``questions`` maps the SurveyJS name of each *earlier* question to what it is.
    """
    return _Translator(expression, questions).boolean(_parse(expression))


# exporting ---------------------------------------------------------------------------------


def to_visible_if(condition: Condition) -> str:
    """Write a surveykit condition as a SurveyJS ``visibleIf`` with the same meaning.

    Question ids are written as ``{id}``.  SurveyJS compares choices ignoring case and
    surrounding spaces, so this is exact when no two choices of a question differ only so
    (the exporter must check its choice lists).  Text comparisons, month comparisons and
    counts other than "none"/"some" raise :class:`UnsupportedCondition`.
    """
    match condition:
        case Equals(question=q, value=v):
            return f"{{{q}}} = {_quote(v)}"
        case OneOf(values=()):
            raise UnsupportedCondition("an empty `in []` list has no SurveyJS spelling")
        case OneOf(question=q, values=values):
            return f"{{{q}}} anyof [{', '.join(_quote(v) for v in values)}]"
        case Contains(question=q, value=v):
            return f"{{{q}}} contains {_quote(v)}"
        case Answered(question=q):
            return f"{{{q}}} notempty"
        case Compare(question=q, op=op, value=DateLiteral(text=t)) if len(t) == 10:
            return f"{{{q}}} {op if op != '==' else '='} '{t}'"
        case Compare(question=q, op=op, value=int() | float() as v) if not isinstance(v, bool):
            return f"{{{q}}} {op if op != '==' else '='} {number_text(v)}"
        case Count(question=q, op=op, value=int() as v) if not isinstance(v, bool):
            some, none = _ORDER[op](1, v), _ORDER[op](0, v)
            if all(_ORDER[op](n, v) == some for n in range(1, max(v, 1) + 2)) and some != none:
                return f"{{{q}}} {'notempty' if some else 'empty'}"
            raise UnsupportedCondition(f"SurveyJS cannot count choices: {condition!r}")
        case Not(operand=Answered(question=q)):
            return f"{{{q}}} empty"
        case Not(operand=Equals(question=q, value=v)):
            return f"{{{q}}} != {_quote(v)}"
        case Not(operand=OneOf(question=q, values=values)) if values:
            return f"{{{q}}} noneof [{', '.join(_quote(v) for v in values)}]"
        case Not(operand=Contains(question=q, value=v)):
            return f"{{{q}}} notcontains {_quote(v)}"
        case Not(operand=Compare(op="==") as inner):
            return to_visible_if(inner).replace(" = ", " != ", 1)
        case Not(operand=operand):
            return f"!({to_visible_if(operand)})"
        case All(operands=operands) if operands:
            return " and ".join(_group(o) for o in operands)
        case Any_(operands=operands) if operands:
            return " or ".join(to_visible_if(o) for o in operands)
        case TextEquals() | TextOneOf():
            raise UnsupportedCondition(
                "text comparisons ignore case and all spacing; SurveyJS has no exact equivalent"
            )
    raise UnsupportedCondition(f"no SurveyJS spelling for {condition!r}")


def _group(condition: Condition) -> str:
    text = to_visible_if(condition)
    return f"({text})" if isinstance(condition, Any_) else text


def _quote(value: str) -> str:
    return quote(value, "SurveyJS", UnsupportedCondition)
