"""How the email form asks for each kind of answer, and how answers are said back in words.

A question answered by typing (a number, a date, an address) gets one line saying what to
write, built from the kind's public settings (``unit``, ``decimals``, ``min``, ``max``,
``precision``, ``earliest``, ``latest``, ``international``) by its answer type; the contact kinds
are told apart by name only as a fallback, and an unknown kind gets no line at all: its
"Your answer:" text simply goes to its checker.  Nothing here reads answers: the kind's checker
is the one judge of what a typed answer means.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from surveykit import Consultation, Question
from surveykit.kinds import answer_type

from .items import Item, ranked_bounds

__all__ = [
    "OTHER_BLANK",
    "SPECIFY",
    "answer_words",
    "guidance",
    "named_other",
    "other_words",
    "ranking_instruction",
    "said_month",
    "specify_words",
]

#: What follows an "Other" option's label in the form, for the respondent's own words.
SPECIFY = "(please specify):"
OTHER_BLANK = "______"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_SPECIFY = re.compile(r"\(?\s*please\s+specify\s*\)?\s*", re.IGNORECASE)
_APART = ":-\u2013\u2014="


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _grouped(value: Decimal, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _number(question: Question) -> str:
    """ "Write a number of people, such as 3." with its bounds, as the kind reads them."""
    settings = question.settings
    unit = settings.get("unit") if isinstance(settings.get("unit"), str) else ""
    prefix = settings.get("unit_prefix") is True and bool(unit)
    decimals = settings.get("decimals", 0)
    decimals = decimals if decimals.__class__ is int and 0 <= decimals <= 6 else 0
    low, high = settings.get("min"), settings.get("max")
    low = Decimal(repr(low)) if _is_number(low) else None
    high = Decimal(repr(high)) if _is_number(high) else None

    def said(number: Decimal) -> str:
        """With a unit before it ("£250.00"); a unit after is said once, in the sentence."""
        text = _grouped(number, decimals)
        if prefix:
            return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
        return text

    candidates = [Decimal(n) for n in (250, 25, 3, 1, 0)] + [b for b in (low, high) if b]
    example = next(
        (c for c in candidates if (low is None or c >= low) and (high is None or c <= high)),
        Decimal(0),
    )
    if prefix:
        sentence = f"Write an amount, such as {said(example)}."
    elif unit:
        sentence = f"Write a number of {unit}, such as {said(example)}."
    else:
        sentence = f"Write a number, such as {said(example)}."
    if low is not None and high is not None:
        sentence += f" It must be from {said(low)} to {said(high)}."
    elif low is not None:
        sentence += f" It must be {said(low)} or more."
    elif high is not None:
        sentence += f" It must be {said(high)} or less."
    return sentence


def _date_bound(value: Any, month: bool) -> str | None:
    if value == "today":
        return "this month" if month else "today"
    if isinstance(value, dt.date):
        return said_month(value) if month else f"{value.day} {said_month(value)}"
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?", value):
        year, number = int(value[:4]), int(value[5:7])
        if not 1 <= number <= 12:
            return None
        month_text = f"{MONTHS[number - 1]} {year}"
        return month_text if month or len(value) == 7 else f"{int(value[8:])} {month_text}"
    return None


def said_month(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _date(question: Question, month: bool, year: int) -> str:
    sentence = (
        f"Write a month and year, such as March {year}."
        if month
        else f"Write a date, such as 5 March {year}."
    )
    settings = question.settings
    early = _date_bound(settings.get("earliest"), month)
    late = _date_bound(settings.get("latest"), month)
    if early and late:
        sentence += f" It must be from {early} to {late}."
    elif early:
        sentence += f" It must be {early} or later."
    elif late:
        sentence += f" It must be {late} or earlier."
    return sentence


def guidance(question: Question, kinds: Mapping[str, Any], consultation: Consultation) -> str:
    """The line telling a respondent what to write for a typed answer, or "" for plain text."""
    said = answer_type(question, kinds)
    if said == "number":
        return _number(question)
    if said in ("date", "month"):
        return _date(question, said == "month", _example_year(question, consultation))
    match question.kind:  # the contact kinds: a fallback by name, as their answers are text
        case "email":
            return "Write an email address, such as name@example.com."
        case "uk_postcode":
            return "Write a full postcode, such as SW1A 1AA."
        case "phone":
            if question.settings.get("international") is True:
                return "Write a phone number; for one outside the UK, start with + and its code."
            return "Write a UK phone number, such as 01632 960 001."
    return ""


def _example_year(question: Question, consultation: Consultation) -> int:
    """The year of a date question's example: the year the consultation opens (else closes),
    moved within the question's earliest and latest dates.

    Never today's year, and the opening date before the closing one, so the form's wording
    stays the same when a consultation is reopened (``--open-until``) and replies to the forms
    sent before still read against it.
    """
    meta = consultation.metadata
    year = (meta.opens if meta.opens is not None else meta.closes).year
    years = {}
    for bound in ("earliest", "latest"):
        value = question.settings.get(bound)
        if isinstance(value, dt.date):
            years[bound] = value.year
        elif isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?", value):
            years[bound] = int(value[:4])
    return min(max(year, years.get("earliest", year)), years.get("latest", year))


def ranking_instruction(question: Question) -> str:
    """ "Number the options in order of preference, 1 for the most important; rank up to 3." """
    low, high = ranked_bounds(question)
    count = len(question.options)
    if low == high:
        how_many = f"rank all {count}" if high == count else f"rank exactly {high}"
    elif low == 1:
        how_many = f"rank up to {high}"
    elif high == count:
        how_many = f"rank at least {low}"
    else:
        how_many = f"rank from {low} to {high}"
    return f"Number the options in order of preference, 1 for the most important; {how_many}."


def other_words(text: str, label: str) -> str | None:
    """The words written after an "Other" option's label, or ``None`` if ``text`` is not that
    label followed by words set apart from it.

    "Somewhere else (please specify): ______ my neighbour", "Somewhere else - my neighbour"
    and "Somewhere else (my neighbour)" give "my neighbour"; the label alone gives "".  Case and
    runs of spaces do not matter; the blank's underscores are dropped.  "Somewhere else
    entirely" is not the label and some words: it is left to the option matcher.
    """
    flat = " ".join(text.split())
    wanted = " ".join(label.split())
    if not wanted or not flat.casefold().startswith(wanted.casefold()):
        return None
    rest = " ".join(flat[len(wanted) :].replace("_", " ").split())
    if not rest:
        return ""
    if rest[0].isalnum() and not _SPECIFY.match(rest):
        return None
    words = specify_words(rest)
    if words == rest:  # nothing asked the words to follow: they must be set apart
        if rest[0] in _APART:
            return rest[1:].strip()
        if rest[0] == "(" and rest.endswith(")"):
            return rest[1:-1].strip()
        return None
    return words


def specify_words(text: str) -> str:
    """A line of words for an "Other" option, less a leading "(please specify):" and blanks."""
    rest = " ".join(text.replace("_", " ").split())
    found = _SPECIFY.match(rest)
    if found is not None:
        rest = rest[found.end() :]
        rest = rest[1:] if rest[:1] in _APART else rest
    return rest.strip()


def named_other(text: str, item: Item) -> str | None:
    """The words after the name of ``item``'s "Other" option in ``text`` ("" for the name
    alone), or ``None`` if ``text`` does not start by naming it.

    The option is named by its label, its value ("other"), or the word "Other" when no other
    option's label starts with it.
    """
    option = item.other
    if option is None:
        return None
    names = [option.label, option.value.replace("_", " ")]
    if not any(o.label.casefold().startswith("other") for o in item.options if o is not option):
        names.append("Other")
    for name in dict.fromkeys(names):
        words = other_words(text, name)
        if words is not None:
            return words
    return None


def answer_words(item: Item | None, question: Question | None, value: Any) -> str:
    """An answer as an officer reads it: option labels, a ranking numbered, text as written."""
    if question is None:
        return str(value)
    labels = {o.value: o.label for o in question.options}
    if item is not None and item.reading == "ranking" and isinstance(value, list):
        return "; ".join(f"{i}. {labels.get(v, v)}" for i, v in enumerate(value, start=1))
    if isinstance(value, list):
        return "; ".join(labels.get(v, v) for v in value)
    if isinstance(value, str):
        return labels.get(value, value)
    return str(value)
