"""Secondary suppression that holds against an attacker with an integer-program solver.

The attacker (docs/disclosure.md) knows every figure published in every release, every rule of
publication, and every fact the spec implies (a table adds up; a question shown only after
``q1 == "yes"`` is shown to exactly as many people as said yes).  Their knowledge is a system
of linear constraints over non-negative integers: one unknown per statistic, published figures
fixed.  A suppressed figure is protected when the attacker cannot exclude values far enough
from the truth.

This module proves that *constructively*.  Each thing the attacker must not learn is a
:class:`Need`: "some table consistent with everything published has ``q1 = yes`` for leaders at
most 0".  A :class:`witness <Witness>` is such a table, found by a small integer program that
also chooses which further figures to suppress: it may change any published figure of the new
release at a cost, and every figure it changes is then suppressed, so the witness stays
consistent with what is published.  Suppression only ever grows, so a witness, once found,
stays valid; many needs are met by one witness.  When no witness exists (earlier releases
already pin a figure down) the release is refused with :class:`Unprotectable`.

Witnesses are found per connected component of the constraint graph (statistics linked by a
constraint, ignoring the fixed ones), so the programs stay small however many questions a
consultation asks.  The solver is HiGHS: its linear relaxation, kept warm per component
through ``highspy``, and :func:`scipy.optimize.milp` for the rare fractional answer.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Literal

from attrs import define, field, frozen

__all__ = ["Need", "Relation", "Statistic", "System", "Unprotectable", "Witness", "solve"]

Sense = Literal["==", ">=", "<="]
Key = Hashable
#: Upper bound on any unknown: far above any real count, so it never binds in practice.
BIG = 10**9


class Unprotectable(Exception):
    """No amount of further suppression protects a figure: earlier releases give it away."""


@frozen
class Relation:
    """A linear fact the attacker knows: ``sum(coefficient * statistic) <sense> rhs``."""

    terms: tuple[tuple[Key, int], ...]
    sense: Sense = "=="
    rhs: int = 0

    def holds(self, values: Mapping[Key, int]) -> bool:
        left = sum(c * values[k] for k, c in self.terms)
        if self.sense == "==":
            return left == self.rhs
        return left >= self.rhs if self.sense == ">=" else left <= self.rhs


@frozen
class Need:
    """Something the attacker must not be able to exclude, said as a :class:`Relation` that some
    consistent table satisfies; ``why`` explains it to the person publishing."""

    relation: Relation
    why: str


@define
class Statistic:
    """One statistic: its true value, and how it stands in the release being published.

    ``state`` is ``published`` (shown, may still be suppressed at ``cost``), ``suppressed``,
    ``hidden`` (never shown: a part of a combined figure, or a suppressed figure of an earlier
    release) or ``fixed`` (shown and never suppressed: group sizes, earlier releases' figures).
    """

    value: int
    state: Literal["published", "suppressed", "hidden", "fixed"]
    cost: float = 1.0


@define
class Witness:
    """A table of values consistent with everything published when it was found."""

    values: dict[Key, int]


@define
class _Component:
    """The unknowns linked by constraints, and the relations among them (built once)."""

    keys: list[Key]
    relations: list[Relation]
    index: dict[Key, int] = field(factory=dict)
    witnesses: list[Witness] = field(factory=list)
    _matrix: object = None
    _lp: object = None

    def __attrs_post_init__(self) -> None:
        self.index = {k: i for i, k in enumerate(self.keys)}


@define
class System:
    """The attacker's system: statistics and the relations among them."""

    statistics: dict[Key, Statistic]
    relations: list[Relation]
    #: Relations that only join components (the needs: a witness must cover both sides).
    links: list[Relation] = field(factory=list)
    _components: dict[Key, _Component] | None = None

    def component(self, key: Key) -> _Component:
        if self._components is None:
            self._components = _components(self.statistics, self.relations, self.links)
        return self._components[key]

    def suppress(self, keys: Iterable[Key]) -> None:
        for key in keys:
            if self.statistics[key].state == "published":
                self.statistics[key].state = "suppressed"

    def meet(self, need: Need) -> bool:
        """Make sure a witness exists for ``need``, suppressing what it takes; ``False`` when
        no amount of suppression in this release can."""
        loose = [k for k, _ in need.relation.terms if self.statistics[k].state != "fixed"]
        if not loose:
            return need.relation.holds({k: s.value for k, s in self.statistics.items()})
        component = self.component(loose[0])
        # Every witness stays valid: the figures it changed were suppressed when it was found,
        # and suppression only grows (what is published again is what no witness changes).
        for witness in component.witnesses:
            if _satisfies(witness, need.relation, self.statistics):
                return True
        found = self._solve(component, need.relation)
        if found is None:
            return False
        changed = [
            k
            for k, v in found.values.items()
            if v != self.statistics[k].value and self.statistics[k].state == "published"
        ]
        self.suppress(changed)
        component.witnesses.append(found)
        return True

    def moves(self, key: Key) -> bool:
        """Whether some consistent table gives ``key`` another value (suppressing nothing)."""
        if self.statistics[key].state == "fixed":
            return False
        component = self.component(key)
        truth = self.statistics[key].value
        for witness in component.witnesses:
            if witness.values.get(key, truth) != truth:
                return True
        for sense, rhs in ((">=", truth + 1), ("<=", truth - 1)):
            if rhs < 0:
                continue
            found = self._solve(component, Relation(((key, 1),), sense, rhs), frozen=True)
            if found is not None:
                component.witnesses.append(found)
                return True
        return False

    def _solve(
        self, component: _Component, need: Relation | list[Relation], *, frozen: bool = False
    ) -> Witness | None:
        """The cheapest consistent table meeting ``need``: published figures move at their
        cost (or not at all when ``frozen``), suppressed and hidden ones freely."""
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import csr_array, hstack, identity, vstack

        n = len(component.keys)
        if component._matrix is None:
            base, low, high = _relation_matrix(component, self.statistics)
            # Variables: values y, then p and m with y - p + m = truth (each figure's move).
            eye = identity(n, format="csr")
            static = vstack(
                [hstack([base, csr_array((base.shape[0], 2 * n))]), hstack([eye, -eye, eye])]
            ).tocsr()
            truth = np.array([self.statistics[k].value for k in component.keys], dtype=float)
            component._matrix = (
                static,
                np.concatenate([low, truth]),
                np.concatenate([high, truth]),
            )
        static, lower, upper = component._matrix  # type: ignore[misc]
        needs = need if isinstance(need, list) else [need]
        need_rows = np.zeros((len(needs), 3 * n))
        need_low = np.zeros(len(needs))
        need_high = np.zeros(len(needs))
        for r, relation in enumerate(needs):
            rhs = float(relation.rhs)
            for key, c in relation.terms:
                if key in component.index:
                    need_rows[r, component.index[key]] += c
                else:
                    rhs -= c * self.statistics[key].value
            need_low[r], need_high[r] = _sides(relation.sense, rhs)
        cost = np.zeros(3 * n)
        move_high = np.full(2 * n, np.inf)
        value_low = np.zeros(n)
        value_high = np.full(n, float(BIG))
        for i, key in enumerate(component.keys):
            stat = self.statistics[key]
            if stat.state == "fixed" or (frozen and stat.state == "published"):
                value_low[i] = value_high[i] = stat.value
                move_high[i] = move_high[n + i] = 0
            elif stat.state == "published":
                cost[n + i] = cost[2 * n + i] = stat.cost
        column_low = np.concatenate([value_low, np.zeros(2 * n)])
        column_high = np.concatenate([value_high, move_high])
        # The linear relaxation first, warm-started from the component's last solve: tables'
        # constraints are close to a network's, whose optimal vertices are whole numbers, so it
        # usually gives an integer table at once.
        if component._lp is None:
            component._lp = _WarmLP(static, lower, upper)
        values = component._lp.solve(cost, column_low, column_high, need_rows, need_low, need_high)
        if values is None:
            return None  # no real-valued table, so no integer one
        values = values[:n]
        if not np.allclose(values, np.round(values), atol=1e-7):
            constraints = [
                LinearConstraint(static, lower, upper),
                LinearConstraint(need_rows, need_low, need_high),
            ]
            integrality = np.concatenate([np.ones(n), np.zeros(2 * n)])
            bounds = Bounds(column_low, column_high)
            result = milp(cost, constraints=constraints, integrality=integrality, bounds=bounds)
            if result.status != 0 or result.x is None:
                return None
            values = result.x[:n]
        return Witness(dict(zip(component.keys, np.rint(values).astype(int).tolist(), strict=True)))


def _quiet_highs():  # pragma: no cover - depends on the process's first use
    """A HiGHS instance.  HiGHS prints a banner to standard output when the first instance in a
    process is made, at the C level; a report's standard output is its result line, so the
    first instance is made with file descriptor 1 pointed at /dev/null."""
    import highspy

    global _BANNER_SHOWN
    with _BANNER_LOCK:
        if _BANNER_SHOWN:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
        return highs


_BANNER_LOCK = threading.Lock()
_BANNER_SHOWN = False


class _WarmLP:
    """One component's linear program kept in HiGHS between solves, so each witness starts
    from the last one's basis: only the costs, bounds and the need's rows change."""

    def __init__(self, static, lower, upper) -> None:
        import numpy as np

        highs = _quiet_highs()
        highs.setOptionValue("output_flag", False)
        self.columns = static.shape[1]
        highs.addVars(self.columns, np.zeros(self.columns), np.full(self.columns, math.inf))
        matrix = static.tocsr()
        highs.addRows(
            matrix.shape[0],
            np.asarray(lower, dtype=float),
            np.asarray(upper, dtype=float),
            matrix.nnz,
            matrix.indptr.astype(np.int32),
            matrix.indices.astype(np.int32),
            matrix.data.astype(float),
        )
        self.highs = highs
        self.rows = matrix.shape[0]
        self.every = np.arange(self.columns, dtype=np.int32)

    def solve(self, cost, column_low, column_high, need_rows, need_low, need_high):
        """The optimal values, or ``None`` when the program is infeasible."""
        import highspy
        import numpy as np
        from scipy.sparse import csr_array

        highs = self.highs
        highs.changeColsCost(self.columns, self.every, cost)
        highs.changeColsBounds(self.columns, self.every, column_low, column_high)
        needs = csr_array(need_rows)
        added = needs.shape[0]
        highs.addRows(
            added,
            need_low,
            need_high,
            needs.nnz,
            needs.indptr.astype(np.int32),
            needs.indices.astype(np.int32),
            needs.data.astype(float),
        )
        try:
            highs.run()
            if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
            return np.array(highs.getSolution().col_value)
        finally:
            highs.deleteRows(added, np.arange(self.rows, self.rows + added, dtype=np.int32))


def _sides(sense: Sense, rhs: float) -> tuple[float, float]:
    if sense == "==":
        return rhs, rhs
    return (rhs, math.inf) if sense == ">=" else (-math.inf, rhs)


def _relation_matrix(component: _Component, statistics: Mapping[Key, Statistic]):
    """The component's relations as a sparse matrix with lower and upper sides; terms on fixed
    statistics outside the component move to the right-hand side."""
    import numpy as np
    from scipy.sparse import csr_array

    rows, cols, data = [], [], []
    low, high = [], []
    for r, relation in enumerate(component.relations):
        rhs = float(relation.rhs)
        for key, c in relation.terms:
            if key in component.index:
                rows.append(r)
                cols.append(component.index[key])
                data.append(c)
            else:
                rhs -= c * statistics[key].value
        a, b = _sides(relation.sense, rhs)
        low.append(a)
        high.append(b)
    shape = (len(component.relations), len(component.keys))
    matrix = csr_array((data, (rows, cols)), shape=shape)
    return matrix, np.array(low, dtype=float), np.array(high, dtype=float)


def _satisfies(witness: Witness, relation: Relation, statistics: Mapping[Key, Statistic]) -> bool:
    values = witness.values
    return relation.holds(
        {k: values[k] if k in values else statistics[k].value for k, _ in relation.terms}
    )


def _components(
    statistics: Mapping[Key, Statistic], relations: list[Relation], links: list[Relation]
) -> dict[Key, _Component]:
    """Statistics linked by relations, fixed statistics not linking (their value is known).

    Fixed statistics joined to a component are carried inside it (pinned by their bounds)."""
    parent: dict[Key, Key] = {}

    def find(key: Key) -> Key:
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while key != root:
            parent[key], key = root, parent.get(key, key)
        return root

    for relation in [*relations, *links]:
        loose = [k for k, _ in relation.terms if statistics[k].state != "fixed"]
        for other in loose[1:]:
            a, b = find(loose[0]), find(other)
            if a != b:
                parent[a] = b
    members: dict[Key, list[Key]] = defaultdict(list)
    for key, stat in statistics.items():
        if stat.state != "fixed":
            members[find(key)].append(key)
    found: dict[Key, list[Relation]] = defaultdict(list)
    for relation in relations:
        loose = [k for k, _ in relation.terms if statistics[k].state != "fixed"]
        if loose:
            found[find(loose[0])].append(relation)
    out: dict[Key, _Component] = {}
    for root, keys in members.items():
        component = _Component(keys, found.get(root, []))
        for key in keys:
            out[key] = component
    return out


def solve(system: System, needs: Iterable[Need]) -> list[Need]:
    """Meet every need, suppressing as it goes; returns those no suppression can meet.

    (Meeting needs in batches, one witness for many, was tried: it took more programs, as the
    batches often cannot hold at once, and suppressed more.)"""
    # "Could be higher" first: its witnesses move small figures up and others down, which
    # usually proves the "could be lower" of those others too (measured: fewer programs).
    ordered = sorted(needs, key=lambda n: n.relation.sense != ">=")
    return [need for need in ordered if not system.meet(need)]
