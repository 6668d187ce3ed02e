"""The independent attacker (attacker.py) finds every attack on the OLD disclosure rules.

Issue 12's audit broke the old rules five ways: suppressed cells solvable because "[c] is at
least 1", linked tables solved together, the free-text digest giving away a suppressed count,
group disclosure through published zeros, and differencing two releases.  Each test below
publishes a case under the old rules (old_rules.py, verbatim from git) as public JSON and checks
the attacker finds it; the first tests check the attacker itself on tiny tables whose answers
are known, and against brute-force enumeration.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import surveykit
from surveykit.storage import open_store

sys.path.insert(0, str(Path(__file__).parent))
import old_rules
import population as pop
from attacker import FAMILIES, Attacker, Inconsistent, audit, growth, ranges

TOTAL = "_total"


def grid_table(grid, table_id="t", rows=None, columns=None, aggregator="test", question=None):
    """A public JSON table from an (R+1) x (C+1) grid of counts, ``None`` where suppressed."""
    rows = rows or [f"r{i}" for i in range(len(grid) - 1)]
    columns = [
        c if isinstance(c, dict) else {"value": c, "label": c, "members": []}
        for c in columns or [f"c{j}" for j in range(len(grid[0]) - 1)]
    ]
    cells = []
    for i, row in enumerate([*rows, TOTAL]):
        for j, column in enumerate([*(c["value"] for c in columns), TOTAL]):
            count = grid[i][j]
            cells.append(
                {"row": row, "column": column, "count": count, "suppressed": count is None}
            )
    return {
        "id": table_id,
        "title": table_id,
        "aggregator": aggregator,
        "question": question,
        "rows": [{"value": r, "label": r} for r in rows],
        "columns": columns,
        "cells": cells,
        "notes": [],
    }


def one_column(table_id, question, rows, values, aggregator="counts"):
    """A one-column table (counts, quoting): ``values`` per row then the total; each row's
    total is the cell itself."""
    grid = [[v, v] for v in values]
    return grid_table(grid, table_id, rows, ["_all"], aggregator=aggregator, question=question)


def release(*tables, digests=(), number=None, k=5) -> dict:
    data = {"threshold": k, "tables": list(tables), "digests": list(digests)}
    if number is not None:
        data["release"] = number
    return data


def full_grid(inner):
    """The grid with margins of a matrix of true counts."""
    rows = [[*r, sum(r)] for r in inner]
    rows.append([sum(col) for col in zip(*rows, strict=True)])
    return rows


# ------------------------------------------------------------------------------------------------
# The attacker itself


def test_one_suppressed_cell_of_a_2x2_is_exact():
    """Margins published, one inner cell hidden: its row gives it away."""
    grid = full_grid([[3, 4], [5, 6]])
    grid[0][0] = None
    assert ranges(release(grid_table(grid))) == {(1, "t", "r0", "c0"): (3, 3)}


def test_a_fully_suppressed_2x2_with_published_margins_is_not_exact():
    """Four hidden cells on a cycle: each can move by the smallest of the others."""
    grid = full_grid([[3, 4], [5, 6]])
    for i, j in itertools.product(range(2), range(2)):
        grid[i][j] = None
    found = ranges(release(grid_table(grid)))
    assert found[(1, "t", "r0", "c0")] == (0, 7)
    assert found[(1, "t", "r1", "c1")] == (3, 10)  # 11 - (8 - x00)
    assert all(low < high for low, high in found.values())
    # The old rules' "at least 1" narrows but does not pin them.
    assert ranges(release(grid_table(grid)), suppressed_min=1)[(1, "t", "r0", "c0")] == (1, 6)


def test_an_unbounded_figure_is_infinite():
    """Nothing published on its lines bounds a figure: the attacker says so."""
    grid = [[None, None, None], [2, 2, 4], [None, None, None]]
    found = ranges(release(grid_table(grid)))
    assert found[(1, "t", "r0", "c0")] == (0, np.inf)


def test_inconsistent_publications_are_refused():
    grid = full_grid([[3, 4], [5, 6]])
    grid[0][2] = 8  # 3 + 4 is not 8
    with pytest.raises(Inconsistent):
        ranges(release(grid_table(grid)))


def _brute(grid, suppressed_min: int, cap: int):
    """Every value of each hidden figure consistent with the published ones, enumerating the
    hidden inner cells over ``suppressed_min .. cap`` (totals follow from them)."""
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    hidden = [(i, j) for i in range(rows) for j in range(cols) if grid[i][j] is None]
    axes = [np.arange(suppressed_min, cap + 1)] * len(hidden)
    mesh = np.array(np.meshgrid(*axes, indexing="ij")).reshape(len(hidden), -1) if hidden else None
    width = mesh.shape[1] if mesh is not None else 1
    values = np.zeros((rows + 1, cols + 1, width), dtype=int)
    for i in range(rows):
        for j in range(cols):
            values[i, j] = grid[i][j] if grid[i][j] is not None else 0
    for n, (i, j) in enumerate(hidden):
        values[i, j] = mesh[n]
    values[:rows, cols] = values[:rows, :cols].sum(axis=1)
    values[rows, :] = values[:rows, :].sum(axis=0)
    ok = np.ones(width, dtype=bool)
    for i in range(rows + 1):
        for j in range(cols + 1):
            if grid[i][j] is not None:
                ok &= values[i, j] == grid[i][j]
            elif i == rows or j == cols:
                ok &= values[i, j] >= suppressed_min
    return {
        (i, j): values[i, j][ok]
        for i in range(rows + 1)
        for j in range(cols + 1)
        if grid[i][j] is None
    }


@st.composite
def tiny_tables(draw):
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    assume(rows * cols <= 6)
    suppressed_min = draw(st.sampled_from([0, 1]))
    inner = [[draw(st.integers(0, 3)) for _ in range(cols)] for _ in range(rows)]
    grid = full_grid(inner)
    positions = list(itertools.product(range(rows + 1), range(cols + 1)))
    if suppressed_min:  # the old rules only ever hid non-zero figures
        positions = [p for p in positions if grid[p[0]][p[1]] > 0]
    chosen = draw(
        st.sets(st.sampled_from(positions), max_size=len(positions))
        if positions
        else st.just(set())
    )
    assume(sum(1 for i, j in chosen if i < rows and j < cols) <= 4)
    cap = max(max(line) for line in grid) + 1  # above anything a published total bounds
    for i, j in chosen:
        grid[i][j] = None
    return grid, suppressed_min, cap


@given(tiny_tables())
def test_ranges_equal_brute_force_enumeration(case):
    """On tiny tables, the attacker's ranges are exactly what enumeration finds."""
    grid, suppressed_min, cap = case
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    names_r, names_c = (
        [*(f"r{i}" for i in range(rows)), TOTAL],
        [
            *(f"c{j}" for j in range(cols)),
            TOTAL,
        ],
    )
    found = ranges(release(grid_table(grid)), suppressed_min=suppressed_min)
    feasible = _brute(grid, suppressed_min, cap)
    assert set(found) == {(1, "t", names_r[i], names_c[j]) for i, j in feasible}
    for (i, j), values in feasible.items():
        low, high = found[(1, "t", names_r[i], names_c[j])]
        assert low == values.min()
        if high == np.inf:
            assert values.max() >= cap  # only the enumeration's cap stops it
        else:
            assert high == values.max()


