"""The report as a folder of tidy CSV files: one row per table cell, one row per quote.

- ``tables.csv``: every cell of every table (totals included, as the row or column
  ``_total``): ``table, aggregator, question, unit, row, row_label, column, column_label, count,
  suppressed, percent``.  A suppressed cell has an empty ``count`` and ``suppressed`` ``true``.
- ``quotes.csv``: the free-text digest, ``question, question_title, quote, attribution``.
- ``digests.csv``: per free-text question, how many quotes are published and how many withheld.
- ``summaries.csv``: figures that are not counts (mean ranks, medians, quartiles, totals), one
  row per figure, empty where it is not published; only when the report has any.
- ``identities.csv``: internal reports only.
- ``README.txt``: what the files are, the threshold and what the marker means.

Internal reports put the INTERNAL marking in a leading ``marking`` column on every row, so a
row pasted elsewhere still carries it.  Files are UTF-8 with a byte-order mark, which spreadsheet
programs need to show "—" and curly quotes correctly.  A text cell a spreadsheet would read as a
formula (it starts with ``=``, ``+``, ``-`` or ``@``) is written after an apostrophe; numbers are
written as they are (see :mod:`surveykit.csvsafe`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from surveykit import csvsafe

from ..model import Report, Table
from ..words import Words
from . import internal_mark, suppression_note

__all__ = ["TABLE_COLUMNS", "write_csv"]

TABLE_COLUMNS = (
    "table",
    "aggregator",
    "question",
    "unit",
    "row",
    "row_label",
    "column",
    "column_label",
    "count",
    "suppressed",
    "percent",
)
QUOTE_COLUMNS = ("question", "question_title", "quote", "attribution")
SUMMARY_COLUMNS = ("summary", "question", "row", "row_label", "column", "column_label", "value")
DIGEST_COLUMNS = ("question", "question_title", "quotes", "withheld_count")
IDENTITY_COLUMNS = (
    "authority",
    "authority_type",
    "role",
    "name",
    "consent",
    "channel",
    "received_on",
)
TOTAL = "_total"


def _cell(cell: Any) -> tuple[Any, str, Any]:
    count = "" if cell.count is None else cell.count
    percent = "" if cell.percent is None else cell.percent
    return count, "false" if cell.shown else "true", percent


def table_rows(table: Table, say: Words | None = None) -> Iterable[tuple[Any, ...]]:
    """The table's cells, row by row, then the row totals, column totals and grand total."""
    head = (table.id, table.aggregator, table.question or "", table.unit)
    total = say.gettext("Total") if say is not None else "Total"
    for row, cells in zip(table.rows, table.cells, strict=True):
        for column, cell in zip(table.columns, cells, strict=True):
            yield (*head, row.value, row.label, column.value, column.label, *_cell(cell))
    for row, cell in zip(table.rows, table.row_totals, strict=True):
        yield (*head, row.value, row.label, TOTAL, total, *_cell(cell))
    for column, cell in zip(table.columns, table.column_totals, strict=True):
        yield (*head, TOTAL, total, column.value, column.label, *_cell(cell))
    yield (*head, TOTAL, total, TOTAL, total, *_cell(table.grand_total))


def _write(
    path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]], marking: str | None
) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csvsafe.writer(handle)
        writer.writerow((("marking",) if marking else ()) + tuple(columns))
        for row in rows:
            writer.writerow(((marking,) if marking else ()) + tuple(row))


def _readme(report: Report) -> str:
    say = report.say()
    public = say.gettext("Public: this report passed disclosure control.")
    status = internal_mark(say) if report.internal else public
    files = [
        ("tables.csv", say.gettext("one row per table cell (totals have row or column _total)")),
        ("quotes.csv", say.gettext("quotable free-text answers, redacted")),
        (
            "digests.csv",
            say.gettext("per free-text question: quotes published and answers withheld"),
        ),
    ]
    if report.summaries:
        files.append(
            (
                "summaries.csv",
                say.gettext("mean ranks, quartiles and totals: figures that are not counts"),
            )
        )
    if report.internal:
        files.append(("identities.csv", say.gettext("who each response came from")))
    return "\n".join(
        [
            say.gettext("{title}: consultation report ({id})").format(
                title=report.title, id=report.consultation
            ),
            status,
            say.gettext("Generated on {date}, threshold k = {k}.").format(
                date=report.generated_on.isoformat(), k=report.threshold
            ),
            "",
            *(f"{name:<15}{what}" for name, what in files),
            "",
            suppression_note(report.threshold, say),
            say.gettext("In tables.csv such a cell has an empty count and suppressed = true."),
            say.gettext(
                "In digests.csv, withheld_count is how many answers were not quoted for want of "
                "consent, as the question's quoting table in tables.csv publishes it; empty where "
                "that figure is suppressed."
            ),
            "",
        ]
    )


def write_csv(report: Report, folder: Path) -> None:
    """Write the report's CSV files into a new folder ``folder``."""
    folder = Path(folder)
    folder.mkdir()
    say = report.say()
    marking = internal_mark(say) if report.internal else None
    _write(
        folder / "tables.csv",
        TABLE_COLUMNS,
        (row for table in report.all_tables() for row in table_rows(table, say)),
        marking,
    )
    _write(
        folder / "quotes.csv",
        QUOTE_COLUMNS,
        (
            (d.question, d.title, q.text, q.attribution or "")
            for d in report.digests
            for q in d.quotes
        ),
        marking,
    )
    _write(
        folder / "digests.csv",
        DIGEST_COLUMNS,
        (
            (
                d.question,
                d.title,
                len(d.quotes),
                "" if d.withheld_count is None else d.withheld_count,
            )
            for d in report.digests
        ),
        marking,
    )
    if report.summaries:
        _write(
            folder / "summaries.csv",
            SUMMARY_COLUMNS,
            (
                (s.id, s.question, row.value, row.label, column.value, column.label, value)
                for s in report.summaries
                for row, line in zip(s.rows, s.values, strict=True)
                for column, value in zip(s.columns, line, strict=True)
            ),
            marking,
        )
    if report.internal:
        _write(
            folder / "identities.csv",
            IDENTITY_COLUMNS,
            (
                (
                    i.authority,
                    i.authority_type,
                    i.role,
                    i.name,
                    i.consent or "",
                    i.channel,
                    i.received_on.isoformat(),
                )
                for i in report.identities
            ),
            marking,
        )
    (folder / "README.txt").write_text(_readme(report), encoding="utf-8")
