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
from collections.abc import Callable, Iterable, Iterator

from attrs import frozen

from surveykit.model import Choice, Metadata, Question
from surveykit.tally import ALL, ANSWERED, WEEK, unit_of, week_of

from .context import Context, Counts
from .disclosure import Count, RawTable, Relation
from .model import (
    NOT_ANSWERED,
    NOT_QUOTABLE,
    NOT_SHOWN,
    OUTSIDE_WINDOW,
    QUOTABLE,
    Digest,
    Heading,
    Quote,
)
from .words import Words

__all__ = ["BUILT_IN", "Counting", "Coverage", "CrossTab", "FreeText", "Timeline"]

#: The one column of a table that is not broken down (compared by identity; what it shows is
#: :func:`total_heading`, in the report's language).
TOTAL = Heading("_all", "Responses")


def total_heading(say: Words) -> Heading:
    """The one column of a table not broken down, as the reader sees it."""
    return Heading(TOTAL.value, say.gettext("Responses"))


def value_label(say: Words, value: str) -> str:
    """The words for the report's own row values: answered, not answered, not shown."""
    return {
        ANSWERED: say.gettext("Answered"),
        NOT_ANSWERED: say.gettext("Not answered"),
        NOT_SHOWN: say.gettext("Not shown (skipped by the form's routing)"),
    }[value]


def question_rows(question: Question, counts: Counts, say: Words) -> tuple[Heading, ...]:
    """A question's rows: its options in spec order, any other values seen, then the blanks."""
    seen = set(counts.values(question.id))
    rows = [Heading(o.value, o.label) for o in question.options]
    if not question.options:
        rows.append(Heading(ANSWERED, value_label(say, ANSWERED)))
    known = {h.value for h in rows} | {NOT_ANSWERED, NOT_SHOWN}
    rows += [Heading(v, v) for v in sorted(seen - known)]
    rows.append(Heading(NOT_ANSWERED, value_label(say, NOT_ANSWERED)))
    if question.condition is not None:
        rows.append(Heading(NOT_SHOWN, value_label(say, NOT_SHOWN)))
    return tuple(rows)


def _key(column: Heading) -> str:
    """How a column's group is named in statistic keys: a combined column by its members, so
    the same statistic has the same key in every release."""
    return "+".join(column.members) if column.members else column.value


def _members(column: Heading) -> tuple[str, ...]:
    return column.members or (column.value,)


Measure = Callable[[str, str | None, tuple[str, ...]], tuple[int, int]]


def heading_of(context: Context, question: Question) -> str:
    """A part's table title: its question's number and text, then the row it stands for."""
    say = context.words
    owner = context.consultation.by_id.get(question.settings.get("row_of", ""))
    if owner is not None:
        return say.gettext("{number}: {question} {row}").format(
            number=owner.title, question=owner.text, row=question.text
        )
    if question.id in context.plan.rankings:
        return say.gettext("{number}: {question} First choices").format(
            number=question.title, question=question.text
        )
    return say.gettext("{number}: {question}").format(number=question.title, question=question.text)


def sensitive_threshold(context: Context, question: Question) -> int | None:
    """A sensitive question's own threshold: the report's, but never below
    :data:`SENSITIVE_THRESHOLD`."""
    return max(context.threshold, SENSITIVE_THRESHOLD) if question.sensitive else None


#: The least threshold for a sensitive question's figures (special-category data).
SENSITIVE_THRESHOLD = 10


