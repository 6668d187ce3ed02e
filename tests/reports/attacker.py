"""An independent attacker on published reports: what can be worked out from them?

It reads only what a member of the public has: every public JSON report (release) of a
consultation, the spec (questions, options, ``shown_if``, ``[publication]``), facts it is told
(``known``: the roster's sizes, say), the threshold ``k`` and protection ``p``, and the rules
as docs/disclosure.md states them: a published number is exact (a zero is a zero), and a
suppressed one is any integer of at least ``suppressed_min`` (0 under the new rules, 1 under the
old rules' "[c] is at least 1").  It shares no code with the suppression it checks.

Everything it knows becomes an integer program over one unknown per *statistic* per release.
A statistic is named by meaning, ``(question, row, dimension, group)``, so the same figure in
several tables is one unknown:

- ``(q, value, "", "")`` is question ``q``'s count of ``value`` (an option, ``_answered``,
  ``_not_answered``, ``_not_shown``, ``_quotable``, ``_not_quotable``); ``(q, value, "role",
  "leader")`` its count among leaders.  A cross-tab's row totals are the counts table's cells.
- ``("_all", "_all", d, g)`` is the size of group ``g`` of dimension ``d`` (``("_all", "_all",
  "", "")`` the number of responses): every single-choice and free-text question's column totals.
- ``(q, "_sum", d, g)``: a multi-choice question's column total (it counts choices), and
  ``(q, "_respondents", d, g)``, never published, the respondents who chose anything.
- ``("_week", monday, "", "")``: the timeline; ``(table_id, row, "", column)``: coverage tables
  and tables the attacker does not understand, with ``_total`` for their margins.
- ``("_cond", condition, d, g)``, never published: how many a compound condition holds for.
- a grid's statement is a single-choice question of its own (``q7.cost``); a number's or a
  date's base bins are rows of their own (``(q, "2..4", d, g)``, ``(q, "2014-03", d, g)``,
  from the documented rule in ``binrules.py``), never published alone: a published range
  (``2..4~8..10``) is the sum of its base bins, so releases that merged differently are
  compared bin by bin; a ranking's first choices are ``(q, option, d, g)``, its other
  positions ``("q#n", option, "", "")`` and those who did not rank ``n`` options
  ``("q#n", "_not_ranked", "", "")``.

The knowledge, in families that :class:`Attacker` can be told to ignore (:data:`FAMILIES`):

- every table's rows and columns add up; a published figure is exact; a combined column
  (``"members": [a, b]``) is the sum of its members' statistics, so it links with tables and
  releases that show them apart; the groups of a dimension add up to every response;
- routing: a question's ``_not_shown``, in every group, is the group's size less those its
  ``shown_if`` holds for.  Exact for any test of one single-choice question (its answers
  exclude each other, so ``q == "a" or q == "b"`` holds for exactly a + b, and an unanswered or
  hidden question equals nothing), one option of a multi-choice question, ``answered(q)``, and
  negations; for conditions on several questions an unknown between the Fréchet bounds of its
  parts (``and``: at most each, at least their sum less the rest of the group; ``or``: at least
  each, at most their sum);
- multi-choice: in every group, respondents who chose something + not answered + not shown =
  the group's size; each option at most those respondents, all options together at least them;
- free text: answered = may be quoted + may not; a digest lists every quotable answer (at least,
  with "A selection"), unless it says there are too few to quote; its ``withheld_count`` is the
  "may not be quoted" figure (new rules: exact or ``null``; old rules, JSON without
  ``protection``: 0, fewer than ``k``, or rounded down to a multiple of ``k``); quotable answers
  are at most the consenting respondents, the rest at most those not consenting;
- releases: with additions only between two releases, no count of responses falls (coverage
  tables aside: "did not respond" falls as people respond);
- rankings (their table of positions): each column adds up to everyone; not ranking as far as
  the first position is the first-choice table's blanks, and more fall short at each later one
  (none before ``min_ranked``); each option is ranked at most once by each respondent who
  answered; a published mean rank is its row's positions averaged over the published number
  who ranked it, to two places;
- routing on the new kinds: a comparison of a number or a date holds for every answer of a base
  bin wholly on its side and some of one that straddles it (the bounds); ``count(q)`` of a
  ranking is exact for everyone (those who ranked ``n`` options are everyone less those who did
  not), and so is ``"o" in q`` (its row of the positions table); elsewhere a bounded unknown.
  Two questions on one condition share its unknown (they were shown to the same people);
- medians and quartiles (``quartiles`` summaries): the range holding the ``j``-th quartile is
  the first whose running total reaches ``j/4`` of those who answered: those before it hold
  fewer, and with it at least that many (two linear facts on the base bins).

Queries are solved with ``scipy.optimize.milp`` per connected component of unknowns, after
bounds are propagated through the constraints (what they pin down is folded into constants).
Each component keeps a pool of feasible points (the true counts when auditing, and every integer
solution found): a feasible point proves the attacker cannot exclude a value, so most questions
are answered without a solve; only an optimum (or an infeasible program) proves they can.  LP
relaxations come first: an integral vertex is an integer optimum, and an LP bound that misses a
threshold settles the question.  Before asking one at a time, many questions are pushed at once
in a combined LP objective (:meth:`Solver.enrich`).

Not modelled: percentages (only published beside a published count and column total), the
order, wording and attributions of quotes, links between coverage and the question tables (the
roster is not the respondents), and anything known from outside the reports.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from binrules import Bins, bins_of
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from surveykit import Consultation
from surveykit.conditions import (
    All,
    Answered,
    Any_,
    Compare,
    Contains,
    Count,
    DateLiteral,
    Not,
    evaluate,
    references,
    render,
    walk,
)
from surveykit.kinds import answer_type, parts_of
from surveykit.plugins import get_plugins

__all__ = [
    "FAMILIES",
    "Attacker",
    "Figure",
    "Finding",
    "Inconsistent",
    "audit",
    "coarse_range",
    "growth",
    "ranges",
]

Stat = tuple[str, str, str, Any]  # question, row, dimension, group
Var = tuple[int, Stat]  # release number, statistic
Terms = dict[Var, int]

TOTAL = "_total"
ALL = "_all"
RESPONSES: Stat = (ALL, ALL, "", "")
NOT_ANSWERED = "_not_answered"
NOT_SHOWN = "_not_shown"
ANSWERED = "_answered"
QUOTABLE = "_quotable"
NOT_QUOTABLE = "_not_quotable"
SUM = "_sum"
RESPONDENTS = "_respondents"
WEEK = "_week"
NOT_RANKED = "_not_ranked"
#: The attacker's own unknowns: how many respondents a compound condition holds for.
AUX = "_cond"
#: A multi-choice question's totals over everyone in a group: they grow with every response
#: added, so, like group sizes, their changes between releases say who responded, not what.
WHOLE = frozenset({SUM, RESPONDENTS})
#: Rows that are not answers: a group disclosure is about what people answered.
BLANK_ROWS = frozenset({NOT_ANSWERED, NOT_SHOWN, TOTAL})
#: Upper bound on every unknown: far above any real count; a range reaching half of it is
#: reported as unbounded.
BIG = 10**6
INF = math.inf
#: HiGHS stops within a relative gap of the bound (1e-4 by default), which for an objective of
#: ten thousand is a whole unit; objectives here are whole numbers well below 1e7.
EXACT = {"mip_rel_gap": 1e-7}
#: LP vertices tried (random objectives) before an integer program, when one is fractional.
TRIES = 2


class Inconsistent(ValueError):
    """The published figures (or the truth given to :func:`audit`) contradict each other."""


@dataclass(frozen=True)
class Figure:
    """One published number: where it is, what it shows (a sum of statistics), its value
    (``None`` when suppressed), the smallest published total on its lines (``upper``), for
    answer cells of question tables the group total it is compared with (``whole``), and for
    every count of a question table the size of its group (``group``), which bounds it too."""

    release: int
    table: str
    row: str
    column: str
    terms: tuple[tuple[Var, int], ...]
    count: int | None
    upper: float = INF
    whole: tuple[tuple[Var, int], ...] | None = None
    group: tuple[tuple[Var, int], ...] | None = None

    @property
    def address(self) -> tuple[int, str, str, str]:
        return (self.release, self.table, self.row, self.column)


@dataclass(frozen=True)
class Finding:
    """Something the attacker can prove that the rules promise they cannot.

    - ``published``: a small figure (not zero, fewer than ``k`` respondents or authorities)
      is published as it is.
    - ``exact``: a suppressed figure has one possible value.
    - ``interval``: a *small* suppressed figure (true ``n`` not zero, fewer than ``k``
      respondents or authorities) whose range does not reach down to ``max(0, n - p)`` and up
      to ``min(n + p, U)`` (``target``); ``U`` is the least of the totals published on its
      lines and its group's size when that is known exactly.
    - ``group``: in a question table, an answer row (an option, ``_answered``, ``_quotable``,
      ``_not_quotable``) holds the whole of a column's group (its size; for a quoting table, the
      answers) and the attacker can prove it: ``low``/``high`` bound the group less the cell.
    - ``difference``: between release ``earlier`` and ``release`` a statistic changed by fewer
      than ``k`` and the attacker can prove it changed at all (``low``/``high`` bound the
      change).  Not for who responded: group sizes, the number of responses, weeks, coverage,
      and a multi-choice question's totals over a group (``_sum``, ``_respondents``), which grow
      with every response.

    - ``crosstab``: a table by group of a sensitive question, or of a question routed on one;
      ``quoted``: a digest or quoting table of a sensitive question or its "other" words.
    - ``implied``: a sensitive question's count in a group, never published, that the attacker
      pins down beyond what its one-column table and the groups' sizes allow.

    A sensitive question's figures are small below ``max(k, 10)``, with protection level
    ``ceil(max(k, 10) / 2)`` (docs/disclosure.md).

    ``truth`` is the true value (of the figure, the change, or 0 for a group), ``stat`` the
    statistic (or tuple of statistics for a combined column).
    """

    kind: str
    release: int
    table: str
    row: str
    column: str
    low: float
    high: float
    truth: int
    earlier: int | None = None
    target: tuple[float, float] | None = None
    stat: Any = None

    def __str__(self) -> str:
        where = f"release {self.release} {self.table} [{self.row}, {self.column}]"
        if self.earlier is not None:
            where = f"releases {self.earlier}->{self.release} {self.table} [{self.row}]"
        extra = f", needed {self.target}" if self.target else ""
        return f"{self.kind}: {where}: attacker {self.low}..{self.high}, true {self.truth}{extra}"


def coarse_range(withheld: int | None, k: int) -> tuple[int, int]:
    """What a digest's ``withheld_count`` says about the answers withheld (docs/disclosure.md):
    ``0`` is none, ``None`` is fewer than ``k``, otherwise rounded down to a multiple of ``k``."""
    if withheld is None:
        return (1, k - 1)
    if withheld == 0:
        return (0, 0)
    return (withheld, withheld + k - 1)


# ------------------------------------------------------------------------------------------------
# Reading what was published into constraints


#: Kinds of knowledge, each of which :class:`Attacker` can be told to ignore (``ignore=``) to
#: see which one a finding comes from.
FAMILIES = {
    "published": "a published figure is exact",
    "suppressed_min": "a suppressed figure is at least suppressed_min",
    "tables": "every table's rows and columns add up",
    "groups": "the groups of a dimension add up to every response",
    "known": "facts given to the attacker (the roster's sizes, say)",
    "digest": "a digest's quotes and withheld count",
    "quoting": "answered = may be quoted + may not",
    "consent": "quotable answers come from consenting respondents",
    "branching": "not shown = group size less those the condition holds for",
    "multi": "a multi-choice question's respondents, options and blanks",
    "growth": "with additions only, no count falls between releases",
    "bins": "a published range is the sum of its base bins",
    "ranking": "a ranking's positions: each option once per person, in order",
    "summaries": "a mean rank is its option's positions averaged, rounded to 2 places",
    "other": "no more people wrote an option's words than chose it",
    "implied": "a sensitive question's answers in each group a question routed on it shows",
}

#: A sensitive question's threshold is never below this (docs/disclosure.md, "Sensitive
#: questions"): its figures are small below ``max(k, SENSITIVE_K)``.
SENSITIVE_K = 10


class Knowledge:
    """The attacker's integer program: unknowns with bounds, linear constraints, figures."""

    def __init__(self, suppressed_min: int, ignore: Iterable[str] = ()) -> None:
        self.suppressed_min = suppressed_min
        #: which kind of knowledge constraints being added come from (see :data:`FAMILIES`)
        self.family = "tables"
        self.ignore = frozenset(ignore)
        self.index: dict[Var, int] = {}
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.rows: list[tuple[dict[int, int], float, float]] = []
        self.figures: list[Figure] = []
        self.first: dict[Var, Figure] = {}
        #: statistics about who responded, not what they answered: never a difference finding
        self.unprotected: set[Stat] = set()
        #: statistics of coverage and unknown tables: not counts of responses, so not
        #: monotone when responses are only added
        self.not_counts: set[Stat] = set()
        #: what the rules never publish for a sensitive question, found in the reports
        self.breaches: list[Finding] = []
        #: a sensitive question's answers in the groups of a question routed on it
        self.implied: list[Figure] = []

    def name(self, i: int) -> Var:
        """The unknown numbered ``i`` (for messages)."""
        return next(v for v, n in self.index.items() if n == i)

    def var(self, v: Var) -> int:
        n = self.index.get(v)
        if n is None:
            n = self.index[v] = len(self.lb)
            self.lb.append(0)
            self.ub.append(BIG)
        return n

    def add(self, terms: Mapping[Var, int], lo: float, hi: float) -> None:
        if self.family in self.ignore:
            for v in terms:
                self.var(v)
            return
        row: dict[int, int] = defaultdict(int)
        for v, a in terms.items():
            row[self.var(v)] += a
        self.rows.append(({i: a for i, a in row.items() if a}, lo, hi))

    def equal(self, terms: Mapping[Var, int], value: float) -> None:
        self.add(terms, value, value)


