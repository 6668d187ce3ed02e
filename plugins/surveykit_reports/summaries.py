"""Figures that are not counts, worked out from the counts a report publishes.

A ranking's mean rank per option is published only where every count it is made of (how many
put the option in each position) is published, and at least ``k`` ranked the option: then it is
arithmetic on published figures, and gives an attacker nothing the tables do not.  Where any of
them is suppressed the mean is left out, since it would give the hidden count away.

A number's or a date's median and quartiles are published the same way: as the published range
(a row of its counts table) that holds them, and only where every range's count is published
and at least ``2k`` answered.  Which range holds the ``j``-th quartile is then arithmetic on
published counts (the first range whose running total reaches ``j/4`` of those who answered),
so it too gives nothing away, in one release or by comparing two.  An exact median would not:
with the counts of every range published, the exact middle answer still says where inside its
range one respondent's answer lies, and two releases' medians say what those who arrived in
between answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import Heading, Summary, Table
from .words import Words, english

__all__ = ["QUARTILES", "mean_ranks", "quartiles"]

MEAN_RANK = Heading("mean_rank", "Mean rank (1 = first)")
RANKED = Heading("ranked", "Number who ranked it")
#: The rows of a quartiles summary, with the share of answers at or below each.
QUARTILES = (
    (Heading("lower_quartile", "Lower quartile (a quarter of answers at or below)"), 1),
    (Heading("median", "Median (half of answers at or below)"), 2),
    (Heading("upper_quartile", "Upper quartile (three quarters at or below)"), 3),
)
RANGE = Heading("range", "In the range")
ROW = Heading("row", "Row of the table")


def mean_ranks(
    tables: Iterable[Table], k: int, *, internal: bool = False, words: Words | None = None
) -> list[Summary]:
    """A mean-rank summary for each ranking's table of options by position (in the language
    of ``words``)."""
    say = words or english()
    out = []
    for table in tables:
        if table.aggregator != "rankings":
            continue
        rows, values = [], []
        for row, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
            if row.value.startswith("_"):
                continue
            counts = [c.count for c in cells]
            ranked = total.count
            mean: float | None = None
            published = None not in counts and ranked is not None
            if published and ranked and (internal or ranked >= k):
                places = (int(h.value) * n for h, n in zip(table.columns, counts, strict=True))
                mean = round(sum(places) / ranked, 2)
            rows.append(row)
            values.append((mean, ranked if mean is not None else None))
        out.append(
            Summary(
                id=f"{table.question}-mean-rank",
                title=table.title.replace(
                    say.gettext("Options by position"), say.gettext("Mean rank of each option")
                ),
                aggregator="mean_rank",
                question=table.question or table.id,
                row_label=say.gettext("Option"),
                rows=tuple(rows),
                columns=(
                    Heading(MEAN_RANK.value, say.gettext("Mean rank (1 = first)")),
                    Heading(RANKED.value, say.gettext("Number who ranked it")),
                ),
                values=tuple(values),
                notes=(
                    say.ngettext(
                        "The mean of the positions people ranked an option in, among those who "
                        "ranked it; shown only where at least {k} ranked it and every count it "
                        "is worked out from is published.",
                        "The mean of the positions people ranked an option in, among those who "
                        "ranked it; shown only where at least {k} ranked it and every count it "
                        "is worked out from is published.",
                        k,
                    ).format(k=k),
                ),
            )
        )
    return out


def quartiles(
    tables: Iterable[Table],
    k: int,
    binned: Iterable[str],
    thresholds: Mapping[str, int] | None = None,
    *,
    internal: bool = False,
    words: Words | None = None,
) -> list[Summary]:
    """The range holding each quartile of every number and date (``binned``), from its
    one-column counts table: published where every range's count is published and at least
    ``2k`` answered (``k`` the question's own threshold, from ``thresholds``, if higher)."""
    say = words or english()
    said = {
        "lower_quartile": say.gettext("Lower quartile (a quarter of answers at or below)"),
        "median": say.gettext("Median (half of answers at or below)"),
        "upper_quartile": say.gettext("Upper quartile (three quarters at or below)"),
    }
    wanted = set(binned)
    out = []
    for table in tables:
        if table.aggregator != "counts" or table.question not in wanted:
            continue
        own = max(k, (thresholds or {}).get(table.question, k))
        ranges = [
            (row, cells[0].count)
            for row, cells in zip(table.rows, table.cells, strict=True)
            if not row.value.startswith("_")
        ]
        answered = sum(n or 0 for _, n in ranges)
        shown = all(n is not None for _, n in ranges) and answered >= 1
        shown = shown and (internal or answered >= 2 * own)
        values = []
        for _, j in QUARTILES:
            holding = _holding(ranges, j, answered) if shown and answered else None
            values.append((None, None) if holding is None else (holding.label, holding.value))
        out.append(
            Summary(
                id=f"{table.question}-quartiles",
                title=say.gettext("{title}: median and quartiles").format(title=table.title),
                aggregator="quartiles",
                question=table.question,
                row_label=say.gettext("Quartile"),
                rows=tuple(Heading(h.value, said[h.value]) for h, _ in QUARTILES),
                columns=(
                    Heading(RANGE.value, say.gettext("In the range")),
                    Heading(ROW.value, say.gettext("Row of the table")),
                ),
                values=tuple(values),
                notes=(
                    say.ngettext(
                        "The range that holds each quartile of the answers (of those who "
                        "answered), shown only where at least {n} answered and every range's "
                        "count is published; exact medians are not published, since they could "
                        "give away one respondent's answer.",
                        "The range that holds each quartile of the answers (of those who "
                        "answered), shown only where at least {n} answered and every range's "
                        "count is published; exact medians are not published, since they could "
                        "give away one respondent's answer.",
                        2 * own,
                    ).format(n=2 * own),
                ),
            )
        )
    return out


def _holding(ranges: list[tuple[Heading, int | None]], j: int, answered: int) -> Heading | None:
    """The first range whose running total reaches ``j/4`` of those who answered: the range of
    the ``ceil(j * answered / 4)``-th smallest answer."""
    running = 0
    for row, n in ranges:
        running += n or 0
        if 4 * running >= j * answered:
            return row
    return None
