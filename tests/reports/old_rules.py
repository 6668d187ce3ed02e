"""The OLD disclosure rules (before issue 12), for tests only: the attacker must break them.

Copied verbatim from ``git show 6bd2750:plugins/surveykit_reports/disclosure.py`` (the import
of the report model made absolute; turning a protected grid into a ``Table``, which issue 12 did
not change, is the current code's), followed by helpers that publish tables under these rules
as the public JSON the attacker reads (:func:`report_json`, through the real JSON exporter's
``table_record``), and :func:`raw_tables` / :func:`digests_json`, which build a question's
tables and digests from a truth dict of ``population.tabulate``.

The original module docstring follows.

Disclosure control: small-cell suppression with secondary suppression, for additive tables.

A table is seen with its margins as an (R+1) x (C+1) grid: inner cells, the row totals as an
extra column, the column totals as an extra row, the grand total in the corner.  Every line of
that grid (a row with its total, a column with its total) is a published sum.

1. *Primary*: a figure is suppressed when it is not zero and holds fewer than ``k`` authorities
   (a respondent without an authority counts as one of their own), which also covers fewer than
   ``k`` respondents.
2. *Secondary*: a suppressed figure alone on its line could be worked out from that line's
   published figures, so the smallest non-zero figure left on the line is suppressed too;
   repeated until no line holds exactly one suppression.
3. That is not yet enough: a suppressed figure can be a *bridge* (on no cycle of suppressed
   figures alternating between rows and columns), and then its value is fixed by the others.
   Every suppressed figure is non-zero, so moving one unit round a cycle keeps every figure
   non-negative: a figure on a cycle can take at least two values.  Bridges are closed by
   suppressing one more figure in their row (else column) and repeating.

The same statistic can appear in several tables (a question's counts are the row totals of its
cross-tabs; the number of leaders is a column total in every cross-tab by role).  Each figure
carries a ``key`` naming the statistic, and :func:`protect_all` repeats the suppression until
every table suppresses every key suppressed anywhere, so no table reveals what another hides.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from attrs import field, frozen

from surveykit_reports.disclosure import _table
from surveykit_reports.export.as_json import table_record
from surveykit_reports.model import PRIMARY, SECONDARY, Heading, Table

__all__ = ["Count", "RawTable", "protect", "protect_all", "unprotected"]


@frozen
class Count:
    """A figure before disclosure control: respondents, distinct authorities, statistic key."""

    n: int
    authorities: int
    key: Hashable | None = None

    @classmethod
    def of(cls, n: int, key: Hashable | None = None) -> Count:
        """A count whose contributors are all different authorities."""
        return cls(n, n, key)


@frozen
class RawTable:
    """An additive table of :class:`Count` as an aggregator makes it; ``section`` says where
    it goes in the report: ``questions``, ``coverage`` or ``timeline``."""

    id: str
    title: str
    aggregator: str
    row_label: str
    column_label: str
    rows: tuple[Heading, ...]
    columns: tuple[Heading, ...]
    cells: tuple[tuple[Count, ...], ...]
    row_totals: tuple[Count, ...]
    column_totals: tuple[Count, ...]
    grand_total: Count
    question: str | None = None
    unit: str = "responses"
    section: str = "questions"
    notes: tuple[str, ...] = field(default=())

    def __attrs_post_init__(self) -> None:
        rows, cols = len(self.rows), len(self.columns)
        if len(self.cells) != rows or any(len(r) != cols for r in self.cells):
            raise ValueError(f"table {self.id}: cells do not match its rows and columns")
        sums = [sum(c.n for c in r) for r in self.cells]
        if [t.n for t in self.row_totals] != sums:
            raise ValueError(f"table {self.id}: a row total is not the sum of its row")
        columns = [sum(r[j].n for r in self.cells) for j in range(cols)]
        if [t.n for t in self.column_totals] != columns:
            raise ValueError(f"table {self.id}: a column total is not the sum of its column")
        if self.grand_total.n != sum(sums):
            raise ValueError(f"table {self.id}: the grand total is not the sum of the table")

    def grid(self) -> list[list[Count]]:
        """The (R+1) x (C+1) grid with the margins."""
        out = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        out.append([*self.column_totals, self.grand_total])
        return out


def _primary(count: Count, k: int) -> bool:
    return count.n > 0 and min(count.n, count.authorities) < k


def _lines(rows: int, cols: int) -> list[list[tuple[int, int]]]:
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    return lines


def _cheapest(candidates: list[tuple[int, int]], grid: list[list[Count]]) -> tuple[int, int]:
    """The smallest non-zero figure, preferring inner cells to totals: the least lost."""
    rows, cols = len(grid), len(grid[0])

    def cost(pos: tuple[int, int]) -> tuple[int, int, int, int]:
        i, j = pos
        return (grid[i][j].n, int(i == rows - 1) + int(j == cols - 1), i, j)

    return min(candidates, key=cost)


def _bridges(hidden: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Suppressed positions on no cycle of the row-column graph they form."""
    adjacent: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for i, j in hidden:
        adjacent.setdefault(("r", i), set()).add(("c", j))
        adjacent.setdefault(("c", j), set()).add(("r", i))
    found = []
    for i, j in sorted(hidden):
        start, goal = ("r", i), ("c", j)
        seen = {start}
        todo = [start]
        while todo:
            node = todo.pop()
            for other in adjacent[node]:
                if {node, other} == {start, goal} or other in seen:
                    continue
                seen.add(other)
                todo.append(other)
        if goal not in seen:
            found.append((i, j))
    return found


