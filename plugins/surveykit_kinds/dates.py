"""``date``: a day (``"2024-03-05"``) or, with ``precision = "month"``, a month (``"2024-03"``).

Stored as ISO text, which sorts and compares as the dates do.  Accepted as ISO text, as the
three boxes of the GOV.UK date input (``{"day": "5", "month": "3", "year": "2024"}``; no day
for a month), or as people write dates in a form or an email: ``5/3/2024``, ``05-03-2024``,
``5 March 2024``, ``5th Mar 2024``, ``March 2024``.  Numbers are read the UK way, day first,
and a year must have all four digits: ``5/3/24`` is refused rather than guessed.  A full date
given for a month question is taken as its month.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, ClassVar

from attrs import frozen

from surveykit import EMPTY, Consultation, Question, Rejected
from surveykit.i18n import Phrase, month_name, spoken_date, spoken_month, title_of

from ._common import phrase, shown, what

__all__ = ["MONTH_NAMES", "Date", "bound_of", "read_date", "today_in"]

#: The months' names in English, as dates are written to and read from respondents.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTHS = {
    spelling: number
    for number, name in enumerate(MONTH_NAMES, start=1)
    for spelling in (name.lower(), name[:3].lower())
} | {"sept": 9}
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
# 5/3/2024, 05-03-2024, 5.3.2024, 5 3 2024; and 3/2024 for a month
_NUMERIC = re.compile(r"(?:([0-9]{1,2})\s*[-/.\s]\s*)?([0-9]{1,2})\s*[-/.\s]\s*([0-9]+)")
# [Tuesday] 5th [of] March[,] 2024, March 2024
_WORDS = re.compile(
    r"(?:[a-z]+,?\s+)??(?:([0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)?([a-z]+)\.?,?\s*([0-9]+)",
    re.IGNORECASE,
)

#: What :func:`read_date` found: ``(year, month, day)`` with ``day`` ``None`` if not given, or
#: the ``(code, what to say)`` of a problem (a :class:`~surveykit.i18n.Phrase`, or ``""``).
Reading = tuple[int, int, int | None] | tuple[str, str]


def _year(text: str) -> int | None:
    return int(text) if len(text) == 4 else None


def _month(text: str) -> int | None:
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 2:
        return int(text)
    return _MONTHS.get(text.casefold().rstrip("."))


def _from_boxes(boxes: dict[Any, Any]) -> Reading | None:
    """The GOV.UK date input's ``day``, ``month`` and ``year``; ``None`` if all are blank."""
    fields: dict[str, str] = {}
    for key, value in boxes.items():
        if key not in ("day", "month", "year"):
            return (
                "not_a_date",
                phrase("the date has a box {box} it does not need", box=repr(str(key)[:20])),
            )
        if value.__class__ is int:
            value = str(value)
        if value is None:
            value = ""
        if value.__class__ is not str or len(value) > 20:
            return ("not_a_date", phrase("write the day, month and year as numbers"))
        fields[key] = value.strip()
    if not any(fields.values()):
        return None
    missing = [key for key in ("month", "year") if not fields.get(key)]
    if missing == ["month"]:
        return ("not_a_date", phrase("the date must include a month"))
    if missing == ["year"]:
        return ("not_a_date", phrase("the date must include a year"))
    if missing:
        return ("not_a_date", phrase("the date must include a month and a year"))
    day_text, month_text, year_text = fields.get("day", ""), fields["month"], fields["year"]
    month = _month(month_text)
    if month is None:
        return ("not_a_date", phrase("the month must be a number from 1 to 12, or its name"))
    if not (year_text.isascii() and year_text.isdigit()) or (year := _year(year_text)) is None:
        return ("not_a_date", phrase("the year must have 4 digits, like 2024"))
    if not day_text:
        return (year, month, None)
    if not (day_text.isascii() and day_text.isdigit() and len(day_text) <= 2):
        return ("not_a_date", phrase("the day must be a number, like 5"))
    return (year, month, int(day_text))


def read_date(value: Any) -> Reading | None:
    """A raw answer as ``(year, month, day)``, a problem, or ``None`` for no answer.

    The day and month are not yet checked against the calendar (31 February is read as such).
    """
    if value.__class__ is dict:
        return _from_boxes(value)
    if value.__class__ is not str:
        return ("wrong_type", phrase("not a {what}", what=what(value)))
    text = value.strip()
    if not text:
        return None
    if len(text) > 40 or not text.isascii():
        return ("not_a_date", "")
    if _ISO_DAY.fullmatch(text):
        return (int(text[:4]), int(text[5:7]), int(text[8:]))
    if _ISO_MONTH.fullmatch(text):
        return (int(text[:4]), int(text[5:]), None)
    found = _NUMERIC.fullmatch(text) or _WORDS.fullmatch(text)
    if found is None:
        return ("not_a_date", "")
    day_text, month_text, year_text = found.groups()
    month = _month(month_text)
    if month is None:
        return ("not_a_date", "")
    year = _year(year_text)
    if year is None:
        return ("not_a_date", phrase("the year must have 4 digits, like 2024"))
    return (year, month, None if day_text is None else int(day_text))


