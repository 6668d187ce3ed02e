"""The built-in aggregators: counts, cross-tabs, coverage, free-text digests, the timeline.

Each is an object with a ``name``, a ``description`` and ``aggregate(context)``, which yields
:class:`~surveykit_reports.disclosure.RawTable` and :class:`~surveykit_reports.model.Digest`
objects.  They register through ``surveykit_register_aggregators`` like any plugin's would, and
none of them decides what is published: :func:`~surveykit_reports.build.build_report` applies
disclosure control to everything they yield.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from attrs import frozen

from surveykit.model import Choice, Question
from surveykit.tally import ALL, ANSWERED, WEEK, unit_of

from .context import Context, Counts
from .disclosure import Count, RawTable
from .model import NOT_ANSWERED, NOT_SHOWN, Digest, Heading, Quote

__all__ = ["BUILT_IN", "Counting", "Coverage", "CrossTab", "FreeText", "Timeline"]

TOTAL = Heading("_all", "Responses")
_VALUE_LABELS = {
    ANSWERED: "Answered",
    NOT_ANSWERED: "Not answered",
    NOT_SHOWN: "Not shown (skipped by the form's routing)",
}


def question_rows(question: Question, counts: Counts) -> tuple[Heading, ...]:
    """A question's rows: its options in spec order, any other values seen, then the blanks."""
    seen = set(counts.values(question.id))
    rows = [Heading(o.value, o.label) for o in question.options]
    if not question.options:
        rows.append(Heading(ANSWERED, _VALUE_LABELS[ANSWERED]))
    known = {h.value for h in rows} | {NOT_ANSWERED, NOT_SHOWN}
    rows += [Heading(v, v) for v in sorted(seen - known)]
    rows.append(Heading(NOT_ANSWERED, _VALUE_LABELS[NOT_ANSWERED]))
    if question.condition is not None:
        rows.append(Heading(NOT_SHOWN, _VALUE_LABELS[NOT_SHOWN]))
    return tuple(rows)


def _columns(choices: tuple[Choice, ...], seen: list[str]) -> tuple[Heading, ...]:
    columns = [Heading(c.value, c.label) for c in choices]
    known = {c.value for c in choices}
    return tuple(columns + [Heading(v, v) for v in seen if v not in known])


def _total_key(question: str, n: int, total: Count, column: tuple) -> Count:
    """A column or grand total: the shared "all responses" figure when it is that, else its
    own statistic (multi-answer questions count choices, not responses)."""
    if n == total.n:
        return Count(n, total.authorities, total.key)
    return Count(n, total.authorities, (question, "_sum", *column))


def question_table(
    context: Context,
    question: Question,
    dimension: str | None,
) -> RawTable | None:
    """Counts of one question, as one column or by ``role`` / ``authority_type``."""
    counts = context.counts
    rows = question_rows(question, counts)
    if dimension is None:
        columns: tuple[Heading, ...] = (TOTAL,)
    elif dimension == "role":
        columns = _columns(context.consultation.roles, counts.groups("role"))
    else:
        columns = _columns(context.consultation.authority_types, counts.groups("authority_type"))
    if not columns:
        return None

    def where(column: Heading) -> tuple[str | None, str | None]:
        if dimension is None:
            return None, None
        return (column.value, None) if dimension == "role" else (None, column.value)

    cells = tuple(
        tuple(counts.count(question.id, row.value, *where(col)) for col in columns) for row in rows
    )
    row_totals = []
    for row, line in zip(rows, cells, strict=True):
        whole = counts.count(question.id, row.value)
        row_totals.append(Count(sum(c.n for c in line), whole.authorities, whole.key))
    column_totals = []
    for j, col in enumerate(columns):
        n = sum(line[j].n for line in cells)
        column_totals.append(_total_key(question.id, n, counts.total(*where(col)), where(col)))
    grand = _total_key(question.id, sum(c.n for c in column_totals), counts.total(), (None, None))
    by = {None: "", "role": " by role", "authority_type": " by type of authority"}[dimension]
    notes = ()
    if question.id in context.plan.multiple:
        notes = (
            "Respondents could choose several options, so options add up to more than "
            "the responses.",
        )
    return RawTable(
        id=f"{question.id}{'' if dimension is None else '-by-' + dimension}",
        title=f"{question.title}: {question.text}{by}",
        aggregator="counts" if dimension is None else "crosstab",
        row_label="Answer",
        column_label={None: "", "role": "Role", "authority_type": "Type of authority"}[dimension],
        rows=rows,
        columns=columns,
        cells=cells,
        row_totals=tuple(row_totals),
        column_totals=tuple(column_totals),
        grand_total=grand,
        question=question.id,
        notes=notes,
    )


