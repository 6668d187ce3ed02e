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

from .text import answer_text, number_text, spoken_date
from .words import Words, english

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


def asking_for(part: Question, kinds: Mapping[str, Any], words: Words | None = None) -> Asking:
    """How to ask ``part``, from its kind's flags, answer type and settings; what to type is
    said in ``words``' language (English by default)."""
    words = words or english()
    kind = kinds.get(part.kind)
    said = answer_type(part, kinds)
    if said == "ranking" and part.options:
        return Asking(part, "ranking", said, _ranking_guidance(part, words))
    if getattr(kind, "has_options", False) and part.options:
        style = "choices" if said == "options" or getattr(kind, "multiple", False) else "choice"
        return Asking(part, style, said)
    if said == "text" and getattr(kind, "has_max_length", False):
        return Asking(part, "text", said)
    return Asking(part, "line", said, _line_guidance(part, said, words))


def _line_guidance(part: Question, said: str, words: Words) -> str:
    if said == "number":
        return _number_guidance(part, words)
    if said in ("date", "month"):
        return _date_guidance(part, said == "month", words)
    match part.kind:  # the contact kinds' answers are text: told apart by name, as a fallback
        case "email":
            return words.gettext("Type an email address, such as name@example.com")
        case "uk_postcode":
            return words.gettext("Type a full postcode, such as SW1A 1AA")
        case "phone":
            if part.settings.get("international") is True:
                return words.gettext(
                    "Type a phone number, such as 01632 960 001; for one outside the UK, start "
                    "with + and the country code"
                )
            return words.gettext("Type a UK phone number, such as 01632 960 001")
    return words.gettext("Type your answer on one line")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_guidance(part: Question, words: Words) -> str:
    """ "Type a number of people, from 1 to 20": the unit, the range and any decimals."""
    settings = part.settings
    unit = settings.get("unit") if isinstance(settings.get("unit"), str) else ""
    prefix = bool(unit) and settings.get("unit_prefix") is True
    decimals = settings.get("decimals", 0)
    decimals = decimals if isinstance(decimals, int) and 0 < decimals <= 15 else 0
    if prefix:
        sentence = words.gettext("Type an amount in {unit}").format(unit=unit)
    elif unit:
        sentence = words.gettext("Type a number of {unit}").format(unit=unit)
    else:
        sentence = words.gettext("Type a number")

    def bound(value: Any) -> str:
        # the unit is said once already, unless it goes before the number (£0.00)
        shown = number_text(part, value)
        return shown if prefix or not unit else shown.removesuffix(f" {unit}")

    low, high = settings.get("min"), settings.get("max")
    low = low if _is_number(low) else None
    high = high if _is_number(high) else None
    if low is not None and high is not None:
        sentence += words.gettext(", from {low} to {high}").format(low=bound(low), high=bound(high))
    elif low is not None:
        sentence += words.gettext(", {low} or more").format(low=bound(low))
    elif high is not None:
        sentence += words.gettext(", {high} or less").format(high=bound(high))
    if decimals and not prefix:
        sentence += words.ngettext(
            ", with up to {count} decimal place", ", with up to {count} decimal places", decimals
        ).format(count=decimals)
    return sentence


def _date_bound(value: Any, month: bool, words: Words) -> str | None:
    if value == "today":
        return words.gettext("this month") if month else words.gettext("today")
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return words.month(value.year, value.month) if month else words.date(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])(?:-[0-9]{2})?", value):
        if month or len(value) == 7:
            return words.month(int(value[:4]), int(value[5:7]))
        return spoken_date(value, words)
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


def _date_guidance(part: Question, month: bool, words: Words) -> str:
    """ "Type a date, such as 5 March 2027 or 5/3/2027", and the earliest and latest dates."""
    year = _example_year(part)
    first = _date_bound(part.settings.get("earliest"), month, words)
    last = _date_bound(part.settings.get("latest"), month, words)
    if month:
        sentence = words.gettext("Type a month and year, such as {example} or 3/{year}").format(
            example=words.month(year, 3), year=year
        )
        early = words.gettext(", {date} or later")
        late = words.gettext(", {date} or earlier")
    else:
        sentence = words.gettext("Type a date, such as {example} or 5/3/{year} (day first)").format(
            example=words.date(dt.date(year, 3, 5)), year=year
        )
        early = words.gettext(", on or after {date}")
        late = words.gettext(", on or before {date}")
    if first and last:
        sentence += words.gettext(", from {low} to {high}").format(low=first, high=last)
    elif first:
        sentence += early.format(date=first)
    elif last:
        sentence += late.format(date=last)
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


def _ranking_guidance(part: Question, words: Words) -> str:
    low, high = ranked_bounds(part)
    count = len(part.options)
    if low == high == count:
        sentence = words.gettext(
            "Type the numbers of all {count}, most important first, separated by commas "
            "(such as 3, 1, 2)"
        )
    elif low == high:
        sentence = words.gettext(
            "Type the numbers of exactly {low}, most important first, separated by commas "
            "(such as 3, 1, 2)"
        )
    elif low <= 1:
        sentence = words.gettext(
            "Type the numbers of up to {high}, most important first, separated by commas "
            "(such as 3, 1, 2)"
        )
    else:
        sentence = words.gettext(
            "Type the numbers of from {low} to {high}, most important first, separated by "
            "commas (such as 3, 1, 2)"
        )
    return sentence.format(count=count, low=low, high=high)


def read_ranking(part: Question, text: str, words: Words | None = None) -> Any:
    """Typed option numbers (``"3, 1, 2"``) as the options they name, in order; any other text
    is left for the ranking's checker, which reads option values and labels."""
    words = words or english()
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
                words.gettext(
                    "{title}: there is no option {number}; use the numbers 1 to {count}"
                ).format(title=words.title(part), number=token[:6], count=count)
            )
        ranked.append(part.options[number - 1].value)
    return ranked


def typed_text(asking: Asking, value: Any, words: Words | None = None) -> str:
    """An answer as it would be typed back in: what an editable prompt starts with (a date in
    ``words``' language, which :meth:`Words.english_months` reads back)."""
    if value is EMPTY:
        return ""
    if asking.style == "ranking" and isinstance(value, list):
        numbers = {o.value: n for n, o in enumerate(asking.part.options, start=1)}
        return ", ".join(str(numbers.get(v, v)) for v in value)
    if asking.said in ("number", "date", "month"):
        return answer_text(asking.part, value, asking.said, words)
    return value if isinstance(value, str) else str(value)
