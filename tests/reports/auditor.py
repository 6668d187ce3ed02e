"""An independent auditor of published tables: can any suppressed figure be worked out?

For each published table it sets up the integer program an attacker would: one non-negative
integer unknown per suppressed figure (inner cells, row totals, column totals, grand total), the
published figures as constants, and every row and column sum as an equality.  It then minimises
and maximises each unknown with ``scipy.optimize.milp``.  A figure whose minimum equals its
maximum is disclosed.  It shares no code with the suppression it checks.

:func:`quote_findings` checks the digests against who wrote what: no words of a respondent
who did not consent to quotation, no respondent's name, no authority that may not be named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

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


# ------------------------------------------------------------------------------------------------
# Quotes: whose words, and what redaction leaves


#: The tag each generated "other" answer carries (``population.tag_of``), so a published quote
#: can be traced to the respondents who wrote it.
_TAG = re.compile(r"\(ref ([a-z]+)\)")


def quote_findings(spec, releases: Sequence[Mapping], snapshots: Sequence[Sequence]) -> list[str]:
    """What the published digests must never hold, checked against who wrote what.

    ``releases`` are public JSON reports and ``snapshots`` the people (``population.Person``)
    behind each.  Found: a quote of words only respondents not consenting to quotation wrote
    (traced by their tag; a tagged answer's quote that lost its tag is untraceable, and found
    too); a word of a respondent's name; an authority's name, or an attribution to one, where
    not every response from it permits naming it."""
    publication = spec.publication
    quote, naming = set(publication.quote), set(publication.name_authority)
    consent = publication.consent_question
    out: list[str] = []
    for data, people in zip(releases, snapshots, strict=True):
        r = data.get("release")
        answered = [p for p in people if p.answers is not None]
        words = {w.casefold() for p in people for w in (p.name or "").split() if len(w) >= 3}
        permits: dict[str, set[bool]] = {}
        names: dict[str, str] = {}
        for p in answered:
            if p.authority.strip():
                unit = p.authority.strip().casefold()
                names[unit] = p.authority
                permits.setdefault(unit, set()).add(p.answers.get(consent) in naming)
        for p in people:
            if p.authority.strip():
                names.setdefault(p.authority.strip().casefold(), p.authority)
        allowed = {unit for unit, flags in permits.items() if flags == {True}}
        for digest in data.get("digests", ()):
            q = digest["question"]
            tagged = {_TAG.search(str(p.answers.get(q, ""))) for p in answered}
            for item in digest.get("quotes") or ():
                text, where = item["text"], f"release {r} {q}: {item['text']!r}"
                found = _TAG.search(text)
                if found is None and any(tagged):
                    out.append(f"untraceable quote, {where}")
                elif found is not None:
                    writers = [p for p in answered if found.group(0) in str(p.answers.get(q, ""))]
                    if not any(p.answers.get(consent) in quote for p in writers):
                        out.append(f"words of a respondent not consenting to quotation, {where}")
                said = set(re.findall(r"[^\W\d_]+", text.casefold()))
                if said & words:
                    out.append(f"a respondent's name ({sorted(said & words)}), {where}")
                for unit, name in names.items():
                    named = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I)
                    if unit not in allowed and named:
                        out.append(f"an authority that may not be named ({name}), {where}")
                by = item.get("attribution")
                if by and by.strip().casefold() not in allowed:
                    out.append(f"attributed to {by}, which may not be named, {where}")
    return out
