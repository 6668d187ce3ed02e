"""Small helpers the built-in kinds share: plain words for values, and settings checks."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from typing import Any

from surveykit import Question

#: A part's name, a grid row's id: what a question id may be, so ``q7.cost`` is a clean key.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def what(value: Any) -> str:
    """A value's type in plain words, for messages a respondent or officer may read."""
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "group of answers"
    if isinstance(value, str):
        return "piece of text"
    return "value of another type"


def options_phrase(question: Question) -> str:
    return ", ".join(repr(o.value) for o in question.options)


def is_number(value: Any) -> bool:
    """A finite int or float from TOML or JSON; a bool is not a number here."""
    if value.__class__ is int:
        return True
    return value.__class__ is float and math.isfinite(value)


def shown(value: Any, limit: int = 40) -> str:
    """A setting's value as a message quotes it: short, and never a wall of text."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def suggestion(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'text'?" when a misspelt key is close to one that exists, else ""."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
