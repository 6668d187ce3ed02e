"""How each answer part is asked in a terminal, read from the kind's public API.

A part is asked in one of five styles: ``choice`` (one option), ``choices`` (several),
``ranking`` (option numbers typed in order), ``text`` (free text, on several lines if it may be
long) or ``line`` (one line of text that the kind's checker reads: a number, a date, an
address, or any kind this plugin has never heard of).  The style comes from the kind's
capability flags and answer type (:func:`surveykit.kinds.answer_type`); the line saying what to
type comes from the part's settings, with the contact kinds told apart by name only as a
fallback.  Nothing here judges an answer: the kind's checker does, through the engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from surveykit import EMPTY, Question
from surveykit.kinds import answer_type

from .text import MONTHS, answer_text, number_text

__all__ = ["Asking", "Unreadable", "asking_for", "read_ranking", "typed_text"]

#: Free-text answers allowed more than this many characters get a multi-line editor.
SHORT_TEXT = 200
_RANK_NUMBERS = re.compile(r"[0-9]+(?:\s*[,;>\s]\s*[0-9]+)*")


@frozen
class Asking:
    """One part as the terminal asks it: the part, its style, its answer type, and what to
    type ("" when the style says enough)."""

    part: Question
    style: str
    said: str
    guidance: str = ""

    @property
    def one_line(self) -> bool:
        """Whether the answer is one line: anything but a long free text."""
        if self.style != "text" or self.part.settings.get("other_of"):
            return True
        return (self.part.max_length or 10_000) <= SHORT_TEXT


@frozen
class Unreadable:
    """What was typed cannot be an answer at all ("there is no option 9"): say so, ask again."""

    message: str


def asking_for(part: Question, kinds: Mapping[str, Any]) -> Asking:
    """How to ask ``part``, from its kind's flags, answer type and settings."""
    kind = kinds.get(part.kind)
    said = answer_type(part, kinds)
    if said == "ranking" and part.options:
        return Asking(part, "ranking", said, _ranking_guidance(part))
    if getattr(kind, "has_options", False) and part.options:
        style = "choices" if said == "options" or getattr(kind, "multiple", False) else "choice"
        return Asking(part, style, said)
    if said == "text" and getattr(kind, "has_max_length", False):
        return Asking(part, "text", said)
    return Asking(part, "line", said, _line_guidance(part, said))


def _line_guidance(part: Question, said: str) -> str:
    if said == "number":
        return _number_guidance(part)
    if said in ("date", "month"):
        return _date_guidance(part, said == "month")
    match part.kind:  # the contact kinds' answers are text: told apart by name, as a fallback
        case "email":
            return "Type an email address, such as name@example.com"
        case "uk_postcode":
            return "Type a full postcode, such as SW1A 1AA"
        case "phone":
            if part.settings.get("international") is True:
                return (
                    "Type a phone number, such as 01632 960 001; for one outside the UK, start "
                    "with + and the country code"
                )
            return "Type a UK phone number, such as 01632 960 001"
    return "Type your answer on one line"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_guidance(part: Question) -> str:
    """ "Type a number of people, from 1 to 20": the unit, the range and any decimals."""
    settings = part.settings
    unit = settings.get("unit") if isinstance(settings.get("unit"), str) else ""
    prefix = bool(unit) and settings.get("unit_prefix") is True
    decimals = settings.get("decimals", 0)
    decimals = decimals if isinstance(decimals, int) and 0 < decimals <= 15 else 0
    if prefix:
        sentence = f"Type an amount in {unit}"
    elif unit:
        sentence = f"Type a number of {unit}"
    else:
        sentence = "Type a number"

    def bound(value: Any) -> str:
        # the unit is said once already, unless it goes before the number (£0.00)
        shown = number_text(part, value)
        return shown if prefix or not unit else shown.removesuffix(f" {unit}")

    low, high = settings.get("min"), settings.get("max")
    low = low if _is_number(low) else None
    high = high if _is_number(high) else None
    if low is not None and high is not None:
        sentence += f", from {bound(low)} to {bound(high)}"
    elif low is not None:
        sentence += f", {bound(low)} or more"
    elif high is not None:
        sentence += f", {bound(high)} or less"
    if decimals and not prefix:
        sentence += f", with up to {decimals} decimal place{'s' if decimals > 1 else ''}"
    return sentence


