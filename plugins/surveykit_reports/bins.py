"""Bins for numbers and dates: fixed base bins from the spec, merged until no bin is small.

A distribution of numbers or dates is published as counts of bins.  The *base* bins depend only
on the spec (a number's ``min`` and ``max``, a date's ``earliest`` and ``latest``) and, where the
spec gives no bound, on edges fixed in advance (1, 2, 5, 10, 20, 50... for numbers; calendar
years for dates), never on the answers themselves, so every release bins the same way and the
figures of two releases can be compared bin by bin (which disclosure control must do).

:func:`merge` then joins adjacent base bins until every published bin holds either nobody or at
least ``k`` respondents and ``k`` authorities (docs/disclosure.md gives the rule).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from attrs import frozen

from surveykit.model import Question

from .words import Words, english

__all__ = ["Bin", "base_bins", "label_of", "merge", "number_of"]

#: Ten base bins between a number's ``min`` and ``max``: the deciles of its range.
PARTS = 10
#: Dates spanning at most this many months are binned by month, longer spans by year.
MONTHS = 36
#: Edges of the 1-2-5 ladder used for numbers the spec gives no bounds for.
_LADDER = (1, 2, 5)


@frozen
class Bin:
    """Values ``low <= v < high`` (``high`` included in the last bin, ``closed``).

    For dates ``low`` and ``high`` are ISO texts compared by their month or year prefix.
    """

    id: str
    low: Any
    high: Any
    closed: bool = False

    def holds(self, value: Any) -> bool:
        if isinstance(self.low, str):
            return self.low <= value[: len(self.low)] < self.high
        return self.low <= value < self.high or (self.closed and value == self.high)


def number_of(text: str) -> float | None:
    """A counted number's value, from the text the store counted it under."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _nice(step: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``step``."""
    if step <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(step))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= step - 1e-12:
            return m * power
    return 10 * power  # pragma: no cover


def _ladder(low: float, high: float) -> list[float]:
    """Edges of the 1-2-5 ladder (and its negatives, and 0) covering ``[low, high]``."""
    positive = [m * 10**e for e in range(13) for m in _LADDER]
    edges = sorted({0.0, *(float(v) for v in positive), *(-float(v) for v in positive)})
    first = max(i for i, e in enumerate(edges) if e <= low) if low >= edges[0] else 0
    last = min((i for i, e in enumerate(edges) if e > high), default=len(edges) - 1)
    return edges[first : last + 1]


def _number_bins(question: Question, observed: Sequence[float]) -> tuple[Bin, ...]:
    settings = question.settings
    low, high = settings.get("min"), settings.get("max")
    if isinstance(low, int | float) and isinstance(high, int | float) and high > low:
        width = _nice((high - low) / PARTS)
        edges = [low + i * width for i in range(PARTS + 1) if low + i * width < high]
        edges.append(high)
    elif observed:
        lo = low if isinstance(low, int | float) else min(observed)
        hi = high if isinstance(high, int | float) else max(observed)
        edges = _ladder(lo, hi)
        if edges[-1] <= hi:
            edges.append(edges[-1] * 2 if edges[-1] > 0 else 1.0)
    else:
        return ()
    bins = []
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        closed = i == len(edges) - 2 and b == high
        bins.append(Bin(f"{_plain(a)}..{_plain(b)}", a, b, closed))
    return tuple(bins)