def question_table(
    context: Context,
    question: Question,
    dimension: str | None,
    *,
    rows: tuple[Heading, ...] | None = None,
    measure: Measure | None = None,
    notes: tuple[str, ...] = (),
) -> Iterator[RawTable | Relation | Count]:
    """Counts of one question, as one column or by ``role`` / ``authority_type``, with the
    facts an attacker knows about them (combined columns are sums of their groups; a
    multi-answer question's option is chosen by at most everyone in the group).

    ``rows`` and ``measure(value, dimension, groups)`` replace the question's own answers and
    how each is counted (a number's bins, say)."""
    counts = context.counts
    say = context.words
    rows = rows if rows is not None else question_rows(question, counts, say)
    dim = dimension or ""
    columns = (total_heading(say),) if dimension is None else context.columns(dimension)
    if not columns:
        return
    multi = question.id in context.plan.multiple

    def measured(value: str, dimension: str | None, members: tuple[str, ...]) -> tuple[int, int]:
        return counts.in_groups(question.id, value, dimension, members)

    count_of = measure or measured

    def figure(value: str, column: Heading) -> Count:
        if dimension is None or column is TOTAL:
            n, units = count_of(value, None, ())
            return Count(n, units, (question.id, value, "", ""))
        n, units = count_of(value, dimension, _members(column))
        return Count(n, units, (question.id, value, dim, _key(column)))

    def size(column: Heading) -> Count:
        if dimension is None or column is TOTAL:
            n, units = counts.in_groups(ALL, ALL, None, ())
            return Count(n, units, (ALL, ALL, "", ""), fixed=True)
        n, units = counts.in_groups(ALL, ALL, dimension, _members(column))
        return Count(n, units, (ALL, ALL, dim, _key(column)), fixed=True)

    cells = tuple(tuple(figure(row.value, col) for col in columns) for row in rows)
    row_totals = []
    for row, line in zip(rows, cells, strict=True):
        whole = figure(row.value, TOTAL) if dimension else line[0]
        row_totals.append(Count(sum(c.n for c in line), whole.authorities, whole.key))
    sizes = [size(col) for col in columns]
    everyone = size(TOTAL) if dimension else sizes[0]
    column_totals: list[Count] = []
    for j, col in enumerate(columns):
        n = sum(line[j].n for line in cells)
        if multi:
            key = (question.id, "_sum", dim, "" if dimension is None else _key(col))
            column_totals.append(Count(n, sizes[j].authorities, key))
        else:
            column_totals.append(sizes[j])
    n = sum(c.n for c in column_totals)
    grand = Count(n, everyone.authorities, (question.id, "_sum", "", "")) if multi else everyone
    title = heading_of(context, question)
    if dimension == "role":
        title = say.gettext("{title} by role").format(title=title)
    elif dimension == "authority_type":
        title = say.gettext("{title} by type of authority").format(title=title)
    if multi:
        notes = (
            *notes,
            say.gettext(
                "Respondents could choose several options, so options add up to more than "
                "the responses."
            ),
        )
    blanks = (NOT_ANSWERED, NOT_SHOWN)
    answers = tuple(h.value for h in rows if h.value not in blanks) or (ANSWERED,)
    yield RawTable(
        id=f"{question.id}{'' if dimension is None else '-by-' + dimension}",
        title=title,
        aggregator="counts" if dimension is None else "crosstab",
        row_label=say.gettext("Answer"),
        column_label={
            None: "",
            "role": say.gettext("Role"),
            "authority_type": say.gettext("Type of authority"),
        }[dimension],
        rows=rows,
        columns=columns,
        cells=cells,
        row_totals=tuple(row_totals),
        column_totals=tuple(column_totals),
        grand_total=grand,
        question=question.id,
        notes=notes,
        groups="columns",
        answers=answers,
        populations=(*sizes, everyone) if multi else (),
        protect_changes=True,
        threshold=sensitive_threshold(context, question),
    )
    if multi:
        yield from _choices(question.id, rows, cells, sizes)
    for j, col in enumerate(columns):
        if not col.members:
            continue
        # Each group of a combined column is a column no table shows, but whose figures add up
        # like any other and sum to the combined ones: another release may show them.
        groups = [Heading(m, m) for m in col.members]
        parts = [tuple(figure(row.value, g) for row in rows) for g in groups]
        people = [size(g) for g in groups]
        totals = [
            Count(sum(c.n for c in line), p.authorities, (question.id, "_sum", dim, g.value))
            if multi
            else p
            for line, p, g in zip(parts, people, groups, strict=True)
        ]
        yield from (Count(c.n, c.authorities, c.key) for line in parts for c in line)
        yield from (Count(p.n, p.authorities, p.key) for p in people)
        for i in range(len(rows)):
            yield Relation(((cells[i][j].key, 1), *((line[i].key, -1) for line in parts)))
        yield Relation(((sizes[j].key, 1), *((p.key, -1) for p in people)))
        for line, total in zip(parts, totals, strict=True):
            yield Relation(((total.key, -1), *((c.key, 1) for c in line)))
        if multi:
            yield from (Count(t.n, t.authorities, t.key) for t in totals)
            yield Relation(((column_totals[j].key, 1), *((t.key, -1) for t in totals)))
            by_group = tuple(zip(*parts, strict=True))
            yield from _choices(question.id, rows, by_group, people)
            answered = [(question.id, "_respondents", dim, g.value) for g in groups]
            yield Relation(
                (((question.id, "_respondents", dim, _key(col)), 1), *((a, -1) for a in answered))
            )


