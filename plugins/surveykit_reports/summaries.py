"""Figures that are not counts, worked out from the counts a report publishes.

A ranking's mean rank per option is published only where every count it is made of (how many
put the option in each position) is published, and at least ``k`` ranked the option: then it is
arithmetic on published figures, and gives an attacker nothing the tables do not.  Where any of
them is suppressed the mean is left out, since it would give the hidden count away.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Heading, Summary, Table

__all__ = ["mean_ranks"]

MEAN_RANK = Heading("mean_rank", "Mean rank (1 = first)")
RANKED = Heading("ranked", "Number who ranked it")


def mean_ranks(tables: Iterable[Table], k: int, *, internal: bool = False) -> list[Summary]:
    """A mean-rank summary for each ranking's table of options by position."""
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
                title=table.title.replace("Options by position", "Mean rank of each option"),
                aggregator="mean_rank",
                question=table.question or table.id,
                row_label="Option",
                rows=tuple(rows),
                columns=(MEAN_RANK, RANKED),
                values=tuple(values),
                notes=(
                    "The mean of the positions people ranked an option in, among those who "
                    f"ranked it; shown only where at least {k} ranked it and every count it "
                    "is worked out from is published.",
                ),
            )
        )
    return out