def _consistent(kn: Knowledge) -> bool:
    """Whether some table of whole numbers satisfies everything the attacker knows."""
    if not kn.rows:
        return True
    n = len(kn.lb)
    entries = [(m, i, a) for m, (terms, _, _) in enumerate(kn.rows) for i, a in terms.items()]
    rows, columns, values = zip(*entries, strict=True) if entries else ((), (), ())
    matrix = sparse.csr_array((values, (rows, columns)), shape=(len(kn.rows), n))
    res = milp(
        np.zeros(n),
        integrality=np.ones(n),
        bounds=Bounds(np.array(kn.lb, dtype=float), np.array(kn.ub, dtype=float)),
        constraints=[
            LinearConstraint(
                matrix,
                np.array([lo for _, lo, _ in kn.rows], dtype=float),
                np.array([hi for _, _, hi in kn.rows], dtype=float),
            )
        ],
    )
    return res.status != 2


def _plus(*parts: Mapping[Var, int], scale: Sequence[int] | None = None) -> Terms:
    out: Terms = defaultdict(int)
    for n, part in enumerate(parts):
        s = 1 if scale is None else scale[n]
        for v, a in part.items():
            out[v] += s * a
    return {v: a for v, a in out.items() if a}


def _frozen(terms: Mapping[Var, int]) -> tuple[tuple[Var, int], ...]:
    return tuple(sorted(terms.items(), key=repr))


@dataclass
class _Scheme:
    """How a table's positions map to statistics."""

    kind: str  # question, quoting, timeline, other
    question: str | None
    dimension: str
    multiple: bool


