"""How long each class of personal data is kept after a consultation closes: the spec's
``[retention]`` table, and the date arithmetic that says when data is due for removal.

Pure: no I/O, no clock.  :mod:`surveykit.spec` reads and checks the table; the commands that
remove data (``surveykit purge``, which also anonymises: :mod:`surveykit.purge`) ask :func:`due`
when each class is due.

Durations are written as a council officer writes them: ``"30 days"``, ``"12 weeks"``,
``"6 months"``, ``"2 years"``, ``"0 days"`` (at close) or ``"never"`` (kept).  A period runs
from the closing instant, in the consultation's time zone, by the calendar: ``"1 month"`` after
the end of 31 January is the end of the last day of February; a day is a calendar day (23 or 25
hours when the clocks change), so data closed at midnight is due at midnight.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from attrs import fields

from ._classes import frozen

if TYPE_CHECKING:
    from .model import Consultation

__all__ = [
    "CLASSES",
    "DEFAULTS",
    "DESCRIPTIONS",
    "IDENTIFYING",
    "LINKING",
    "NEVER",
    "UNITS",
    "Duration",
    "DurationError",
    "Retention",
    "ScheduleEntry",
    "add_duration",
    "anonymisation_due",
    "due",
    "format_duration",
    "parse_duration",
    "review_item_due",
    "schedule",
]

#: What ``never`` means: the data is kept (no removal date).
NEVER = "never"
#: The units a duration may be written in, singular and plural, with the most of each allowed:
#: a hundred years whichever unit says it (more is a slip, and past the calendar's end).
UNITS: dict[str, int] = {"day": 36_525, "week": 5_218, "month": 1_200, "year": 100}
_PLURALS = {f"{unit}s": unit for unit in UNITS}
_WRITTEN = re.compile(r"\s*(\S*?)\s*([A-Za-z]+)?\s*")
_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty-four": 24, "thirty": 30,
}  # fmt: skip
_ABBREVIATIONS = {
    "d": "day", "dy": "day", "wk": "week", "wks": "week", "w": "week", "m": "month",
    "mo": "month", "mos": "month", "mon": "month", "mth": "month", "mths": "month",
    "mnth": "month", "mnths": "month", "y": "year", "yr": "year", "yrs": "year",
}  # fmt: skip


class DurationError(ValueError):
    """A duration that cannot be read; the message completes "... is '6 monhts', which ..."."""


@frozen(order=False)
class Duration:
    """A whole number of calendar ``unit``\\s (``day``, ``week``, ``month``, ``year``)."""

    amount: int
    unit: str

    def __str__(self) -> str:
        return format_duration(self)


def format_duration(duration: Duration | None) -> str:
    """A duration as the spec writes it: ``"6 months"``, ``"1 day"``, or ``"never"``."""
    if duration is None:
        return NEVER
    unit = duration.unit if duration.amount == 1 else f"{duration.unit}s"
    return f"{duration.amount} {unit}"


def parse_duration(text: str) -> Duration | None:
    """Read a duration exactly as :func:`format_duration` writes it (``None`` for never).

    Anything else raises :class:`DurationError` saying what to write instead: ``"6 Months"``
    and ``"6months"`` are refused with "write it '6 months'", so that what is written is what
    every page shows.
    """
    if text == NEVER:
        return None
    guess = _guess(text)
    if guess is not None and format_duration(guess) == text:
        most = UNITS[guess.unit]
        if guess.amount > most:
            raise DurationError(
                f"is {text!r}, more than the {most:,} {guess.unit}s (a hundred years) a "
                "duration may be; write 'never' to keep the data"
            )
        return guess
    if guess is not None or text.strip().lower() == NEVER:
        fixed = NEVER if guess is None else format_duration(guess)
        raise DurationError(f"is {text!r}; write it {fixed!r}")
    raise DurationError(
        f"is {text!r}, which is not a duration; write a whole number and days, weeks, months "
        "or years, such as '6 months', or 'never' to keep the data"
    )


def _guess(text: str) -> Duration | None:
    """The duration ``text`` most likely means, read leniently, or ``None``."""
    found = _WRITTEN.fullmatch(text.replace("_", ""))
    if found is None or found.group(2) is None:
        return None
    number, word = found.group(1).lower(), found.group(2).lower()
    unit = word if word in UNITS else _PLURALS.get(word) or _ABBREVIATIONS.get(word)
    digits = number.isascii() and number.isdigit()
    amount = int(number) if digits else _WORD_NUMBERS.get(number)
    if unit is None or amount is None:
        return None
    return Duration(amount, unit)


# the table -----------------------------------------------------------------------------------


_SIX_MONTHS = Duration(6, "month")
_THIRTY_DAYS = Duration(30, "day")


@frozen
class Retention:
    """The spec's ``[retention]`` table: how long each class of data is kept after closing.

    ``None`` is ``"never"``: kept.  ``anonymise`` cuts answers from identities ``anonymise_after``
    the close; anonymising takes with it whatever would link them again (:data:`LINKING`).
    The defaults, and why, are in docs/data-protection.md.
    """

    #: Respondents' names, email addresses, roles and authorities: the identity table.
    contact_details: Duration | None = _SIX_MONTHS
    #: The keyed hashes of respondents' unique links.
    link_hashes: Duration | None = _SIX_MONTHS
    #: Answers saved but never submitted.
    drafts: Duration | None = _THIRTY_DAYS
    #: Earlier versions of a response, replaced by a later one.
    history: Duration | None = _SIX_MONTHS
    #: Emailed replies as received, sealed.
    raw_emails: Duration | None = _SIX_MONTHS
    #: Items for review (counted from when each is handled, if that is later than the close).
    review_items: Duration | None = _SIX_MONTHS
    #: Free-text answers; by default kept with the response they belong to.
    free_text: Duration | None = None
    #: Answers to questions marked ``sensitive``; by default kept with their response.
    sensitive_answers: Duration | None = None
    anonymise: bool = False
    anonymise_after: Duration = _THIRTY_DAYS


DEFAULTS = Retention()
#: The classes of data, in the order pages list them.
CLASSES: tuple[str, ...] = tuple(
    a.name for a in fields(Retention) if a.name not in ("anonymise", "anonymise_after")
)
#: Classes that hold who someone is (a sender's address and words): none may outlive the
#: identity table, or deleting it would delete nothing.
IDENTIFYING: tuple[str, ...] = ("raw_emails", "review_items")
#: Classes that would link anonymised answers to people again: anonymising removes them too.
LINKING: tuple[str, ...] = ("drafts", "history", "raw_emails", "review_items")
#: Each class in the words pages use.
DESCRIPTIONS: dict[str, str] = {
    "contact_details": "names, email addresses, roles and authorities (identity and contact "
    "details)",
    "link_hashes": "the hashes that recognise each respondent's unique link",
    "drafts": "answers saved but not submitted (drafts)",
    "history": "earlier versions of responses, replaced by a later one",
    "raw_emails": "emailed replies as received (sealed)",
    "review_items": "items an officer reviews (emailed answers that were unclear)",
    "free_text": "free-text answers",
    "sensitive_answers": "answers to sensitive (special-category) questions",
}


# arithmetic ----------------------------------------------------------------------------------


def add_duration(start: dt.datetime, duration: Duration, zone: ZoneInfo) -> dt.datetime:
    """The instant ``duration`` after the aware instant ``start``, by the calendar in ``zone``.

    The clock time is kept; a day past the end of the month becomes its last day (31 January
    and 1 month is 28 or 29 February).  Where the clocks go forward past the time reached, the
    first instant after the jump is taken, so a longer duration is never an earlier instant.
    """
    local = start.astimezone(zone).replace(tzinfo=None)
    amount = duration.amount
    if duration.unit in ("day", "week"):
        wall = local + dt.timedelta(days=amount * (7 if duration.unit == "week" else 1))
    else:
        months = local.month - 1 + amount * (12 if duration.unit == "year" else 1)
        year, month = local.year + months // 12, months % 12 + 1
        day = min(local.day, calendar.monthrange(year, month)[1])
        wall = local.replace(year=year, month=month, day=day)
    return _first_instant_reading(wall, zone)


def _first_instant_reading(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first instant at which a clock in ``zone`` reads ``wall`` or later.

    That is ``wall`` itself, its first occurrence when the clocks go back, and the moment the
    clocks jumped when they went forward past it (searched to the second: zoneinfo does not
    say when a jump began).
    """
    early = wall.replace(tzinfo=zone, fold=0)
    if early.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return early
    # In the jump: find the whole second it happened (zones change offset on whole seconds).
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())  # before the jump
    high = int(early.timestamp()) + 1  # after it
    while high - low > 1:
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return dt.datetime.fromtimestamp(high, zone)


