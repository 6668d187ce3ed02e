"""Small helpers the built-in kinds share: plain words for values, settings checks, and the
kinds' own messages.

What a checker tells a respondent is a phrase of this plugin's catalogue domain,
``surveykit_kinds`` (``locale/<language>/LC_MESSAGES/surveykit_kinds.po``), so a channel can say
it in the respondent's language; problems with a spec's settings are for officers, in English.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from surveykit import Question, i18n
from surveykit.i18n import Phrase

#: The catalogue domain of the kinds' messages, and where its catalogues are.
DOMAIN = "surveykit_kinds"
LOCALE = Path(__file__).parent / "locale"

#: A part's name, a grid row's id: what a question id may be, so ``q7.cost`` is a clean key.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def phrase(template: str, /, **params: Any) -> Phrase:
    """A message of the kinds' domain: :func:`surveykit.i18n.phrase` with ``DOMAIN``."""
    return i18n.phrase(template, domain=DOMAIN, **params)


def phrase_n(singular: str, plural: str, count: int, /, **params: Any) -> Phrase:
    """A message with plural forms, of the kinds' domain (:func:`surveykit.i18n.phrase_n`)."""
    return i18n.phrase_n(singular, plural, count, domain=DOMAIN, **params)


def what(value: Any) -> Phrase:
    """A value's type in plain words, for messages a respondent or officer may read."""
    if isinstance(value, bool):
        return phrase("yes/no value")
    if isinstance(value, int | float):
        return phrase("number")
    if isinstance(value, list | tuple):
        return phrase("list")
    if isinstance(value, dict):
        return phrase("group of answers")
    if isinstance(value, str):
        return phrase("piece of text")
    return phrase("value of another type")


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
    import difflib  # here: only a faulty spec needs it, and importing it costs every start

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def options_counted(count: int) -> Phrase:
    """ "1 option", "3 options" (and the six Welsh forms)."""
    return phrase_n("{count} option", "{count} options", count)