# ------------------------------------------------------------------------------------------------
# (1) "[c] is at least 1": issue 12's example, question 16 by role


def question_16() -> dict:
    """Issue 12's table exactly as the old rules published it (k = 5)."""
    c = None
    grid = [
        [0, c, 0, c],
        [c, c, 0, 7],
        [c, 0, 0, c],
        [32, 33, 6, 71],
        [37, 37, 6, 80],
    ]
    return grid_table(
        grid,
        "q16-by-role",
        ["yes", "no", "dont_know", "_not_shown"],
        ["leader", "chief_executive", "other"],
        aggregator="crosstab",
        question="q16",
    )


def test_issue_example_is_solved_when_suppressed_cells_are_at_least_one():
    found = ranges(release(question_16()), suppressed_min=1)
    expected = {
        ("yes", "chief_executive"): 1,
        ("no", "leader"): 4,
        ("no", "chief_executive"): 3,
        ("dont_know", "leader"): 1,
        ("yes", TOTAL): 1,
        ("dont_know", TOTAL): 1,
    }
    assert found == {(1, "q16-by-role", r, c): (v, v) for (r, c), v in expected.items()}


def test_issue_example_is_not_solved_when_suppressed_cells_may_be_zero():
    found = ranges(release(question_16()), suppressed_min=0)
    assert found[(1, "q16-by-role", "yes", "chief_executive")] == (0, 2)
    assert all(low < high for low, high in found.values())