class Reader:
    """Turns public reports into :class:`Knowledge`."""

    def __init__(self, knowledge: Knowledge, spec: Consultation | None) -> None:
        self.kn = knowledge
        self.spec = spec
        kinds = get_plugins().kinds
        self.multiple: set[str] = set()
        #: every answer part by its key (a grid's statements are single-choice questions)
        self.parts: dict[str, Any] = {}
        #: numbers and dates: their base bins; rankings: how many positions they publish
        self.binned: dict[str, Bins] = {}
        self.rankings: dict[str, Any] = {}
        #: parts the spec marks sensitive (a sensitive question's "other" words too)
        self.sensitive: set[str] = set()
        #: an "other" option's words: part -> (its question, the option)
        self.others: dict[str, tuple[str, str]] = {}
        if spec is not None:
            for whole in spec.questions:
                for q in parts_of(whole, kinds):
                    self.parts[q.id] = q
                    if q.sensitive:
                        self.sensitive.add(q.id)
                    if "other_of" in q.settings:
                        self.others[q.id] = (q.settings["other_of"], q.settings["option"])
                    kind = answer_type(q, kinds)
                    if kind == "options":
                        self.multiple.add(q.id)
                    elif kind == "ranking":
                        self.rankings[q.id] = q
                    elif kind in ("number", "date", "month"):
                        self.binned[q.id] = bins_of(q, kind)
        # per release: question -> dimension -> groups; question -> rows; dimension -> groups
        self.groups: dict[tuple[int, str, str], set[str]] = defaultdict(set)
        self.rows_of: dict[tuple[int, str], set[str]] = defaultdict(set)
        self.dims: dict[tuple[int, str], set[str]] = defaultdict(set)
        self.texts: dict[int, set[str]] = defaultdict(set)
        self.positions: dict[tuple[int, str], int] = {}
        #: a number's or a date's published ranges (everyone), in order, per release
        self.ranges: dict[tuple[int, str], list[str]] = {}

    # one release ---------------------------------------------------------------------------

    def release(self, r: int, data: Mapping[str, Any], known: Mapping[Stat, int] | None) -> None:
        tables = [*data.get("tables", ()), *(data.get("coverage") or ())]
        if data.get("timeline"):
            tables.append(data["timeline"])
        for table in tables:
            self.table(r, table)
        responses = data.get("responses")
        if isinstance(responses, Mapping):
            self.figure(
                Figure(
                    r, "responses", TOTAL, TOTAL, _frozen({(r, RESPONSES): 1}), _count(responses)
                )
            )
        k_published = int(data.get("threshold") or 1)
        new_rules = "protection" in data
        for digest in data.get("digests", ()):
            self.digest(r, digest, k_published, new_rules)
        self.ranked(r)
        for summary in data.get("summaries") or ():
            self.summary(r, summary)
        self.breaches(r, data)
        self.other_words(r)
        self.implied(r)
        self.branching(r)
        self.consent(r)
        self.choices(r)
        self.kn.family = "groups"
        for d, groups in self.dims.items():
            if d[0] == r and d[1]:
                sizes = {(r, (ALL, ALL, d[1], g)): 1 for g in groups}
                self.kn.equal(_plus(sizes, {(r, RESPONSES): -1}), 0)
        self.kn.family = "known"
        for stat, value in (known or {}).items():
            self.kn.equal({(r, stat): 1}, value)

    def figure(self, figure: Figure) -> None:
        kn = self.kn
        kn.figures.append(figure)
        for v, _ in figure.terms:
            kn.var(v)
            kn.first.setdefault(v, figure)
        terms = dict(figure.terms)
        if figure.count is not None:
            kn.family = "published"
            kn.equal(terms, figure.count)
        elif kn.suppressed_min > 0:
            kn.family = "suppressed_min"
            kn.add(terms, kn.suppressed_min, INF)

    def scheme(self, table: Mapping[str, Any]) -> _Scheme:
        aggregator, q, tid = table.get("aggregator"), table.get("question"), table["id"]
        if q and aggregator in ("counts", "crosstab"):
            dimension = ""
            if aggregator == "crosstab":
                prefix = f"{q}-by-"
                if not tid.startswith(prefix):
                    return _Scheme("other", None, "", False)
                dimension = tid[len(prefix) :]
            notes = " ".join(table.get("notes") or ()).lower()
            multiple = q in self.multiple or (self.spec is None and "several options" in notes)
            if multiple:
                self.multiple.add(q)
            return _Scheme("question", q, dimension, multiple)
        if q and aggregator == "free_text" and tid == f"{q}-quoting":
            return _Scheme("quoting", q, "", False)
        if q and aggregator == "rankings" and tid == f"{q}-positions":
            return _Scheme("positions", q, "", False)
        if aggregator == "timeline":
            return _Scheme("timeline", None, "", False)
        return _Scheme("other", None, "", False)

    def table(self, r: int, table: Mapping[str, Any]) -> None:
        tid = table["id"]
        s = self.scheme(table)
        q, d = s.question, s.dimension
        rows = [h["value"] for h in table["rows"]]
        columns = [(h["value"], tuple(h.get("members") or ())) for h in table["columns"]]
        published = {(c["row"], c["column"]): _count(c) for c in table["cells"]}

        def groups(column: tuple[str, tuple[str, ...]]) -> tuple[str, ...]:
            value, members = column
            if s.kind == "question" and not d:
                return ("",)
            return members or (value,)

        def at(row: str | None, column: tuple[str, tuple[str, ...]] | None) -> Terms:
            if s.kind == "question":
                assert q is not None
                if row is not None and column is not None:
                    return {
                        (r, (q, b, d, g)): 1 for g in groups(column) for b in self.bases(q, row)
                    }
                if row is not None:
                    return {(r, (q, b, "", "")): 1 for b in self.bases(q, row)}
                gs = groups(column) if column is not None else ("",)
                dd = d if column is not None else ""
                if s.multiple:
                    return {(r, (q, SUM, dd, g)): 1 for g in gs}
                return {(r, (ALL, ALL, dd, g)): 1 for g in gs}
            if s.kind == "quoting":
                assert q is not None
                return {(r, (q, ANSWERED if row is None else row, "", "")): 1}
            if s.kind == "timeline":
                return {(r, RESPONSES if row is None else (WEEK, row, "", "")): 1}
            if s.kind == "positions":
                assert q is not None
                if row is None:
                    return {(r, RESPONSES): 1 if column is not None else len(columns)}
                if column is None:
                    return _plus(*(at(row, c) for c in columns))
                return {(r, position(q, row, int(column[0]))): 1}
            stat = (tid, TOTAL if row is None else row, "", TOTAL if column is None else column[0])
            # Not counts of responses: a roster's "did not respond" falls as responses come in.
            self.kn.not_counts.add(stat)
            if table.get("aggregator") == "coverage":
                self.kn.unprotected.add(stat)
            return {(r, stat): 1}

        if s.kind == "question":
            assert q is not None
            self.rows_of[(r, q)].update(rows)
            for column in columns:
                self.groups[(r, q, d)].update(groups(column))
                if d:
                    self.dims[(r, d)].update(groups(column))
        if s.kind == "quoting":
            assert q is not None
            self.texts[r].add(q)
        if s.kind == "positions":
            assert q is not None
            self.positions[(r, q)] = len(columns)
        if s.kind == "question" and not d and q in self.binned:
            self.ranges[(r, q)] = [row for row in rows if not row.startswith("_")]  # as published
        row_keys: list[str | None] = [*rows, None]
        column_keys: list[tuple[str, tuple[str, ...]] | None] = [*columns, None]
        grid = [[at(i, j) for j in column_keys] for i in row_keys]
        values = [
            [
                published.get((TOTAL if i is None else i, TOTAL if j is None else j[0]))
                for j in column_keys
            ]
            for i in row_keys
        ]
        last_i, last_j = len(rows), len(columns)
        for i, row in enumerate(row_keys):
            for j, column in enumerate(column_keys):
                bounds = []
                if i < last_i and j < last_j:
                    bounds += [values[i][last_j], values[last_i][j]]
                if (i, j) != (last_i, last_j):
                    bounds.append(values[last_i][last_j])
                upper = min((b for b in bounds if b is not None), default=INF)
                whole = group = None
                if s.kind == "question" and row is not None:
                    gs = groups(column) if column is not None else ("",)
                    dd = d if column is not None else ""
                    group = {(r, (ALL, ALL, dd, g)): 1 for g in gs}
                if s.kind == "positions" and row not in (None, NOT_RANKED) and column:
                    whole = {(r, RESPONSES): 1}  # everyone put this option in this place
                if (
                    s.kind in ("question", "quoting")
                    and row is not None
                    and column is not None
                    and row not in BLANK_ROWS
                ):
                    whole = at(None, column) if s.kind == "quoting" else group
                self.figure(
                    Figure(
                        r,
                        tid,
                        TOTAL if row is None else row,
                        TOTAL if column is None else column[0],
                        _frozen(grid[i][j]),
                        values[i][j],
                        upper,
                        None if whole is None else _frozen(whole),
                        None if group is None else _frozen(group),
                    )
                )
        self.kn.family = "tables"
        for i in range(len(row_keys)):
            line = [grid[i][j] for j in range(last_j)]
            self.kn.equal(_plus(*line, grid[i][last_j], scale=[1] * last_j + [-1]), 0)
        for j in range(len(column_keys)):
            line = [grid[i][j] for i in range(last_i)]
            self.kn.equal(_plus(*line, grid[last_i][j], scale=[1] * last_i + [-1]), 0)

    # what the rules and the spec add -------------------------------------------------------

    def bases(self, q: str, row: str) -> list[str]:
        """The base bins a number's or a date's published range stands for (``1..3`` one,
        ``13..15~19..20`` all from the first to the last); any other row is itself."""
        bins = self.binned.get(q)
        if bins is None or row in BLANK_ROWS:
            return [row]
        first, _, last = row.partition("~")
        return bins.between(first, last or first)

    def shown_bases(self, r: int, q: str) -> list[str]:
        """The base bins release ``r`` published (within its ranges) for a number or date."""
        rows = self.rows_of.get((r, q), set())
        return [b for row in sorted(rows - BLANK_ROWS) for b in self.bases(q, row)]

    def ranked(self, r: int) -> None:
        """A ranking's positions: those who did not rank as far as the first position are its
        blanks, and more at every later one (fewer than ``min_ranked`` never); each option is
        ranked at most once by each respondent who answered."""
        self.kn.family = "ranking"
        for (rr, q), most in self.positions.items():
            if rr != r:
                continue
            question = self.rankings.get(q)
            least = question.settings.get("min_ranked", 1) if question is not None else 1
            rows = self.rows_of.get((r, q), set())
            blanks = {(r, (q, b, "", "")): 1 for b in (NOT_ANSWERED, NOT_SHOWN) if b in rows}
            first = (r, position(q, NOT_RANKED, 1))
            if blanks:
                self.kn.equal(_plus({first: 1}, blanks, scale=[1, -1]), 0)
            for n in range(2, most + 1):
                later = (r, position(q, NOT_RANKED, n))
                earlier = (r, position(q, NOT_RANKED, n - 1))
                self.kn.add({later: 1, earlier: -1}, 0, INF if n > least else 0)
            options = sorted(rows - BLANK_ROWS)
            answered = _plus({(r, RESPONSES): 1}, blanks, scale=[1, -1])
            for o in options:
                if not blanks:
                    continue
                anywhere = {(r, position(q, o, n)): 1 for n in range(1, most + 1)}
                self.kn.add(_plus(anywhere, answered, scale=[1, -1]), -INF, 0)

    def summary(self, r: int, summary: Mapping[str, Any]) -> None:
        """A mean rank, where published: its option's positions averaged over those who
        ranked it (published beside it), rounded to two places."""
        q = summary.get("question")
        if summary.get("aggregator") == "quartiles":
            self.quartiles(r, summary)
            return
        most = self.positions.get((r, q))
        if summary.get("aggregator") != "mean_rank" or most is None:
            return
        values: dict[tuple[str, str], Any] = {
            (v["row"], v["column"]): v["value"] for v in summary.get("values") or ()
        }
        self.kn.family = "summaries"
        for (row, column), mean in values.items():
            ranked = values.get((row, "ranked"))
            if column != "mean_rank" or mean is None or ranked is None:
                continue
            places = {(r, position(q, row, n)): n for n in range(1, most + 1)}
            self.kn.add(places, ranked * (mean - 0.005), ranked * (mean + 0.005))
            self.kn.equal({(r, position(q, row, n)): 1 for n in range(1, most + 1)}, ranked)

    def quartiles(self, r: int, summary: Mapping[str, Any]) -> None:
        """The range holding a quartile ``j`` (of those who answered, ``n``): the first whose
        running total reaches ``j * n / 4``, so the ranges before it hold fewer (``4 *
        before < j * n``) and with it at least that many (``j * n <= 4 * through``)."""
        q = summary["question"]
        ranges = self.ranges.get((r, q))
        if not ranges:
            return
        share = {"lower_quartile": 1, "median": 2, "upper_quartile": 3}
        self.kn.family = "summaries"
        everyone = _plus(*(self.overall(r, q, row) for row in ranges))
        for value in summary.get("values") or ():
            j = share.get(value["row"])
            if value["column"] != "row" or value["value"] is None or j is None:
                continue
            i = ranges.index(value["value"])
            before = _plus(*(self.overall(r, q, row) for row in ranges[:i]))
            through = _plus(before, self.overall(r, q, ranges[i]))
            self.kn.add(_plus(before, everyone, scale=[4, -j]), -INF, -1)
            self.kn.add(_plus(everyone, through, scale=[j, -4]), -INF, 0)

    def overall(self, r: int, q: str, row: str) -> Terms:
        """A published range of everyone's answers, as the sum of its base bins."""
        return {(r, (q, b, "", "")): 1 for b in self.bases(q, row)}

    def digest(self, r: int, digest: Mapping[str, Any], k: int, new_rules: bool) -> None:
        """The quotes listed are the quotable answers (at least, with "A selection"), unless
        the digest was quietened; ``withheld_count`` is the rest: exact or ``null`` (not
        published) under the new rules, made coarse under the old ones."""
        q = digest["question"]
        quotable, withheld = (r, (q, QUOTABLE, "", "")), (r, (q, NOT_QUOTABLE, "", ""))
        self.texts[r].add(q)
        self.kn.family = "digest"
        listed = len(digest.get("quotes") or ())
        notes = " ".join(digest.get("notes") or ()).lower()
        if "too few" not in notes:
            self.kn.add({quotable: 1}, listed, INF if "selection" in notes else listed)
        if "withheld_count" not in digest:
            return
        count = digest["withheld_count"]
        if new_rules:
            if count is not None:
                self.kn.equal({withheld: 1}, count)
        else:
            self.kn.add({withheld: 1}, *coarse_range(count, k))

    def branching(self, r: int) -> None:
        """``_not_shown`` of a conditional question, in each group, is the group's size less
        the respondents its condition holds for (see :meth:`holding`)."""
        if self.spec is None:
            return
        for q2 in self.parts.values():
            if q2.condition is None:
                continue
            asked = references(q2.condition)
            self.kn.family = "branching"
            for d in {d for (rr, qq, d) in self.groups if rr == r and qq == q2.id}:
                both = set(self.groups[(r, q2.id, d)])
                for q1 in asked:
                    both &= self.groups.get((r, q1, d), set())
                for g in both:
                    hidden = {(r, (q2.id, NOT_SHOWN, d, g)): 1}
                    size = {(r, (ALL, ALL, d, g)): 1}
                    held = self.holding(r, q2.condition, d, g)
                    self.kn.equal(_plus(hidden, held, size, scale=[1, 1, -1]), 0)

    def holding(self, r: int, condition: Any, d: str, g: str) -> Terms:
        """How many respondents of group ``g`` a condition holds for, as a sum of statistics:
        exact for tests of one question (any test of a single-choice question, one option of a
        multi-choice one, ``answered``); otherwise an unknown of its own, bounded by its parts
        (``and``: at most each, at least their sum less the rest of the group; ``or``: at
        least each, at most their sum; the Fréchet bounds)."""
        size = {(r, (ALL, ALL, d, g)): 1}
        exact = self.exactly(r, condition, d, g)
        if exact is not None:
            return exact
        bounded = self.bounded(r, condition, d, g)
        if bounded is not None:
            low, high = bounded
            if low == high:
                return low
            unknown = (r, (AUX, render(condition), d, g))
            self.kn.add(_plus({unknown: 1}, low, scale=[1, -1]), 0, INF)
            self.kn.add(_plus({unknown: 1}, high, scale=[1, -1]), -INF, 0)
            return {unknown: 1}
        if isinstance(condition, Not):
            return _plus(size, self.holding(r, condition.operand, d, g), scale=[1, -1])
        unknown = (r, (AUX, render(condition), d, g))
        self.kn.add(_plus({unknown: 1}, size, scale=[1, -1]), -INF, 0)
        if isinstance(condition, All | Any_):
            parts = [self.holding(r, c, d, g) for c in condition.operands]
            whole = _plus(*parts)
            for part in parts:
                if isinstance(condition, All):
                    self.kn.add(_plus({unknown: 1}, part, scale=[1, -1]), -INF, 0)
                else:
                    self.kn.add(_plus({unknown: 1}, part, scale=[1, -1]), 0, INF)
            if isinstance(condition, All):
                rest = (len(parts) - 1) * 1
                scale = [1, -1, rest]
                self.kn.add(_plus({unknown: 1}, whole, size, scale=scale), 0, INF)
            else:
                self.kn.add(_plus({unknown: 1}, whole, scale=[1, -1]), -INF, 0)
        return {unknown: 1}

    def exactly(self, r: int, condition: Any, d: str, g: str) -> Terms | None:
        """The count a condition on one question holds for, when the tables give it exactly."""
        assert self.spec is not None
        asked = references(condition)
        if len(asked) != 1 or (r, asked[0]) not in self.rows_of:
            return None
        q1 = self.parts.get(asked[0])
        if q1 is None:
            return None
        rows = self.rows_of[(r, q1.id)]
        blanks = {(r, (q1.id, b, d, g)): 1 for b in (NOT_ANSWERED, NOT_SHOWN) if b in rows}
        size = {(r, (ALL, ALL, d, g)): 1}
        if q1.id in self.binned or q1.id in self.rankings:
            # Counted in ranges, or by first choice: only ``answered`` is exact.
            if not all(isinstance(n, Answered | Not | All | Any_) for n in walk(condition)):
                return None
            answered = _plus(size, blanks, scale=[1, -1])
            if evaluate(condition, {q1.id: [1]}):
                return answered
            return _plus(size, answered, scale=[1, -1])
        if q1.id not in self.multiple:
            if q1.options:
                states = {v: {q1.id: v} for v in sorted(rows - BLANK_ROWS)}
            elif all(isinstance(n, Answered | Not | All | Any_) for n in walk(condition)):
                states = {ANSWERED: {q1.id: "an answer"}}
            else:
                return None
            held = {
                (r, (q1.id, v, d, g)): 1
                for v, answers in states.items()
                if evaluate(condition, answers)
            }
            if evaluate(condition, {}):  # unanswered or not shown: equal to nothing
                held = _plus(held, blanks)
            return held
        positive = True
        while isinstance(condition, Not):
            condition, positive = condition.operand, not positive
        if isinstance(condition, Contains):
            held = {(r, (q1.id, condition.value, d, g)): 1}
        elif isinstance(condition, Answered):
            held = _plus(size, blanks, scale=[1, -1])
        else:
            return None
        return held if positive else _plus(size, held, scale=[1, -1])

    def bounded(self, r: int, condition: Any, d: str, g: str) -> tuple[Terms, Terms] | None:
        """Least and most respondents of group ``g`` a test of a number, a date or a ranking
        holds for, from what is published: a comparison holds for every answer of a base bin
        wholly on its side and for some of one that straddles it; ``count(q)`` of a ranking is
        how far people ranked (its positions table: overall only); ``"o" in q`` of a ranking
        is how many ranked ``o`` anywhere (overall only)."""
        if isinstance(condition, Compare) and condition.question in self.binned:
            q = condition.question
            if g not in self.groups.get((r, q, d), set()):
                return None
            question = self.parts[q]
            places = question.settings.get("decimals", 0)
            low: Terms = {}
            high: Terms = {}
            for b in self.shown_bases(r, q):
                least, most = self.binned[q].span(b, places if isinstance(places, int) else 0)
                first = _compares(condition.op, least, condition.value)
                last = _compares(condition.op, most, condition.value)
                if condition.op == "==":
                    some = _compares("<=", least, condition.value) and _compares(
                        ">=", most, condition.value
                    )
                else:
                    some = first or last
                if first and last:
                    low[(r, (q, b, d, g))] = 1
                if some:
                    high[(r, (q, b, d, g))] = 1
            return low, high
        q = getattr(condition, "question", None)
        most = self.positions.get((r, q))
        if most is None or d:
            return None
        size = {(r, RESPONSES): 1}
        if isinstance(condition, Contains):
            anywhere = {(r, position(q, condition.value, n)): 1 for n in range(1, most + 1)}
            return anywhere, anywhere
        if not isinstance(condition, Count):
            return None

        def at_least(n: int) -> Terms:
            if n <= 0:
                return size
            if n > most:
                return {}
            return _plus(size, {(r, position(q, NOT_RANKED, n)): 1}, scale=[1, -1])

        v = condition.value
        ge = {">=": math.ceil(v), ">": math.floor(v) + 1}
        if condition.op in ge:
            held = at_least(ge[condition.op])
        elif condition.op in ("<", "<="):
            n = math.ceil(v) if condition.op == "<" else math.floor(v) + 1
            held = _plus(size, at_least(n), scale=[1, -1])
        elif condition.op == "==" and v == int(v):
            held = _plus(at_least(int(v)), at_least(int(v) + 1), scale=[1, -1])
        else:
            return None
        return held, held

    def breaches(self, r: int, data: Mapping[str, Any]) -> None:
        """What the rules never publish of a sensitive question: a table of it by a group (or
        of a question whose routing reads it: who was shown that one in a group counts the
        sensitive answers there), a quote of it or of its "other" words, or their quoting
        table.  Each is a finding of its own (``crosstab``, ``quoted``)."""
        if not self.sensitive:
            return
        routed = self.routed_on_sensitive()
        for table in data.get("tables", ()):
            q = table.get("question")
            if table.get("aggregator") == "crosstab" and (q in self.sensitive or q in routed):
                self.kn.breaches.append(Finding("crosstab", r, table["id"], "", "", 0, 0, 0))
            if table.get("aggregator") == "free_text" and q in self.sensitive:
                self.kn.breaches.append(Finding("quoted", r, table["id"], "", "", 0, 0, 0))
        for digest in data.get("digests", ()):
            if digest["question"] in self.sensitive:
                where = f"{digest['question']} digest"
                self.kn.breaches.append(Finding("quoted", r, where, "", "", 0, 0, 0))

    def routed_on_sensitive(self) -> set[str]:
        """Parts whose routing reads a sensitive part, or a part so routed (its answer is
        there only when that one's routing let it be asked)."""
        found: set[str] = set()
        grew = True
        while grew:
            grew = False
            for q in self.parts.values():
                if q.id in found or q.condition is None:
                    continue
                if any(a in self.sensitive or a in found for a in references(q.condition)):
                    found.add(q.id)
                    grew = True
        return found

    def other_words(self, r: int) -> None:
        """An "other" option's words are written only by those who chose the option."""
        self.kn.family = "other"
        for q in self.texts[r]:
            owner, option = self.others.get(q, (None, None))
            if owner is None or option not in self.rows_of.get((r, owner), ()):
                continue
            words, chose = (r, (q, ANSWERED, "", "")), (r, (owner, option, "", ""))
            self.kn.add({words: 1, chose: -1}, -INF, 0)

    def implied(self, r: int) -> None:
        """A sensitive question has no table by group, but a question routed on it may be
        shown by group: there, the sensitive question's answers in each group are unknowns of
        their own (every row of its table, summing over the groups to its published counts,
        and for a single choice adding up to the group), so routing can reach them.  They are
        figures never published (``count`` None), judged as :meth:`Attacker.audit` says."""
        if self.spec is None:
            return
        self.kn.family = "implied"
        for q2 in self.parts.values():
            if q2.condition is None:
                continue
            dims = {d for (rr, qq, d) in self.groups if rr == r and qq == q2.id and d}
            for q1 in references(q2.condition):
                rows = sorted(self.rows_of.get((r, q1), ()))
                if q1 not in self.sensitive or not rows:
                    continue
                for d in sorted(dims):
                    if (r, q1, d) in self.groups:
                        continue
                    groups = sorted(self.groups[(r, q2.id, d)])
                    self.groups[(r, q1, d)].update(groups)
                    for row in rows:
                        parts = {(r, (q1, row, d, g)): 1 for g in groups}
                        self.kn.equal(_plus(parts, {(r, (q1, row, "", "")): -1}), 0)
                    for g in groups:
                        size = {(r, (ALL, ALL, d, g)): 1}
                        if q1 not in self.multiple:
                            line = {(r, (q1, row, d, g)): 1 for row in rows}
                            self.kn.equal(_plus(line, size, scale=[1, -1]), 0)
                        for row in rows:
                            answer = row not in BLANK_ROWS
                            self.kn.implied.append(
                                Figure(
                                    r,
                                    f"{q1}-by-{d} (never published)",
                                    row,
                                    g,
                                    _frozen({(r, (q1, row, d, g)): 1}),
                                    None,
                                    whole=_frozen(size) if answer else None,
                                    group=_frozen(size),
                                )
                            )

    def consent(self, r: int) -> None:
        """Quotable answers are answers from consenting respondents: at most those consenting,
        and those withheld at most those not consenting."""
        spec = self.spec
        if spec is None:
            return
        c, quote = spec.publication.consent_question, spec.publication.quote
        if c is None or not quote or (r, c) not in self.rows_of:
            return
        consenting = {(r, (c, v, "", "")): 1 for v in quote}
        self.kn.family = "consent"
        for q in self.texts[r]:
            quotable, withheld = (r, (q, QUOTABLE, "", "")), (r, (q, NOT_QUOTABLE, "", ""))
            self.kn.add(_plus({quotable: 1}, consenting, scale=[1, -1]), -INF, 0)
            rest = _plus({withheld: 1, (r, RESPONSES): -1}, consenting)
            self.kn.add(rest, -INF, 0)

    def choices(self, r: int) -> None:
        """A multi-choice question: respondents who chose something, per group, tie its
        option counts to the group size; and the free-text answered count splits in two."""
        self.kn.family = "quoting"
        for q in self.texts[r]:
            terms = {(r, (q, s, "", "")): 1 for s in (QUOTABLE, NOT_QUOTABLE)}
            self.kn.equal(_plus(terms, {(r, (q, ANSWERED, "", "")): -1}), 0)
        self.kn.family = "multi"
        for (rr, q, d), groups in list(self.groups.items()):
            if rr != r or q not in self.multiple:
                continue
            rows = self.rows_of[(r, q)]
            options = sorted(rows - BLANK_ROWS)
            for g in groups:
                chose = (r, (q, RESPONDENTS, d, g))
                blanks = {(r, (q, b, d, g)): 1 for b in (NOT_ANSWERED, NOT_SHOWN) if b in rows}
                size = {(r, (ALL, ALL, d, g)): 1}
                self.kn.equal(_plus({chose: 1}, blanks, size, scale=[1, 1, -1]), 0)
                picked = {(r, (q, o, d, g)): 1 for o in options}
                self.kn.add(_plus(picked, {chose: -1}), 0, INF)
                for o in options:
                    self.kn.add({(r, (q, o, d, g)): 1, chose: -1}, -INF, 0)
            if d and (r, q, "") in self.groups:
                parts = {(r, (q, RESPONDENTS, d, g)): 1 for g in groups}
                self.kn.equal(_plus(parts, {(r, (q, RESPONDENTS, "", "")): -1}), 0)


