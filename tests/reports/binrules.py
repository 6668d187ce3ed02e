"""The base bins of numbers and dates as docs/disclosure.md states them, written for the tests.

The truth (``population.py``) puts every answer in its base bin, and the attacker
(``attacker.py``) reads a published range ``a..b~c..d`` as the base bins from ``a..b`` to
``c..d``.  Both need the documented rule, and neither may borrow the report plugin's code: if
this and the plugin disagree, the truth breaks a published figure and the audit fails loudly.

- a number with ``min`` and ``max``: ten bins of equal width, the smallest of 1, 2, 2.5, 5 or 10
  times a power of ten that is at least a tenth of the range, from ``min``; the last ends at
  ``max`` and includes it;
- a number without both: the fixed edges 0, 1, 2, 5, 10, 20, 50... (and their negatives);
- a date: its calendar months (``2014-03``) when ``earliest`` to ``latest`` spans at most 36
  months, else its years (``2014``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

__all__ = ["Bins", "bins_of"]

#: The 1-2-5 ladder of edges for numbers without bounds: 0, then +-1, 2, 5, 10 ... 5e12.
LADDER = sorted({0.0, *(s * m * 10.0**e for e in range(13) for m in (1, 2, 5) for s in (1, -1))})


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _nice(step: float) -> float:
    power = 10.0 ** math.floor(math.log10(step))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= step - 1e-12)


class Bins:
    """The base bins of one number or date question, in order where the spec fixes them."""

    def __init__(self, settings: Any, answer_type: str) -> None:
        self.type = answer_type
        self.edges: list[float] = []
        self.closed_top: float | None = None
        self.months: list[str] = []
        if answer_type == "number":
            low, high = settings.get("min"), settings.get("max")
            if isinstance(low, int | float) and isinstance(high, int | float) and high > low:
                width = _nice((high - low) / 10)
                edges = [low + i * width for i in range(11) if low + i * width < high]
                self.edges = [*edges, high]
                self.closed_top = high
            else:
                self.edges = list(LADDER)
        else:
            first, last = settings.get("earliest"), settings.get("latest")
            if not (isinstance(first, dt.date) and isinstance(last, dt.date)):
                raise ValueError("the tests bin dates with fixed earliest and latest only")
            months = (last.year - first.year) * 12 + last.month - first.month + 1
            if months <= 36:
                self.months = [
                    f"{first.year + (first.month - 1 + n) // 12:04d}-"
                    f"{(first.month - 1 + n) % 12 + 1:02d}"
                    for n in range(months)
                ]
            else:
                self.months = [f"{y:04d}" for y in range(first.year, last.year + 1)]

    def ids(self) -> list[str]:
        """Every base bin's id, in order."""
        if self.type != "number":
            return list(self.months)
        return [f"{_plain(a)}..{_plain(b)}" for a, b in itertools.pairwise(self.edges)]

    def of(self, value: Any) -> str:
        """The base bin an answer falls in."""
        if self.type != "number":
            prefix = value[: len(self.months[0])]
            assert prefix in self.months, (value, self.months[:3])
            return prefix
        if self.closed_top is not None and value == self.closed_top:
            return self.ids()[-1]
        i = max(n for n, e in enumerate(self.edges) if e <= value)
        return f"{_plain(self.edges[i])}..{_plain(self.edges[i + 1])}"

    def between(self, first: str, last: str) -> list[str]:
        """The base bins a published range ``first~last`` stands for."""
        ids = self.ids()
        return ids[ids.index(first) : ids.index(last) + 1]

    def span(self, bin_id: str, places: int) -> tuple[Any, Any]:
        """The least and the greatest answer a base bin can hold (dates as ISO text)."""
        if self.type == "number":
            a, _, b = bin_id.partition("..")
            low, high = float(a), float(b)
            top = high if self.closed_top == high else high - 10.0**-places
            return low, top
        if len(bin_id) == 4:
            return (f"{bin_id}-01", f"{bin_id}-12-31")
        return (bin_id, f"{bin_id}-31")


def bins_of(question: Any, answer_type: str) -> Bins:
    return Bins(question.settings, answer_type)
