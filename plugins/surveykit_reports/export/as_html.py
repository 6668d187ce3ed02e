"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script.

Nothing is fetched when it is opened, so it can be mailed, archived or opened offline, and it
reads the same in ten years.  A report in several languages (its ``alternates``) is one page
holding the whole report in each, the first language first, each part marked with its ``lang``
and linked to the others (docs/reports.md says why this layout).  Each question has a chart
for sighted readers and, beside it, the table that is the real data (the chart is
``aria-hidden``).  Jinja2 autoescapes everything that comes from the report, so answers can
never inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from attrs import define, field
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..charts import Bar, Stack, bar_chart, stacked_chart
from ..model import (
    ANSWERED,
    NOT_ANSWERED,
    NOT_SHOWN,
    OUTSIDE_WINDOW,
    Cell,
    Digest,
    Report,
    Summary,
    Table,
)
from ..words import Words
from . import SUPPRESSED_MARKER, internal_mark, suppression_note

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
    #: On a grid's first statement: the stacked chart of all its statements.
    grid_chart: Markup | None = None
    summaries: list[Summary] = field(factory=list)

    @property
    def anchor(self) -> str:
        return f"q-{self.question}"


def chart_for(table: Table, say: Words | None = None) -> Markup:
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
    return bar_chart(bars, marker=SUPPRESSED_MARKER, say=say)


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
    for summary in report.summaries:
        block = found.setdefault(summary.question, Block(summary.question, summary.title))
        block.summaries.append(summary)
    grids: dict[str, list[Block]] = {}
    for block in found.values():
        if "." in block.question and block.counts is not None:
            grids.setdefault(block.question.split(".", 1)[0], []).append(block)
    for rows in grids.values():
        tables = [b.counts for b in rows if b.counts is not None]
        rows[0].grid_chart = grid_chart(tables, report.say())
    return list(found.values())


def grid_chart(tables: list[Table], say: Words | None = None) -> Markup:
    """A grid's statements as one stacked chart: each statement's answers (not the blanks)."""
    stacks = []
    # Every statement's title starts with the question's number and text: keep the statement.
    titles = [t.title for t in tables]
    shared = ""
    if len(titles) > 1:
        shared = min(titles)[
            : next(
                (
                    i
                    for i, pair in enumerate(zip(min(titles), max(titles), strict=False))
                    if pair[0] != pair[1]
                ),
                len(min(titles)),
            )
        ]
        shared = shared[: shared.rfind(" ") + 1]
    for table in tables:
        bars = tuple(
            Bar(row.label, cells[0].count)
            for row, cells in zip(table.rows, table.cells, strict=True)
            if row.value not in MUTED_ROWS
        )
        label = table.title[len(shared) :] or table.title
        stacks.append(Stack(label, bars))
    return stacked_chart(stacks, marker=SUPPRESSED_MARKER, say=say)


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
    say = report.say()
    if cell.count is None:
        return say.gettext("{marker} responses arrived outside the consultation's window.").format(
            marker=SUPPRESSED_MARKER
        )
    return say.ngettext(
        "{count} response arrived outside the consultation's window.",
        "{count} responses arrived outside the consultation's window.",
        cell.count,
    ).format(count=f"{cell.count:,}")


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
    env.filters["fill"] = _fill
    env.globals.update(
        chart_for=chart_for,
        marker=SUPPRESSED_MARKER,
        ANSWERED=ANSWERED,
        strong=_strong,
    )
    return env


def _fill(message: str, **values: Any) -> Markup:
    """A translated sentence with its ``{placeholders}`` filled in: the sentence and plain
    values escaped, markup (a figure in ``<strong>``, the marker) kept."""
    return escape(message).format(**values)


def _strong(value: Any) -> Markup:
    return Markup("<strong>{}</strong>").format(value)


@define
class Part:
    """One language's report on the page, rendered, and how the others link to it."""

    language: str
    name: str
    html: Markup

    @property
    def anchor(self) -> str:
        return self.language


def language_name(tag: str) -> str:
    """A language in its own words, as a language switch shows it: "Cymraeg", "English"."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


def render_part(report: Report, *, prefix: str = "", others: tuple[Part, ...] = ()) -> Markup:
    """One language's report: everything but the page around it."""
    say = report.say()
    context: dict[str, Any] = {
        "report": report,
        "blocks": blocks(report),
        "suppression_note": suppression_note(report.threshold, say),
        "has_suppressed": _any_suppressed(report.all_tables()),
        "outside_window": outside_window(report),
        "internal_mark": internal_mark(say),
        "say": say,
        "_": say.gettext,
        "gettext": say.gettext,
        "ngettext": say.ngettext,
        "p": prefix,
        "single": not prefix,
        "others": others,
    }
    return Markup(_environment().get_template("part.html").render(**context))


def render_html(report: Report) -> str:
    """The whole page as a string: the report, and after it the same in each other language
    it carries."""
    editions = report.editions
    single = len(editions) == 1
    links = tuple(Part(r.language, language_name(r.language), Markup()) for r in editions)
    parts = [
        Part(
            r.language,
            links[i].name,
            render_part(
                r,
                prefix="" if single else f"{r.language}-",
                others=tuple(link for link in links if link.language != r.language),
            ),
        )
        for i, r in enumerate(editions)
    ]
    say = report.say()
    titles = " / ".join(_page_title(r) for r in editions)
    context: dict[str, Any] = {
        "first": report,
        "parts": parts,
        "page_title": titles,
        "skip": say.gettext("Skip to the report"),
    }
    return _environment().get_template("report.html").render(**context)


def _page_title(report: Report) -> str:
    say = report.say()
    title = say.gettext("{title}: consultation report").format(title=report.title)
    if report.internal:
        return f"{internal_mark(say)}: {title}"
    return title


def _any_suppressed(tables: Iterable[Table]) -> bool:
    return any(not cell.shown for table in tables for cell in table.all_cells())


def write_html(report: Report, path: Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")