def _compares(op: str, value: Any, literal: Any) -> bool:
    """A comparison as the spec's condition makes it (a date by its literal's precision)."""
    if isinstance(literal, DateLiteral):
        value, literal = value[: len(literal.text)], literal.text
    return {
        "==": value == literal,
        "!=": value != literal,
        "<": value < literal,
        "<=": value <= literal,
        ">": value > literal,
        ">=": value >= literal,
    }[op]


def position(q: str, option: str, n: int) -> Stat:
    """A ranking's count of ``option`` at position ``n``: the first choices at 1."""
    if n == 1 and option != NOT_RANKED:
        return (q, option, "", "")
    return (f"{q}#{n}", option, "", "")


def _count(cell: Mapping[str, Any]) -> int | None:
    if cell.get("suppressed") or cell.get("count") is None:
        return None
    return int(cell["count"])


# ------------------------------------------------------------------------------------------------
# Solving


class Component:
    """Unknowns linked by constraints, as arrays built once, with a pool of feasible points."""

    def __init__(
        self,
        variables: list[int],
        rows: list[tuple[dict[int, int], float, float]],
        lb: np.ndarray,
        ub: np.ndarray,
    ) -> None:
        self.variables = variables
        self.rows = rows
        self.local = {g: n for n, g in enumerate(variables)}
        n, m = len(variables), len(rows)
        self.n, self.m = n, m
        self.lb, self.ub = lb, ub
        self.lo = np.array([lo for _, lo, _ in rows], dtype=float)
        self.hi = np.array([hi for _, _, hi in rows], dtype=float)
        if m:
            data, ri, ci = [], [], []
            for i, (terms, _, _) in enumerate(rows):
                for g, a in terms.items():
                    data.append(a)
                    ri.append(i)
                    ci.append(self.local[g])
            a = sparse.csr_array((data, (ri, ci)), shape=(m, n), dtype=float)
            self.a = a.toarray() if n * m <= 40_000 else a
            self.constraint: LinearConstraint | None = LinearConstraint(self.a, self.lo, self.hi)
        else:
            self.a = np.zeros((0, n))
            self.constraint = None
        self.bounds = Bounds(lb, ub)
        self.integrality = np.ones(n)
        self.continuous = np.zeros(n)
        self.rng = np.random.default_rng(n)
        self.points: list[np.ndarray] = []
        self._stack: np.ndarray | None = None
        self.optima: dict[tuple[bytes, int], float] = {}
        self.solves = 0

    def feasible(self, x: np.ndarray) -> bool:
        if np.any(x < self.lb - 1e-9) or np.any(x > self.ub + 1e-9):
            return False
        if not self.m:
            return True
        ax = self.a @ x
        return bool(np.all(ax >= self.lo - 1e-7) and np.all(ax <= self.hi + 1e-7))

    def add(self, x: np.ndarray) -> None:
        self.points.append(x)
        self._stack = None

    def values(self, c: np.ndarray) -> np.ndarray:
        if not self.points:
            return np.zeros(0)
        if self._stack is None:
            self._stack = np.vstack(self.points)
        return self._stack @ c

    def optimum(self, c: np.ndarray, sense: int, need: float | None = None) -> float:
        """``min`` (sense 1) or ``max`` (sense -1) of ``c . x``; infinite past ``BIG / 2``.

        The LP relaxation is solved first: an integral vertex is the integer optimum too, and
        when only ``need`` matters (is the max at least ``need``? the min at most?), an LP bound
        that misses it settles the question without the integer program; the value returned
        is then only a bound, and is not cached."""
        key = (c.tobytes(), sense)
        if key in self.optima:
            return self.optima[key]
        trivial = float(np.sum(np.where(sense * c > 0, c * self.lb, c * self.ub)))
        seen = self.values(c)
        if seen.size and np.any(seen == trivial):
            value = trivial
        else:
            x = self.solve(sense * c, integral=False)
            assert x is not None, "a component with a feasible point became infeasible"
            value = float(c @ x)
            if not np.allclose(x, np.round(x), atol=1e-6):
                relaxed = value
                if need is not None:
                    if sense * (relaxed - need) > 1e-6:
                        return relaxed  # even the relaxation cannot reach ``need``
                    # Only ``need`` matters: an integer point reaching it is cheaper to find
                    # than an optimum to prove.
                    lo, hi = (-INF, need) if sense > 0 else (need, INF)
                    point = self.meets(c, lo, hi)
                    return relaxed if point is None else float(c @ point)
                x = self.solve(sense * c)
                assert x is not None, "a component with a feasible point became infeasible"
                value = float(c @ x)
        if abs(value) >= BIG / 2:
            value = -sense * INF
        self.optima[key] = value
        return value

    def solve(
        self,
        c: np.ndarray,
        extra: tuple[np.ndarray, float, float] | None = None,
        integral: bool = True,
    ) -> np.ndarray | None:
        """Minimise ``c . x`` (over integers, or the LP relaxation); the solution (added to the
        pool when it is an integer point), or ``None`` if there is none."""
        self.solves += 1
        constraints = [] if self.constraint is None else [self.constraint]
        if extra is not None:
            constraints.append(LinearConstraint(extra[0][None, :], extra[1], extra[2]))
        if not constraints:
            x = np.where(c > 0, self.lb, np.where(c < 0, self.ub, self.lb)).astype(float)
            self.add(x)
            return x
        res = milp(
            c,
            integrality=self.integrality if integral else self.continuous,
            bounds=self.bounds,
            constraints=constraints,
            options=EXACT,
        )
        if res.status == 2:
            return None
        if res.x is None:
            raise RuntimeError(f"milp failed: {res.message}")
        x = res.x
        rounded = np.round(x)
        if np.allclose(x, rounded, atol=1e-6) and self.feasible(rounded):
            self.add(rounded)
            return rounded
        return x

    def meets(self, c: np.ndarray, lo: float, hi: float) -> np.ndarray | None:
        """An integer point with ``lo <= c . x <= hi``, or ``None`` when there is none: the LP
        relaxation first (no LP point, no integer point; an integral vertex is one)."""
        x = self.solve(np.zeros(self.n), (c, lo, hi), integral=False)
        if x is None:
            return None
        for _ in range(TRIES):  # other vertices, cheaper than the integer program
            if np.allclose(x, np.round(x), atol=1e-6):
                return np.round(x)
            x = self.solve(self.rng.standard_normal(self.n), (c, lo, hi), integral=False)
            assert x is not None
        if np.allclose(x, np.round(x), atol=1e-6):
            return np.round(x)
        return self.solve(np.zeros(self.n), (c, lo, hi))

    @classmethod
    def merge(cls, parts: Sequence[Component]) -> Component:
        variables = [g for p in parts for g in p.variables]
        rows = [row for p in parts for row in p.rows]
        merged = cls(
            variables,
            rows,
            np.concatenate([p.lb for p in parts]),
            np.concatenate([p.ub for p in parts]),
        )
        for combo in itertools.islice(itertools.product(*(p.points[:3] for p in parts)), 27):
            merged.add(np.concatenate(combo))
        return merged


