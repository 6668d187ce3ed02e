"""LimeSurvey relevance equations to surveykit conditions, and surveykit conditions back.

LimeSurvey writes skip logic (question, group and sub-question relevance) in its
ExpressionScript ("EM").  :func:`to_condition` translates only what surveykit can say *exactly*
-- a translation must hold on precisely the answers where LimeSurvey's equation holds -- and
refuses the rest with :class:`UnsupportedExpression`, naming the construct and its position.
``questions`` uses the XLSForm module's :class:`QuestionInfo`, with the XLSForm type of the
surveykit kind the importer chose: L, !, O, 5 (choices ``1``..``5``), Y (``Y``/``N``) and G
(``F``/``M``) as ``select_one``; M and P as ``select_multiple`` whose choices are the
sub-question codes; N as ``integer`` or ``decimal``; D as ``date``; S, T, U (and each
sub-question of Q or K, listed under its EM name ``q_SQ001``) as ``text`` (``decimal``).

The rules come from LimeSurvey's source (``application/helpers/expressions/em_core_helper.php``
and ``em_manager_helper.php``, commit bc68c879 of the unl/LimeSurvey mirror; the page-side
JavaScript in ``scripts/expressions/em_javascript.js``).  An unanswered question's value is
``''``; in surveykit the answer is absent.  docs/interchange.md has the same table.

* ``1`` (and an empty cell) means "always": :func:`is_always` says so, as
  ``LimeExpressionManager::_ProcessRelevance`` does; :func:`to_condition` refuses it (surveykit
  has no constant: an importer gives such a question no condition).
* ``.NAOK``: a question hidden by its own relevance reads as ``''`` with ``.NAOK``
  (``_GetVarAttribute``: "if an answer is irrelevant, always return ''"), which is surveykit's
  absent answer.  *Without* ``.NAOK`` (``.valueNAOK`` counts as without: the pattern
  ``/^.*\\.(NAOK|relevanceStatus)$/`` does not match it), ``ProcessBooleanExpression`` makes
  the whole equation false when any variable it reads is hidden.  So a reference without
  ``.NAOK`` is read like one with it only when that cannot differ: the question is listed in
  ``always_shown`` (no relevance of its own, in an unconditional group), or the translated
  condition is false whenever that answer is absent (``q == 'x'``, ``!is_empty(q)``, but not
  ``q != 'x'``, ``is_empty(q)`` or ``q == 'x' or r == 'y'``).  The rest is refused.
* ``q == 'x'`` on a select_one: EM compares with PHP's ``==`` (``RDP_EvaluateBinary``): as
  numbers when both sides look numeric, else as case-sensitive strings.  It is :class:`OneOf`
  the choices equal so (usually one: :class:`Equals`); ``!=`` its ``Not`` (``'' != 'x'`` is
  true, as surveykit's ``!=`` is on a missing answer).  A choice equal only as a number
  (``'01'`` to ``'1'``) is refused: the page's JavaScript compares those as strings.
* ``q OP 3`` (a number without quotes) on a select_one: the numeric choices where it holds;
  an unanswered ``''`` takes the value PHP and JavaScript both give it (see below).
* ``q_SQ001 == 'Y'`` (``.NAOK``, ``!=``, ``== ''``, ``is_empty``) reads one item of a multiple
  choice (``'Y'`` when ticked, else ``''``): :class:`Contains` or its ``Not``.
* ``n OP 18`` on a number is :class:`Compare`, but PHP orders ``''`` as the empty *string*
  (``'' < '18'`` is true, ``'' > '0'`` is specially false) and JavaScript as ``0``; where both
  agree the unanswered case is added (``age < 18`` is ``not answered(age) or age < 18``), where
  they disagree (``n < 0``, ``n == 0``, any ordering against a negative number) it is refused
  -- unless a ``!is_empty(n)`` beside it in the same ``and`` makes the unanswered case moot.
* ``q == ''``, ``is_empty(q)`` are ``Not(Answered)``; ``q != ''``, ``!is_empty(q)``
  :class:`Answered` (``exprmgr_empty``: ``''``, null and false only, so ``'0'`` is answered).
* Text is compared only with ``''`` (EM compares exactly, surveykit ignoring case and
  spacing); a date too (LimeSurvey stores it with its time).  Quoted numbers are refused.
* ``and``/``&&``, ``or``/``||`` (any case), ``==``/``eq``, ``!=``/``ne``, ``<``/``lt`` and
  so on; ``!`` only before brackets or ``is_empty(..)`` (EM binds it to the next primary).
* Refused outright: ``not`` (no EM operator: LimeSurvey reads an unknown name), ``{..}``
  (a tailoring brace is a syntax error in a relevance equation, so LimeSurvey hides the
  question), ``self``/``that``, ``TOKEN:``/``INSERTANS:``, SGQA codes, ``.shown``,
  ``.value`` of a list (its assessment value, not its code), every function but ``is_empty``
  (``strlen``, ``count``, ``if``...), arithmetic, assignment, comparing two questions.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Collection, Mapping

from attrs import frozen
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

from ._shared import compare, number_text, quote, span

__all__ = [
    "QuestionInfo",
    "UnsupportedCondition",
    "UnsupportedExpression",
    "is_always",
    "to_condition",
    "to_relevance",
]

#: How deeply ``!``, ``and``, ``or`` and brackets may nest (surveykit's own limit is 32).
MAX_DEPTH = 32

_OPS = {"==": "==", "eq": "==", "!=": "!=", "ne": "!=", "<": "<", "lt": "<", "<=": "<="}
_OPS |= {"le": "<=", ">": ">", "gt": ">", ">=": ">=", "ge": ">="}
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ORDER = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
#: PHP's ``is_numeric`` on a string (PHP 8: leading and trailing whitespace allowed).
_PHP_NUMERIC = re.compile(
    r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*"
)
#: EM attributes that read the answer itself; every other one is refused.
_VALUE_ATTRIBUTES = (None, "NAOK", "code", "value", "valueNAOK")
#: A LimeSurvey question or sub-question code, as EM can name it.
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SGQA = re.compile(r"[0-9]+X[0-9]+X[0-9]+")


def _php_numeric(text: str) -> bool:
    return bool(_PHP_NUMERIC.fullmatch(text))


def is_always(expression: str | None) -> bool:
    """Whether LimeSurvey treats a relevance cell as "always": empty, or ``1``.

    ``LimeExpressionManager::_ProcessRelevance`` skips the equation when it is ``''`` or its
    trimmed text ``== '1'`` (PHP compares numerically: ``1.0`` and ``01`` count too).
    """
    if expression is None or expression == "":
        return True
    text = expression.strip()
    return _php_numeric(text) and float(text) == 1


def _empty_outcome(op: str, value: float) -> bool | None:
    """What ``'' OP value`` gives, when LimeSurvey's server and page agree; else ``None``.

    The server (``RDP_EvaluateBinary``) compares ``''`` with a number token's *text* as
    strings, so ``''`` sorts first (``'' < '18'``; ``'' <= '0'`` and ``'' > '0'`` are special
    cases that agree).  ``-3`` is a PHP number, which PHP 8 compares with ``''`` as text too
    and PHP 7 as 0.  The page's JavaScript turns ``''`` into 0.  PHP 7 and JavaScript agree, so
    "server and page agree" is "PHP 8 and JavaScript agree".
    """
    php = _EMPTY_PHP[op]
    return php if php == _ORDER[op](0, value) else None


#: ``'' OP number`` on LimeSurvey's server (PHP 8).
_EMPTY_PHP = {"==": False, "!=": True, "<": True, "<=": True, ">": False, ">=": False}


# parsing -----------------------------------------------------------------------------------


@functools.cache
def _parser() -> Lark:
    grammar = importlib.resources.files(__package__).joinpath("limesurvey_relevance.lark")
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
        word = str(exc.token)
        after_not = re.search(r"(?i)\bnot\s*$", expression[: exc.token.start_pos])
        if after_not:
            message = "`not` is no ExpressionScript operator (LimeSurvey reads a name); write `!`"
            raise UnsupportedExpression(message, after_not.start() + 1) from None
        message = f"unexpected {word!r}: this is not ExpressionScript surveykit can read"
        raise UnsupportedExpression(message, where) from None
    except UnexpectedCharacters as exc:
        char = expression[exc.pos_in_stream]
        message = f"unexpected character {char!r}: this is not ExpressionScript surveykit can read"
        raise UnsupportedExpression(message, exc.pos_in_stream + 1) from None
    except UnexpectedInput as exc:  # pragma: no cover - Lark's remaining cases
        raise UnsupportedExpression("the expression does not parse", exc.column) from None


# translating -------------------------------------------------------------------------------


@frozen
class _Ref:
    """A variable an equation reads: a question, or one item (sub-question) of a multiple one."""

    name: str
    info: QuestionInfo
    key: str
    item: str | None
    naok: bool


class _Translator:
    """Turns one parsed equation into a condition, or refuses it."""

    def __init__(
        self, source: str, questions: Mapping[str, QuestionInfo], always_shown: Collection[str]
    ) -> None:
        self.source = source
        self.questions = questions
        self.always_shown = always_shown
        #: References without ``.NAOK`` to questions that may be hidden: (key, node).
        self.unguarded: list[tuple[str, Tree]] = []

    def text(self, node: Tree | Token) -> str:
        start, end = span(node)
        return " ".join(self.source[start:end].split())

    def refuse(self, node: Tree | Token, reason: str) -> UnsupportedExpression:
        """Refuse ``node``, quoting it: "`age + 1`: arithmetic is not supported"."""
        glue = " " if reason.startswith("is ") else ": "
        return UnsupportedExpression(f"`{self.text(node)}`{glue}{reason}", span(node)[0] + 1)

    def translate(self, tree: Tree) -> Condition:
        condition = self.boolean(tree, frozenset())
        for key, node in self.unguarded:
            if _forced(condition, key) is not False:
                raise self.refuse(
                    node,
                    "without .NAOK makes LimeSurvey's whole equation false when the question "
                    "is hidden, which surveykit cannot say here; write .NAOK, or list the "
                    "question as always shown",
                )
        return condition

    def boolean(self, node: Tree | Token, answered: frozenset[str], depth: int = 1) -> Condition:
        """``answered``: keys a ``!is_empty(..)`` in the enclosing ``and`` already requires."""
        if depth > MAX_DEPTH:
            raise self.refuse(node, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, Token):  # pragma: no cover - every token is wrapped in a rule
            raise self.refuse(node, "is not a condition")
        kind = node.data
        if kind == "group":
            return self.boolean(node.children[0], answered, depth + 1)
        if kind == "or_expr":
            return Any_(tuple(self.boolean(c, frozenset(), depth + 1) for c in node.children))
        if kind == "and_expr":
            required = answered | {k for c in node.children if (k := self.required(c))}
            return All(tuple(self.boolean(c, required, depth + 1) for c in node.children))
        if kind == "negation":
            inner = node.children[1]
            if not (isinstance(inner, Tree) and inner.data in ("group", "call")):
                raise self.refuse(
                    node, "`!` is supported only before brackets or is_empty(..): write `!(...)`"
                )
            negated = self.boolean(inner, frozenset(), depth + 1)
            return negated.operand if isinstance(negated, Not) else Not(negated)
        if kind == "call":
            return self.call(node)
        if kind in ("eq_expr", "rel_expr"):
            if len(node.children) > 3:
                raise self.refuse(node, "comparing the result of a comparison is not supported")
            left, op, right = node.children
            return self.comparison(node, left, _OPS[str(op).lower()], right, answered)
        if kind == "ref":
            self.resolve(node)
            raise self.refuse(node, _NOT_A_CONDITION["ref"])
        raise self.refuse(node, _NOT_A_CONDITION.get(kind, "is not a condition"))

    def required(self, node: Tree | Token) -> str | None:
        """The key ``node`` requires answered, when it is ``!is_empty(q)`` of a question."""
        node = _unwrap(node)
        if _data(node) != "negation":
            return None
        inner = _unwrap(node.children[1])  # type: ignore[union-attr]
        if _data(inner) != "call" or str(inner.children[0]) != "is_empty":  # type: ignore[union-attr]
            return None
        args = [a for a in inner.children[1:] if a is not None]  # type: ignore[union-attr]
        if len(args) != 1 or _data(args[0]) != "ref":
            return None
        name = str(_unwrap(args[0]).children[0]).split(".", 1)[0]  # type: ignore[union-attr]
        info = self.questions.get(name)
        return None if info is None else info.key or name

    def call(self, node: Tree) -> Condition:
        name, args = str(node.children[0]), [a for a in node.children[1:] if a is not None]
        if name == "is_empty" and len(args) == 1 and _data(args[0]) == "ref":
            ref = self.resolve(_unwrap(args[0]))
            column = span(node)[0] + 1
            if ref.item is not None:
                return Not(Contains(ref.key, ref.item, column))
            return Not(Answered(ref.key, column))
        if name == "is_empty":
            raise self.refuse(node, "is_empty(..) is supported only of one question")
        if name.lower() == "not":
            raise UnsupportedExpression(
                "`not` is no ExpressionScript operator (LimeSurvey reads a name); write `!`",
                span(node)[0] + 1,
            )
        raise UnsupportedExpression(f"`{name}(..)` is not supported", span(node)[0] + 1)

    def resolve(self, node: Tree) -> _Ref:
        """The question (or item of a multiple choice) a variable reads; else refused."""
        text = str(node.children[0])
        if text.startswith(("TOKEN:", "INSERTANS:")):
            raise self.refuse(node, "participant attributes and INSERTANS are not supported")
        base, *attributes = text.split(".")
        if base in ("self", "that"):
            raise self.refuse(node, f"`{base}` (a question's own sub-questions) is not supported")
        if _SGQA.match(base):
            raise self.refuse(node, "SGQA codes are not supported; write the question code")
        attribute = attributes[0] if len(attributes) == 1 else None
        if len(attributes) > 1 or attribute not in _VALUE_ATTRIBUTES:
            raise self.refuse(node, "reads something other than the answer, not supported")
        ref = self.lookup(base, node)
        if attribute in ("value", "valueNAOK") and ref.info.type == "select_one":
            raise self.refuse(
                node, "`.value` of a list is its assessment value, not its code: not supported"
            )
        if ref.info.type == "select_multiple" and ref.item is None:
            raise self.refuse(node, "a multiple choice is read one item at a time: `q_SQ001`")
        # ProcessBooleanExpression exempts only names ending in `.NAOK`: not `.valueNAOK`.
        naok = attribute == "NAOK"
        head = base if ref.item is None else base.split("_", 1)[0]
        if not naok and head not in self.always_shown and base not in self.always_shown:
            self.unguarded.append((ref.key, node))
        return _Ref(base, ref.info, ref.key, ref.item, naok)

    def lookup(self, base: str, node: Tree) -> _Ref:
        info = self.questions.get(base)
        if info is not None:
            return _Ref(base, info, info.key or base, None, True)
        head, _, item = base.partition("_")
        parent = self.questions.get(head) if item else None
        if parent is None:
            raise self.refuse(node, "is not an earlier question")
        if parent.type != "select_multiple":
            raise self.refuse(node, f"is not an earlier question (`{head}` has no part `{item}`)")
        if item not in parent.choices:
            raise self.refuse(node, f"an item {item!r} that `{head}` does not list")
        return _Ref(base, parent, parent.key or head, item, True)

    def literal(self, node: Tree | Token) -> tuple[str, str, float]:
        """``(kind, text, number)`` of a constant: a string, or a number (maybe negative)."""
        node = _unwrap(node)
        if isinstance(node, Tree):
            if node.data == "string":
                text = str(node.children[0])[1:-1]
                if "\\" in text:
                    raise self.refuse(node, "a backslash (an EM escape) is not supported")
                return "string", text, 0.0
            if node.data == "number":
                text = str(node.children[0])
                return "number", text, float(text)
            if node.data == "negative" and _data(node.children[1]) == "number":
                text = str(_unwrap(node.children[1]).children[0])  # type: ignore[union-attr]
                if str(node.children[0]) == "-":
                    return "negative", text, -float(text)
                return "number", text, float(text)
        raise self.refuse(node, _NOT_A_CONDITION.get(_data(node), "is not supported"))

    def comparison(
        self, node: Tree, left: Tree, op: str, right: Tree, answered: frozenset[str]
    ) -> Condition:
        for side in (left, right):
            if _data(side) == "call" and str(_unwrap(side).children[0]) != "is_empty":  # type: ignore[union-attr]
                self.call(_unwrap(side))  # type: ignore[arg-type]
        if _data(left) == "ref" and _data(right) == "ref":
            raise self.refuse(node, "comparing two questions is not supported")
        if _data(left) != "ref":
            if _data(right) != "ref":
                for side in (left, right):
                    if _data(side) == "negation":
                        raise self.refuse(
                            node,
                            "`!` is supported only before brackets or is_empty(..): EM reads "
                            "`!a == b` as `(!a) == b`",
                        )
                    if _data(side) in ("add_expr", "mul_expr", "braces", "assignment", "call"):
                        raise self.refuse(_unwrap(side), _NOT_A_CONDITION[_data(side)])
                raise self.refuse(node, "compares no earlier question")
            left, right, op = right, left, _FLIP[op]
        ref = self.resolve(_unwrap(left))
        kind, text, value = self.literal(right)
        column = span(node)[0] + 1
        if ref.item is not None:
            return self.item(node, ref, op, kind, text, column)
        if kind == "string" and text == "" and op in ("==", "!="):
            has = Answered(ref.key, column)
            return has if op == "!=" else Not(has)
        if kind == "string" and text == "":
            raise self.refuse(node, "ordering against '' is not supported")
        if ref.info.type == "select_one":
            return self.select_one(node, ref, op, kind, text, value, answered, column)
        if ref.info.type in ("integer", "decimal"):
            if kind == "string":
                raise self.refuse(node, "a number is compared only with a number without quotes")
            return self.number(node, ref, op, _as_number(text, value), answered, column)
        if ref.info.type == "date":
            raise self.refuse(
                node,
                "a date is compared only with '' (LimeSurvey stores it with its time, as text)",
            )
        raise self.refuse(
            node,
            "text is compared only with '' (LimeSurvey compares text exactly, surveykit "
            "ignoring case and spacing)",
        )

    def item(self, node: Tree, ref: _Ref, op: str, kind: str, text: str, column: int) -> Condition:
        if kind != "string" or text not in ("Y", "") or op not in ("==", "!="):
            raise self.refuse(
                node,
                "an item of a multiple choice is 'Y' when ticked and '' when not: compare it "
                "with == or != and 'Y' or ''",
            )
        ticked = Contains(ref.key, ref.item or "", column)
        return ticked if (op == "==") == (text == "Y") else Not(ticked)

    def select_one(
        self, node: Tree, ref: _Ref, op: str, kind: str, text: str, value: float,
        answered: frozenset[str], column: int,
    ) -> Condition:  # fmt: skip
        choices = ref.info.choices
        if kind == "string":
            if op not in ("==", "!="):
                raise self.refuse(node, "a choice is ordered only against a number")
            found = tuple(c for c in choices if c == text)
            numeric = tuple(
                c for c in choices
                if c != text and _php_numeric(c) and _php_numeric(text) and float(c) == float(text)
            )  # fmt: skip
            if numeric:
                raise self.refuse(
                    node,
                    f"{text!r} equals the choice {numeric[0]!r} as a number on LimeSurvey's "
                    "server but not in its page's JavaScript",
                )
            if not found:
                raise self.refuse(node, f"a choice {text!r} that `{ref.name}` does not list")
            equal = Equals(ref.key, found[0], column)
            return equal if op == "==" else Not(equal)
        if op in ("==", "!="):
            equal = tuple(c for c in choices if _php_numeric(c) and float(c) == value)
            if not equal:
                raise self.refuse(node, f"no choice of `{ref.name}` equals {text}")
            holds = equal if op == "==" else tuple(c for c in choices if c not in equal)
        else:
            holds = tuple(c for c in choices if _php_numeric(c) and _ORDER[op](float(c), value))
        empty = self.empty(node, ref, op, value, answered)
        if empty is None:
            empty = op == "!="
        return self.choice_set(node, ref.key, holds, tuple(choices), empty, column)

    def choice_set(
        self, node: Tree, key: str, holds: tuple[str, ...], choices: tuple[str, ...],
        empty: bool, column: int,
    ) -> Condition:  # fmt: skip
        """The choices where a comparison holds, and its unanswered outcome, as a condition."""
        if not empty:
            if not holds:
                raise self.refuse(node, "this holds on no answer; surveykit has no constant")
            if len(holds) == len(choices):
                return Answered(key, column)
            return _one(key, holds, column)
        rest = tuple(c for c in choices if c not in holds)
        if not rest:
            raise self.refuse(node, "this holds on every answer; surveykit has no constant")
        return Not(_one(key, rest, column))

    def number(
        self, node: Tree, ref: _Ref, op: str, value: int | float,
        answered: frozenset[str], column: int,
    ) -> Condition:  # fmt: skip
        empty = self.empty(node, ref, op, value, answered)
        condition = compare(ref.key, op, value, column)
        if empty is None or empty == (op == "!="):
            return condition
        if empty:
            return Any_((Not(Answered(ref.key, column)), condition))
        return All((Answered(ref.key, column), condition))

    def empty(
        self, node: Tree, ref: _Ref, op: str, value: float, answered: frozenset[str]
    ) -> bool | None:
        """What the comparison gives when unanswered; ``None`` when a ``!is_empty`` moots it."""
        if ref.key in answered:
            return None
        outcome = _empty_outcome(op, value)
        if outcome is None:
            raise self.refuse(
                node,
                "LimeSurvey's server and its page's JavaScript disagree on this when the "
                "question is unanswered; add `!is_empty(..) and` before it",
            )
        return outcome


def _one(key: str, values: tuple[str, ...], column: int) -> Condition:
    return Equals(key, values[0], column) if len(values) == 1 else OneOf(key, values, column)


def _as_number(text: str, value: float) -> int | float:
    if "." not in text:
        return round(value)
    return value


_NOT_A_CONDITION = {
    "ref": "a question on its own is not supported (PHP's truthiness); compare it, e.g. "
    "`!is_empty(q)`",
    "string": "a text on its own is not a condition",
    "number": "a number on its own is not a condition (a cell of just `1` means no condition)",
    "negative": "arithmetic is not supported",
    "add_expr": "arithmetic is not supported",
    "mul_expr": "arithmetic is not supported",
    "braces": "curly braces are tailoring, not ExpressionScript: LimeSurvey reports a syntax "
    "error and never shows the question",
    "assignment": "an assignment is not a condition",
    "call": "comparing the result of a function is not supported",
    "eq_expr": "comparing the result of a comparison is not supported",
    "rel_expr": "comparing the result of a comparison is not supported",
    "and_expr": "comparing the result of a comparison is not supported",
    "or_expr": "comparing the result of a comparison is not supported",
    "negation": "comparing the result of a comparison is not supported",
}


def _unwrap(node: Tree | Token) -> Tree | Token:
    while isinstance(node, Tree) and node.data == "group":
        node = node.children[0]
    return node


def _data(node: Tree | Token) -> str:
    node = _unwrap(node)
    return node.data if isinstance(node, Tree) else ""


def _forced(condition: Condition, key: str) -> bool | None:
    """The value ``condition`` must take when ``key`` is unanswered, if it is fixed."""
    match condition:
        case Not(operand=operand):
            inner = _forced(operand, key)
            return None if inner is None else not inner
        case All(operands=operands):
            found = [_forced(o, key) for o in operands]
            if False in found:
                return False
            return True if all(f is True for f in found) else None
        case Any_(operands=operands):
            found = [_forced(o, key) for o in operands]
            if True in found:
                return True
            return False if all(f is False for f in found) else None
        case Count(question=q, op=op, value=v) if q == key:
            return bool(_ORDER[op](0, v))
        case _ if getattr(condition, "question", None) == key:
            return False
    return None


def to_condition(
    expression: str,
    questions: Mapping[str, QuestionInfo],
    always_shown: Collection[str] = frozenset(),
) -> Condition:
    """Translate a LimeSurvey relevance equation exactly, or raise :class:`UnsupportedExpression`.

    ``questions`` maps the LimeSurvey code of each *earlier* question to what it is (a name found
    there is read as that question before ``q_SQ`` is read as an item of ``q``, so an importer
    can list ``q_other`` as the text of an "Other").  ``always_shown`` names the questions that
    are never hidden (relevance ``1`` in an always-shown group): only for those may the equation
    leave out ``.NAOK`` freely.  Check :func:`is_always` first: ``1`` is refused here.
    """
    if is_always(expression):
        raise UnsupportedExpression("this is always true: LimeSurvey's `1` means no condition", 1)
    return _Translator(expression, questions, always_shown).translate(_parse(expression))


# exporting ---------------------------------------------------------------------------------


def to_relevance(condition: Condition, questions: Mapping[str, QuestionInfo] | None = None) -> str:
    """Write a surveykit condition as a LimeSurvey relevance equation with the same meaning.

    Question ids are written as LimeSurvey codes with ``.NAOK`` (a hidden question then reads
    as unanswered, as in surveykit); an option ``x`` of a multiple choice ``q`` as the item
    ``q_x``.  ``questions`` (by surveykit key) lets "answered" and "some/none chosen" of a
    multiple choice be written as "some item ticked".  This is exact when no two choices of a
    question are equal as numbers (``'1'``, ``'01'``).  Text and date comparisons, other counts,
    and names or values LimeSurvey cannot write raise :class:`UnsupportedCondition`.
    """
    return _Writer(questions or {}).write(condition)


class _Writer:
    def __init__(self, questions: Mapping[str, QuestionInfo]) -> None:
        self.questions = questions

    def name(self, key: str, item: str | None = None) -> str:
        if not _CODE.fullmatch(key) or (
            item is not None and not (item.isascii() and item.isalnum())
        ):
            raise UnsupportedCondition(f"{key!r} is no LimeSurvey question code")
        return f"{key}_{item}.NAOK" if item is not None else f"{key}.NAOK"

    def some_ticked(self, key: str) -> str | None:
        info = self.questions.get(key)
        if info is None or info.type != "select_multiple":
            return None
        if not info.choices:
            raise UnsupportedCondition(f"{key!r} has no choices to tick")
        return "(" + " or ".join(f"{self.name(key, c)} == 'Y'" for c in info.choices) + ")"

    def write(self, condition: Condition) -> str:
        match condition:
            case Equals(question=q, value=v):
                return f"{self.name(q)} == {_quote(v)}"
            case OneOf(values=()):
                raise UnsupportedCondition("an empty `in []` list has no LimeSurvey spelling")
            case OneOf(question=q, values=values):
                return "(" + " or ".join(f"{self.name(q)} == {_quote(v)}" for v in values) + ")"
            case Contains(question=q, value=v):
                return f"{self.name(q, v)} == 'Y'"
            case Answered(question=q):
                return self.some_ticked(q) or f"!is_empty({self.name(q)})"
            case Count(question=q, op=op, value=int() as v) if not isinstance(v, bool):
                some, none = _ORDER[op](1, v), _ORDER[op](0, v)
                steady = all(_ORDER[op](n, v) == some for n in range(1, max(v, 1) + 2))
                ticked = self.some_ticked(q)
                if steady and some != none and ticked is not None:
                    return ticked if some else f"!{ticked}"
                raise UnsupportedCondition(f"LimeSurvey cannot count choices: {condition!r}")
            case Compare(question=q, op=op, value=int() | float() as v) if not isinstance(v, bool):
                return self.number(q, op, v)
            case Not(operand=Answered(question=q)):
                ticked = self.some_ticked(q)
                return f"!{ticked}" if ticked else f"is_empty({self.name(q)})"
            case Not(operand=Equals(question=q, value=v)):
                return f"{self.name(q)} != {_quote(v)}"
            case Not(operand=Contains(question=q, value=v)):
                return f"{self.name(q, v)} != 'Y'"
            case Not(operand=Compare(question=q, op="==", value=int() | float() as v)) if (
                not isinstance(v, bool) and _empty_outcome("!=", v) is True
            ):
                return f"{self.name(q)} != {number_text(v)}"
            case Not(operand=operand):
                return f"!({self.write(operand)})"
            case All(operands=operands) if operands:
                return " and ".join(self.group(o) for o in operands)
            case Any_(operands=operands) if operands:
                return " or ".join(self.write(o) for o in operands)
            case Compare(value=DateLiteral()):
                raise UnsupportedCondition(
                    "LimeSurvey stores a date with its time; a date comparison has no exact "
                    "relevance equation"
                )
            case TextEquals() | TextOneOf():
                raise UnsupportedCondition(
                    "text comparisons ignore case and spacing; LimeSurvey has no exact equivalent"
                )
        raise UnsupportedCondition(f"no LimeSurvey spelling for {condition!r}")

    def number(self, key: str, op: str, value: int | float) -> str:
        """``n OP v``, guarded by ``!is_empty`` unless ``''`` already compares false."""
        plain = f"{self.name(key)} {op} {number_text(value)}"
        if _empty_outcome(op, value) is False:
            return plain
        return f"(!is_empty({self.name(key)}) and {plain})"

    def group(self, condition: Condition) -> str:
        text = self.write(condition)
        return f"({text})" if isinstance(condition, Any_) else text


def _quote(value: str) -> str:
    if "\\" in value:
        raise UnsupportedCondition(f"{value!r} holds a backslash, which EM reads as an escape")
    return quote(value, "ExpressionScript", UnsupportedCondition)