def test_audit_reports_every_cell_of_the_issue_example():
    truth = {
        ("q16", "yes", "role", "chief_executive"): (1, 1),
        ("q16", "no", "role", "leader"): (4, 4),
        ("q16", "no", "role", "chief_executive"): (3, 3),
        ("q16", "dont_know", "role", "leader"): (1, 1),
        ("q16", "yes", "", ""): (1, 1),
        ("q16", "no", "", ""): (7, 7),
        ("q16", "dont_know", "", ""): (1, 1),
        ("q16", "_not_shown", "", ""): (71, 71),
        ("q16", "_not_shown", "role", "leader"): (32, 32),
        ("q16", "_not_shown", "role", "chief_executive"): (33, 33),
        ("q16", "_not_shown", "role", "other"): (6, 6),
        ("_all", "_all", "role", "leader"): (37, 37),
        ("_all", "_all", "role", "chief_executive"): (37, 37),
        ("_all", "_all", "role", "other"): (6, 6),
        ("_all", "_all", "", ""): (80, 80),
    }
    findings = audit(release(question_16()), truth, 5, 5, suppressed_min=1)
    exact = {(f.row, f.column) for f in findings if f.kind == "exact"}
    assert exact == {
        ("yes", "chief_executive"),
        ("no", "leader"),
        ("no", "chief_executive"),
        ("dont_know", "leader"),
        ("yes", TOTAL),
        ("dont_know", TOTAL),
    }
    assert not [f for f in audit(release(question_16()), truth, 5, 5) if f.kind == "exact"]


# ------------------------------------------------------------------------------------------------
# (2) Linked tables: a question's counts and its two cross-tabs, solved together

LINKED_SPEC = surveykit.loads_spec(
    pop.spec_text([{"id": "q1", "kind": "single", "options": ["yes", "no", "dont_know"]}], 3)
)

#: Thirty responses found by searching generated populations (seed 2640): the old rules
#: protect each of q1's three tables alone, but not the three together.
LINKED_TRUTH = {
    ("q1", "yes", "", ""): (26, 15),
    ("q1", "yes", "role", "leader"): (11, 10),
    ("q1", "yes", "role", "chief_executive"): (10, 9),
    ("q1", "yes", "role", "other"): (5, 5),
    ("q1", "yes", "authority_type", "type0"): (5, 3),
    ("q1", "yes", "authority_type", "type1"): (11, 5),
    ("q1", "yes", "authority_type", "type2"): (10, 7),
    ("q1", "no", "", ""): (1, 1),
    ("q1", "no", "role", "other"): (1, 1),
    ("q1", "no", "authority_type", "type2"): (1, 1),
    ("q1", "dont_know", "", ""): (1, 1),
    ("q1", "dont_know", "role", "other"): (1, 1),
    ("q1", "dont_know", "authority_type", "type2"): (1, 1),
    ("q1", "_not_answered", "", ""): (2, 1),
    ("q1", "_not_answered", "role", "leader"): (1, 1),
    ("q1", "_not_answered", "role", "chief_executive"): (1, 1),
    ("q1", "_not_answered", "authority_type", "type0"): (2, 1),
    ("_all", "_all", "", ""): (30, 16),
    ("_all", "_all", "role", "leader"): (12, 11),
    ("_all", "_all", "role", "chief_executive"): (11, 10),
    ("_all", "_all", "role", "other"): (7, 7),
    ("_all", "_all", "authority_type", "type0"): (7, 4),
    ("_all", "_all", "authority_type", "type1"): (11, 5),
    ("_all", "_all", "authority_type", "type2"): (12, 9),
}