def _plain(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _date_bins(question: Question, observed: Sequence[str], today: dt.date) -> tuple[Bin, ...]:
    settings = question.settings

    def bound(name: str, fallback: str | None) -> str | None:
        value = settings.get(name)
        if isinstance(value, dt.date):
            return value.isoformat()
        if value == "today":
            return today.isoformat()
        return fallback

    first = bound("earliest", min(observed, default=None))
    last = bound("latest", max(observed, default=None))
    if first is None or last is None:
        return ()
    first, last = min([first, *observed]), max([last, *observed])
    y0, m0 = int(first[:4]), int(first[5:7])
    y1, m1 = int(last[:4]), int(last[5:7])
    months = (y1 - y0) * 12 + (m1 - m0) + 1
    bins = []
    if months <= MONTHS:
        for n in range(months):
            y, m = divmod(m0 - 1 + n, 12)
            start = f"{y0 + y:04d}-{m + 1:02d}"
            y2, m2 = divmod(m0 + n, 12)
            bins.append(Bin(start, start, f"{y0 + y2:04d}-{m2 + 1:02d}"))
    else:
        for year in range(y0, y1 + 1):
            bins.append(Bin(f"{year:04d}", f"{year:04d}", f"{year + 1:04d}"))
    return tuple(bins)


def base_bins(
    question: Question, answer_type: str, observed: Iterable[str], today: dt.date
) -> tuple[Bin, ...]:
    """The base bins of a number or date part (``answer_type`` ``number``, ``date`` or
    ``month``); ``observed`` are the counted values, used only where the spec sets no bound."""
    seen = list(observed)
    if answer_type == "number":
        numbers = [v for v in map(number_of, seen) if v is not None]
        return _number_bins(question, numbers)
    return _date_bins(question, [v for v in seen if len(v) >= 7], today)


def merge(
    bins: Sequence[Bin], size_of: Callable[[tuple[Bin, ...]], tuple[int, int]], k: int
) -> list[tuple[Bin, ...]]:
    """Adjacent base bins joined until none is small.

    The rule: while some bin holds somebody but fewer than ``k`` respondents or authorities,
    the smallest such bin (the first, on a tie) is joined to its smaller neighbour (the earlier
    one on a tie); bins of nobody stay as they are unless a small bin joins them.  It ends with
    no small bin, or with one bin, which disclosure control then treats like any small figure.
    """
    groups = [(b,) for b in bins]

    def small(group: tuple[Bin, ...]) -> bool:
        n, units = size_of(group)
        return n > 0 and min(n, units) < k

    while len(groups) > 1:
        candidates = [i for i, g in enumerate(groups) if small(g)]
        if not candidates:
            break
        i = min(candidates, key=lambda i: (size_of(groups[i])[0], i))
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(groups)]
        j = min(neighbours, key=lambda j: (size_of(groups[j])[0], j))
        a, b = sorted((i, j))
        groups[a : b + 1] = [groups[a] + groups[b]]
    runs: list[tuple[Bin, ...]] = []
    for group in groups:
        if runs and size_of(group)[0] == 0 and size_of(runs[-1])[0] == 0:
            runs[-1] = runs[-1] + group
        else:
            runs.append(group)
    return runs


def label_of(
    group: Sequence[Bin], question: Question, answer_type: str, words: Words | None = None
) -> str:
    """A merged bin in words: "1 to 4 people", "£0 to under £50", "March 2024 to May 2024"
    (in the report's language, ``words``; the unit is the spec's, already in it)."""
    say = words or english()
    first, last = group[0], group[-1]
    if answer_type == "number":
        unit = question.settings.get("unit") or ""
        prefix = bool(question.settings.get("unit_prefix"))

        def show(value: float) -> str:
            text = f"{value:,.{_decimals(question)}f}"
            return f"{unit}{text}" if prefix else text

        whole = _decimals(question) == 0
        if whole and not last.closed:
            top = math.ceil(last.high) - 1
            span = (
                say.gettext("{low} to {high}").format(low=show(first.low), high=show(top))
                if top != first.low
                else show(first.low)
            )
        elif last.closed:
            span = say.gettext("{low} to {high}").format(low=show(first.low), high=show(last.high))
        else:
            span = say.gettext("{low} to under {high}").format(
                low=show(first.low), high=show(last.high)
            )
        if unit and not prefix:
            return say.gettext("{amount} {unit}").format(amount=span, unit=unit)
        return span
    if len(group) > 1 or (first.low != last.low):
        return say.gettext("{low} to {high}").format(
            low=_date_words(first.low, say), high=_date_words(last.low, say)
        )
    return _date_words(first.low, say)


def _decimals(question: Question) -> int:
    places = question.settings.get("decimals", 0)
    return places if isinstance(places, int) and not isinstance(places, bool) else 0


def _date_words(prefix: str, say: Words) -> str:
    if len(prefix) == 4:
        return prefix
    return say.month(dt.date(int(prefix[:4]), int(prefix[5:7]), 1))
