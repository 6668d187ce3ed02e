"""Disclosure control: which figures of a report may be published, against a stated attacker.

Aggregators describe what they counted as :class:`RawTable` objects of :class:`Count` figures,
each naming the *statistic* it shows with a ``key`` (the same statistic in several tables has
one key), plus any :class:`~surveykit_reports.protection.Relation` the attacker can derive from
the spec and :class:`Count` statistics that are never shown themselves (the parts of a combined
group).  :func:`protect_all` then decides, for all of them at once and jointly with every
earlier release of the consultation (:class:`Tabulation`), what is suppressed:

1. *Primary*: a figure that is not zero and holds fewer than ``k`` respondents or fewer than
   ``k`` authorities (a respondent without an authority counts as one of their own).
2. *Protection*: the attacker (docs/disclosure.md: every release, every rule, every fact the spec
   implies, an integer-program solver) must not be able to narrow a primary figure ``n`` inside
   ``[max(0, n - p), min(n + p, U)]``, where ``p`` = :func:`protection_level` and ``U`` is the
   most the figure could be given the group sizes and totals published on its lines; nor to
   show that every member of a group gave one answer; nor to work out, by comparing releases,
   a change of fewer than ``k`` in any answer's figure.  Zeros are ordinary figures: they are
   suppressed when a zero would give another figure away.
3. Secondary suppression is chosen by :mod:`surveykit_reports.protection`, which proves each of
   those with a witness: a whole set of tables consistent with everything published in which
   the protected fact is false.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal

from attrs import define, field, frozen

from surveykit.tally import ALL

from .model import PRIMARY, SECONDARY, Cell, Heading, Table
from .protection import Need, Relation, Statistic, System, Unprotectable, solve

__all__ = [
    "Count",
    "RawTable",
    "Relation",
    "Tabulation",
    "Unprotectable",
    "protect",
    "protect_all",
    "protection_level",
    "unprotected",
]

GroupAxis = Literal["columns", "rows", "none"]


def protection_level(k: int) -> int:
    """How far either side of a small figure the attacker must be unable to rule out: half the
    threshold, rounded up (so the interval they cannot narrow is at least ``k`` wide)."""
    return math.ceil(k / 2)


@frozen
class Count:
    """A figure before disclosure control: respondents, distinct authorities, statistic key.

    ``fixed`` marks a figure the report always publishes (the number of responses, the size of
    each group a table is broken down by): it is never chosen for secondary suppression, which
    keeps the questions' tables apart in the attacker's system.  A fixed figure that is small is
    still suppressed.
    """

    n: int
    authorities: int
    key: Hashable | None = None
    fixed: bool = False

    @classmethod
    def of(cls, n: int, key: Hashable | None = None) -> Count:
        """A count whose contributors are all different authorities."""
        return cls(n, n, key)


@frozen
class RawTable:
    """An additive table of :class:`Count` as an aggregator makes it; ``section`` says where
    it goes in the report: ``questions``, ``coverage`` or ``timeline``.

    ``groups`` says which lines are groups of people (``"columns"`` for a question by role,
    ``"rows"`` for coverage by type, ``"none"``), ``answers`` which values along the other axis
    are answers (a group all giving one is a disclosure), and ``populations`` the number of
    respondents in each group line including the total line, when that is not the line's total
    (multi-answer questions count choices).  ``protect_changes`` says whether a change between
    releases in its figures reveals answers (questions: yes; who responded: no).
    """

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
    groups: GroupAxis = "none"
    answers: tuple[str, ...] = ()
    populations: tuple[Count, ...] = ()
    protect_changes: bool = False
    #: A threshold of the table's own for the figures of its question, when higher than the
    #: report's: a sensitive question's (docs/disclosure.md).  Group sizes keep the report's.
    threshold: int | None = None

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


Key = tuple  # statistic keys are tuples of strings, so they survive JSON


def _key(count: Count, table: str, i: int, j: int) -> Key:
    if count.key is None:
        return ("_cell", table, str(i), str(j))
    key = count.key
    return (
        tuple("" if part is None else str(part) for part in key)
        if isinstance(key, tuple)
        else (str(key),)
    )


@frozen
class Shape:
    """Where a table's figures are, by statistic, and which facts about it are protected."""

    id: str
    grid: tuple[tuple[Key, ...], ...]
    groups: GroupAxis
    answers: tuple[int, ...]
    populations: tuple[Key, ...]
    protect_changes: bool


