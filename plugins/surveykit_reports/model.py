"""The published report as data: frozen attrs classes that exporters (JSON, CSV, HTML) read.

Everything in a :class:`Report` built with ``internal=False`` has already passed disclosure
control (see docs/disclosure.md): exporters write what they are given and never need to decide
what may be shown.  A suppressed cell has ``count=None`` and says why in ``suppressed``.

Every table is additive: each row total is the sum of its row, each column total the sum of its
column, the grand total the sum of everything.  "Not answered" (the question was shown but left
blank) and "not shown" (routing skipped it) are rows of their own, with the values
:data:`NOT_ANSWERED` and :data:`NOT_SHOWN`, so the totals are always every response counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Literal

from attrs import field, frozen

__all__ = [
    "ANSWERED",
    "COMBINED",
    "NOT_ANSWERED",
    "NOT_QUOTABLE",
    "NOT_SHOWN",
    "OUTSIDE_WINDOW",
    "PRIMARY",
    "QUOTABLE",
    "SECONDARY",
    "Cell",
    "Digest",
    "Heading",
    "IdentifiedResponse",
    "Quote",
    "Report",
    "Summary",
    "Suppression",
    "Table",
]

#: Row value for responses to which the question was shown but which left it blank.
NOT_ANSWERED = "_not_answered"
#: Row value for responses to which routing (``shown_if``) never showed the question.
NOT_SHOWN = "_not_shown"
#: Row value, in free-text questions' count tables, for responses that wrote something.
ANSWERED = "_answered"
#: Row values of a free-text question's quoting table: answers that may and may not be quoted.
QUOTABLE = "_quotable"
NOT_QUOTABLE = "_not_quotable"
#: Column value of a column standing for several groups too small to show on their own.
COMBINED = "_combined"
#: Row value, in the timeline, for responses received in weeks outside the consultation's
#: window (before the week it opened, after the week it closed): one row, however many weeks.
OUTSIDE_WINDOW = "_outside_window"

#: Suppressed because the cell itself is small (fewer than ``k`` respondents or authorities).
PRIMARY = "primary"
#: Suppressed only so that a primary suppression cannot be worked out from the totals.
SECONDARY = "secondary"
Suppression = Literal["primary", "secondary"]


@frozen
class Heading:
    """A row or column of a table: the stored ``value`` and the ``label`` people read.

    ``members`` lists the groups a combined column stands for (:data:`COMBINED`): groups too
    small to show on their own are shown together (docs/disclosure.md).
    """

    value: str
    label: str
    members: tuple[str, ...] = ()


@frozen
class Cell:
    """One published count.  ``count`` is ``None`` exactly when ``suppressed`` is set.

    ``percent`` is the count as a percentage of its *column total* (one decimal), and ``None``
    when either is suppressed, so a percentage never reveals a hidden figure.
    """

    count: int | None
    suppressed: Suppression | None = None
    percent: float | None = None

    @property
    def shown(self) -> bool:
        return self.suppressed is None


@frozen
class Table:
    """A two-way table of counts, already protected.

    ``cells[i][j]`` is the count for ``rows[i]`` and ``columns[j]``.  One-way tables (counts of a
    single question) have a single column.  ``aggregator`` names the aggregator that made it
    (``counts``, ``crosstab``, ``coverage``, ``timeline`` or a plugin's); ``unit`` says what is
    counted (``"responses"`` or ``"authorities"``).
    """

    id: str
    title: str
    aggregator: str
    row_label: str
    column_label: str
    rows: tuple[Heading, ...]
    columns: tuple[Heading, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell
    question: str | None = None
    unit: str = "responses"
    notes: tuple[str, ...] = ()

    def cell(self, row: str, column: str) -> Cell:
        """The cell at a row value and a column value."""
        i = next(n for n, h in enumerate(self.rows) if h.value == row)
        j = next(n for n, h in enumerate(self.columns) if h.value == column)
        return self.cells[i][j]

    def all_cells(self) -> Iterator[Cell]:
        """Every published figure: inner cells, row totals, column totals, grand total."""
        for row in self.cells:
            yield from row
        yield from self.row_totals
        yield from self.column_totals
        yield self.grand_total


Figure = int | float | str | None


@frozen
class Summary:
    """Figures that are not counts: a ranking's mean rank per option, a number's or a date's
    median and quartiles.  ``values[i][j]`` is the figure for ``rows[i]`` and ``columns[j]``:
    a number, an ISO date (``"2024-03"``), or ``None`` where it is not published (the group is
    too small, or publishing it would let a hidden count or an earlier release's figure be
    worked out; docs/disclosure.md says when).
    """

    id: str
    title: str
    aggregator: str
    question: str
    row_label: str
    rows: tuple[Heading, ...]
    columns: tuple[Heading, ...]
    values: tuple[tuple[Figure, ...], ...]
    notes: tuple[str, ...] = ()

    def value(self, row: str, column: str) -> Figure:
        """The figure at a row value and a column value."""
        i = next(n for n, h in enumerate(self.rows) if h.value == row)
        j = next(n for n, h in enumerate(self.columns) if h.value == column)
        return self.values[i][j]


@frozen
class Quote:
    """A free-text answer that may be published: redacted, with its authority only if allowed.

    ``attribution`` is the authority's name when the respondent consented to naming it, else
    ``None``.  In an internal report it is "authority (role)" for every answer.
    """

    text: str
    attribution: str | None = None


@frozen
class Digest:
    """The publishable free text of one question.

    Quotes come only from respondents who consented to quotation, sorted by their text (an
    order that says nothing about who answered or when), and only where the report publishes
    how many answers may be quoted (the question's quoting table).  ``withheld_count`` is how
    many answers were left out for want of consent: the figure that table publishes, or
    ``None`` where it is suppressed.
    """

    question: str
    title: str
    text: str
    quotes: tuple[Quote, ...]
    withheld_count: int | None = None
    notes: tuple[str, ...] = ()


@frozen
class IdentifiedResponse:
    """Internal reports only: which authority and role a response came from, and its consent."""

    authority: str
    authority_type: str
    role: str
    name: str = field(repr=False)
    consent: str | None
    channel: str
    received_on: dt.date


@frozen
class Report:
    """Everything a consultation's report publishes.

    ``internal=True`` reports skip suppression and name everyone; they are for the organisation
    running the consultation, never for publication, and every exporter must say so on them.
    ``threshold`` is the ``k`` used and ``protection`` the protection level ``p``;
    ``release`` the number under which the store recorded it as published (``None`` for a
    report not recorded); ``timeline`` counts responses by week, over the weeks of the
    consultation's window, with those received outside it in one last row (:data:`OUTSIDE_WINDOW`);
    ``summaries`` are the figures that are not counts (mean ranks, medians and quartiles).

    ``language`` is the one its words are in (titles, labels, notes; ids, values and figures
    are the same in every language), and ``alternates`` the same report in other languages,
    figure for figure, for a bilingual page (:mod:`surveykit_reports.languages`).
    """

    consultation: str
    title: str
    threshold: int
    internal: bool
    generated_on: dt.date
    responses: Cell
    tables: tuple[Table, ...] = ()
    coverage: tuple[Table, ...] = ()
    digests: tuple[Digest, ...] = ()
    timeline: Table | None = None
    notes: tuple[str, ...] = ()
    identities: tuple[IdentifiedResponse, ...] = ()
    protection: int | None = None
    release: int | None = None
    summaries: tuple[Summary, ...] = ()
    language: str = "en"
    alternates: tuple[Report, ...] = ()
    #: The words it was built with (:class:`surveykit_reports.words.Words`), so an exporter
    #: writes its own in the same language, from the same catalogues.
    words: Any = field(default=None, eq=False, repr=False)

    def say(self) -> Any:
        """The report's :class:`~surveykit_reports.words.Words`."""
        from .words import words

        return self.words if self.words is not None else words(self.language)

    @property
    def editions(self) -> tuple[Report, ...]:
        """This report, then the same in each other language it carries."""
        return (self, *self.alternates)

    def all_tables(self) -> Iterator[Table]:
        """Every table in the report, in order: question tables, coverage, then the timeline."""
        yield from self.tables
        yield from self.coverage
        if self.timeline is not None:
            yield self.timeline