def _counted(context: Context) -> Iterator[Question]:
    counted = set(context.plan.counted)
    return (q for q in context.consultation.questions if q.id in counted)


@frozen
class Counting:
    """Counts and percentages of every answer to every question."""

    name: str = "counts"
    description: str = "counts and percentages per question and option"

    def aggregate(self, context: Context) -> Iterator[RawTable]:
        for question in _counted(context):
            table = question_table(context, question, None)
            if table is not None:
                yield table


def _is_dimension(context: Context, question: Question, dimension: str) -> bool:
    choices = (
        context.consultation.roles
        if dimension == "role"
        else (context.consultation.authority_types)
    )
    values = {o.value for o in question.options}
    return question.id == dimension or (bool(values) and values == {c.value for c in choices})


@frozen
class CrossTab:
    """Every question by the respondent's role and by their type of authority."""

    name: str = "crosstab"
    description: str = "every question cross-tabulated by role and by type of authority"

    def aggregate(self, context: Context) -> Iterator[RawTable]:
        for question in _counted(context):
            for dimension in ("role", "authority_type"):
                if _is_dimension(context, question, dimension):
                    continue  # "role by role" says nothing the counts do not
                table = question_table(context, question, dimension)
                if table is not None:
                    yield table


RESPONDED = (Heading("responded", "Responded"), Heading("not_responded", "Did not respond"))


@frozen
class Coverage:
    """How much of the roster responded: authorities by type, respondents by role."""

    name: str = "coverage"
    description: str = "coverage against the roster: authorities by type, people by role"

    def aggregate(self, context: Context) -> Iterator[RawTable]:
        kinds: dict[str, str] = {}
        answered: set[str] = set()
        people: dict[tuple[str, bool], int] = defaultdict(int)
        units: dict[tuple[str, bool], set[str]] = defaultdict(set)
        for row in context.store.roster_rows(context.id):
            kinds.setdefault(row.unit, row.authority_type)
            if row.responded:
                answered.add(row.unit)
            people[(row.role, row.responded)] += row.n
            units[(row.role, row.responded)].add(row.unit)
        if not kinds:
            return
        by_type: dict[tuple[str, bool], int] = defaultdict(int)
        for unit, kind in kinds.items():
            by_type[(kind, unit in answered)] += 1
        types = _columns(context.consultation.authority_types, sorted(set(kinds.values())))
        yield _coverage_table(
            "coverage-authorities",
            "Authorities on the roster that responded, by type of authority",
            "Type of authority",
            types,
            {key: Count.of(n) for key, n in by_type.items()},
            "authorities",
        )
        roles = _columns(context.consultation.roles, sorted({r for r, _ in people}))
        yield _coverage_table(
            "coverage-roles",
            "People on the roster who responded, by role",
            "Role",
            roles,
            {key: Count(n, len(units[key])) for key, n in people.items()},
            "respondents",
            units,
        )


def _coverage_table(
    table_id: str,
    title: str,
    row_label: str,
    rows: tuple[Heading, ...],
    figures: dict[tuple[str, bool], Count],
    unit: str,
    units: dict[tuple[str, bool], set[str]] | None = None,
) -> RawTable:
    """Rows by responded / did not respond.  ``units`` (the authorities behind each figure)
    gives the totals their distinct authorities; without it every figure counts authorities."""
    empty = Count(0, 0)
    cells = tuple(
        (figures.get((r.value, True), empty), figures.get((r.value, False), empty)) for r in rows
    )

    def distinct(keys: list[tuple[str, bool]], n: int) -> int:
        if units is None:
            return n
        return len(set().union(*(units.get(key, set()) for key in keys)))

    row_totals = tuple(
        Count(a.n + b.n, distinct([(r.value, True), (r.value, False)], a.n + b.n))
        for r, (a, b) in zip(rows, cells, strict=True)
    )
    column_totals = tuple(
        Count(
            sum(line[j].n for line in cells),
            distinct([(r.value, j == 0) for r in rows], sum(line[j].n for line in cells)),
        )
        for j in range(2)
    )
    everyone = [(r.value, flag) for r in rows for flag in (True, False)]
    total = sum(c.n for c in column_totals)
    grand = Count(total, distinct(everyone, total))
    return RawTable(
        id=table_id,
        title=title,
        aggregator="coverage",
        row_label=row_label,
        column_label="",
        rows=rows,
        columns=RESPONDED,
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand,
        unit=unit,
        section="coverage",
    )


