"""An independent auditor of published tables: can any suppressed figure be worked out?

For each published table it sets up the integer program an attacker would: one non-negative
integer unknown per suppressed figure (inner cells, row totals, column totals, grand total), the
published figures as constants, and every row and column sum as an equality.  It then minimises
and maximises each unknown with ``scipy.optimize.milp``.  A figure whose minimum equals its
maximum is disclosed.  It shares no code with the suppression it checks.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

#: Upper bound on any unknown: far above any real count, so it never binds in practice.
BIG = 10**7


def grid(table) -> list[list[int | None]]:
    """The (R+1) x (C+1) published grid of a Table, ``None`` where suppressed."""
    out = [
        [cell.count for cell in row] + [total.count]
        for row, total in zip(table.cells, table.row_totals, strict=True)
    ]
    out.append([c.count for c in table.column_totals] + [table.grand_total.count])
    return out


def ranges(published: list[list[int | None]]) -> dict[tuple[int, int], tuple[int, int]]:
    """The (min, max) each suppressed position can take, given everything published."""
    found = joint_ranges([published], [])
    return {(i, j): span for (_, i, j), span in found.items()}


Position = tuple[int, int, int]  # table, row, column of the (R+1) x (C+1) grid


def joint_ranges(
    grids: list[list[list[int | None]]], links: list[tuple[Position, Position]]
) -> dict[Position, tuple[int, int]]:
    """Ranges of every suppressed figure of several tables solved together: each table's row
    and column sums, plus ``links`` saying two positions hold the same statistic."""
    unknown = [
        (t, i, j)
        for t, published in enumerate(grids)
        for i, row in enumerate(published)
        for j, value in enumerate(row)
        if value is None
    ]
    if not unknown:
        return {}
    index = {pos: n for n, pos in enumerate(unknown)}
    lines: list[list[tuple[Position, int]]] = []
    for t, published in enumerate(grids):
        rows, cols = len(published), len(published[0])
        # Row i: its inner cells minus its total is zero (and the totals row likewise).
        for i in range(rows):
            lines.append([((t, i, j), 1) for j in range(cols - 1)] + [((t, i, cols - 1), -1)])
        for j in range(cols):
            lines.append([((t, i, j), 1) for i in range(rows - 1)] + [((t, rows - 1, j), -1)])
    lines += [[(p, 1), (q, -1)] for p, q in links]
    a = np.zeros((len(lines), len(unknown)))
    b = np.zeros(len(lines))
    for n, line in enumerate(lines):
        for pos, sign in line:
            if pos in index:
                a[n, index[pos]] += sign
            else:
                b[n] -= sign * grids[pos[0]][pos[1]][pos[2]]
    constraints = LinearConstraint(a, b, b)
    integrality = np.ones(len(unknown))
    bounds = Bounds(0, BIG)
    found = {}
    for pos, n in index.items():
        c = np.zeros(len(unknown))
        c[n] = 1
        low = milp(c, constraints=constraints, integrality=integrality, bounds=bounds)
        high = milp(-c, constraints=constraints, integrality=integrality, bounds=bounds)
        assert low.success, (pos, low.message)
        assert high.success, (pos, high.message)
        found[pos] = (round(low.fun), round(-high.fun))
    return found


def disclosed(table) -> list[tuple[int, int]]:
    """Suppressed positions of a Table whose value the published figures pin down."""
    return [pos for pos, (low, high) in ranges(grid(table)).items() if low == high]


def disclosed_jointly(family) -> list[Position]:
    """Suppressed figures pinned down when a question's tables are solved together.

    ``family`` is the question's one-column counts table followed by its cross-tabs: each
    cross-tab's row totals are the counts table's cells, and all share the grand total.
    """
    counts, *crosses = family
    grids = [grid(t) for t in family]
    rows = len(counts.rows)
    links = []
    for t, cross in enumerate(crosses, start=1):
        cols = len(cross.columns)
        links += [((0, i, 0), (t, i, cols)) for i in range(rows + 1)]
    return [pos for pos, (low, high) in joint_ranges(grids, links).items() if low == high]