def bound_of(value: Any, month: bool) -> str | None:
    """An ``earliest``/``latest`` setting as ISO text at the question's precision, ``"today"``,
    or ``None`` if it is neither a date, ISO text nor ``"today"``."""
    if value == "today":
        return "today"
    if value.__class__ is dt.date:
        text = value.isoformat()
    elif value.__class__ is str and (_ISO_DAY.fullmatch(value) or _ISO_MONTH.fullmatch(value)):
        try:
            dt.date.fromisoformat(value if len(value) == 10 else f"{value}-01")
        except ValueError:
            return None
        text = value
    else:
        return None
    return text[:7] if month else text if len(text) == 10 else None


class _Today:
    """Today's date as ISO text in one time zone, worked out again only when midnight *in that
    zone* has passed: a question with ``latest = "today"`` reads it for every answer.

    ``zone`` ``None`` is the server's local time zone.  ``clock`` gives the time (seconds since
    the epoch); the tests pass their own to walk across midnights and clock changes.
    """

    __slots__ = ("_clock", "_day", "_zone")

    def __init__(self, zone: dt.tzinfo | None, clock: Callable[[], float] = time.time) -> None:
        self._zone = zone
        self._clock = clock
        self._day = ("", -math.inf)  # today's ISO date, and the time it stops being today

    def __call__(self) -> str:
        now = self._clock()
        day = self._day
        if now >= day[1]:
            day = self._day = self._work_out(now)  # one assignment: threads see a whole day
        return day[0]

    def _work_out(self, now: float) -> tuple[str, float]:
        """Today at ``now``, and the next midnight starting a new day.  Where a clock change
        skips midnight (clocks going forward at 00:00), the midnight worked out is the instant
        of the change, when the new day starts; where clocks go back at 24:00 to 23:00, it is
        the midnight after the repeated hour, so the old day lasts through it."""
        today = dt.datetime.fromtimestamp(now, self._zone).date()
        if today == dt.date.max:
            return today.isoformat(), math.inf
        tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), self._zone)
        return today.isoformat(), tomorrow.timestamp()


_TODAYS: dict[dt.tzinfo | None, _Today] = {}


def today_in(zone: dt.tzinfo | None) -> Callable[[], str]:
    """A function giving today's date as ISO text in ``zone`` (``None``: the server's), shared
    by every question of every consultation kept in that zone."""
    today = _TODAYS.get(zone)
    if today is None:
        today = _TODAYS.setdefault(zone, _Today(zone))
    return today


def _unreal(year: int, month: int, day: int) -> Phrase | None:
    """Why a year, month and day make no date in the calendar, or ``None`` if they make one."""
    if not 1 <= month <= 12:
        return phrase("the month must be a number from 1 to 12")
    if year < 1:
        return phrase("enter a real year, like 2024")
    try:
        dt.date(year, month, day)
    except ValueError:
        return phrase(
            "enter a real date: {month} {year} has no day {day}",
            month=month_name(month),
            year=year,
            day=day,
        )
    return None


def _spoken(iso: str) -> Phrase:
    """ISO text as people say it: "31 March 2027", or "March 2027" for a month."""
    if len(iso) == 7:
        return spoken_month(int(iso[:4]), int(iso[5:7]))
    return spoken_date(dt.date.fromisoformat(iso))