def _date_bound(value: Any, month: bool) -> str | None:
    if value == "today":
        return "this month" if month else "today"
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        said = f"{MONTHS[value.month - 1]} {value.year}"
        return said if month else f"{value.day} {said}"
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])(?:-[0-9]{2})?", value):
        said = f"{MONTHS[int(value[5:7]) - 1]} {int(value[:4])}"
        return said if month or len(value) == 7 else f"{int(value[8:])} {said}"
    return None


def _example_year(part: Question) -> int:
    """This year, unless the question's bounds rule it out: an example that could be true."""
    year = dt.date.today().year
    earliest, latest = part.settings.get("earliest"), part.settings.get("latest")
    if isinstance(earliest, dt.date) and year < earliest.year:
        year = earliest.year
    if isinstance(latest, dt.date) and year > latest.year:
        year = latest.year
    return year


def _date_guidance(part: Question, month: bool) -> str:
    """ "Type a date, such as 5 March 2027 or 5/3/2027", and the earliest and latest dates."""
    year = _example_year(part)
    if month:
        sentence = f"Type a month and year, such as March {year} or 3/{year}"
        early, late = "{} or later", "{} or earlier"
    else:
        sentence = f"Type a date, such as 5 March {year} or 5/3/{year} (day first)"
        early, late = "on or after {}", "on or before {}"
    first = _date_bound(part.settings.get("earliest"), month)
    last = _date_bound(part.settings.get("latest"), month)
    if first and last:
        sentence += f", from {first} to {last}"
    elif first:
        sentence += ", " + early.format(first)
    elif last:
        sentence += ", " + late.format(last)
    return sentence


def ranked_bounds(part: Question) -> tuple[int, int]:
    """How many options an answer ranks, at least and at most, as the ranking settings say
    (``min_ranked``, ``max_ranked``; by default all the options)."""
    count = len(part.options)
    high = part.settings.get("max_ranked", count)
    high = high if isinstance(high, int) and not isinstance(high, bool) else count
    low = part.settings.get("min_ranked", min(high, count))
    low = low if isinstance(low, int) and not isinstance(low, bool) else min(high, count)
    return low, high


def _ranking_guidance(part: Question) -> str:
    low, high = ranked_bounds(part)
    count = len(part.options)
    if low == high == count:
        how_many = f"all {count}"
    elif low == high:
        how_many = f"exactly {low}"
    elif low <= 1:
        how_many = f"up to {high}"
    else:
        how_many = f"from {low} to {high}"
    return (
        f"Type the numbers of {how_many}, most important first, separated by commas "
        "(such as 3, 1, 2)"
    )


def read_ranking(part: Question, text: str) -> Any:
    """Typed option numbers (``"3, 1, 2"``) as the options they name, in order; any other text
    is left for the ranking's checker, which reads option values and labels."""
    stripped = text.strip()
    if not stripped:
        return EMPTY
    if not _RANK_NUMBERS.fullmatch(stripped):
        return text
    count = len(part.options)
    ranked = []
    for token in re.split(r"[,;>\s]+", stripped):
        number = int(token) if len(token) <= 6 else 0
        if not 1 <= number <= count:
            return Unreadable(
                f"{part.title}: there is no option {token[:6]}; use the numbers 1 to {count}"
            )
        ranked.append(part.options[number - 1].value)
    return ranked


def typed_text(asking: Asking, value: Any) -> str:
    """An answer as it would be typed back in: what an editable prompt starts with."""
    if value is EMPTY:
        return ""
    if asking.style == "ranking" and isinstance(value, list):
        numbers = {o.value: n for n, o in enumerate(asking.part.options, start=1)}
        return ", ".join(str(numbers.get(v, v)) for v in value)
    if asking.said in ("number", "date", "month"):
        return answer_text(asking.part, value, asking.said)
    return value if isinstance(value, str) else str(value)