def _suppress(grid: list[list[Count]], k: int, forced: set[Hashable]) -> dict:
    """Which positions to suppress, and why: ``{(i, j): PRIMARY | SECONDARY}``."""
    rows, cols = len(grid), len(grid[0])
    why: dict[tuple[int, int], str] = {}
    for i in range(rows):
        for j in range(cols):
            count = grid[i][j]
            if _primary(count, k):
                why[(i, j)] = PRIMARY
            elif count.n > 0 and count.key is not None and count.key in forced:
                why[(i, j)] = SECONDARY
    lines = _lines(rows, cols)
    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                hidden = [p for p in line if p in why]
                if len(hidden) == 1:
                    open_ = [p for p in line if p not in why and grid[p[0]][p[1]].n > 0]
                    if not open_:  # cannot happen for additive tables; hide the line
                        open_ = [p for p in line if p not in why]
                    if open_:
                        why[_cheapest(open_, grid)] = SECONDARY
                        changed = True
        bridges = _bridges(set(why))
        if not bridges:
            return why
        i, j = bridges[0]
        candidates = [(i, c) for c in range(cols) if (i, c) not in why and grid[i][c].n > 0]
        candidates = candidates or [
            (r, j) for r in range(rows) if (r, j) not in why and grid[r][j].n > 0
        ]
        candidates = candidates or [
            (r, c)
            for r in range(rows)
            for c in range(cols)
            if (r, c) not in why and grid[r][c].n > 0
        ]
        if not candidates:  # every figure is hidden already: nothing is left to work from
            return why
        why[_cheapest(candidates, grid)] = SECONDARY


def protect(raw: RawTable, k: int, forced: set[Hashable] | None = None) -> Table:
    """One table with disclosure control applied (see the module docstring)."""
    return _table(raw, _suppress(raw.grid(), k, forced or set()))


def protect_all(raws: Sequence[RawTable], k: int) -> list[Table]:
    """Every table protected, suppressing each shared statistic wherever it appears."""
    forced: set[Hashable] = set()
    grids = [raw.grid() for raw in raws]
    while True:
        decisions = [_suppress(grid, k, forced) for grid in grids]
        hidden = {
            grid[i][j].key
            for grid, why in zip(grids, decisions, strict=True)
            for (i, j) in why
            if grid[i][j].key is not None
        }
        if hidden <= forced:
            return [_table(raw, why) for raw, why in zip(raws, decisions, strict=True)]
        forced |= hidden


def unprotected(raw: RawTable) -> Table:
    """The table as counted, for internal reports: nothing suppressed."""
    return _table(raw, {})


# ------------------------------------------------------------------------------------------------
# Publishing under the old rules, as the public JSON the attacker reads (tests only)

TOTAL = "_total"
ALL = "_all"


def report_json(
    tables: Sequence[Table],
    k: int,
    responses: Count,
    *,
    consultation: str = "test",
    coverage: Sequence[Table] = (),
    digests: Sequence[dict] = (),
    release: int | None = None,
) -> dict:
    """A public report of old-rule tables.  ``responses`` is the number of responses, published
    as the old ``build_report`` did: suppressed wherever a counts table's grand total is, or
    when small."""
    hidden = any(t.aggregator == "counts" and not t.grand_total.shown for t in tables)
    count = None if hidden or _primary(responses, k) else responses.n
    data = {
        "format": "surveykit-report",
        "format_version": 1,
        "public": True,
        "consultation": consultation,
        "title": consultation,
        "threshold": k,
        "responses": {"count": count, "suppressed": count is None, "percent": None},
        "tables": [table_record(t) for t in tables],
        "coverage": [table_record(t) for t in coverage],
        "timeline": None,
        "digests": list(digests),
    }
    if release is not None:
        data["release"] = release
    return data


def _multiple(question) -> bool:
    from surveykit.plugins import get_plugins

    kind = get_plugins().kinds.get(question.kind)
    return bool(question.options) and bool(getattr(kind, "multiple", False))


