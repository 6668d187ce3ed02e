"""Stored answers as people read them on "Check your answers".

A choice reads as its option's label, a date in words ("5 March 2027", "March 2027"), a number
with its unit ("4 people", "£12.50"), a phone number as it is dialled at home.  What this module
does not know (a third-party kind's answer) reads as its text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import phonenumbers

from surveykit import Question
from surveykit.kinds import answer_type

from .language import date_words

__all__ = ["answer_lines"]


def answer_lines(
    question: Question, value: Any, kinds: Any = None, lang: str = "en"
) -> tuple[str, ...]:
    """An answer as lines of text: each chosen option's label, or the answer in words (a date
    in ``lang``; ``question`` is in that language already)."""
    if value is None:
        return ()
    if question.options:
        values = value if isinstance(value, list | tuple) else [value]
        return tuple((option.label if (option := question.option(v)) else str(v)) for v in values)
    kind_type = answer_type(question, kinds) if kinds is not None else "text"
    if kind_type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return (number_text(question, value),)
    if kind_type in ("date", "month") and isinstance(value, str):
        return (date_text(value, lang),)
    if question.kind == "phone" and isinstance(value, str):
        return (phone_text(value),)
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return tuple(str(value).splitlines()) or (str(value),)


def number_text(question: Question, value: int | float) -> str:
    """``1,250 people``, ``£12.50``, ``-£3.00``: grouped, to the question's decimal places, with
    its unit where the box shows it."""
    settings = question.settings
    decimals = settings.get("decimals", 0)
    decimals = decimals if isinstance(decimals, int) and 0 <= decimals <= 20 else 0
    text = f"{Decimal(repr(value)) if isinstance(value, float) else value:,.{decimals}f}"
    unit = settings.get("unit", "")
    if not isinstance(unit, str) or not unit:
        return text
    if settings.get("unit_prefix") is True:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text} {unit}"


def date_text(value: str, lang: str = "en") -> str:
    """``2027-03-05`` as "5 March 2027" ("5 Mawrth 2027" in Welsh), ``2027-03`` as "March
    2027"; other text as it is."""
    try:
        day = dt.date.fromisoformat(value if len(value) == 10 else f"{value}-01")
    except ValueError:
        return value
    return date_words(day, lang, month_only=len(value) == 7)


def phone_text(value: str) -> str:
    """A stored E.164 number as people write it: ``01632 960001`` for a UK number, else in the
    international format (``+33 1 23 45 67 89``)."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