def test_linked_tables_pin_a_cell_each_table_alone_protects():
    published = old_rules.publish(LINKED_SPEC, LINKED_TRUTH, 5)
    tables = published["tables"]
    assert [t["id"] for t in tables] == ["q1", "q1-by-role", "q1-by-authority_type"]
    for table in tables:  # each table alone: nothing pinned, as the old auditor checked
        alone = ranges(release(table))
        assert all(low < high for low, high in alone.values()), table["id"]
    joint = ranges(published)
    assert joint[(1, "q1-by-authority_type", "yes", "type2")] == (10, 10)
    findings = audit(published, LINKED_TRUTH, 5, 5, spec=LINKED_SPEC)
    assert ("exact", "q1-by-authority_type", "yes", "type2") in {
        (f.kind, f.table, f.row, f.column) for f in findings
    }


# ------------------------------------------------------------------------------------------------
# (3) The digest: two quotes and nothing withheld give away a suppressed "answered"

DIGEST_SPEC = surveykit.loads_spec(
    pop.spec_text(
        [
            {"id": "consent", "kind": "single", "options": list(pop.CONSENT)},
            {"id": "q3", "kind": "text", "options": []},
        ],
        2,
        5,
    )
)


def _digest_people() -> list[pop.Person]:
    people = []
    for i in range(20):
        answers = {"consent": "no_quote" if i >= 2 else "quote_anonymous"}
        if i < 2:
            answers["q3"] = f"A view {i}."
        people.append(pop.Person(f"p{i}", "leader", "type0", f"Council {i}", answers=answers))
    return people


def test_the_digest_gives_away_a_suppressed_answered_count():
    truth = pop.tabulate(DIGEST_SPEC, _digest_people())
    published = old_rules.publish(DIGEST_SPEC, truth, 5)
    q3 = next(t for t in published["tables"] if t["id"] == "q3")
    cells = {(c["row"], c["column"]): c for c in q3["cells"]}
    assert cells[("_answered", "_all")]["suppressed"]
    digest = next(d for d in published["digests"] if d["question"] == "q3")
    assert len(digest["quotes"]) == 2
    assert digest["withheld_count"] == 0
    without = dict(published, digests=[])
    assert ranges(without, spec=DIGEST_SPEC)[(1, "q3", "_answered", "_all")][0] < 2
    assert ranges(published, spec=DIGEST_SPEC)[(1, "q3", "_answered", "_all")] == (2, 2)
    findings = audit(published, truth, 5, 5, spec=DIGEST_SPEC)
    assert ("exact", "q3", "_answered", "_all") in {
        (f.kind, f.table, f.row, f.column) for f in findings
    }


# ------------------------------------------------------------------------------------------------
# (4) Group disclosure: the only non-zero figure of a column is suppressed, the rest are zeros

GROUP_SPEC = surveykit.loads_spec(
    pop.spec_text([{"id": "q1", "kind": "single", "options": ["yes", "no"]}], 2, 5)
)