def _choices(
    question: str,
    rows: tuple[Heading, ...],
    cells: tuple[tuple[Count, ...], ...],
    sizes: list[Count],
) -> Iterator[Relation | Count]:
    """What a reader knows of a multi-answer question's figures in each group: those who
    answered it (the group less its blanks, a count of people that only grows as responses are
    added) chose each option at most once, and at least one option each."""
    blanks = [i for i, h in enumerate(rows) if h.value in (NOT_ANSWERED, NOT_SHOWN)]
    chosen = [i for i in range(len(rows)) if i not in blanks]
    for j, people in enumerate(sizes):
        skipped = [cells[i][j] for i in blanks]
        n = people.n - sum(c.n for c in skipped)
        answered = Count(n, people.authorities, (question, "_respondents", *people.key[2:]))
        yield answered
        yield Relation(
            ((answered.key, 1), *((c.key, 1) for c in skipped), (people.key, -1)), "==", 0
        )
        for i in chosen:
            yield Relation(((answered.key, 1), (cells[i][j].key, -1)), ">=", 0)
        picks = tuple((cells[i][j].key, 1) for i in chosen)
        yield Relation((*picks, (answered.key, -1)), ">=", 0)


def _counted(context: Context) -> Iterator[Question]:
    """The parts counted as tables of their answers: not an "other" option's words (only
    quoted), nor a number or a date (binned: :mod:`surveykit_reports.distributions`)."""
    plan = context.plan
    return (q for q in context.parts if q.id not in plan.others and q.id not in plan.values)


@frozen
class Counting:
    """Counts and percentages of every answer to every question (a ranking's first choices,
    a grid's statements one by one)."""

    name: str = "counts"
    description: str = "counts and percentages per question and option"

    def aggregate(self, context: Context) -> Iterator[RawTable | Relation | Count]:
        for question in _counted(context):
            yield from question_table(context, question, None)


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

    def aggregate(self, context: Context) -> Iterator[RawTable | Relation | Count]:
        for question in _counted(context):
            if question.id in context.never_by_group:
                continue  # special-category data is never shown by role or authority
            for dimension in ("role", "authority_type"):
                if _is_dimension(context, question, dimension):
                    continue  # "role by role" says nothing the counts do not
                yield from question_table(context, question, dimension)


#: The columns of a coverage table (see :func:`responded` for what they say).
RESPONDED = (Heading("responded", "Responded"), Heading("not_responded", "Did not respond"))


def responded(say: Words) -> tuple[Heading, Heading]:
    return (
        Heading(RESPONDED[0].value, say.gettext("Responded")),
        Heading(RESPONDED[1].value, say.gettext("Did not respond")),
    )


