"""Magnitude tables: the total of a number question's answers, by type of authority.

A number question whose spec says ``total = true`` gets a summary (aggregator ``totals``) with
the total of its answers in each group its counts are cross-tabulated by (type of authority)
and for all respondents.  A total is not a count, so it is protected by rules of its own
(docs/disclosure.md gives them and why):

- **Contributors are authorities**: answers are summed per authority first (a council's leader
  and chief executive are one contributor; a respondent with no authority is their own).
- **Primary**: a total is sensitive when fewer than ``k`` authorities contributed, or when it
  fails the p% rule (p = 10 %): the second largest contributor, subtracting their own figure
  and the least the others could have given (their answers' base bins), would learn the
  largest to within 10 %.  A total is withheld, too, wherever a count of its group in the
  question's published tables is suppressed, so a total never helps undo count suppression;
  then the total for all respondents is withheld as well, or it would give the hidden totals
  away as a sum.
- **Secondary, in closed form**: the attacker knows every published total, that the groups add
  up to all respondents, and bounds on each total from its true base-bin counts.  Published
  totals are withheld, smallest first, until no sensitive total can be narrowed inside its
  protection interval, and the total for all respondents when that is not enough.
- **Between releases**: public totals are published only once the consultation has closed,
  and a later release shows a question's totals again only if nothing about its answers has
  changed since the last release that showed them: a difference of two totals is the sum of
  the changed answers, an amount that the count machinery cannot hide.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from attrs import frozen

from surveykit.model import Question
from surveykit.storage import Release

from .aggregators import heading_of
from .bins import Bin
from .context import Context
from .disclosure import Tabulation
from .distributions import binned
from .model import NOT_ANSWERED, NOT_SHOWN, Figure, Heading, Summary, Table

__all__ = ["Magnitude", "P", "primary", "secondary", "totals"]

#: The p of the p% rule: no contributor may be estimated to within 10 % by the next largest.
P = Decimal("0.10")
#: The row for all respondents, after the groups'.
EVERYONE = Heading("_all", "All respondents")
DIMENSION = "authority_type"

Amounts = tuple[Decimal, Decimal, Decimal]  # an authority's total, and the least and most it
# could be given the base bins its answers fall in


@frozen
class Magnitude:
    """One cell of a magnitude table, with what its protection needs to know.

    ``low`` and ``high`` are the least and the most the total could be given how many answers
    fall in each base bin: what an attacker with the narrowest counts could say without it.
    ``linked`` marks a total whose group has a suppressed count in the question's tables.
    """

    heading: Heading
    total: Decimal
    contributors: int
    largest: Decimal
    second: Decimal
    #: The least the contributors after the largest two could hold, by their base bins.
    rest_floor: Decimal
    low: Decimal
    high: Decimal
    linked: bool = False

    @property
    def slack(self) -> Decimal:
        """How much below the largest contributor the second, knowing their own figure and
        the least the rest could hold, would still be unsure of."""
        return self.total - self.largest - self.second - self.rest_floor

    def dominated(self) -> bool:
        """The p% rule: the second contributor could estimate the largest within ``P``."""
        return self.contributors > 0 and self.slack < P * self.largest

    def sensitive(self, k: int) -> bool:
        return 0 < self.contributors < k or self.dominated()

    def wanted(self) -> tuple[Decimal, Decimal]:
        """The protection interval: ``T -+ m``, ``m`` the p% rule's upper protection level
        (what the second contributor's estimate must stay above the truth by) and never less
        than 10 % of the total; within what the base bins say anyway."""
        m = max(P * self.largest - self.slack, P * self.total)
        return max(self.total - m, self.low), min(self.total + m, self.high)


def primary(groups: Sequence[Magnitude], whole: Magnitude, k: int) -> tuple[set[int], bool]:
    """The groups' totals (indices) and whether the total for all respondents are withheld
    for themselves: sensitive, or linked to a suppressed count."""
    out = {i for i, g in enumerate(groups) if g.linked or g.sensitive(k)}
    whole_out = whole.linked or whole.sensitive(k) or any(g.linked for g in groups)
    return out, whole_out


def interval(
    cell: int | None, groups: Sequence[Magnitude], whole: Magnitude, out: set[int], whole_out: bool
) -> tuple[Decimal, Decimal]:
    """The least and most the attacker can make a withheld total (a group's index, or ``None``
    for all respondents): from its bounds, and where the total for all respondents is
    published, from the groups adding up to it."""
    shown = sum((g.total for i, g in enumerate(groups) if i not in out), Decimal(0))
    if cell is None:
        low = shown + sum((groups[i].low for i in out), Decimal(0))
        high = shown + sum((groups[i].high for i in out), Decimal(0))
        return max(low, whole.low), min(high, whole.high)
    own = groups[cell]
    if whole_out:
        return own.low, own.high
    rest = whole.total - shown
    others = [groups[i] for i in out if i != cell]
    low = rest - sum((g.high for g in others), Decimal(0))
    high = rest - sum((g.low for g in others), Decimal(0))
    return max(low, own.low), min(high, own.high)


def _unprotected(
    groups: Sequence[Magnitude], whole: Magnitude, k: int, out: set[int], whole_out: bool
) -> bool:
    """Whether some withheld sensitive total can be narrowed inside its protection interval,
    or a total withheld for its counts is given away as a sum of published ones."""
    cells: list[tuple[int | None, Magnitude]] = [(i, groups[i]) for i in out]
    if whole_out:
        cells.append((None, whole))
    for index, cell in cells:
        low, high = interval(index, groups, whole, out, whole_out)
        if cell.sensitive(k):
            want_low, want_high = cell.wanted()
            if low > want_low or high < want_high:
                return True
        if cell.linked and low == high and cell.low < cell.high:
            return True
    return False


def secondary(
    groups: Sequence[Magnitude], whole: Magnitude, k: int, out: set[int], whole_out: bool
) -> tuple[set[int], bool]:
    """Withhold published totals, the smallest first (of those whose bounds leave the attacker
    anything to be unsure of), until every withheld total is protected; when no group is left
    to withhold, the total for all respondents."""
    out = set(out)
    while _unprotected(groups, whole, k, out, whole_out):
        widening = [i for i, g in enumerate(groups) if i not in out and g.high > g.low]
        if widening:
            out.add(min(widening, key=lambda i: (groups[i].total, i)))
        elif not whole_out:
            whole_out = True
        else:
            break  # every total that could widen an interval is withheld: nothing more helps
    return out, whole_out


# ------------------------------------------------------------------------------------------------
# From the counts to the cells


def _step(question: Question) -> Decimal:
    places = question.settings.get("decimals", 0)
    places = places if isinstance(places, int) and not isinstance(places, bool) else 0
    return Decimal(1).scaleb(-places)


def _decimal(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return None
    return amount if amount.is_finite() else None


def _reach(base: Bin, question: Question) -> tuple[Decimal, Decimal]:
    """The least and the most answer a base bin can hold: its edges, to the question's
    decimals (a whole-number bin ``1..2`` holds only 1), within ``min`` and ``max``."""
    step = _step(question)
    low, high = Decimal(repr(base.low)), Decimal(repr(base.high))
    least = (low / step).to_integral_value(ROUND_CEILING) * step
    if base.closed:
        most = (high / step).to_integral_value(ROUND_FLOOR) * step
    else:
        most = ((high / step).to_integral_value(ROUND_CEILING) - 1) * step
    bound_low = _decimal(question.settings.get("min"))
    bound_high = _decimal(question.settings.get("max"))
    if bound_low is not None:
        least = max(least, bound_low)
    if bound_high is not None:
        most = min(most, bound_high)
    return least, most


def _amounts(context: Context, question: Question) -> dict[tuple[str, str], Amounts]:
    """Per type of authority and authority: the sum of the answers, and the least and most it
    could be given the base bin of each answer."""
    groups, where = binned(context, question)
    reach = {b.id: _reach(b, question) for group in groups for b in group}
    found: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for value, by_group in context.counts.cells.get(question.id, {}).items():
        if value in (NOT_ANSWERED, NOT_SHOWN):
            continue
        amount = _decimal(value)
        if amount is None:
            continue
        least, most = reach.get(where.get(value, ""), (amount, amount))
        least, most = min(least, amount), max(most, amount)
        for (_, kind, unit), n in by_group.items():
            sums = found[(kind, unit)]
            sums[0] += n * amount
            sums[1] += n * least
            sums[2] += n * most
    return {key: (a, b, c) for key, (a, b, c) in found.items()}


def magnitude(heading: Heading, amounts: Iterable[tuple[str, Amounts]], linked: bool) -> Magnitude:
    """A cell from its authorities' amounts (``(unit, amounts)``; one unit may come twice, in
    two groups of a combined cell: it is one contributor)."""
    units: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for unit, (total, least, most) in amounts:
        sums = units[unit]
        sums[0] += total
        sums[1] += least
        sums[2] += most
    ordered = sorted(units.items(), key=lambda item: (-item[1][0], item[0]))
    tops = [sums[0] for _, sums in ordered[:2]] + [Decimal(0)] * 2
    zero = Decimal(0)
    return Magnitude(
        heading=heading,
        total=sum((s[0] for s in units.values()), zero),
        contributors=len(units),
        largest=tops[0],
        second=tops[1],
        rest_floor=sum((sums[1] for _, sums in ordered[2:]), zero),
        low=sum((s[1] for s in units.values()), zero),
        high=sum((s[2] for s in units.values()), zero),
        linked=linked,
    )


def _suppressed_in(table: Table | None, column: int) -> bool:
    if table is None:
        return False
    cells = [line[column] for line in table.cells]
    return any(not c.shown for c in (*cells, table.column_totals[column]))


def _cells(
    context: Context, question: Question, tables: dict[str, Table]
) -> tuple[list[Magnitude], Magnitude]:
    amounts = _amounts(context, question)
    crosstab = tables.get(f"{question.id}-by-{DIMENSION}")
    groups = []
    for j, column in enumerate(crosstab.columns if crosstab is not None else ()):
        members = set(column.members or (column.value,))
        inside = ((unit, a) for (kind, unit), a in amounts.items() if kind in members)
        groups.append(magnitude(column, inside, _suppressed_in(crosstab, j)))
    everyone = ((unit, a) for (_, unit), a in amounts.items())
    heading = Heading(EVERYONE.value, context.words.gettext("All respondents"))
    whole = magnitude(heading, everyone, _suppressed_in(tables.get(question.id), 0))
    return groups, whole


# ------------------------------------------------------------------------------------------------
# The summaries


def totals(
    context: Context,
    tables: Sequence[Table],
    *,
    tabulation: Tabulation | None,
    generated_on: dt.date,
    internal: bool = False,
) -> list[Summary]:
    """A totals summary for each number question with ``total = true`` whose counts the report
    publishes (``tables``, already protected): every total in an internal report, only the
    protected ones in a public report, and those only once the consultation has closed."""
    wanted = [
        q
        for q in context.parts
        if q.id in context.plan.values and q.settings.get("total") is True and not q.sensitive
    ]
    by_id = {t.id: t for t in tables}
    wanted = [q for q in wanted if q.id in by_id]
    if not wanted:
        return []
    meta = context.consultation.metadata
    closed = dt.datetime.combine(generated_on, dt.time(), tzinfo=meta.zone) >= meta.closes_at
    history = None if internal or not closed else _History(context.store.releases(context.id))
    out = []
    for question in wanted:
        groups, whole = _cells(context, question, by_id)
        cells = [*groups, whole]
        notes = [_about(context, question)]
        if internal:
            values: list[Figure] = [_figure(c.total, question) for c in cells]
        elif not closed:
            values = [None] * len(cells)
            notes.append(
                context.words.gettext(
                    "Totals are published once the consultation has closed (it closes "
                    "{closes}): a total compared with a later one would give away the "
                    "sum of the answers that arrived in between."
                ).format(closes=context.words.closing(meta.closes))
            )
        else:
            k = context.threshold
            out_, whole_out = secondary(groups, whole, k, *primary(groups, whole, k))
            values = [
                None if i in out_ else _figure(g.total, question) for i, g in enumerate(groups)
            ]
            values.append(None if whole_out else _figure(whole.total, question))
            assert history is not None
            changed = history.changed(question.id, cells, values, tabulation)
            if changed is not None:
                values = [None] * len(cells)
                notes.append(
                    context.words.gettext(
                        "Withheld: the answers to this question have changed since release "
                        "{release} published its totals, and the difference between two totals "
                        "is the sum of the answers that changed."
                    ).format(release=changed)
                )
        out.append(_summary(context, question, cells, values, notes))
    return out


def _figure(total: Decimal, question: Question) -> int | float:
    """A total as published: a whole number, or a number to the question's decimals."""
    if _step(question) == 1:
        return int(total)
    return float(total)