def test_a_column_of_published_zeros_and_one_suppressed_cell_is_a_group_disclosure():
    people = [
        pop.Person(
            f"a{i}", "leader", "type0", f"Big {i}", answers={"q1": ("yes", "no")[i % 3 == 0]}
        )
        for i in range(30)
    ]
    people += [  # one small authority of type1: its three respondents all said yes
        pop.Person(f"b{i}", role, "type1", "Small Fire Authority", answers={"q1": "yes"})
        for i, role in enumerate(["leader", "chief_executive", "other"])
    ]
    truth = pop.tabulate(GROUP_SPEC, people)
    published = old_rules.publish(GROUP_SPEC, truth, 5)
    table = next(t for t in published["tables"] if t["id"] == "q1-by-authority_type")
    column = {c["row"]: c for c in table["cells"] if c["column"] == "type1"}
    assert column["yes"]["suppressed"]
    assert column["no"]["count"] == 0
    findings = audit(published, truth, 5, 5, spec=GROUP_SPEC)
    group = {(f.table, f.row, f.column) for f in findings if f.kind == "group"}
    assert ("q1-by-authority_type", "yes", "type1") in group


# ------------------------------------------------------------------------------------------------
# (5) Differencing: publish, add one response, publish again


def test_two_releases_a_response_apart_give_away_its_answer():
    spec = surveykit.loads_spec(
        pop.spec_text(
            [
                {"id": "q1", "kind": "single", "options": ["yes", "no", "dont_know"]},
                {"id": "q2", "kind": "single", "options": ["yes", "no"], "shown_if": 'q1 == "yes"'},
                {"id": "consent", "kind": "single", "options": list(pop.CONSENT)},
            ],
            3,
            5,
        )
    )
    world = pop._World(spec, __import__("random").Random(4))
    before = world.grow([], 80)
    after = world.grow(before, 1)
    (new,) = [p for p in after if p.answers is not None and p.id not in {q.id for q in before}]
    truths = [pop.tabulate(spec, before), pop.tabulate(spec, after)]
    releases = [old_rules.publish(spec, t, 5, release=n) for n, t in enumerate(truths, 1)]
    findings = audit(releases, truths, 5, 5, spec=spec, additions_only=True)
    pinned = {
        f.stat for f in findings if f.kind == "difference" and (f.earlier, f.release) == (1, 2)
    }
    answer = new.answers.get("q1", "_not_answered")
    assert ("q1", answer, "", "") in pinned
    assert all(f.truth == 1 for f in findings if f.kind == "difference" and f.stat[2] == "")


# ------------------------------------------------------------------------------------------------
# What the new format adds: combined columns, the quoting table, branching


def test_a_combined_column_links_with_its_members_published_elsewhere():
    """q1 combines two small types, q2 shows them apart: the group sizes are shared."""
    members = {"value": "_combined", "label": "Others", "members": ["b", "c"]}
    q1 = grid_table(
        [[5, None, None], [6, None, None], [11, None, None]],
        "q1-by-authority_type",
        ["yes", "no"],
        ["a", members],
        aggregator="crosstab",
        question="q1",
    )
    q2 = grid_table(
        [[5, 2, 1, 8], [6, 1, 2, 9], [11, 3, 3, 17]],
        "q2-by-authority_type",
        ["yes", "no"],
        ["a", "b", "c"],
        aggregator="crosstab",
        question="q2",
    )
    alone = ranges(release(q1))
    assert alone[(1, "q1-by-authority_type", TOTAL, "_combined")] == (0, np.inf)
    found = ranges(release(q1, q2))
    assert found[(1, "q1-by-authority_type", TOTAL, "_combined")] == (6, 6)
    assert found[(1, "q1-by-authority_type", TOTAL, TOTAL)] == (17, 17)


def test_the_quoting_table_shares_its_total_with_answered():
    counts = one_column("q3", "q3", ["_answered", "_not_answered"], [None, None, 20])
    quoting = one_column(
        "q3-quoting", "q3", ["_quotable", "_not_quotable"], [4, 0, 4], aggregator="free_text"
    )
    found = ranges(release(counts, quoting))
    assert found[(1, "q3", "_answered", "_all")] == (4, 4)


