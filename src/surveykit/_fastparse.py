"""A quick reader for the ordinary ``shown_if`` condition, beside the Lark grammar.

Loading a spec parses one condition per conditional question, and Lark's parser, written in
Python, spends most of its time per token; on a spec of a few hundred questions that was most
of loading it (issue 20).  This reader takes the same grammar (``conditions.lark``) by hand: one
regular expression for the tokens, then precedence climbing.  It builds the condition with the
grammar's own transformer, so both ways build alike, and it gives up (``None``) on anything
but a well-formed condition: a syntax error, a literal that means nothing, deep brackets.  Then
the Lark parser reads the condition again and says exactly what is wrong and where, so every
message comes from one place.  ``tests/test_conditions.py`` checks on generated conditions,
and on broken ones, that the two ways agree.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["read"]

_TOKENS = re.compile(
    r"""
    (?P<WS>[ \t\f\r\n]+)
    | (?P<STRING>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<DATE>[0-9]{4}-[0-9]{1,2}(?:-[0-9]{1,2})?(?![A-Za-z0-9_.]))
    | (?P<NUMBER>-?[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_.]))
    | (?P<OP>==|!=|<=|>=|<|>)
    | (?P<COUNT>count(?=\s*\())
    | (?P<NAME>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
    | (?P<PUNCT>[()\[\],])
    """,
    re.VERBOSE,
)
#: Words the grammar reserves: as a whole NAME token they are keywords, as in Lark.
_KEYWORDS = {"or": "OR", "and": "AND", "not": "NOT", "in": "IN", "answered": "ANSWERED"}
#: Brackets nest by recursion here; deeper than this is left to Lark, which does not recurse.
_MAX_BRACKETS = 40


class _Token(str):
    """A token as the transformer reads it: the text, its ``type`` and 1-based ``column``
    (Lark's own ``Token`` is several times slower to make)."""

    type: str
    column: int


class _GiveUp(Exception):
    """Not an ordinary, well-formed condition: let the Lark parser read it."""


def _tokens(source: str) -> list[_Token]:
    out: list[_Token] = []
    at, end = 0, len(source)
    match = _TOKENS.match
    while at < end:
        found = match(source, at)
        if found is None:
            raise _GiveUp
        kind = found.lastgroup
        if kind != "WS":
            text = found.group()
            if kind == "NAME":
                kind = _KEYWORDS.get(text, "NAME")
            elif kind == "PUNCT":
                kind = text
            token = _Token(text)
            token.type = kind
            token.column = at - source.rfind("\n", 0, at)
            out.append(token)
        at = found.end()
    return out


class _Builder:
    """The transformer's rules, each looked up once: Lark's ``v_args`` wraps a rule anew at
    every attribute access, which would cost more than the reading itself."""

    _RULES = (
        "or_expr",
        "and_expr",
        "negation",
        "answered",
        "count",
        "contains",
        "not_contains",
        "compare",
        "one_of",
        "not_one_of",
        "list",
    )

    def __init__(self, transformer: Any) -> None:
        for rule in self._RULES:
            setattr(self, rule, getattr(transformer, rule))


_BUILDERS: dict[int, tuple[Any, _Builder]] = {}


def _builder(transformer: Any) -> _Builder:
    known = _BUILDERS.get(id(transformer))
    if known is None or known[0] is not transformer:
        known = _BUILDERS[id(transformer)] = (transformer, _Builder(transformer))
    return known[1]


class _Reader:
    def __init__(self, tokens: list[_Token], build: _Builder) -> None:
        self.tokens = tokens
        self.at = 0
        self.build = build

    def peek(self) -> str | None:
        return self.tokens[self.at].type if self.at < len(self.tokens) else None

    def take(self, kind: str) -> _Token:
        if self.peek() != kind:
            raise _GiveUp
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expr(self) -> Any:
        operands = [self.and_expr()]
        while self.peek() == "OR":
            self.at += 1
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else self.build.or_expr(*operands)

    def and_expr(self) -> Any:
        operands = [self.not_expr()]
        while self.peek() == "AND":
            self.at += 1
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else self.build.and_expr(*operands)

    def not_expr(self) -> Any:
        if self.peek() == "NOT":
            self.at += 1
            return self.build.negation(self.not_expr())
        return self.atom()

    def atom(self) -> Any:
        kind = self.peek()
        if kind == "(":
            self.at += 1
            inner = self.expr()
            self.take(")")
            return inner
        if kind == "ANSWERED":
            self.at += 1
            self.take("(")
            name = self.take("NAME")
            self.take(")")
            return self.build.answered(name)
        if kind == "COUNT":
            count = self.take("COUNT")
            self.take("(")
            name = self.take("NAME")
            self.take(")")
            op = self.take("OP")
            return self.build.count(count, name, op, self.take("NUMBER"))
        if kind == "STRING":
            value = self.take("STRING")
            negated = self.peek() == "NOT"
            self.at += negated
            self.take("IN")
            name = self.take("NAME")
            return (self.build.not_contains if negated else self.build.contains)(value, name)
        name = self.take("NAME")
        follows = self.peek()
        if follows == "OP":
            op = self.take("OP")
            if self.peek() not in ("STRING", "NUMBER", "DATE"):
                raise _GiveUp
            value = self.tokens[self.at]
            self.at += 1
            return self.build.compare(name, op, value)
        negated = follows == "NOT"
        self.at += negated
        self.take("IN")
        values = self.list()
        return (self.build.not_one_of if negated else self.build.one_of)(name, values)

    def list(self) -> tuple[str, ...]:
        self.take("[")
        items: list[_Token] = []
        while self.peek() == "STRING":
            items.append(self.take("STRING"))
            if self.peek() != ",":
                break
            self.at += 1
        self.take("]")
        return self.build.list(*items)


def read(source: str, build: Any) -> Any | None:
    """The condition ``source`` says, built by ``build`` (the grammar's transformer), or
    ``None`` when it is anything but an ordinary well-formed condition."""
    if source.count("(") > _MAX_BRACKETS:
        return None
    try:
        reader = _Reader(_tokens(source), _builder(build))
        condition = reader.expr()
    except Exception:  # _GiveUp, or a literal the transformer refuses: Lark will say why
        return None
    return condition if reader.at == len(reader.tokens) else None