def _about(context: Context, question: Question) -> str:
    k = context.threshold
    return context.words.ngettext(
        "The total of the answers given, by type of authority and for all respondents; each "
        "authority's answers are summed first.  A total is shown only where at least {k} "
        "authorities contributed, no authority's share could be estimated to within 10 % by "
        "the next largest, every count of its group is published, and it would not let a "
        "hidden total be worked out.",
        "The total of the answers given, by type of authority and for all respondents; each "
        "authority's answers are summed first.  A total is shown only where at least {k} "
        "authorities contributed, no authority's share could be estimated to within 10 % by "
        "the next largest, every count of its group is published, and it would not let a "
        "hidden total be worked out.",
        k,
    ).format(k=k)


def _summary(
    context: Context,
    question: Question,
    cells: list[Magnitude],
    values: list[Figure],
    notes: list[str],
) -> Summary:
    say = context.words
    unit = question.settings.get("unit") or ""
    label = say.gettext("Total ({unit})").format(unit=unit) if unit else say.gettext("Total")
    by_type = len(cells) > 1  # no cross-tab by type: everyone's total alone
    heading = heading_of(context, question)
    return Summary(
        id=f"{question.id}-totals",
        title=(
            say.gettext("{title} Total by type of authority")
            if by_type
            else say.gettext("{title} Total")
        ).format(title=heading),
        aggregator="totals",
        question=question.id,
        row_label=say.gettext("Type of authority") if by_type else say.gettext("Respondents"),
        rows=tuple(c.heading for c in cells),
        columns=(Heading("total", label),),
        values=tuple((v,) for v in values),
        notes=tuple(notes),
    )


