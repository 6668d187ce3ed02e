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
from surveykit.i18n import Translator, mark
from surveykit.kinds import answer_type

from .items import Item, ranked_bounds
from .language import DOMAIN, MONTHS

__all__ = [
    "OTHER_BLANK",
    "SPECIFY",
    "answer_words",
    "guidance",
    "named_other",
    "other_words",
    "ranking_instruction",
    "said_month",
    "specify_label",
    "specify_words",
]

#: What follows an "Other" option's label in the form, for the respondent's own words.
SPECIFY = mark("(please specify):")
OTHER_BLANK = "______"
#: The words asking for them, in English and Welsh ("nodwch", "rhowch fanylion").
_SPECIFY = re.compile(
    r"\(?\s*(?:please\s+specify|nodwch|rhowch\s+fanylion)\s*\)?\s*", re.IGNORECASE
)
#: The English the code is written in: what every default below says.
_ENGLISH = Translator(DOMAIN, "en", None)


def specify_label(t: Translator = _ENGLISH) -> str:
    """ "(please specify):" in the form's language."""
    return t.gettext(SPECIFY)


_APART = ":-\u2013\u2014="


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _grouped(value: Decimal, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _number(question: Question, t: Translator) -> str:
    """ "Write a number of people, such as 3." with its bounds, as the kind reads them."""
    _ = t.gettext
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
        sentence = _("Write an amount, such as {example}.")
    elif unit:
        sentence = _("Write a number of {unit}, such as {example}.")
    else:
        sentence = _("Write a number, such as {example}.")
    sentence = sentence.format(unit=unit, example=said(example))
    if low is not None and high is not None:
        sentence += " " + _("It must be from {low} to {high}.").format(
            low=said(low), high=said(high)
        )
    elif low is not None:
        sentence += " " + _("It must be {low} or more.").format(low=said(low))
    elif high is not None:
        sentence += " " + _("It must be {high} or less.").format(high=said(high))
    return sentence


def _date_bound(value: Any, month: bool, t: Translator) -> str | None:
    if value == "today":
        return t.gettext("this month") if month else t.gettext("today")
    if isinstance(value, dt.date):
        return said_month(value, t) if month else f"{value.day} {said_month(value, t)}"
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?", value):
        year, number = int(value[:4]), int(value[5:7])
        if not 1 <= number <= 12:
            return None
        month_text = f"{t.gettext(MONTHS[number - 1])} {year}"
        return month_text if month or len(value) == 7 else f"{int(value[8:])} {month_text}"
    return None


def said_month(day: dt.date, t: Translator = _ENGLISH) -> str:
    return f"{t.gettext(MONTHS[day.month - 1])} {day.year}"


def _date(question: Question, month: bool, year: int, t: Translator) -> str:
    _ = t.gettext
    march = _(MONTHS[2])
    sentence = (
        _("Write a month and year, such as {month} {year}.")
        if month
        else _("Write a date, such as 5 {month} {year}.")
    ).format(month=march, year=year)
    settings = question.settings
    early = _date_bound(settings.get("earliest"), month, t)
    late = _date_bound(settings.get("latest"), month, t)
    if early and late:
        sentence += " " + _("It must be from {early} to {late}.").format(early=early, late=late)
    elif early:
        sentence += " " + _("It must be {early} or later.").format(early=early)
    elif late:
        sentence += " " + _("It must be {late} or earlier.").format(late=late)
    return sentence


def guidance(
    question: Question,
    kinds: Mapping[str, Any],
    consultation: Consultation,
    t: Translator = _ENGLISH,
) -> str:
    """The line telling a respondent what to write for a typed answer, or "" for plain text."""
    _ = t.gettext
    said = answer_type(question, kinds)
    if said == "number":
        return _number(question, t)
    if said in ("date", "month"):
        return _date(question, said == "month", _example_year(question, consultation), t)
    match question.kind:  # the contact kinds: a fallback by name, as their answers are text
        case "email":
            return _("Write an email address, such as name@example.com.")
        case "uk_postcode":
            return _("Write a full postcode, such as SW1A 1AA.")
        case "phone":
            if question.settings.get("international") is True:
                return _("Write a phone number; for one outside the UK, start with + and its code.")
            return _("Write a UK phone number, such as 01632 960 001.")
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


def ranking_instruction(question: Question, t: Translator = _ENGLISH) -> str:
    """ "Number the options in order of preference, 1 for the most important; rank up to 3." """
    _ = t.gettext
    low, high = ranked_bounds(question)
    count = len(question.options)
    if low == high:
        how_many = (
            _("rank all {n}").format(n=count)
            if high == count
            else _("rank exactly {n}").format(n=high)
        )
    elif low == 1:
        how_many = _("rank up to {n}").format(n=high)
    elif high == count:
        how_many = _("rank at least {n}").format(n=low)
    else:
        how_many = _("rank from {low} to {high}").format(low=low, high=high)
    return _(
        "Number the options in order of preference, 1 for the most important; {how_many}."
    ).format(how_many=how_many)


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


def named_other(text: str, item: Item, also: tuple[str, ...] = ()) -> str | None:
    """The words after the name of ``item``'s "Other" option in ``text`` ("" for the name
    alone), or ``None`` if ``text`` does not start by naming it.

    The option is named by its label, its value ("other"), its label in another language the
    spec offers (``also``), or the word "Other" when no other option's label starts with it.
    """
    option = item.other
    if option is None:
        return None
    names = [option.label, *also, option.value.replace("_", " ")]
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