class Solver:
    """The attacker's knowledge, presolved and split into components, answering queries."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.kn = knowledge
        n = len(knowledge.lb)
        self.lb = np.array(knowledge.lb, dtype=float)
        self.ub = np.array(knowledge.ub, dtype=float)
        active = self._presolve()
        self.fixed = self.lb == self.ub
        parent = list(range(n))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for terms, _, _ in active:
            free = list(terms)
            for other in free[1:]:
                a, b = find(free[0]), find(other)
                if a != b:
                    parent[a] = b
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            if not self.fixed[i]:
                members[find(i)].append(i)
        grouped: dict[int, list] = defaultdict(list)
        for row in active:
            grouped[find(next(iter(row[0])))].append(row)
        self.components: list[Component] = []
        self.component_of = np.full(n, -1)
        for root, variables in members.items():
            comp = Component(
                variables, grouped.get(root, []), self.lb[variables], self.ub[variables]
            )
            for i in variables:
                self.component_of[i] = len(self.components)
            self.components.append(comp)
        self.merged: dict[tuple[int, ...], Component] = {}

    def _presolve(self) -> list[tuple[dict[int, int], float, float]]:
        """Fold fixed unknowns into constants and tighten bounds from each constraint (a
        worklist: a constraint is looked at again when a bound of one of its unknowns moves);
        the constraints left each hold two or more free unknowns."""
        lb, ub = self.lb.tolist(), self.ub.tolist()
        rows = self.kn.rows
        using: dict[int, list[int]] = defaultdict(list)
        for n, (terms, _, _) in enumerate(rows):
            for i in terms:
                using[i].append(n)
        alive = [True] * len(rows)
        queued = [True] * len(rows)
        todo = list(range(len(rows) - 1, -1, -1))
        while todo:
            n = todo.pop()
            queued[n] = False
            terms, lo, hi = rows[n]
            const = 0.0
            free: dict[int, int] = {}
            for i, a in terms.items():
                if lb[i] == ub[i]:
                    const += a * lb[i]
                else:
                    free[i] = a
            lo2, hi2 = lo - const, hi - const
            if not free:
                if not lo2 - 1e-9 <= 0 <= hi2 + 1e-9:
                    raise Inconsistent(f"published figures contradict each other: {terms}")
                alive[n] = False
                continue
            low_act = sum(a * (lb[i] if a > 0 else ub[i]) for i, a in free.items())
            high_act = sum(a * (ub[i] if a > 0 else lb[i]) for i, a in free.items())
            if low_act > hi2 + 1e-9 or high_act < lo2 - 1e-9:
                raise Inconsistent(f"published figures contradict each other: {terms}")
            for i, a in free.items():
                rest_low = low_act - a * (lb[i] if a > 0 else ub[i])
                rest_high = high_act - a * (ub[i] if a > 0 else lb[i])
                top, bottom = hi2 - rest_low, lo2 - rest_high  # a * x in [bottom, top]
                new_lb, new_ub = (bottom / a, top / a) if a > 0 else (top / a, bottom / a)
                moved = False
                if math.isfinite(new_lb) and math.ceil(new_lb - 1e-9) > lb[i]:
                    lb[i] = math.ceil(new_lb - 1e-9)
                    moved = True
                if math.isfinite(new_ub) and math.floor(new_ub + 1e-9) < ub[i]:
                    ub[i] = math.floor(new_ub + 1e-9)
                    moved = True
                if lb[i] > ub[i]:
                    raise Inconsistent(f"published figures contradict each other: {terms}")
                if moved:
                    for m in using[i]:
                        if m != n and alive[m] and not queued[m]:
                            queued[m] = True
                            todo.append(m)
            if len(free) == 1:
                alive[n] = False  # all it says is now in the bounds
        self.lb[:] = lb
        self.ub[:] = ub
        out = []
        for n, (terms, lo, hi) in enumerate(rows):
            if not alive[n]:
                continue
            const = sum(a * lb[i] for i, a in terms.items() if lb[i] == ub[i])
            free = {i: a for i, a in terms.items() if lb[i] != ub[i]}
            if len(free) > 1:
                out.append((free, lo - const, hi - const))
            elif not free and not lo - 1e-9 <= const <= hi + 1e-9:
                raise Inconsistent(f"published figures contradict each other: {terms}")
        return out

    # queries ---------------------------------------------------------------------------------

    def split(self, terms: Mapping[Var, int]) -> tuple[float, dict[int, np.ndarray]]:
        """A linear expression as a constant plus one coefficient vector per component."""
        const = 0.0
        parts: dict[int, np.ndarray] = {}
        for v, a in terms.items():
            i = self.kn.index[v]
            if self.fixed[i]:
                const += a * self.lb[i]
                continue
            c = int(self.component_of[i])
            comp = self.components[c]
            if c not in parts:
                parts[c] = np.zeros(comp.n)
            parts[c][comp.local[i]] += a
        return const, parts

    def range(self, terms: Mapping[Var, int]) -> tuple[float, float]:
        """The least and greatest value of a sum of statistics the attacker cannot exclude."""
        return self.bound(terms, 1), self.bound(terms, -1)

    def bound(self, terms: Mapping[Var, int], sense: int, need: float | None = None) -> float:
        """The least (sense 1) or greatest (sense -1) value; with ``need``, possibly only a
        bound on it that already misses ``need``."""
        const, parts = self.split(terms)
        if need is not None and len(parts) != 1:
            need = None
        if need is not None:
            need -= const
        return const + sum(self.components[c].optimum(v, sense, need) for c, v in parts.items())

    def attains(
        self, terms: Mapping[Var, int], lo: float, hi: float, *, solve: bool = True
    ) -> bool:
        """Whether some feasible point gives the expression a value in ``[lo, hi]``; with
        ``solve=False`` only the pools are asked (``False`` then means "not known")."""
        const, parts = self.split(terms)
        lo, hi = lo - const, hi - const
        if not parts:
            return lo <= 0 <= hi
        sums: np.ndarray | None = None
        for c, v in parts.items():
            seen = np.unique(self.components[c].values(v))
            if not seen.size:
                sums = None
                break
            sums = seen if sums is None else np.unique(np.add.outer(sums, seen))
            if sums.size > 10**4:
                sums = None
                break
        if sums is not None and np.any((sums >= lo) & (sums <= hi)):
            return True
        if not solve:
            return False
        if hi == INF:
            return self.bound(terms, -1, lo + const) - const >= lo
        if lo == -INF:
            return self.bound(terms, 1, hi + const) - const <= hi
        if len(parts) == 1:
            ((c, v),) = parts.items()
            return self.components[c].meets(v, lo, hi) is not None
        key = tuple(sorted(parts))
        if key not in self.merged:
            self.merged[key] = Component.merge([self.components[c] for c in key])
        comp = self.merged[key]
        x = comp.meets(np.concatenate([parts[c] for c in key]), lo, hi)
        if x is None:
            return False
        start = 0
        for c in key:
            part = self.components[c]
            piece = x[start : start + part.n]
            start += part.n
            if part.feasible(piece):
                part.add(piece)
        return True

    def enrich(self, queries: Sequence[tuple[Mapping[Var, int], float, float]]) -> None:
        """Find feasible points that answer many questions "can it be in ``[lo, hi]``?" at
        once: per component, solve the LP relaxation with the pending questions' directions
        added up (towards ``[lo, hi]`` from the component's first point, the truth when
        auditing; a random half of them each round) and keep every integral vertex.  With
        additions only, changes cannot fall below zero, so pushing many towards zero lands
        them on it together.  Only a heuristic: what is left is asked one at a time."""
        rng = np.random.default_rng(0)
        by_component: dict[int, list[tuple[np.ndarray, float, float]]] = defaultdict(list)
        for terms, lo, hi in queries:
            const, parts = self.split(terms)
            if len(parts) == 1:
                ((c, v),) = parts.items()
                by_component[c].append((v, lo - const, hi - const))
        for c, asked in by_component.items():
            comp = self.components[c]
            if comp.m == 0 or len(asked) < 3:
                continue
            directions = np.array([v for v, _, _ in asked])
            lo = np.array([q[1] for q in asked])
            hi = np.array([q[2] for q in asked])
            start = directions @ comp.points[0] if comp.points else np.zeros(len(asked))
            up = (hi == INF) | ((lo > -INF) & (start < lo))
            scale = np.abs(directions).max(axis=1)
            signs = np.where(up, -1.0, 1.0) / scale
            pending = np.ones(len(asked), bool)
            if comp.points:
                pending = _unanswered(np.vstack(comp.points), directions, lo, hi)
            # A round must settle two questions or more to beat asking them one at a time.
            while pending.sum() >= 2:
                chosen = pending & (rng.random(len(asked)) < 0.5)
                if chosen.sum() < 2:
                    chosen = pending
                weights = rng.uniform(0.5, 1.5, len(asked)) * signs * chosen
                before = len(comp.points)
                x = comp.solve(weights @ directions, integral=False)
                if x is None or len(comp.points) == before:
                    break
                still = pending & _unanswered(x[None, :], directions, lo, hi)
                if pending.sum() - still.sum() < 2:
                    break
                pending = still

    @property
    def solves(self) -> int:
        return sum(c.solves for c in self.components) + sum(c.solves for c in self.merged.values())


def _unanswered(points: np.ndarray, directions: np.ndarray, lo, hi) -> np.ndarray:
    """Which questions ``directions . x in [lo, hi]`` no point answers yes."""
    values = points @ directions.T
    return ~np.any((values >= lo - 1e-9) & (values <= hi + 1e-9), axis=0)


# ------------------------------------------------------------------------------------------------
# The attacker


def _pairs(
    numbers: Sequence[int], additions_only: bool | Mapping[tuple[int, int], bool]
) -> list[tuple[int, int]]:
    """Pairs of releases between which only responses were added (nothing revised)."""
    out = []
    for a, r in enumerate(numbers):
        for s in numbers[a + 1 :]:
            if isinstance(additions_only, Mapping):
                flag = additions_only.get((r, s))
                if flag is None:
                    b = numbers.index(s)
                    flag = all(
                        additions_only.get((numbers[t], numbers[t + 1]), False) for t in range(a, b)
                    )
            else:
                flag = bool(additions_only)
            if flag:
                out.append((r, s))
    return out


class Attacker:
    """Everything published about one consultation, and what can be worked out from it."""

    def __init__(
        self,
        releases: Sequence[Mapping[str, Any]],
        spec: Consultation | None = None,
        *,
        suppressed_min: int = 0,
        additions_only: bool | Mapping[tuple[int, int], bool] | str = False,
        known: Mapping[int, Mapping[Stat, int]] | None = None,
        ignore: Iterable[str] = (),
    ) -> None:
        self.releases = list(releases)
        self.numbers = [int(d.get("release") or n + 1) for n, d in enumerate(self.releases)]
        if len(set(self.numbers)) != len(self.numbers):
            raise ValueError(f"two releases share a number: {self.numbers}")
        self.knowledge = kn = Knowledge(suppressed_min, ignore)
        self.reader = reader = Reader(kn, spec)
        for r, data in zip(self.numbers, self.releases, strict=True):
            reader.release(r, data, (known or {}).get(r))
        by_release: dict[int, set[Stat]] = defaultdict(set)
        for r, stat in kn.index:
            by_release[r].add(stat)
        guessed = additions_only == "auto"
        if guessed:
            additions_only = self._grew()
        self.pairs = _pairs(self.numbers, additions_only)
        before = len(kn.rows)
        kn.family = "growth"
        for r, s in self.pairs:
            for stat in by_release[r] & by_release[s] - kn.not_counts:
                kn.add({(s, stat): 1, (r, stat): -1}, 0, INF)
        if guessed and len(kn.rows) > before and not _consistent(kn):
            # "No published count fell" was only a guess: respondents who changed their
            # answers can lower a base bin or a hidden figure that no published one shows.  An
            # attacker whose guess contradicts what was published drops it, as this one does.
            del kn.rows[before:]
            self.pairs = []
        self.by_release = by_release
        self.solver = Solver(kn)

    def _grew(self) -> dict[tuple[int, int], bool]:
        """Pairs of releases between which no published count fell: docs/disclosure.md lets
        the attacker assume only responses were added between them."""
        published: dict[int, dict[Stat, int]] = defaultdict(dict)
        for f in self.knowledge.figures:
            if f.count is not None and len(f.terms) == 1:
                (((r, stat), _),) = f.terms
                if stat not in self.knowledge.not_counts:
                    published[r][stat] = f.count
        return growth(self.numbers, [published[r] for r in self.numbers])

    @property
    def suppressed(self) -> list[Figure]:
        return [f for f in self.knowledge.figures if f.count is None]

    def range(self, terms: Mapping[Var, int]) -> tuple[float, float]:
        return self.solver.range(terms)

    def ranges(self, figures: Iterable[Figure] | None = None) -> dict[tuple, tuple[float, float]]:
        """``(min, max)`` of every suppressed figure (or of ``figures``), by address."""
        chosen = self.suppressed if figures is None else list(figures)
        out: dict[tuple, tuple[float, float]] = {}
        for f in chosen:
            out[f.address] = self.range(dict(f.terms))
        return out

    # auditing ------------------------------------------------------------------------------

    def seed(self, truth: Mapping[int, Mapping[Stat, tuple[int, int]]]) -> np.ndarray:
        """The true counts as a point, added to every component's pool after checking it
        against every constraint (else the model or the publication is wrong).  Statistics
        missing from ``truth`` are zero, except the attacker's own unknowns (how many a
        compound condition holds for), which are completed by solving."""
        kn = self.knowledge
        x = np.zeros(len(kn.lb))
        own = []
        for (r, stat), i in kn.index.items():
            if stat[0] == AUX:
                own.append(i)
            else:
                x[i] = truth.get(r, {}).get(stat, (0, 0))[0]
        if own:
            x[own] = self._complete(x, own)
        for terms, lo, hi in kn.rows:
            value = sum(a * x[i] for i, a in terms.items())
            if not lo - 1e-9 <= value <= hi + 1e-9:
                names = {kn.name(i): a for i, a in terms.items()}
                raise Inconsistent(
                    f"the truth breaks a constraint {lo} <= {names} <= {hi} (it gives {value})"
                )
        for comp in self.solver.components:
            comp.add(x[comp.variables])
        return x

    def _complete(self, x: np.ndarray, own: list[int]) -> np.ndarray:
        """Values of the unknowns ``own`` that, with the rest of ``x``, satisfy everything."""
        kn = self.knowledge
        local = {i: n for n, i in enumerate(own)}
        rows, lo, hi = [], [], []
        for terms, low, high in kn.rows:
            if not any(i in local for i in terms):
                continue
            row = np.zeros(len(own))
            const = 0.0
            for i, a in terms.items():
                if i in local:
                    row[local[i]] += a
                else:
                    const += a * x[i]
            rows.append(row)
            lo.append(low - const)
            hi.append(high - const)
        if not rows:
            return np.zeros(len(own))
        res = milp(
            np.zeros(len(own)),
            integrality=np.ones(len(own)),
            bounds=Bounds(0, BIG),
            constraints=LinearConstraint(np.array(rows), lo, hi),
        )
        if res.x is None:
            raise Inconsistent("the truth fits no count of the conditions' respondents")
        return np.round(res.x)

    def audit(
        self,
        truth: Mapping[int, Mapping[Stat, tuple[int, int]]],
        k: int,
        p: int,
        *,
        unsuppressed: bool = False,
    ) -> list[Finding]:
        """Every finding (see :class:`Finding`) against the true counts, per release; with
        ``unsuppressed``, small figures published as they are too (hand-made tables in the
        attacker's own tests publish some on purpose, to see what they give away).

        Each figure is judged by its own threshold and protection level (:meth:`levels`): a
        sensitive question's by ``max(k, 10)`` and ``ceil(max(k, 10) / 2)``, as the spec says
        (the published JSON gives one threshold, the report's), every other one by ``k`` and
        ``p``.  Also found: what the rules never publish of a sensitive question (``crosstab``,
        ``quoted``), and a sensitive question's count in a group worked out from a question
        routed on it (``implied``)."""
        x = self.seed(truth)
        kn = self.knowledge
        findings: list[Finding] = []

        def true(terms: Mapping[Var, int]) -> int:
            return round(sum(a * x[kn.index[v]] for v, a in terms.items()))

        def holders(figure: Figure) -> int:
            """The distinct authorities behind a figure: the truth's count for what it shows
            (a combined column by its members, a merged range by its published value, a
            ranking's row total as ranking the option anywhere)."""
            (r, stat), *_ = figure.terms[0]
            if len(figure.terms) == 1:
                return truth.get(r, {}).get(stat, (0, 0))[1]
            q, row, d, _ = stat
            groups = tuple(sorted({v[1][3] for v, _ in figure.terms}))
            rows = {v[1][1] for v, _ in figure.terms}
            row = row if len(rows) == 1 else figure.row
            key = (q, row, d, groups[0] if len(groups) == 1 else groups)
            if figure.table.endswith("-positions"):
                key = (f"{figure.table.removesuffix('-positions')}#0", figure.row, "", "")
            found = truth.get(r, {}).get(key)
            if found is not None:
                return found[1]
            return max(truth.get(r, {}).get(v[1], (0, 0))[1] for v, _ in figure.terms)

        upper: dict[tuple, float] = defaultdict(lambda: INF)
        responses = {
            n: (data.get("responses") or {}).get("count")
            for n, data in zip(self.numbers, self.releases, strict=True)
        }
        for f in kn.figures:
            key = (f.release, f.terms)
            upper[key] = min(upper[key], f.upper, self._known(f.group))
            # A count of respondents is at most everyone who responded (documented: U).
            counts_people = all(
                stat[1] not in ("_sum", "_respondents") and not str(stat[0]).startswith("coverage")
                for (_, stat), _ in f.terms
            )
            if counts_people and responses.get(f.release) is not None:
                upper[key] = min(upper[key], responses[f.release])
            question = self.reader.parts.get(f.terms[0][0][1][0])
            if question is not None and all(stat[1] == SUM for (_, stat), _ in f.terms):
                # A total of choices: each in the groups chose every option at most once.
                sizes = {(r, (ALL, ALL, stat[2], stat[3])): 1 for (r, stat), _ in f.terms}
                options = max(1, len(question.options))
                upper[key] = min(upper[key], options * self._known(tuple(sizes.items())))
        self.solver.enrich(list(self._questions(true, holders, upper, k, p)))
        done: set[tuple] = set()
        for f in self.suppressed:
            key = (f.release, f.terms)
            if key in done:
                continue
            done.add(key)
            terms = dict(f.terms)
            n = true(terms)
            own, level = self.levels(terms, k, p)
            if n > 0 and min(n, holders(f)) < own:
                want = (max(0, n - level), min(n + level, upper[key]))
                low_ok = self.solver.attains(terms, -INF, want[0])
                if not low_ok or not self.solver.attains(terms, want[1], INF):
                    low, high = self.range(terms)
                    kind = "exact" if low == high else "interval"
                    findings.append(_finding(kind, f, low, high, n, target=want))
                    continue
                if level >= 1:
                    continue  # reaching below and above n, it is not exact either
            if self.differs(terms, n):
                continue
            findings.append(_finding("exact", f, n, n, n))
        if unsuppressed:
            findings += self._published(holders, k)
        findings += self._groups(true)
        findings += self._differences(x, k)
        findings += self.knowledge.breaches
        findings += self._implied(true)
        return findings

    def levels(self, terms: Iterable[Var], k: int, p: int) -> tuple[int, int]:
        """The threshold and protection level a figure of ``terms`` is judged by: a sensitive
        question's (docs/disclosure.md) when it counts its answers, else ``k`` and ``p`` (a
        multi-answer total of choices over a group is who responded, as group sizes are)."""
        sensitive = self.reader.sensitive
        if any(stat[0] in sensitive and stat[1] not in WHOLE for _, stat in terms):
            own = max(k, SENSITIVE_K)
            return own, max(p, math.ceil(own / 2))
        return k, p

    def _implied(self, true) -> list[Finding]:
        """A sensitive question's count in a group (never published) that the attacker pins
        down where its one-column table and the groups' sizes alone would not: those allow
        anything from the count less everyone outside the group, to the least of the count and
        the group's size (the Fréchet bounds), so what is exact beyond them came from a table
        of another question by group, routed on the sensitive one."""
        out = []
        for f in self.knowledge.implied:
            terms = dict(f.terms)
            n = true(terms)
            if self.differs(terms, n):
                continue
            (((r, (q, row, _, _)), _),) = f.terms
            counted = self.range({(r, (q, row, "", "")): 1})
            size = self.range(dict(f.group or ()))
            everyone = self.range({(r, RESPONSES): 1})
            low = max(0, counted[0] - (everyone[1] - size[0]))
            if low < min(size[1], counted[1]):
                out.append(_finding("implied", f, n, n, n))
        return out

    def _published(self, holders, k: int) -> list[Finding]:
        """Small figures published as they are: not zero, and fewer than ``k`` respondents or
        authorities behind them."""
        out = []
        seen: set[tuple] = set()
        for f in self.knowledge.figures:
            if f.count is None or f.count == 0 or (f.release, f.terms) in seen:
                continue
            seen.add((f.release, f.terms))
            if min(f.count, holders(f)) < self.levels(dict(f.terms), k, k)[0]:
                out.append(_finding("published", f, f.count, f.count, f.count))
        return out

    def _known(self, terms: tuple[tuple[Var, int], ...] | None) -> float:
        """The value of a sum of statistics the publications pin down, else infinity."""
        if terms is None:
            return INF
        low, high = self.range(dict(terms))
        return low if low == high else INF

    def _questions(self, true, holders, upper, k: int, p: int):
        """The one-sided questions the audit will ask, for :meth:`Solver.enrich`."""
        for f in self.suppressed:
            terms = dict(f.terms)
            n = true(terms)
            own, level = self.levels(terms, k, p)
            if n > 0 and min(n, holders(f)) < own:
                yield terms, -INF, max(0, n - level)
                yield terms, min(n + level, upper[(f.release, f.terms)]), INF
            else:
                yield terms, n + 1, INF
                yield terms, -INF, n - 1
        for f in self.knowledge.figures:
            if f.whole is not None:
                whole = dict(f.whole)
                if true(whole) >= 1 and true(dict(f.terms)) == true(whole):
                    yield _plus(whole, dict(f.terms), scale=[1, -1]), 1, INF

    def differs(self, terms: Terms, n: int) -> bool:
        """Whether the expression can take a value other than ``n``: pools first."""
        attains = self.solver.attains
        up, down = (n + 1, INF), (-INF, n - 1)
        if attains(terms, *up, solve=False) or attains(terms, *down, solve=False):
            return True
        return attains(terms, *up) or attains(terms, *down)

    def _groups(self, true) -> list[Finding]:
        out = []
        seen: set[tuple] = set()
        for f in self.knowledge.figures:
            if f.whole is None or (f.release, f.terms, f.whole) in seen:
                continue
            seen.add((f.release, f.terms, f.whole))
            cell, whole = dict(f.terms), dict(f.whole)
            n, size = true(cell), true(whole)
            if size < 1 or n != size:
                continue
            rest = _plus(whole, cell, scale=[1, -1])
            if not self.solver.attains(rest, 1, INF):
                low, high = self.range(rest)
                out.append(_finding("group", f, low, high, 0))
        return out

    def _differences(self, x: np.ndarray, k: int) -> list[Finding]:
        kn = self.knowledge
        out = []
        for r, s in itertools.combinations(self.numbers, 2):
            shared = self.by_release[r] & self.by_release[s]
            exprs: dict[tuple, Terms] = {}
            for stat in shared:
                if stat[0] in (ALL, WEEK, AUX) or stat[1] in WHOLE or stat in kn.unprotected:
                    continue
                exprs[((stat, 1),)] = {(s, stat): 1, (r, stat): -1}
            for f in kn.figures:
                if f.release != s or len(f.terms) < 2:
                    continue
                stats = tuple(sorted(((v[1], a) for v, a in f.terms), key=repr))
                if all(st in shared for st, _ in stats) and not any(
                    st[0] in (ALL, WEEK, AUX) or st[1] in WHOLE for st, _ in stats
                ):
                    exprs[stats] = _plus(
                        {(s, st): a for st, a in stats},
                        {(r, st): a for st, a in stats},
                        scale=[1, -1],
                    )
            asked = []
            for stats, terms in exprs.items():
                d = round(sum(a * x[kn.index[v]] for v, a in terms.items()))
                if d != 0 and abs(d) < self.levels(terms, k, k)[0]:
                    asked.append((stats, terms, d))
            self.solver.enrich([(terms, 0, 0) for _, terms, _ in asked])
            for stats, terms, d in asked:
                if self.solver.attains(terms, 0, 0):
                    continue
                low, high = self.range(terms)
                where = kn.first.get((s, stats[0][0]))
                out.append(
                    Finding(
                        "difference",
                        s,
                        where.table if where else "",
                        where.row if where else str(stats[0][0][1]),
                        where.column if where else "",
                        low,
                        high,
                        d,
                        earlier=r,
                        stat=stats[0][0] if len(stats) == 1 else stats,
                    )
                )
        return out


def _finding(
    kind: str,
    f: Figure,
    low: float,
    high: float,
    truth: int,
    target: tuple[float, float] | None = None,
) -> Finding:
    stat = f.terms[0][0][1] if len(f.terms) == 1 else tuple(v[1] for v, _ in f.terms)
    return Finding(kind, f.release, f.table, f.row, f.column, low, high, truth, None, target, stat)


# ------------------------------------------------------------------------------------------------
# The two entry points


def growth(
    numbers: Sequence[int], counts: Sequence[Mapping[Stat, Any]]
) -> dict[tuple[int, int], bool]:
    """For each pair of releases, whether no count of responses fell between them (coverage
    tables and the attacker's own unknowns aside).  ``counts`` are per release, ``n`` or
    ``(n, authorities)`` by statistic."""

    def n(value: Any) -> int:
        return value[0] if isinstance(value, tuple) else value

    out = {}
    for a, b in itertools.combinations(range(len(numbers)), 2):
        old, new = counts[a], counts[b]
        fell = any(
            n(new[stat]) < n(old[stat])
            for stat in old.keys() & new.keys()
            if not str(stat[0]).startswith("coverage-") and stat[0] != AUX
        )
        out[(numbers[a], numbers[b])] = not fell
    return out


def _truths(releases, truth) -> dict[int, Mapping[Stat, tuple[int, int]]]:
    numbers = [int(d.get("release") or n + 1) for n, d in enumerate(releases)]
    if isinstance(truth, Mapping):
        truth = [truth]
    if len(truth) != len(numbers):
        raise ValueError("give one truth per release")
    return dict(zip(numbers, truth, strict=True))


Additions = bool | Mapping[tuple[int, int], bool] | str


def ranges(
    releases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    spec: Consultation | None = None,
    suppressed_min: int = 0,
    additions_only: Additions = "auto",
    known: Mapping[int, Mapping[Stat, int]] | None = None,
    ignore: Iterable[str] = (),
) -> dict[tuple[int, str, str, str], tuple[float, float]]:
    """``(min, max)`` of every suppressed figure, keyed ``(release, table, row, column)``;
    ``math.inf`` when nothing published bounds it.  ``additions_only``: ``True`` or ``False``
    for every pair of releases, a mapping ``{(r, s): flag}`` (a pair left out holds when every
    consecutive pair between them does), or ``"auto"``: where no published count fell.
    ``ignore`` leaves out kinds of knowledge (:data:`FAMILIES`), to see where a result comes
    from."""
    if isinstance(releases, Mapping):
        releases = [releases]
    attacker = Attacker(
        releases,
        spec,
        suppressed_min=suppressed_min,
        additions_only=additions_only,
        known=known,
        ignore=ignore,
    )
    return attacker.ranges()


def audit(
    releases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    truth: Sequence[Mapping[Stat, tuple[int, int]]] | Mapping[Stat, tuple[int, int]],
    k: int,
    p: int | None = None,
    *,
    spec: Consultation | None = None,
    suppressed_min: int = 0,
    additions_only: Additions = "auto",
    known: Mapping[int, Mapping[Stat, int]] | None = None,
    ignore: Iterable[str] = (),
    unsuppressed: bool = False,
) -> list[Finding]:
    """Every :class:`Finding` an attacker holding ``releases`` (in release order) can prove;
    ``truth`` is the true ``(n, authorities)`` of every statistic, one mapping per release.
    ``unsuppressed`` reports small figures that were published too (``published`` findings).

    ``p`` defaults to the last release's ``protection``, else ``ceil(k / 2)``.
    ``additions_only="auto"`` assumes only additions between releases where no true count fell
    (what docs/disclosure.md lets the attacker assume when no figure fell)."""
    if isinstance(releases, Mapping):
        releases = [releases]
    truths = _truths(releases, truth)
    if p is None:
        p = releases[-1].get("protection") or math.ceil(k / 2)
    if additions_only == "auto":
        numbers = list(truths)
        additions_only = growth(numbers, [truths[r] for r in numbers])
    attacker = Attacker(
        releases,
        spec,
        suppressed_min=suppressed_min,
        additions_only=additions_only,
        known=known,
        ignore=ignore,
    )
    return attacker.audit(truths, k, p, unsuppressed=unsuppressed)