def _headings(choices: tuple[Choice, ...], seen: list[str]) -> tuple[Heading, ...]:
    columns = [Heading(c.value, c.label) for c in choices]
    known = {c.value for c in choices}
    return tuple(columns + [Heading(v, v) for v in seen if v not in known])


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
        say = context.words
        types = _headings(context.consultation.authority_types, sorted(set(kinds.values())))
        yield _coverage_table(
            "coverage-authorities",
            say.gettext("Authorities on the roster that responded, by type of authority"),
            say.gettext("Type of authority"),
            types,
            {key: Count.of(n) for key, n in by_type.items()},
            "authorities",
            say=say,
        )
        roles = _headings(context.consultation.roles, sorted({r for r, _ in people}))
        yield _coverage_table(
            "coverage-roles",
            say.gettext("People on the roster who responded, by role"),
            say.gettext("Role"),
            roles,
            {key: Count(n, len(units[key])) for key, n in people.items()},
            "respondents",
            units,
            say=say,
        )


def _coverage_table(
    table_id: str,
    title: str,
    row_label: str,
    rows: tuple[Heading, ...],
    figures: dict[tuple[str, bool], Count],
    unit: str,
    units: dict[tuple[str, bool], set[str]] | None = None,
    *,
    say: Words,
) -> RawTable:
    """Rows by responded / did not respond.  ``units`` (the authorities behind each figure)
    gives the totals their distinct authorities; without it every figure counts authorities.
    Each figure's key names the table, row and column, so releases can be compared."""
    empty = Count(0, 0)

    def keyed(count: Count, row: str, column: str) -> Count:
        return Count(count.n, count.authorities, ("_coverage", table_id, row, column))

    cells = tuple(
        (
            keyed(figures.get((r.value, True), empty), r.value, "responded"),
            keyed(figures.get((r.value, False), empty), r.value, "not_responded"),
        )
        for r in rows
    )

    def distinct(keys: list[tuple[str, bool]], n: int) -> int:
        if units is None:
            return n
        return len(set().union(*(units.get(key, set()) for key in keys)))

    row_totals = tuple(
        keyed(
            Count(a.n + b.n, distinct([(r.value, True), (r.value, False)], a.n + b.n)),
            r.value,
            "_total",
        )
        for r, (a, b) in zip(rows, cells, strict=True)
    )
    column_totals = tuple(
        keyed(
            Count(
                sum(line[j].n for line in cells),
                distinct([(r.value, j == 0) for r in rows], sum(line[j].n for line in cells)),
            ),
            "_total",
            RESPONDED[j].value,
        )
        for j in range(2)
    )
    everyone = [(r.value, flag) for r in rows for flag in (True, False)]
    total = sum(c.n for c in column_totals)
    grand = keyed(Count(total, distinct(everyone, total)), "_total", "_total")
    return RawTable(
        id=table_id,
        title=title,
        aggregator="coverage",
        row_label=row_label,
        column_label="",
        rows=rows,
        columns=responded(say),
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand,
        unit=unit,
        section="coverage",
        groups="rows",
        answers=("responded",),
    )


def window_weeks(meta: Metadata) -> tuple[str | None, str]:
    """The Mondays starting the first and the last week the consultation is open in, in its
    time zone; the first is ``None`` when it has no opening date."""
    first = None if meta.opens_at is None else week_of(meta.opens_at, meta.zone)
    return first, week_of(meta.closes_at - dt.timedelta(microseconds=1), meta.zone)