@frozen
class Date:
    """A calendar date, or a month and year, between optional bounds."""

    name: str = "date"
    description: str = "a date, or a month and year; earliest and latest if wanted"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False
    settings: ClassVar = MappingProxyType(
        {
            "precision": '"day" (the default) for a whole date, or "month" for a month and year',
            "earliest": 'the earliest answer accepted: a date, or "today"',
            "latest": 'the latest answer accepted: a date, or "today"',
        }
    )

    def answer_type_of(self, question: Question) -> str:
        """``"month"`` for a month question, whose answers compare with month literals."""
        return "month" if question.settings.get("precision") == "month" else "date"

    def check_settings(self, question: Question) -> list[tuple[str, str]]:
        settings = question.settings
        problems: list[tuple[str, str]] = []
        precision = settings.get("precision", "day")
        if precision not in ("day", "month") or precision.__class__ is not str:
            problems.append(
                ("precision", f'precision must be "day" or "month", not {shown(precision)}')
            )
        month = precision == "month"
        bounds: dict[str, str] = {}
        for key in ("earliest", "latest"):
            if key not in settings:
                continue
            value = settings[key]
            bound = bound_of(value, month)
            if value.__class__ is dt.datetime:
                problems.append(
                    (key, f"{key} must be a date without a time of day, like 2024-03-05")
                )
            elif bound is None:
                wanted = "a date such as 2024-03-05" if not month else "a date or a month"
                problems.append((key, f'{key} must be {wanted}, or "today"; not {shown(value)}'))
            elif bound != "today":
                bounds[key] = bound
        if len(bounds) == 2 and bounds["earliest"] > bounds["latest"]:
            problems.append(
                (
                    "earliest",
                    f"earliest ({_spoken(bounds['earliest'])}) is after latest "
                    f"({_spoken(bounds['latest'])})",
                )
            )
        return problems

    def checker(self, question: Question):
        """The checker without a consultation: ``"today"`` is the date in the server's local
        time zone (what every checker did before ``checker_in``)."""
        return self._checker(question, None)

    def checker_in(self, question: Question, consultation: Consultation):
        """The checker the engine builds: ``"today"`` is the date in the consultation's
        ``timezone``, wherever the server is."""
        if "today" not in (question.settings.get("earliest"), question.settings.get("latest")):
            return self._checker(question, None)  # no "today": the zone is never read
        return self._checker(question, consultation.metadata.zone)

    def _checker(self, question: Question, zone: dt.tzinfo | None):
        settings = question.settings
        month = settings.get("precision") == "month"
        size = 7 if month else 10
        iso = _ISO_MONTH if month else _ISO_DAY
        earliest = bound_of(settings["earliest"], month) if "earliest" in settings else None
        latest = bound_of(settings["latest"], month) if "latest" in settings else None
        title = title_of(question)
        enter = Rejected(
            "not_a_date",
            phrase("{title}: enter the month and year, like March 2024", title=title)
            if month
            else phrase(
                "{title}: enter the date as day, month and year, like 5 March 2024", title=title
            ),
        )

        def wrong_type(kind: Phrase) -> Rejected:
            if month:
                said = phrase(
                    "{title}: enter the month and year, like March 2024, not a {what}",
                    title=title,
                    what=kind,
                )
            else:
                said = phrase(
                    "{title}: enter the date as day, month and year, like 5 March 2024, "
                    "not a {what}",
                    title=title,
                    what=kind,
                )
            return Rejected("wrong_type", said)

        def spoken(bound: str) -> Phrase:
            if bound == "today":
                return phrase("this month") if month else phrase("today")
            return _spoken(bound)

        today = today_in(zone)

        def resolved(bound: str) -> str:
            return today()[:size] if bound == "today" else bound

        too_early = too_late = None
        if earliest is not None:
            said = (
                phrase(
                    "{title}: the date must be {date} or later", title=title, date=spoken(earliest)
                )
                if month
                else phrase(
                    "{title}: the date must be on or after {date}",
                    title=title,
                    date=spoken(earliest),
                )
            )
            too_early = Rejected("too_early", said)
        if latest is not None:
            said = (
                phrase(
                    "{title}: the date must be {date} or earlier", title=title, date=spoken(latest)
                )
                if month
                else phrase(
                    "{title}: the date must be on or before {date}",
                    title=title,
                    date=spoken(latest),
                )
            )
            too_late = Rejected("too_late", said)

        def within(answer: str) -> Rejected | str:
            """``answer`` unless it falls outside the bounds (ISO text compares as dates do)."""
            if earliest is not None and answer < resolved(earliest):
                return too_early
            if latest is not None and answer > resolved(latest):
                return too_late
            return answer

        def check(value: Any) -> Any:
            if value.__class__ is str and len(value) == size and iso.fullmatch(value):
                try:  # a stored answer, rechecked: already in its normal form if it is real
                    dt.date.fromisoformat(f"{value}-01" if month else value)
                    return within(value)
                except ValueError:
                    pass
                year, month_number = int(value[:4]), int(value[5:7])
                day = 1 if month else int(value[8:])
            else:
                if value is None:
                    return EMPTY
                reading = read_date(value)
                if reading is None:
                    return EMPTY
                if reading[0].__class__ is str:
                    code, why = reading
                    if code == "wrong_type":
                        return wrong_type(what(value))
                    if not why:
                        return enter
                    return Rejected(code, phrase("{title}: {problem}", title=title, problem=why))
                year, month_number, day = reading
                if day is None:
                    if not month:
                        return Rejected(
                            "not_a_date",
                            phrase("{title}: the date must include a day", title=title),
                        )
                    day = 1
            if problem := _unreal(year, month_number, day):
                return Rejected(
                    "not_a_date", phrase("{title}: {problem}", title=title, problem=problem)
                )
            return within(f"{year:04d}-{month_number:02d}" + ("" if month else f"-{day:02d}"))

        check.controls_checked = True  # only ISO dates come back
        return check
