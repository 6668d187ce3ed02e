"""Disclosure control: small-cell suppression with secondary suppression, for additive tables.

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

from .model import PRIMARY, SECONDARY, Cell, Heading, Table

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


def _cell(count: Count, why: str | None, total: Count, total_why: str | None) -> Cell:
    if why is not None:
        return Cell(None, why)  # type: ignore[arg-type]
    percent = None
    if total_why is None and total.n > 0:
        percent = round(100 * count.n / total.n, 1)
    return Cell(count.n, None, percent)


def _table(raw: RawTable, why: dict) -> Table:
    grid = raw.grid()
    rows, cols = len(raw.rows), len(raw.columns)

    def cell(i: int, j: int) -> Cell:
        base = (rows, cols) if i == rows else (rows, j)  # percentages of the column's total
        return _cell(grid[i][j], why.get((i, j)), grid[base[0]][base[1]], why.get(base))

    return Table(
        id=raw.id,
        title=raw.title,
        aggregator=raw.aggregator,
        row_label=raw.row_label,
        column_label=raw.column_label,
        rows=raw.rows,
        columns=raw.columns,
        cells=tuple(tuple(cell(i, j) for j in range(cols)) for i in range(rows)),
        row_totals=tuple(cell(i, cols) for i in range(rows)),
        column_totals=tuple(cell(rows, j) for j in range(cols)),
        grand_total=cell(rows, cols),
        question=raw.question,
        unit=raw.unit,
        notes=raw.notes,
    )


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