def due(consultation: Consultation, data_class: str) -> dt.datetime | None:
    """The instant after which data of ``data_class`` is due for removal, or ``None`` if kept.

    Never before the close.  With ``anonymise`` on, a class that would link answers to people
    again (:data:`LINKING`) is due at anonymisation if that is sooner.  Review items are due
    this long after the close at the earliest; see :func:`review_item_due` for one item.
    """
    if data_class not in CLASSES:
        raise ValueError(f"unknown class of data {data_class!r}; the classes are {CLASSES}")
    retention = consultation.retention
    meta = consultation.metadata
    own = getattr(retention, data_class)
    when = None if own is None else add_duration(meta.closes_at, own, meta.zone)
    anonymised = anonymisation_due(consultation)
    if anonymised is not None and data_class in LINKING and (when is None or anonymised < when):
        return anonymised
    return when


def anonymisation_due(consultation: Consultation) -> dt.datetime | None:
    """When answers are due to be cut from identities, or ``None`` if they are not."""
    retention = consultation.retention
    if not retention.anonymise:
        return None
    meta = consultation.metadata
    return add_duration(meta.closes_at, retention.anonymise_after, meta.zone)


def review_item_due(consultation: Consultation, handled_at: dt.datetime) -> dt.datetime | None:
    """When one review item, handled (accepted or rejected) at ``handled_at``, is due: its
    duration from the later of the close and its handling, or at anonymisation if sooner.  An
    item not yet handled is never due: someone still has to decide it."""
    duration = consultation.retention.review_items
    meta = consultation.metadata
    start = max(meta.closes_at, handled_at)
    when = None if duration is None else add_duration(start, duration, meta.zone)
    anonymised = anonymisation_due(consultation)
    if anonymised is not None and (when is None or anonymised < when):
        return anonymised
    return when


@frozen
class ScheduleEntry:
    """One line of the retention schedule: a class, how long it is kept, and until when.

    ``due`` is when it is really removed; ``cut_short`` says anonymisation removes it before
    its own ``duration`` is up."""

    data_class: str
    duration: Duration | None
    due: dt.datetime | None
    cut_short: bool
    description: str


def schedule(consultation: Consultation) -> tuple[ScheduleEntry, ...]:
    """Every class of data with its duration and the instant it is due, in :data:`CLASSES`
    order: what ``show`` and the privacy notice say."""
    retention, meta = consultation.retention, consultation.metadata
    entries = []
    for name in CLASSES:
        duration = getattr(retention, name)
        own = None if duration is None else add_duration(meta.closes_at, duration, meta.zone)
        when = due(consultation, name)
        entries.append(ScheduleEntry(name, duration, when, when != own, DESCRIPTIONS[name]))
    return tuple(entries)
