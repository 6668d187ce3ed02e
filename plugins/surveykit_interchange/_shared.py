"""What the expression translators of every format share: where a node stands in the
expression, reading numbers and ISO days, and writing values back as literals."""

from __future__ import annotations

import datetime as dt
import decimal

from lark import Token, Tree

from surveykit.conditions import Compare, Condition, DateLiteral, Not

__all__ = ["compare", "iso_day", "number", "number_text", "quote", "span"]


def compare(key: str, op: str, value: int | float | DateLiteral, column: int) -> Condition:
    """A comparison as surveykit writes it (``op`` already surveykit's): ``!=`` is the
    negation of ``==``, true when the question is unanswered, as both formats have it."""
    if op == "!=":
        return Not(Compare(key, "==", value, column))
    return Compare(key, op, value, column)


def span(node: Tree | Token) -> tuple[int, int]:
    """Where a node starts and ends in the expression (for the column of a refusal)."""
    if isinstance(node, Token):
        return node.start_pos or 0, node.end_pos or 0
    return node.meta.start_pos, node.meta.end_pos


def number(text: str) -> int | float:
    return int(text) if "." not in text else float(text)


def iso_day(text: str) -> bool:
    """Whether ``text`` is a whole ISO date (``2024-03-05``)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def quote(value: str, language: str, refused: type[Exception]) -> str:
    """``value`` as a string literal of ``language``: in single quotes, else double; a value
    holding both cannot be written (``refused`` is raised)."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise refused(f"{value!r} holds both quote marks, which {language} cannot write")


def number_text(value: int | float) -> str:
    """A number as a literal: never in exponent form, a float always with its point."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(decimal.Decimal(text), "f")
    return text if "." in text else text + ".0"