class _History:
    """What earlier releases published of each question's totals, read from their public JSON
    (and, for the last that published them, the true counts behind it)."""

    def __init__(self, releases: Sequence[Release]) -> None:
        self._last: dict[str, tuple[int, list[tuple[str, Figure]], Release]] = {}
        for release in releases:
            data = json.loads(release.public)
            for summary in data.get("summaries") or ():
                if summary.get("aggregator") != "totals":
                    continue
                figures = [(v["row"], v["value"]) for v in summary.get("values") or ()]
                if any(value is not None for _, value in figures):
                    self._last[summary["question"]] = (release.number, figures, release)

    def changed(
        self,
        question: str,
        cells: list[Magnitude],
        values: list[Figure],
        tabulation: Tabulation | None,
    ) -> int | None:
        """The number of the last release that published the question's totals, when this
        one's differ from it in any figure or in any count of the question behind them;
        ``None`` when they may be published (first published, or nothing changed)."""
        last = self._last.get(question)
        if last is None:
            return None
        number, figures, release = last
        now = [(c.heading.value, v) for c, v in zip(cells, values, strict=True)]
        if now != figures or tabulation is None:
            return number
        before = Tabulation.from_json(release.audit)
        if _counts_of(question, before) != _counts_of(question, tabulation):
            return number
        return None


def _counts_of(question: str, tabulation: Tabulation) -> dict[tuple[str, ...], Any]:
    """Every true count of a question in a release (its bins, base bins and blanks, in every
    group): equal in two releases only if no answer to it moved between bins or groups."""
    return {k: tuple(v) for k, v in tabulation.values.items() if k[:1] == (question,)}