@define
class Tabulation:
    """One release's statistics: true values, shapes, relations, and what was suppressed.

    It is what the store keeps (confidentially) beside each published report, so the next
    report can be protected jointly with it.
    """

    threshold: int
    protection: int
    values: dict[Key, tuple[int, int]]
    shapes: list[Shape]
    relations: list[Relation]
    hidden: set[Key]
    fixed: set[Key]
    suppressed: set[Key] = field(factory=set)
    #: Statistics with a threshold of their own, higher than ``threshold`` (sensitive ones).
    thresholds: dict[Key, int] = field(factory=dict)
    #: Summary figures published (means, quartiles): key -> (contributors, value), so the next
    #: release can tell whether publishing its own would let them be differenced.
    summaries: dict[Key, tuple[int, Any]] = field(factory=dict)

    def k_of(self, key: Key) -> int:
        """The threshold a statistic is protected at."""
        return self.thresholds.get(key, self.threshold)

    def p_of(self, key: Key) -> int:
        """The protection level of a statistic: half its threshold, rounded up."""
        k = self.thresholds.get(key)
        return self.protection if k is None else protection_level(k)

    @classmethod
    def of(
        cls,
        raws: Sequence[RawTable],
        k: int,
        relations: Iterable[Relation] = (),
        hidden: Iterable[Count] = (),
    ) -> Tabulation:
        values: dict[Key, tuple[int, int]] = {}
        fixed: set[Key] = set()
        thresholds: dict[Key, int] = {}
        shapes = []
        for raw in raws:
            grid = raw.grid()
            keys = tuple(
                tuple(_key(c, raw.id, i, j) for j, c in enumerate(line))
                for i, line in enumerate(grid)
            )
            for line, counts in zip(keys, grid, strict=True):
                for key, count in zip(line, counts, strict=True):
                    values[key] = (count.n, count.authorities)
                    if count.fixed and not _small(count.n, count.authorities, k):
                        fixed.add(key)
                    own = raw.threshold
                    if own is not None and own > k and not count.fixed and not _whole(key):
                        thresholds[key] = max(own, thresholds.get(key, own))
            populations = []
            for m, count in enumerate(raw.populations):
                key = _key(count, raw.id, -1, m)
                values[key] = (count.n, count.authorities)
                populations.append(key)
            along = raw.columns if raw.groups == "rows" else raw.rows
            answers = tuple(i for i, h in enumerate(along) if h.value in raw.answers)
            shapes.append(
                Shape(raw.id, keys, raw.groups, answers, tuple(populations), raw.protect_changes)
            )
        unseen = set()
        for count in hidden:
            key = _key(count, "_hidden", 0, 0)
            values.setdefault(key, (count.n, count.authorities))
            unseen.add(key)
        shown = {k for s in shapes for line in s.grid for k in line}
        return cls(
            threshold=k,
            protection=protection_level(k),
            values=values,
            shapes=shapes,
            relations=list(relations),
            hidden=unseen - shown,
            fixed=fixed,
            thresholds=thresholds,
        )

    def shown(self) -> set[Key]:
        return {k for s in self.shapes for line in s.grid for k in line}

    def to_json(self) -> str:
        return json.dumps(
            {
                "threshold": self.threshold,
                "protection": self.protection,
                "values": [[list(k), n, a] for k, (n, a) in self.values.items()],
                "shapes": [
                    {
                        "id": s.id,
                        "grid": [[list(k) for k in line] for line in s.grid],
                        "groups": s.groups,
                        "answers": list(s.answers),
                        "populations": [list(k) for k in s.populations],
                        "protect_changes": s.protect_changes,
                    }
                    for s in self.shapes
                ],
                "relations": [
                    [[[list(k), c] for k, c in r.terms], r.sense, r.rhs] for r in self.relations
                ],
                "hidden": [list(k) for k in self.hidden],
                "fixed": [list(k) for k in self.fixed],
                "suppressed": [list(k) for k in self.suppressed],
                "thresholds": [[list(k), t] for k, t in self.thresholds.items()],
                "summaries": [[list(k), n, v] for k, (n, v) in self.summaries.items()],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Tabulation:
        data: dict[str, Any] = json.loads(text)
        return cls(
            threshold=data["threshold"],
            protection=data["protection"],
            values={tuple(k): (n, a) for k, n, a in data["values"]},
            shapes=[
                Shape(
                    s["id"],
                    tuple(tuple(tuple(k) for k in line) for line in s["grid"]),
                    s["groups"],
                    tuple(s["answers"]),
                    tuple(tuple(k) for k in s["populations"]),
                    s["protect_changes"],
                )
                for s in data["shapes"]
            ],
            relations=[
                Relation(tuple((tuple(k), c) for k, c in terms), sense, rhs)
                for terms, sense, rhs in data["relations"]
            ],
            hidden={tuple(k) for k in data["hidden"]},
            fixed={tuple(k) for k in data["fixed"]},
            suppressed={tuple(k) for k in data["suppressed"]},
            thresholds={tuple(k): t for k, t in data.get("thresholds", [])},
            summaries={tuple(k): (n, v) for k, n, v in data.get("summaries", [])},
        )


def _whole(key: Key) -> bool:
    """A group's size, or a multi-answer question's total of choices over a group (which
    grows with every respondent, as the group does): kept at the report's threshold, as who
    responded, even in a sensitive question's table."""
    return key[:1] == (ALL,) or key[1:2] in (("_sum",), ("_respondents",))


def describe(key: Key) -> str:
    """A statistic in words, for messages: "q4 'no' among role 'other'"."""
    if len(key) != 4:
        return "a figure of " + " ".join(str(part) for part in key if part)
    question, value, dimension, group = key
    among = f" among {dimension.replace('_', ' ')} {group!r}" if dimension else ""
    if question == ALL:
        return f"the number of responses{among}"
    if question == "_coverage":
        return f"coverage figure {value!r} / {group!r}"
    words = {"_not_answered": "not answered", "_not_shown": "not shown", "_answered": "answered"}
    return f"question {question} {words.get(value, repr(value))}{among}"


def _small(n: int, authorities: int, k: int) -> bool:
    return n > 0 and min(n, authorities) < k


# The attacker's system over every release -----------------------------------------------------

Tag = str  # "new" or an earlier release's number as text


def _additivity(shape: Shape) -> Iterable[tuple[tuple[Key, int], ...]]:
    grid = shape.grid
    rows, cols = len(grid), len(grid[0])
    for i in range(rows):
        yield (*((grid[i][j], 1) for j in range(cols - 1)), (grid[i][cols - 1], -1))
    for j in range(cols):
        yield (*((grid[i][j], 1) for i in range(rows - 1)), (grid[rows - 1][j], -1))


def _limits(tab: Tabulation) -> dict[Key, int]:
    """For each shown statistic, the most it could be given the fixed totals on its lines and
    the number of responses: no rule can make the attacker doubt what those already say."""
    out: dict[Key, int] = {}
    for shape in tab.shapes:
        grid = shape.grid
        rows, cols = len(grid), len(grid[0])
        for i in range(rows):
            for j in range(cols):
                lines = {grid[i][cols - 1], grid[rows - 1][j], grid[rows - 1][cols - 1]}
                if shape.populations and shape.groups == "columns":
                    lines.add(shape.populations[j])
                lines.discard(grid[i][j])
                bound = min((tab.values[key][0] for key in lines if key in tab.fixed), default=None)
                if bound is not None:
                    key = grid[i][j]
                    out[key] = min(out.get(key, bound), bound)
    # And a count of respondents is at most everyone who responded.
    everyone = (ALL, ALL, "", "")
    if everyone in tab.fixed:
        most = tab.values[everyone][0]
        for key in tab.shown():
            if key[1] not in ("_sum", "_respondents") and key[0] != "_coverage":
                out[key] = min(out.get(key, most), most)
    return out


def _own_needs(tab: Tabulation, tag: Tag) -> list[Need]:
    """What must stay unknown about one release taken with everything else."""
    needs = []
    limits = _limits(tab)
    for key in sorted(tab.shown() - tab.fixed):
        n, authorities = tab.values[key]
        p = tab.p_of(key)
        if not _small(n, authorities, tab.k_of(key)):
            continue
        name = (tag, key)
        needs.append(
            Need(
                Relation(((name, 1),), "<=", max(0, n - p)),
                f"{describe(key)} could be worked out too closely",
            )
        )
        high = min(n + p, limits.get(key, n + p))
        if high > n:
            needs.append(
                Need(
                    Relation(((name, 1),), ">=", high),
                    f"{describe(key)} could be worked out too closely",
                )
            )
    for shape in tab.shapes:
        needs += _homogeneity(tab, shape, tag)
    return needs


def _homogeneity(tab: Tabulation, shape: Shape, tag: Tag) -> list[Need]:
    """A group every member of which gave one answer must not be shown to have."""
    if shape.groups == "none" or not shape.answers:
        return []
    grid = shape.grid
    if shape.groups == "rows":
        grid = tuple(zip(*grid, strict=True))
    needs = []
    totals = grid[-1]
    for g in range(len(totals)):
        population = shape.populations[g] if shape.populations else totals[g]
        size = tab.values[population][0]
        if size < 1:
            continue
        for a in shape.answers:
            cell = grid[a][g]
            if tab.values[cell][0] == size:
                terms = (((tag, population), 1), ((tag, cell), -1))
                needs.append(
                    Need(
                        Relation(terms, ">=", 1),
                        f"{describe(cell)} would show a whole group answering alike",
                    )
                )
    return needs


def _change_keys(tab: Tabulation) -> set[Key]:
    """Figures whose change between releases would reveal answers: those of tables that say so,
    and the never-shown parts of their combined columns (another release may show them)."""
    shown = {
        key for shape in tab.shapes if shape.protect_changes for line in shape.grid for key in line
    }
    parts = {key for key in tab.hidden if key[:1] != (ALL,) and key[1:2] != (ALL,)}
    # A multi-answer question's total of choices grows with every respondent, like the number
    # of responses: its change is who arrived, and each option's change is still protected.
    return {key for key in shown | parts if key[1] not in ("_sum", "_respondents")} - tab.fixed


def _changes(old: Tabulation, old_tag: Tag, new: Tabulation, new_tag: Tag) -> list[Need]:
    """Changes between two releases of fewer than ``k`` in any answer's figure stay unknown:
    a figure both show, and a combined column's figure against the sum of its groups in a
    release that showed them (or combined them differently)."""
    needs = []
    k = new.threshold
    old_keys, new_keys = _change_keys(old), _change_keys(new)
    sums = [(key, (key,)) for key in sorted(old_keys & new_keys)]
    defined = {**_definitions(old), **_definitions(new)}
    for key in sorted((old_keys | new_keys) - (old_keys & new_keys)):
        parts = _parts(key)
        if len(parts) > 1:
            sums.append((key, parts))
        elif key in defined:
            sums.append((key, defined[key]))
    for key, parts in sums:
        before = _sum_of(old, key, parts)
        after = _sum_of(new, key, parts)
        if before is None or after is None:
            continue
        change = sum(new.values[p][0] for p in after) - sum(old.values[p][0] for p in before)
        if change != 0 and abs(change) < max(k, new.k_of(key), old.k_of(key)):
            terms = (*(((new_tag, p), 1) for p in after), *(((old_tag, p), -1) for p in before))
            needs.append(
                Need(
                    Relation(terms, "==", 0),
                    f"the change in {describe(key)} since an earlier report would show",
                )
            )
    return needs


def _definitions(tab: Tabulation) -> dict[Key, tuple[Key, ...]]:
    """Statistics a release gives as the sum of others (a merged range of a number's or a
    date's bins is the sum of its base bins): another release that merged the bins otherwise
    holds the same sum, so the change in it must be protected too."""
    out: dict[Key, tuple[Key, ...]] = {}
    for relation in tab.relations:
        if relation.sense != "==" or relation.rhs != 0 or len(relation.terms) < 2:
            continue
        (head, sign), *rest = relation.terms
        if sign == 1 and all(c == -1 for _, c in rest):
            out.setdefault(head, tuple(key for key, _ in rest))
    return out


def _parts(key: Key) -> tuple[Key, ...]:
    """The statistics a combined column's figure adds up: its groups' figures."""
    if len(key) != 4 or "+" not in key[3]:
        return (key,)
    question, value, dimension, group = key
    return tuple((question, value, dimension, member) for member in group.split("+"))


def _sum_of(tab: Tabulation, key: Key, parts: tuple[Key, ...]) -> tuple[Key, ...] | None:
    """How a release holds a figure: itself, or as the sum of its groups' figures."""
    if key in tab.values:
        return (key,)
    if all(part in tab.values for part in parts):
        return parts
    return None


def _growth(old: Tabulation, old_tag: Tag, new: Tabulation, new_tag: Tag) -> list[Relation]:
    """When no count of responses fell between two releases, an attacker may assume only
    responses were added, so none could: say so.  (Coverage's "did not respond" falls as people
    respond, and says nothing about answers, so it neither counts nor is constrained.)"""
    common = sorted(k for k in set(old.values) & set(new.values) if k[:1] != ("_coverage",))
    if any(new.values[key][0] < old.values[key][0] for key in common):
        return []
    return [Relation((((new_tag, key), 1), ((old_tag, key), -1)), ">=", 0) for key in common]


def _system(new: Tabulation, earlier: Sequence[Tabulation]) -> System:
    statistics: dict[Any, Statistic] = {}
    relations: list[Relation] = []
    releases = [(str(n), tab) for n, tab in enumerate(earlier, start=1)] + [("new", new)]
    for tag, tab in releases:
        counts: dict[Key, int] = {}
        for shape in tab.shapes:
            for line in shape.grid:
                for key in line:
                    counts[key] = counts.get(key, 0) + 1
        for key, (n, authorities) in tab.values.items():
            if tag != "new":
                state = "hidden" if key in tab.suppressed or key in tab.hidden else "fixed"
            elif key in tab.hidden or key not in counts:
                state = "hidden"
            elif key in tab.fixed:
                state = "fixed"
            elif _small(n, authorities, tab.k_of(key)):
                state = "suppressed"
            else:
                state = "published"
            cost = counts.get(key, 1) + 0.1 * math.log1p(n)
            statistics[(tag, key)] = Statistic(n, state, cost)
        for shape in tab.shapes:
            relations += [
                Relation(tuple(((tag, k), c) for k, c in terms)) for terms in _additivity(shape)
            ]
        relations += [
            Relation(tuple(((tag, k), c) for k, c in r.terms), r.sense, r.rhs)
            for r in tab.relations
        ]
    for (old_tag, old), (new_tag, newer) in itertools.combinations(releases, 2):
        relations += _growth(old, old_tag, newer, new_tag)
    return System(statistics, relations)


def _needs(new: Tabulation, earlier: Sequence[Tabulation]) -> list[Need]:
    releases = [(str(n), tab) for n, tab in enumerate(earlier, start=1)] + [("new", new)]
    needs = []
    for tag, tab in releases:
        needs += _own_needs(tab, tag)
    for i, (old_tag, old) in enumerate(releases):
        for new_tag, newer in releases[i + 1 :]:
            needs += _changes(old, old_tag, newer, new_tag)
    return needs


def decide(new: Tabulation, earlier: Sequence[Tabulation] = ()) -> tuple[set[Key], System]:
    """The statistics of ``new`` to suppress, jointly with the ``earlier`` releases.

    Raises :class:`Unprotectable` when earlier releases already give away something this one
    must keep (then nothing short of not publishing protects it)."""
    needs = _needs(new, earlier)
    system = _system(new, earlier)
    system.links = [need.relation for need in needs]
    failed = solve(system, needs)
    if failed:
        raise Unprotectable(failed[0].why)
    for key, stat in system.statistics.items():
        tag, inner = key
        if stat.state != "suppressed":
            continue
        if tag == "new" and not system.moves(key):
            stat.state = "published"  # pinned by what is published anyway: hiding it is empty
    for tag, tab in [(str(n), t) for n, t in enumerate(earlier, start=1)]:
        for inner in tab.suppressed:
            key = (tag, inner)
            if (
                not system.moves(key)
                and not system.meet(Need(Relation(((key, 1),), ">=", tab.values[inner][0] + 1), ""))
                and not system.meet(Need(Relation(((key, 1),), "<=", tab.values[inner][0] - 1), ""))
            ):
                raise Unprotectable(
                    f"{describe(inner)} in report {tag} would be worked out exactly"
                )
    suppressed = {
        inner
        for (tag, inner), s in system.statistics.items()
        if tag == "new" and s.state == "suppressed"
    }
    return suppressed, system


# Tables as published ---------------------------------------------------------------------------


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


def protect_all(
    raws: Sequence[RawTable],
    k: int,
    *,
    relations: Iterable[Relation] = (),
    hidden: Iterable[Count] = (),
    earlier: Sequence[Tabulation] = (),
) -> tuple[list[Table], Tabulation]:
    """Every table protected jointly with the ``earlier`` releases; also the new release's
    :class:`Tabulation` (with what it suppressed), to be kept beside the published report."""
    tab = Tabulation.of(raws, k, relations, hidden)
    suppressed, _ = decide(tab, earlier)
    tab.suppressed = suppressed
    tables = []
    for raw, shape in zip(raws, tab.shapes, strict=True):
        why = {}
        for i, line in enumerate(shape.grid):
            for j, key in enumerate(line):
                if key in suppressed:
                    n, authorities = tab.values[key]
                    small = _small(n, authorities, tab.k_of(key))
                    why[(i, j)] = PRIMARY if small else SECONDARY
        tables.append(_table(raw, why))
    return tables, tab


def protect(raw: RawTable, k: int) -> Table:
    """One table on its own with disclosure control applied."""
    return protect_all([raw], k)[0][0]


def unprotected(raw: RawTable) -> Table:
    """The table as counted, for internal reports: nothing suppressed."""
    return _table(raw, {})
