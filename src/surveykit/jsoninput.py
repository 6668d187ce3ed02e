"""Reading answers written as JSON by people and scripts: strict, and every refusal located.

Python's ``json`` module accepts more than JSON (``NaN``, ``Infinity``, numbers too large for a
float, which become ``inf``), and fails on some JSON in ways no one can act on: a recursion error
for deep nesting, an encoding error much later for an escaped lone surrogate (``"\\ud800"``),
which is half a character and cannot be written as UTF-8.  Answers are never more than a few
levels deep and never need any of these, so they are refused here, as :class:`JsonInputError`
with the line and column where they are, before anything looks at the answers.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any

__all__ = ["MAX_DEPTH", "JsonInputError", "decode", "loads", "require_decoded"]

#: How deeply arrays and objects may nest.  Answers need two levels (``{"q3": ["a"]}``).
MAX_DEPTH = 32
#: Longer integers than this are refused (Python itself refuses to read over 4,300 digits).
MAX_DIGITS = 1000

_HIGH = r"\\u[dD][89abAB][0-9a-fA-F]{2}"
_LOW = r"\\u[dD][c-fC-F][0-9a-fA-F]{2}"
#: What :func:`_located` looks for: strings (so brackets and escapes inside them are skipped),
#: brackets, numbers, and the words Python's reader takes for numbers.
_TOKENS = r'"(?:[^"\\]|\\.)*"?|[\[{]|[\]}]|-?(?:Infinity|NaN)\b|-?\d[\d.eE+-]*'
_LONE = rf"{_HIGH}{_LOW}|{_HIGH}|{_LOW}"
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The characters ``surrogateescape`` stands bytes that are not UTF-8 in for.
_UNDECODED = re.compile("[\udc80-\udcff]")


class JsonInputError(ValueError):
    """Text that is not JSON answers can be read from; ``str()`` says what and where."""

    def __init__(self, reason: str, text: str = "", offset: int | None = None) -> None:
        self.reason = reason
        self.line: int | None = None
        self.column: int | None = None
        if offset is not None:
            self.line = text.count("\n", 0, offset) + 1
            self.column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        return f"{self.reason} at line {self.line} column {self.column}"


class _Refused(Exception):
    """Raised inside the reader's hooks; turned into a located :class:`JsonInputError`."""


def _refuse_constant(name: str) -> Any:
    raise _Refused


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused
    return value


def _integer(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _Refused
    return int(text)


def decode(data: bytes) -> str:
    """``data`` as UTF-8 text, or :class:`JsonInputError` at the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data[: exc.start].decode("utf-8")
        raise JsonInputError("the text is not UTF-8", text, len(text)) from None


def require_decoded(text: str) -> str:
    """``text``, read with ``errors="surrogateescape"``, unless that kept bytes that are not UTF-8.

    A reader that meets such a byte mid-file loses its place; read this way, every line that is
    UTF-8 is read, and each one that is not is refused at its own line and column.
    """
    found = None if text.isascii() else _UNDECODED.search(text)
    if found is not None:
        raise JsonInputError("the text is not UTF-8", text, found.start())
    return text


def loads(text: str) -> Any:
    """The JSON value in ``text``; :class:`JsonInputError` for anything answers cannot be."""
    try:
        value = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite, parse_int=_integer
        )
    except json.JSONDecodeError as exc:
        raise JsonInputError(exc.msg, text, exc.pos) from None
    except (_Refused, RecursionError):
        raise _located(text) from None
    if _may_be_refused(text) and _too_deep_or_lone(value):
        raise _located(text)
    return value


def _may_be_refused(text: str) -> bool:
    """Whether ``text`` could hold what :func:`_too_deep_or_lone` looks for, told from the text
    alone in a few passes of C: too few brackets to nest too deep, no escaped surrogate and no
    raw one rule both out, as they do for nearly every real record, so that walking the value
    is spared.  (Brackets inside strings only make this say "maybe".)"""
    if text.count("[") + text.count("{") > MAX_DEPTH:
        return True
    if "\\u" in text and ("\\ud" in text or "\\uD" in text):
        return True
    return not text.isascii() and _SURROGATE.search(text) is not None


def _too_deep_or_lone(value: Any) -> bool:
    """Whether ``value`` nests deeper than :data:`MAX_DEPTH` or holds a lone surrogate.

    Iterative, so that a deep value cannot exhaust the stack here either.
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                return True
        elif isinstance(item, list | dict):
            if depth >= MAX_DEPTH:
                return True
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return False


def _located(text: str) -> JsonInputError:
    """Say what in ``text`` the reader refused, and where: the first such thing found."""
    tokens, lone_surrogates = _locating()
    depth = 0
    for token in tokens.finditer(text):
        found, at = token.group(), token.start()
        first = found[0]
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return JsonInputError(
                    f"arrays and objects are nested more than {MAX_DEPTH} deep", text, at
                )
        elif first in "]}":
            depth -= 1
        elif first == '"':
            lone = next(
                (
                    m
                    for m in lone_surrogates.finditer(found)
                    if len(m.group()) == 6 and not _escaped(found, m.start())
                ),
                None,
            )
            if lone is not None:
                return JsonInputError(
                    f"{lone.group()} is half of a UTF-16 surrogate pair, not a character",
                    text,
                    at + lone.start(),
                )
        elif found.lstrip("-") in ("NaN", "Infinity"):
            return JsonInputError(f"{found} is not a JSON value", text, at)
        elif _number_refused(found):
            shown = found if len(found) <= 20 else f"{found[:20]}..."
            return JsonInputError(f"the number {shown} is out of range", text, at)
    return JsonInputError("the value cannot be read as answers")


def _escaped(string: str, backslash: int) -> bool:
    """Whether the backslash at ``backslash`` is itself escaped (preceded by an odd run)."""
    run = len(string[:backslash]) - len(string[:backslash].rstrip("\\"))
    return run % 2 == 1


def _number_refused(token: str) -> bool:
    if token.lstrip("-").isdigit():
        return len(token) > MAX_DIGITS
    try:
        return not math.isfinite(float(token))
    except ValueError:
        return False


@functools.cache
def _locating() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns :func:`_located` reads a refused record with, compiled on first need: a
    command reading sound records never needs them, and compiling costs every start."""
    return re.compile(_TOKENS, re.DOTALL), re.compile(_LONE)