@frozen
class Timeline:
    """Responses by the week they were received: never finer, so no response meets its link.

    The weeks listed are those of the consultation's window (its opening, or its first response,
    to its closing, as the spec or a demonstration's reopening sets them), so a stray paper
    response from years before cannot make the table a thousand weeks of zeros.  Responses
    received in any other week are one last row, :data:`OUTSIDE_WINDOW`, protected like every
    other figure; it is always there, zero included, so its presence says nothing.
    """

    name: str = "timeline"
    description: str = "current responses by week received"

    def aggregate(self, context: Context) -> Iterator[RawTable]:
        counts = context.counts
        weeks = counts.weeks()
        if not weeks:
            return
        opening, closing = window_weeks(context.consultation.metadata)
        inside = [w for w in weeks if (opening is None or opening <= w) and w <= closing]
        outside = sorted(set(weeks) - set(inside))
        mondays: list[dt.date] = []
        if inside:
            first, last = dt.date.fromisoformat(inside[0]), dt.date.fromisoformat(inside[-1])
            mondays = [first + dt.timedelta(days=d) for d in range(0, (last - first).days + 1, 7)]
        say = context.words
        rows = (
            *(
                Heading(m.isoformat(), say.gettext("Week starting {date}").format(date=say.date(m)))
                for m in mondays
            ),
            Heading(OUTSIDE_WINDOW, say.gettext("Outside the consultation's window")),
        )
        cells = (
            *((_week(counts, m.isoformat()),) for m in mondays),
            (Count(*counts.among(WEEK, outside), (WEEK, OUTSIDE_WINDOW, "", "")),),
        )
        closes = say.closing(context.consultation.metadata.closes)
        total = counts.in_groups(ALL, ALL, None, ())
        everyone = Count(*total, (ALL, ALL, "", ""), fixed=True)
        yield RawTable(
            id="timeline",
            title=say.gettext("Responses by week received"),
            aggregator=self.name,
            row_label=say.gettext("Week"),
            column_label="",
            rows=rows,
            columns=(total_heading(say),),
            cells=cells,
            row_totals=tuple(c[0] for c in cells),
            column_totals=(everyone,),
            grand_total=everyone,
            section="timeline",
            notes=(
                say.gettext(
                    "Counted by the week each current response was received (weeks start on "
                    "Monday), never by day or time."
                ),
                say.gettext(
                    "The weeks are those the consultation was open in, up to its closing "
                    "({closes}); responses received in any other week are counted together as "
                    "outside the consultation's window."
                ).format(closes=closes),
            ),
        )


def _week(counts: Counts, monday: str) -> Count:
    return Count(*counts.in_groups(WEEK, monday, None, ()), (WEEK, monday, "", ""))


def _quote_order(quote: Quote) -> tuple[str, str]:
    return (quote.text.casefold(), quote.attribution or "")


@frozen
class FreeText:
    """The free-text answers each question received, quotable ones only, redacted.

    Beside each digest it yields the question's *quoting table*: how many answers may be quoted
    and how many may not.  The quotes themselves publish the first figure, so disclosure control
    decides them as figures, and a digest shows quotes only where that table is published
    (:func:`~surveykit_reports.build.build_report` sees to it)."""

    name: str = "free_text"
    description: str = "free-text digests: consenting respondents' words, redacted"

    def aggregate(self, context: Context) -> Iterable[Digest | RawTable | Relation]:
        questions = [q for q in context.parts if q.id in context.quoted]
        if not questions:
            return []
        if context.internal:
            return self._internal(context, questions)
        return self._public(context, questions)

    def _public(
        self, context: Context, questions: list[Question]
    ) -> list[Digest | RawTable | Relation]:
        publication = context.publication
        consent = publication.consent_question
        kept: dict[str, list[Quote]] = {q.id: [] for q in questions}
        quoted = dict.fromkeys(kept, 0)
        units: dict[str, set[str]] = {q.id: set() for q in questions}
        quoting = consent is not None and bool(publication.quote)
        if quoting:
            naming = set(publication.name_authority)
            # At most max_quotes per question, chosen alongside the counts where possible.
            rows = [row for row in context.quotable_texts() if row.question in kept]
            redact = context.redactor_for(row.text for row in rows)
            for row in rows:
                quoted[row.question] = row.answered
                unit = unit_of(row.authority, row.respondent_id)
                units[row.question].add(unit)
                named = row.consent in naming and unit in context.naming_units
                text = redact(row.text, own_name=row.name)
                kept[row.question].append(Quote(text, row.authority if named else None))
        out: list[Digest | RawTable | Relation] = []
        say = context.words
        for q in questions:
            quotes = sorted(kept[q.id], key=_quote_order)
            notes = []
            if quoted[q.id] > len(quotes):
                selection = say.ngettext(
                    "A selection of {n} of the quotable answers.",
                    "A selection of {n} of the quotable answers.",
                    len(quotes),
                )
                notes.append(selection.format(n=len(quotes)))
            if not quoting:
                notes.append(
                    say.gettext("The consultation asks no consent question, so nothing is quoted.")
                )
            else:
                out += _quoting(context, q, quoted[q.id], len(units[q.id]))
            out.append(Digest(q.id, q.title, q.text, tuple(quotes), None, tuple(notes)))
        return out

    def _internal(
        self, context: Context, questions: list[Question]
    ) -> list[Digest | RawTable | Relation]:
        found: dict[str, list[Quote]] = {q.id: [] for q in questions}
        publication = context.publication
        consent = publication.consent_question
        permitted = set(publication.quote)
        quotable = dict.fromkeys(found, 0)
        units: dict[str, set[str]] = {q.id: set() for q in questions}
        for row in context.rows():
            allowed = consent is not None and row.answers.get(consent) in permitted
            for qid, quotes in found.items():
                text = row.answers.get(qid)
                if isinstance(text, str) and text.strip():
                    quotes.append(Quote(text, f"{row.authority} ({row.role})"))
                    if allowed:
                        quotable[qid] += 1
                        units[qid].add(unit_of(row.authority, row.respondent_id))
        out: list[Digest | RawTable | Relation] = []
        for q in questions:
            if consent is not None and permitted:
                out += _quoting(context, q, quotable[q.id], len(units[q.id]))
            out.append(
                Digest(
                    q.id,
                    q.title,
                    q.text,
                    tuple(sorted(found[q.id], key=_quote_order)),
                    None,
                    (context.words.gettext("Internal: every answer, unredacted and attributed."),),
                )
            )
        return out