@frozen
class Timeline:
    """Responses by the week they were received: never finer, so no response meets its link."""

    name: str = "timeline"
    description: str = "current responses by week received"

    def aggregate(self, context: Context) -> Iterator[RawTable]:
        counts = context.counts
        weeks = counts.weeks()
        if not weeks:
            return
        first, last = dt.date.fromisoformat(weeks[0]), dt.date.fromisoformat(weeks[-1])
        days = range(0, (last - first).days + 1, 7)
        mondays = [first + dt.timedelta(days=d) for d in days]
        rows = tuple(Heading(m.isoformat(), f"Week starting {m.day} {m:%B %Y}") for m in mondays)
        cells = tuple((counts.count(WEEK, r.value),) for r in rows)
        total = counts.total()
        n = sum(c[0].n for c in cells)
        yield RawTable(
            id="timeline",
            title="Responses by week received",
            aggregator=self.name,
            row_label="Week",
            column_label="",
            rows=rows,
            columns=(TOTAL,),
            cells=cells,
            row_totals=tuple(c[0] for c in cells),
            column_totals=(_total_key(ALL, n, total, (None, None)),),
            grand_total=_total_key(ALL, n, total, (None, None)),
            section="timeline",
            notes=(
                "Counted by the week each current response was received (weeks start on "
                "Monday), never by day or time.",
            ),
        )


def _quote_order(quote: Quote) -> tuple[str, str]:
    return (quote.text.casefold(), quote.attribution or "")


def coarse(count: int, k: int) -> int | None:
    """0 stays 0; fewer than ``k`` becomes ``None``; otherwise rounded down to a multiple of k."""
    if count <= 0:
        return 0
    return None if count < k else count - count % k


@frozen
class FreeText:
    """The free-text answers each question received, quotable ones only, redacted."""

    name: str = "free_text"
    description: str = "free-text digests: consenting respondents' words, redacted"

    def aggregate(self, context: Context) -> Iterable[Digest]:
        questions = [q for q in _counted(context) if not q.options]
        if not questions:
            return []
        if context.internal:
            return self._internal(context, questions)
        return self._public(context, questions)

    def _public(self, context: Context, questions: list[Question]) -> list[Digest]:
        publication = context.publication
        consent = publication.consent_question
        kept: dict[str, list[Quote]] = {q.id: [] for q in questions}
        quoted = dict.fromkeys(kept, 0)
        if consent is not None and publication.quote:
            naming = set(publication.name_authority)
            # At most max_quotes per question, chosen alongside the counts where possible.
            rows = [row for row in context.quotable_texts() if row.question in kept]
            redact = context.redactor_for(row.text for row in rows)
            for row in rows:
                quoted[row.question] = row.answered
                unit = unit_of(row.authority, row.respondent_id)
                named = row.consent in naming and unit in context.naming_units
                text = redact(row.text, own_name=row.name)
                kept[row.question].append(Quote(text, row.authority if named else None))
        digests = []
        for q in questions:
            answered = context.counts.count(q.id, ANSWERED).n
            quotes = sorted(kept[q.id], key=_quote_order)
            notes = []
            if quoted[q.id] > len(quotes):
                notes.append(f"A selection of {len(quotes)} of the quotable answers.")
            if consent is None:
                notes.append("The consultation asks no consent question, so nothing is quoted.")
            digests.append(
                Digest(
                    question=q.id,
                    title=q.title,
                    text=q.text,
                    quotes=tuple(quotes),
                    withheld_count=coarse(answered - quoted[q.id], context.threshold),
                    notes=tuple(notes),
                )
            )
        return digests

    def _internal(self, context: Context, questions: list[Question]) -> list[Digest]:
        found: dict[str, list[Quote]] = {q.id: [] for q in questions}
        for row in context.rows():
            for qid, quotes in found.items():
                text = row.answers.get(qid)
                if isinstance(text, str) and text.strip():
                    quotes.append(Quote(text, f"{row.authority} ({row.role})"))
        return [
            Digest(
                q.id,
                q.title,
                q.text,
                tuple(sorted(found[q.id], key=_quote_order)),
                0,
                ("Internal: every answer, unredacted and attributed.",),
            )
            for q in questions
        ]


BUILT_IN = (Counting(), CrossTab(), Coverage(), FreeText(), Timeline())