BRANCHING = [
    ('q1 == "yes"', (13, 13)),  # not shown = 20 - yes
    ('q1 in ["yes"]', (13, 13)),
    ('q1 != "yes"', (7, 7)),  # an unanswered q1 is not "yes": not shown = yes
    ('q1 not in ["yes"]', (7, 7)),
    ('q1 == "yes" or q1 == "no"', (0, 13)),  # yes + no = 13
    ("not answered(q1)", (0, 7)),  # not answered = 13
]


@pytest.mark.parametrize(("condition", "expected"), BRANCHING)
def test_branching_ties_not_shown_to_the_answers_it_tests(condition, expected):
    spec = surveykit.loads_spec(
        pop.spec_text(
            [
                {"id": "q1", "kind": "single", "options": ["yes", "no"]},
                {"id": "q2", "kind": "text", "options": [], "shown_if": condition},
            ]
        )
    )
    q1 = one_column("q1", "q1", ["yes", "no", "_not_answered"], [None, None, None, 20])
    rows = ["_answered", "_not_answered", "_not_shown"]
    q2 = one_column("q2", "q2", rows, [None, None, 7, 20])
    found = ranges(release(q1, q2), spec=spec)
    assert found[(1, "q1", "yes", "_all")] == expected


def test_a_condition_on_two_questions_bounds_them_by_frechet():
    """Shown to 8 of 20 after ``q0 == "a" and q1 == "yes"``, with 12 "a": at least 8 said yes
    (the 8 are among them), at most 16 (else more than 8 would be both "a" and "yes")."""
    spec = surveykit.loads_spec(
        pop.spec_text(
            [
                {"id": "q0", "kind": "single", "options": ["a", "b"]},
                {"id": "q1", "kind": "single", "options": ["yes", "no"]},
                {
                    "id": "q2",
                    "kind": "text",
                    "options": [],
                    "shown_if": 'q0 == "a" and q1 == "yes"',
                },
            ]
        )
    )
    q0 = one_column("q0", "q0", ["a", "b", "_not_answered"], [12, 8, 0, 20])
    q1 = one_column("q1", "q1", ["yes", "no", "_not_answered"], [None, None, 0, 20])
    q2 = one_column("q2", "q2", ["_answered", "_not_answered", "_not_shown"], [None, None, 12, 20])
    assert ranges(release(q0, q1, q2))[(1, "q1", "yes", "_all")] == (0, 20)
    assert ranges(release(q0, q1, q2), spec=spec)[(1, "q1", "yes", "_all")] == (8, 16)


def test_a_new_digest_says_nothing_when_quietened_and_exactly_otherwise():
    """New rules: "withheld" is the exact figure or null; a quietened digest lists nothing."""
    counts = one_column("q3", "q3", ["_answered", "_not_answered"], [None, None, 20])
    quiet = {
        "question": "q3",
        "quotes": [],
        "withheld_count": None,
        "notes": ["Too few answers to quote any without identifying someone."],
    }
    new = dict(release(counts, digests=[quiet]), protection=3)
    assert ranges(new, spec=DIGEST_SPEC)[(1, "q3", "_answered", "_all")] == (0, 20)
    told = dict(quiet, quotes=[{"text": "x"}] * 3, withheld_count=4, notes=[])
    new = dict(release(counts, digests=[told]), protection=3)
    assert ranges(new, spec=DIGEST_SPEC)[(1, "q3", "_answered", "_all")] == (7, 7)


# ------------------------------------------------------------------------------------------------
# Generated consultations: the truth always fits, and the audit is quick