def _quoting(
    context: Context, question: Question, quotable: int, quotable_units: int
) -> Iterator[RawTable | Relation]:
    """The quoting table: answers that may be quoted and answers that may not.

    Distinct authorities behind the quotable answers are counted among those chosen (all of
    them unless there are more than ``max_quotes``): a lower bound, so never too few are
    suppressed.  The others' authorities are bounded below the same way."""
    answered, answered_units = context.counts.in_groups(question.id, ANSWERED, None, ())
    rest = answered - quotable
    rest_units = max(min(rest, 1), answered_units - quotable_units)
    may = Count(quotable, min(quotable, quotable_units), (question.id, QUOTABLE, "", ""))
    may_not = Count(rest, rest_units, (question.id, NOT_QUOTABLE, "", ""))
    total = Count(answered, answered_units, (question.id, ANSWERED, "", ""))
    say = context.words
    yield RawTable(
        id=f"{question.id}-quoting",
        title=say.gettext("{number}: answers that may be quoted").format(number=question.title),
        aggregator="free_text",
        row_label=say.gettext("Consent to quotation"),
        column_label="",
        rows=(
            Heading(QUOTABLE, say.gettext("May be quoted")),
            Heading(NOT_QUOTABLE, say.gettext("May not be quoted")),
        ),
        columns=(total_heading(say),),
        cells=((may,), (may_not,)),
        row_totals=(may, may_not),
        column_totals=(total,),
        grand_total=total,
        question=question.id,
        groups="columns",
        answers=(QUOTABLE, NOT_QUOTABLE),
        protect_changes=True,
    )
    owner, option = question.settings.get("other_of"), question.settings.get("option")
    if owner in context.plan.options:
        # An "other" option's words are written only by those who chose it.
        yield Relation((((question.id, ANSWERED, "", ""), 1), ((owner, option, "", ""), -1)), "<=")
    publication = context.publication
    consent = publication.consent_question
    if consent in context.plan.options and consent not in context.plan.multiple:
        # At most everyone who permits quoting may be quoted; at most everyone else may not.
        permitted = [((consent, v, "", ""), 1) for v in publication.quote]
        yield Relation(((may.key, 1), *((k, -c) for k, c in permitted)), "<=", 0)
        yield Relation(((may_not.key, 1), ((ALL, ALL, "", ""), -1), *permitted), "<=", 0)


BUILT_IN = (Counting(), CrossTab(), Coverage(), FreeText(), Timeline())
