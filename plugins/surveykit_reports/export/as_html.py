"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script.

Nothing is fetched when it is opened, so it can be mailed, archived or opened offline, and it
reads the same in ten years.  Each question has a chart for sighted readers and, beside it, the
table that is the real data (the chart is ``aria-hidden``).  Jinja2 autoescapes everything
that comes from the report, so answers can never inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from attrs import define, field
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from surveykit.wording import counted

from ..charts import Bar, bar_chart
from ..model import ANSWERED, NOT_ANSWERED, NOT_SHOWN, OUTSIDE_WINDOW, Cell, Digest, Report, Table
from . import INTERNAL_MARK, SUPPRESSED_MARKER, suppression_note

__all__ = ["render_html", "write_html"]

MUTED_ROWS = (NOT_ANSWERED, NOT_SHOWN, OUTSIDE_WINDOW)


@define
class Block:
    """What the page shows about one question: its count table, cross-tabs and free text."""

    question: str
    title: str
    counts: Table | None = None
    crosstabs: list[Table] = field(factory=list)
    digest: Digest | None = None

    @property
    def anchor(self) -> str:
        return f"q-{self.question}"


def chart_for(table: Table) -> Markup:
    """The bar chart of a one-column count table."""
    bars = [
        Bar(
            label=row.label,
            count=cells[0].count,
            percent=cells[0].percent,
            muted=row.value in MUTED_ROWS,
        )
        for row, cells in zip(table.rows, table.cells, strict=True)
    ]
    return bar_chart(bars, marker=SUPPRESSED_MARKER)


def blocks(report: Report) -> list[Block]:
    """Tables and digests grouped by question, in the order the report gives them."""
    found: dict[str, Block] = {}
    for table in report.tables:
        key = table.question or table.id
        block = found.setdefault(key, Block(key, table.title))
        if table.aggregator == "counts" and block.counts is None:
            block.counts = table
            block.title = table.title
        else:
            block.crosstabs.append(table)
    for digest in report.digests:
        block = found.setdefault(digest.question, Block(digest.question, digest.title))
        block.digest = digest
    return list(found.values())


def outside_window(report: Report) -> str | None:
    """The timeline's line for responses received outside the consultation's window, with the
    figure as published (the marker where it is suppressed); ``None`` when it is a zero."""
    table = report.timeline
    if table is None:
        return None
    cell = next(
        (
            cells[0]
            for row, cells in zip(table.rows, table.cells, strict=True)
            if row.value == OUTSIDE_WINDOW
        ),
        None,
    )
    if cell is None or cell.count == 0:
        return None
    figure = (
        f"{SUPPRESSED_MARKER} responses"
        if cell.count is None
        else counted(cell.count, "response", grouped=True)
    )
    return f"{figure} arrived outside the consultation's window."


def _count(cell: Cell) -> str:
    return f"{cell.count:,}" if cell.count is not None else ""


def _percent(cell: Cell) -> str:
    return f"{cell.percent:.1f}%" if cell.percent is not None else ""


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("surveykit_reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["count"] = _count
    env.filters["percent"] = _percent
    env.globals.update(
        chart_for=chart_for,
        marker=SUPPRESSED_MARKER,
        internal_mark=INTERNAL_MARK,
        ANSWERED=ANSWERED,
    )
    return env


def render_html(report: Report) -> str:
    """The whole page as a string."""
    template = _environment().get_template("report.html")
    context: dict[str, Any] = {
        "report": report,
        "blocks": blocks(report),
        "suppression_note": suppression_note(report.threshold),
        "has_suppressed": _any_suppressed(report.all_tables()),
        "outside_window": outside_window(report),
    }
    return template.render(**context)


def _any_suppressed(tables: Iterable[Table]) -> bool:
    return any(not cell.shown for table in tables for cell in table.all_cells())


def write_html(report: Report, path: Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")