def raw_tables(spec, truth: dict) -> tuple[list[RawTable], list[RawTable]]:
    """Question tables (counts and cross-tabs by role and authority type, as the old
    aggregators made them) and coverage tables, from a ``population.tabulate`` truth dict;
    every figure's ``key`` is its statistic, so :func:`protect_all` links them."""
    skip = set(spec.publication.identifying)
    questions, coverage = [], []
    for q in spec.questions:
        if q.id in skip:
            continue
        multiple = _multiple(q)
        rows = [Heading(o.value, o.label) for o in q.options] or [Heading("_answered", "Answered")]
        rows.append(Heading("_not_answered", "Not answered"))
        if q.condition is not None:
            rows.append(Heading("_not_shown", "Not shown"))
        dims: list[tuple[str, tuple[Heading, ...]]] = [("", (Heading(ALL, "Responses"),))]
        for d, choices in (("role", spec.roles), ("authority_type", spec.authority_types)):
            values = {o.value for o in q.options}
            if q.id == d or (values and values == {c.value for c in choices}):
                continue
            seen = sorted({key[3] for key in truth if key[:3] == (ALL, ALL, d)})
            known = [c.value for c in choices]
            columns = [Heading(c.value, c.label) for c in choices]
            columns += [Heading(v, v) for v in seen if v not in known]
            dims.append((d, tuple(columns)))
        for d, columns in dims:
            questions.append(_question_table(q.id, q.title, d, rows, columns, multiple, truth))
    for tid in ("coverage-roles", "coverage-authorities"):
        found = {key for key in truth if key[0] == tid}
        if not found:
            continue
        rows = tuple(Heading(v, v) for v in sorted({key[1] for key in found} - {TOTAL}))
        columns = (Heading("responded", "Responded"), Heading("not_responded", "Did not respond"))
        coverage.append(_raw_table(tid, tid, "coverage", rows, columns, None, truth, None))
    return questions, coverage


def _count(truth: dict, key: tuple) -> Count:
    n, authorities = truth.get(key, (0, 0))
    return Count(n, authorities, key)


def _question_table(qid, title, d, rows, columns, multiple, truth) -> RawTable:
    def group(column: Heading) -> str:
        return "" if not d else column.value

    def total(g: str, dd: str) -> tuple:
        return (qid, "_sum", dd, g) if multiple else (ALL, ALL, dd, g)

    return _raw_table(
        f"{qid}-by-{d}" if d else qid,
        title,
        "crosstab" if d else "counts",
        tuple(rows),
        columns,
        qid,
        truth,
        (
            lambda row, column: (qid, row.value, d, group(column)),
            lambda row: (qid, row.value, "", ""),
            lambda column: total(group(column), d),
            total("", ""),
        ),
        ("Respondents could choose several options.",) if multiple else (),
    )


def _raw_table(tid, title, aggregator, rows, columns, qid, truth, keys, notes=()) -> RawTable:
    if keys is None:  # coverage: (table, row, "", column) with _total margins
        keys = (
            lambda row, column: (tid, row.value, "", column.value),
            lambda row: (tid, row.value, "", TOTAL),
            lambda column: (tid, TOTAL, "", column.value),
            (tid, TOTAL, "", TOTAL),
        )
    inner, row_total, column_total, grand = keys
    return RawTable(
        id=tid,
        title=title,
        aggregator=aggregator,
        row_label="",
        column_label="",
        rows=rows,
        columns=columns,
        cells=tuple(tuple(_count(truth, inner(r, c)) for c in columns) for r in rows),
        row_totals=tuple(_count(truth, row_total(r)) for r in rows),
        column_totals=tuple(_count(truth, column_total(c)) for c in columns),
        grand_total=_count(truth, grand),
        question=qid,
        unit="authorities" if tid == "coverage-authorities" else "responses",
        section="coverage" if aggregator == "coverage" else "questions",
        notes=tuple(notes),
    )


def coarse(count: int, k: int) -> int | None:
    """The old digests' withheld count: 0, ``None`` (fewer than k), or rounded down to k."""
    if count <= 0:
        return 0
    return None if count < k else count - count % k


def digests_json(spec, truth: dict, k: int, limit: int = 200) -> list[dict]:
    """Old-rule digests: a placeholder quote per quotable answer (at most ``limit``), with the
    count of answers withheld for want of consent, made coarse."""
    out = []
    consent = spec.publication.consent_question
    for q in spec.questions:
        if q.options or q.id in spec.publication.identifying:
            continue
        answered = truth.get((q.id, "_answered", "", ""), (0, 0))[0]
        quotable = truth.get((q.id, "_quotable", "", ""), (0, 0))[0] if consent else 0
        shown = min(quotable, limit)
        notes = []
        if quotable > shown:
            notes.append(f"A selection of {shown} of the quotable answers.")
        if consent is None:
            notes.append("The consultation asks no consent question, so nothing is quoted.")
        out.append(
            {
                "question": q.id,
                "title": q.title,
                "text": q.text,
                "quotes": [{"text": f"quote {i}", "attribution": None} for i in range(shown)],
                "withheld_count": coarse(answered - quotable, k),
                "notes": notes,
            }
        )
    return out


def publish(spec, truth: dict, k: int, *, release: int | None = None) -> dict:
    """A whole public report of a truth dict under the old rules."""
    questions, coverage = raw_tables(spec, truth)
    protected = protect_all([*questions, *coverage], k)
    return report_json(
        protected[: len(questions)],
        k,
        _count(truth, (ALL, ALL, "", "")),
        consultation=spec.metadata.id,
        coverage=protected[len(questions) :],
        digests=digests_json(spec, truth, k),
        release=release,
    )
