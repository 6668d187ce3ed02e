"""An attacker on magnitude tables (a number's totals), written apart from the report code.

It is given what docs/disclosure.md says the attacker of totals knows, and solves linear
programs (``scipy.optimize.linprog``) for what that lets them work out:

- every total a report publishes for a question, that the groups' totals add up to the total
  for all respondents, and bounds on each total from the *true* base-bin counts of its group
  (each answer is at least the least and at most the most its base bin can hold): the least
  and the most each withheld total can be (:func:`withheld_ranges`);
- for the p% attack on a published total, the second largest contributor's own figure and the
  base bins of everyone else's answers: the most the largest contribution can be
  (:func:`largest_at_most`).

The truth is recounted here from the respondents (:func:`truth_of`): contributions summed per
authority (compared ignoring case and surrounding spaces; a respondent with no authority on
their own), answers put in base bins by ``binrules.py``.  Whole-number questions only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from binrules import Bins
from scipy.optimize import linprog

__all__ = ["CellTruth", "largest_at_most", "truth_of", "withheld_ranges"]

EVERYONE = "_all"
P = 0.10


@dataclass
class CellTruth:
    """One group's answers: per authority, the sum; per respondent, the bounds of their bin."""

    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    #: (authority, least, most) for each answer
    answers: list[tuple[str, float, float]] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.sums.values())

    @property
    def low(self) -> float:
        return sum(a for _, a, _ in self.answers)

    @property
    def high(self) -> float:
        return sum(b for _, _, b in self.answers)

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.sums.items(), key=lambda item: -item[1])

    def rest_floor(self) -> float:
        """The least the contributors after the largest two could hold, by their bins."""
        top = {unit for unit, _ in self.ranked()[:2]}
        return sum(a for unit, a, _ in self.answers if unit not in top)

    def tops(self) -> tuple[float, float]:
        values = [v for _, v in self.ranked()[:2]] + [0.0, 0.0]
        return values[0], values[1]

    def sensitive(self, k: int) -> bool:
        """Fewer than ``k`` contributors, or the p% rule (the rest counted at its floor)."""
        n = len(self.sums)
        x1, x2 = self.tops()
        return 0 < n < k or (n > 0 and self.total - x1 - x2 - self.rest_floor() < P * x1)

    def wanted(self) -> tuple[float, float]:
        """The protection interval, within what the bins say anyway."""
        x1, x2 = self.tops()
        m = max(P * x1 - (self.total - x1 - x2 - self.rest_floor()), P * self.total)
        return max(self.total - m, self.low), min(self.total + m, self.high)


def reach(settings: Mapping, value: int) -> tuple[float, float]:
    """The least and most whole number the base bin of ``value`` holds."""
    bins = Bins(settings, "number")
    least, most = bins.span(bins.of(value), 0)
    return float(min(math.ceil(least), value)), float(max(most, value))


def unit_of(person) -> str:
    name = person.authority.strip().casefold()
    return name if name else f"id:{person.id}"


def truth_of(
    people: Iterable, question: str, settings: Mapping, groups: Mapping[str, Sequence[str]]
) -> dict[str, CellTruth]:
    """Each group's (row value -> its types of authority) truth, and everyone's."""
    cells = {row: CellTruth() for row in (*groups, EVERYONE)}
    for person in people:
        value = (person.answers or {}).get(question)
        if value is None:
            continue
        least, most = reach(settings, value)
        rows = [row for row, kinds in groups.items() if person.authority_type in kinds]
        for row in (*rows, EVERYONE):
            cells[row].sums[unit_of(person)] += value
            cells[row].answers.append((unit_of(person), least, most))
    return cells


def _solve(c: list[float], bounds, a_eq=None, b_eq=None) -> float:
    found = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert found.status == 0, found.message  # the truth is always a solution
    return float(found.fun)


def withheld_ranges(
    published: Mapping[str, float | None], truth: Mapping[str, CellTruth]
) -> dict[str, tuple[float, float]]:
    """The least and the most of each withheld total, from the published ones, the groups
    adding up to everyone, and every total's bounds from its true base-bin counts."""
    rows = list(published)
    bounds = [
        (published[r], published[r]) if published[r] is not None else (truth[r].low, truth[r].high)
        for r in rows
    ]
    groups = [r for r in rows if r != EVERYONE]
    a_eq = b_eq = None
    if groups and EVERYONE in rows:
        a_eq = [[1.0 if r == EVERYONE else (-1.0 if r in groups else 0.0) for r in rows]]
        b_eq = [0.0]
    out = {}
    for i, row in enumerate(rows):
        if published[row] is not None:
            continue
        c = [0.0] * len(rows)
        c[i] = 1.0
        least = _solve(c, bounds, a_eq, b_eq)
        c[i] = -1.0
        most = -_solve(c, bounds, a_eq, b_eq)
        out[row] = (least, most)
    return out


def largest_at_most(total: float, cell: CellTruth) -> float:
    """The most the second largest contributor can make the largest, knowing their own figure,
    the published ``total`` and the base bins of everyone else's answers (they are told, to be
    safe, whose answers those are)."""
    ranked = cell.ranked()
    first, second = ranked[0][0], (ranked[1][0] if len(ranked) > 1 else None)
    x2 = ranked[1][1] if len(ranked) > 1 else 0.0
    others = [(a, b) for unit, a, b in cell.answers if unit not in (first, second)]
    # Variables: the largest contribution, then each other answer.
    c = [-1.0] + [0.0] * len(others)
    bounds = [(0.0, None), *others]
    a_eq = [[1.0] * (1 + len(others))]
    return -_solve(c, bounds, a_eq, [total - x2])