PIPELINE_SPEC = surveykit.loads_spec(
    pop.spec_text(
        [
            {"id": "consent", "kind": "single", "options": list(pop.CONSENT)},
            {"id": "q1", "kind": "single", "options": ["yes", "no", "dont_know"]},
            {"id": "q2", "kind": "multi", "options": ["yes", "no"], "shown_if": 'q1 != "no"'},
            {"id": "q3", "kind": "text", "options": [], "shown_if": '"yes" in q2'},
            {"id": "q4", "kind": "single", "options": ["yes", "no"], "shown_if": "answered(q3)"},
        ],
        4,
    )
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_truth_matches_the_real_pipeline(seed):
    """population.tabulate agrees with the report plugin's internal (unsuppressed) counts."""
    from surveykit_reports.build import build_report

    people = pop.make_population(PIPELINE_SPEC, 60, seed)
    truth = pop.tabulate(PIPELINE_SPEC, people)
    with open_store("memory://") as store:
        pop.load(store, PIPELINE_SPEC, people)
        report = build_report(PIPELINE_SPEC, store, internal=True)
    checked = 0
    for table in report.tables:
        if table.aggregator not in ("counts", "crosstab", "free_text"):
            continue
        d = table.id.split("-by-")[1] if table.aggregator == "crosstab" else ""
        for row, line in zip(table.rows, table.cells, strict=True):
            for column, cell in zip(table.columns, line, strict=True):
                group = "" if not d else column.value
                assert truth[(table.question, row.value, d, group)][0] == cell.count
                checked += 1
    assert checked > 100
    assert report.responses.count == truth[("_all", "_all", "", "")][0]


@settings(max_examples=min(settings().max_examples, 40))
@given(pop.populations())
def test_old_rule_publications_of_generated_consultations_are_audited(case):
    """The truth satisfies everything the attacker reads (else the model is wrong), and every
    finding brackets the truth.  (How long audits take is measured by
    benchmarks/disclosure_audit.py, never asserted here.)"""
    spec, people, k = case
    truth = pop.tabulate(spec, people)
    published = old_rules.publish(spec, truth, k)
    findings = audit(published, truth, k, k, spec=spec)
    for f in findings:
        if f.kind in ("exact", "interval"):
            assert f.low <= f.truth <= f.high, f


@settings(max_examples=min(settings().max_examples, 25))
@given(pop.release_sequences())
def test_release_sequences_are_audited_jointly(sequence):
    """Several releases with additions-only steps: the truth fits the joint model, and every
    difference found is a true small change."""
    truths = [pop.tabulate(sequence.spec, people) for people in sequence.snapshots]
    releases = [
        old_rules.publish(sequence.spec, t, sequence.k, release=n) for n, t in enumerate(truths, 1)
    ]
    findings = audit(
        releases,
        truths,
        sequence.k,
        sequence.k,
        spec=sequence.spec,
        additions_only=sequence.additions_only,
    )
    for f in findings:
        if f.kind == "difference":
            assert 0 < abs(f.truth) < sequence.k
            assert f.low <= f.truth <= f.high


def test_an_attacker_told_additions_only_wrongly_is_refused():
    """A revision can lower a count: assuming additions only then contradicts the releases."""
    first = one_column("q1", "q1", ["yes", "no"], [3, 5, 8])
    second = one_column("q1", "q1", ["yes", "no"], [2, 6, 8])
    releases = [release(first, number=1), release(second, number=2)]
    Attacker(releases)  # fine without the assumption
    with pytest.raises(Inconsistent):
        Attacker(releases, additions_only=True)


def test_a_multi_choice_figure_is_bounded_by_its_group_not_its_column_total():
    """A multi-choice column counts choices (leaders made 5); a figure in it is still at most
    the group's size (4 leaders), so that is as far up as protection must reach."""
    c = None
    q1 = grid_table(
        [[c, c, 9], [c, c, 8], [0, 2, 2], [c, c, 19]],
        "q1-by-role",
        ["yes", "no", "_not_answered"],
        ["leader", "chief_executive"],
        aggregator="crosstab",
        question="q1",
    )
    q1["notes"] = ["Respondents could choose several options."]
    q0 = grid_table(  # another question publishes the groups' sizes: 4 leaders, 12 chiefs
        [[2, 6, 8], [2, 6, 8], [4, 12, 16]],
        "q0-by-role",
        ["yes", "no"],
        ["leader", "chief_executive"],
        aggregator="crosstab",
        question="q0",
    )
    counts = {
        "leader": {"yes": 3, "no": 2, "_not_answered": 0, "_sum": 5, "_respondents": 4},
        "chief_executive": {"yes": 6, "no": 6, "_not_answered": 2, "_sum": 14, "_respondents": 10},
    }
    truth = {("_all", "_all", "", ""): (16, 16)}
    for role, rows in counts.items():
        truth[("_all", "_all", "role", role)] = (rows["_respondents"] + rows["_not_answered"],) * 2
        truth[("q0", "yes", "role", role)] = truth[("q0", "no", "role", role)] = (
            truth[("_all", "_all", "role", role)][0] // 2,
        ) * 2
        for row, n in rows.items():
            truth[("q1", row, "role", role)] = (n, n)
            whole = truth.get(("q1", row, "", ""), (0, 0))[0] + n
            truth[("q1", row, "", "")] = (whole, whole)
    truth[("q0", "yes", "", "")] = truth[("q0", "no", "", "")] = (8, 8)
    attacker = Attacker([release(q1, q0)])
    assert attacker.range({(1, ("q1", "yes", "role", "leader")): 1}) == (0, 4)
    assert Attacker([release(q1, q0)], ignore=["multi"]).range(
        {(1, ("q1", "yes", "role", "leader")): 1}
    ) == (0, 9)
    findings = attacker.audit({1: truth}, 5, 3)
    # 3 + 3 = 6 is beyond the 4 leaders: reaching 4 is all protection can ask.
    assert not [f for f in findings if f.column == "leader" and f.row in ("yes", "no")]


def test_a_combined_column_links_with_an_earlier_release_that_split_it():
    """Release 1 shows b and c apart; release 2 only their sum, unchanged: with additions only,
    neither can have fallen, so both are known again."""
    first = grid_table(
        [[5, 2, 3, 10], [5, 2, 3, 10]],
        "q1-by-authority_type",
        ["yes"],
        ["a", "b", "c"],
        aggregator="crosstab",
        question="q1",
    )
    combined = {"value": "_combined", "label": "Others", "members": ["b", "c"]}
    second = grid_table(
        [[6, 5, 11], [6, 5, 11]],
        "q1-by-authority_type",
        ["yes"],
        ["a", combined],
        aggregator="crosstab",
        question="q1",
    )
    releases = [release(first, number=1), release(second, number=2)]
    b = {(2, ("q1", "yes", "authority_type", "b")): 1}
    assert Attacker(releases).range(b) == (0, 5)
    assert Attacker(releases, additions_only=True).range(b) == (2, 2)
    assert Attacker(releases, additions_only="auto").range(b) == (2, 2)  # nothing fell


def test_growth_is_assumed_only_where_nothing_fell():
    counts = [{("q1", "yes", "", ""): 3}, {("q1", "yes", "", ""): 4}, {("q1", "yes", "", ""): 2}]
    assert growth([1, 2, 3], counts) == {(1, 2): True, (1, 3): False, (2, 3): False}
    roster = [{("coverage-roles", "leader", "", "not_responded"): 9}, {}]
    roster[1] = {("coverage-roles", "leader", "", "not_responded"): 8}
    assert growth([1, 2], roster) == {(1, 2): True}  # coverage falls as people respond


def test_a_finding_can_be_traced_to_the_knowledge_it_needs():
    """``ignore`` leaves a kind of knowledge out: the digest leak needs the digest."""
    truth = pop.tabulate(DIGEST_SPEC, _digest_people())
    published = old_rules.publish(DIGEST_SPEC, truth, 5)
    assert set(FAMILIES) >= {"digest", "consent", "branching", "multi", "growth"}
    without = audit(published, truth, 5, 5, spec=DIGEST_SPEC, ignore=["digest"])
    assert ("exact", "q3", "_answered") not in {(f.kind, f.table, f.row) for f in without}
