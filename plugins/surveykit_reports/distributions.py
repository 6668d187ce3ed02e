"""Numbers and dates as binned distributions, and rankings by the position of each option.

A number or a date is published as counts of bins (:mod:`surveykit_reports.bins`): base bins
fixed by the spec, merged on the whole consultation's counts until none is small, the same bins
in the answers by role and by type of authority.  Every base bin's count, in every group, is a
statistic of its own that no table shows, with the fact that a published bin is the sum of its
base bins: so a later release that merges differently is compared with this one base bin by
base bin, and a change of fewer than ``k`` stays hidden however the bins fall.

A ranking's first choices are counted like a single choice (:class:`~.aggregators.Counting`);
here each option's count at every position is a table of its own, protected like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from attrs import frozen

from surveykit.kinds import answer_type
from surveykit.model import Question
from surveykit.tally import rank_key

from .aggregators import TOTAL, question_table, sensitive_threshold, value_label
from .bins import Bin, base_bins, label_of, merge
from .context import Context, Counts
from .disclosure import Count, RawTable, Relation
from .model import NOT_ANSWERED, NOT_SHOWN, Heading

__all__ = ["Distributions", "Rankings", "binned"]

#: The row of a ranking's position table for those who ranked fewer options than that.
NOT_RANKED = "_not_ranked"


def binned(context: Context, question: Question) -> tuple[list[tuple[Bin, ...]], dict[str, str]]:
    """A number's or a date's merged bins, and the base bin each counted value falls in."""
    counts = context.counts
    kind = answer_type(question, context.kinds)
    seen = [v for v in counts.values(question.id) if v not in (NOT_ANSWERED, NOT_SHOWN)]
    today = dt.datetime.now(context.consultation.metadata.zone).date()
    bins = base_bins(question, kind, seen, today)
    where: dict[str, str] = {}
    for value in seen:
        number = _comparable(value, kind)
        if number is None:
            continue
        home = next((b for b in bins if b.holds(number)), None)
        if home is None and bins:  # outside the spec's bounds (an old answer): the nearest end
            home = bins[0] if number < bins[0].low else bins[-1]
        if home is not None:
            where[value] = home.id
    k = 1 if context.internal else context.threshold
    own = sensitive_threshold(context, question)
    k = max(k, own or 0)

    def size_of(group: tuple[Bin, ...]) -> tuple[int, int]:
        ids = {b.id for b in group}
        return counts.among_in(question.id, [v for v, b in where.items() if b in ids], None, ())

    return merge(bins, size_of, k), where


def _comparable(value: str, kind: str) -> float | str | None:
    if kind != "number":
        return value
    try:
        return float(value)
    except ValueError:
        return None


def _bin_value(group: tuple[Bin, ...]) -> str:
    return group[0].id if len(group) == 1 else f"{group[0].id}~{group[-1].id}"


@frozen
class Distributions:
    """Numbers and dates as counts of bins, as one column and by role and type of authority."""

    name: str = "distributions"
    description: str = "numbers and dates as binned distributions"

    def aggregate(self, context: Context) -> Iterator[RawTable | Relation | Count]:
        kinds = context.kinds
        for question in context.parts:
            if question.id not in context.plan.values:
                continue
            yield from self._question(context, question, answer_type(question, kinds))

    def _question(
        self, context: Context, question: Question, kind: str
    ) -> Iterator[RawTable | Relation | Count]:
        groups, where = binned(context, question)
        counts = context.counts
        members = {_bin_value(g): {b.id for b in g} for g in groups}
        say = context.words
        rows = [Heading(_bin_value(g), label_of(g, question, kind, say)) for g in groups]
        rows.append(Heading(NOT_ANSWERED, value_label(say, NOT_ANSWERED)))
        if question.condition is not None:
            rows.append(Heading(NOT_SHOWN, value_label(say, NOT_SHOWN)))

        def values_in(row: str) -> list[str]:
            ids = members.get(row)
            if ids is None:
                return [row]
            return [v for v, b in where.items() if b in ids]

        def measure(row: str, dimension: str | None, groups_: tuple[str, ...]) -> tuple[int, int]:
            return counts.among_in(question.id, values_in(row), dimension, groups_)

        note = (
            say.gettext(
                "Answers are counted in ranges; neighbouring ranges are shown together where "
                "one would hold too few answers to publish."
            ),
        )
        dimensions: list[str | None] = [None]
        if question.id not in context.never_by_group:
            dimensions += ["role", "authority_type"]
        for dimension in dimensions:
            yield from question_table(
                context,
                question,
                dimension,
                rows=tuple(rows),
                measure=measure,
                notes=note,
            )
            yield from self._bases(context, question, dimension, groups, where)

    def _bases(
        self,
        context: Context,
        question: Question,
        dimension: str | None,
        groups: list[tuple[Bin, ...]],
        where: dict[str, str],
    ) -> Iterator[Count | Relation]:
        """Each base bin's count in each group shown (never published), and each published
        bin as the sum of its base bins."""
        columns = (TOTAL,) if dimension is None else context.columns(dimension)
        if not columns:
            return
        dim = dimension or ""
        counts = context.counts
        for column in columns:
            if column is TOTAL:
                people: list[tuple[str, tuple[str, ...]]] = [("", ())]
                shown = ""
            else:
                people = [(m, (m,)) for m in (column.members or (column.value,))]
                shown = "+".join(column.members) if column.members else column.value
            for group in groups:
                parts = []
                for base in group:
                    values = [v for v, b in where.items() if b == base.id]
                    for name, among in people:
                        n, units = counts.among_in(question.id, values, dimension, among)
                        key = (question.id, base.id, dim, name)
                        parts.append(key)
                        yield Count(n, units, key)
                cell = (question.id, _bin_value(group), dim, shown)
                if parts != [cell]:
                    yield Relation(((cell, 1), *((p, -1) for p in parts)))


@frozen
class Rankings:
    """A ranking's options by the position people put them in: how many ranked each option
    first, second, and so on, and how many did not rank it."""

    name: str = "rankings"
    description: str = "rankings: each option's count at each position"

    def aggregate(self, context: Context) -> Iterator[RawTable | Relation]:
        positions = dict(context.plan.positions)
        for question in context.parts:
            if question.id in positions:
                yield from _positions(context, question, positions[question.id])


def _units(counts: Counts, keys: list[tuple[str, str]]) -> int:
    """The distinct authorities counted under any of ``(question, value)`` ``keys``."""
    units = {
        group[2]
        for question, value in keys
        for group, n in counts.cells.get(question, {}).get(value, {}).items()
        if n
    }
    return len(units)


def _short(counts: Counts, question: str, n: int) -> int:
    """The distinct authorities with a response that did not rank ``n`` options (or none):
    per role, type and authority, the responses less those that ranked an ``n``-th option."""
    ranked: dict[tuple[str, str, str], int] = {}
    for by_group in counts.cells.get(rank_key(question, n), {}).values():
        for group, m in by_group.items():
            ranked[group] = ranked.get(group, 0) + m
    everyone = counts.cells.get("_all", {}).get("_all", {})
    return len({group[2] for group, m in everyone.items() if m > ranked.get(group, 0)})


def _positions(context: Context, question: Question, most: int) -> Iterator[RawTable | Relation]:
    """Options down, positions across; each position's column ends with those who ranked
    fewer options (or none), so every column adds up to everyone, like any other table."""
    counts = context.counts
    qid = question.id
    everyone = counts.in_groups("_all", "_all", None, ())
    say = context.words
    options = [Heading(o.value, o.label) for o in question.options]
    rows = (*options, Heading(NOT_RANKED, say.gettext("Not ranked this far (or not answered)")))
    columns = tuple(Heading(str(n), say.ordinal(n)) for n in range(1, most + 1))
    cells = []
    for option in options:
        line = []
        for n in range(1, most + 1):
            # The first position's figures are the first-choice table's: one statistic each.
            key = (qid, option.value, "", "") if n == 1 else (rank_key(qid, n), option.value)
            line.append(Count(*counts.in_groups(rank_key(qid, n), option.value, None, ()), key))
        cells.append(line)
    rest = []
    for j, n in enumerate(range(1, most + 1)):
        ranked = sum(line[j].n for line in cells)
        fewer = (everyone[0] - ranked, _short(counts, qid, n), (rank_key(qid, n), NOT_RANKED))
        rest.append(Count(*fewer))
    cells.append(rest)
    row_totals = []
    for i, line in enumerate(cells):
        key = (rank_key(qid, 0), rows[i].value)
        # The authorities behind a row: those behind any of its positions (the last position's
        # for "not ranked this far", which holds everyone who fell short earlier).
        units = (
            _units(counts, [(rank_key(qid, n), rows[i].value) for n in range(1, most + 1)])
            if i < len(options)
            else line[-1].authorities
        )
        row_totals.append(Count(sum(c.n for c in line), units, key))
    total = Count(*everyone, ("_all", "_all", "", ""), fixed=True)
    column_totals = tuple(total for _ in columns)
    grand = Count(total.n * most, total.authorities, (rank_key(qid, 0), "_all"), fixed=True)
    yield RawTable(
        id=f"{qid}-positions",
        title=say.gettext("{number}: {question} Options by position").format(
            number=question.title, question=question.text
        ),
        aggregator="rankings",
        row_label=say.gettext("Option"),
        column_label=say.gettext("Position"),
        rows=rows,
        columns=columns,
        cells=tuple(tuple(line) for line in cells),
        row_totals=tuple(row_totals),
        column_totals=column_totals,
        grand_total=grand,
        question=qid,
        notes=(
            say.gettext(
                "Each column counts every response once: by the option it ranked in that "
                "position, or as not ranking that far."
            ),
        ),
        groups="none",
        protect_changes=True,
        threshold=sensitive_threshold(context, question),
    )
    # Those who did not rank that far: the blanks of the first-choice table, then more at each
    # later position (the same up to ``min_ranked``: everyone who answered ranked that many).
    blanks = [((qid, NOT_ANSWERED, "", ""), -1)]
    if question.condition is not None:
        blanks.append(((qid, "_not_shown", "", ""), -1))
    yield Relation((((rank_key(qid, 1), NOT_RANKED), 1), *blanks))
    least = question.settings.get("min_ranked", 1)
    least = least if isinstance(least, int) and not isinstance(least, bool) else 1
    for n in range(2, most + 1):
        yield Relation(
            (((rank_key(qid, n), NOT_RANKED), 1), ((rank_key(qid, n - 1), NOT_RANKED), -1)),
            "==" if n <= least else ">=",
            0,
        )
    # Each respondent who answered ranks an option once at most: its row adds up to no more
    # than those who answered.
    for line in cells[: len(options)]:
        yield Relation(
            (
                (("_all", "_all", "", ""), 1),
                *blanks,
                *((count.key, -1) for count in line),
            ),
            ">=",
            0,
        )
