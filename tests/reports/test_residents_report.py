"""The residents' survey reported end to end: every kind, the equality bank, on a real store.

Residents' answers go through the engine (as people type them) into a real SQLite file and a
PostgreSQL schema; ``surveykit report`` then writes JSON, CSV and HTML, and the published figures
are checked against the truth recounted from the stored answers, and against the rules: a grid
is one table per statement, "other" words and sensitive answers only where they may be, and no
postcode, email address or phone number anywhere.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from residents import SPEC, fill, residents_spec

from surveykit.cli import main
from surveykit.conditions import TextEquals, TextOneOf, walk
from surveykit.storage import open_store
from surveykit.tally import TallyPlan
from surveykit_postgres.reports import in_sql as in_sql_plan

RESIDENTS = 160
#: What no public report may hold: the residents' contact details and postcodes as stored.
IDENTIFYING = ("@example", "+441632", "01632", "EX1 1AA", "NB1 2XY", "SW1A 1AA", "Resident r")


@pytest.fixture(scope="module")
def answers() -> list[dict[str, Any]]:
    spec = residents_spec()
    with open_store("memory://") as store:
        return fill(store, spec, RESIDENTS, seed=16)


def _report(url: str, fmt: str, out: Path, capsys) -> str:
    status = main(["report", str(SPEC), "--db", url, "--format", fmt, "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Wrote the public report" in captured.out
    if out.is_dir():
        return "\n".join(p.read_text(encoding="utf-8-sig") for p in sorted(out.iterdir()))
    return out.read_text(encoding="utf-8")


def _sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/residents.db"
    with open_store(url) as store:
        fill(store, residents_spec(), RESIDENTS, seed=16)
    return url


def _tables(data: dict) -> dict[str, dict]:
    return {t["id"]: t for t in data["tables"]}


def _cell(table: dict, row: str, column: str = "_all") -> int | None:
    return next(c["count"] for c in table["cells"] if c["row"] == row and c["column"] == column)


def test_json_report_publishes_every_kind_by_the_rules(tmp_path, capsys, answers):
    url = _sqlite(tmp_path)
    text = _report(url, "json", tmp_path / "report.json", capsys)
    data = json.loads(text)
    tables = _tables(data)
    k = data["threshold"]

    # A grid: one table per statement, each a single choice, counts true where published.
    for row in ("parks", "streets", "bins", "contact"):
        table = tables[f"satisfaction.{row}"]
        truth = Counter(a[f"satisfaction.{row}"] for a in answers)
        for value, n in truth.items():
            assert _cell(table, value) in (n, None)
    assert not any(t.endswith(".other") or ".other-by" in t for t in tables)

    # "Other" words only in the consent-gated digest, redacted.
    digests = {d["question"]: d for d in data["digests"]}
    other = digests["services_used.other"]
    assert all("01632" not in q["text"] for q in other["quotes"])
    assert "services_used.other-quoting" in tables

    # Identifying parts: never a table, a digest or a text.
    for qid in ("postcode", "email", "phone"):
        assert qid not in tables
        assert qid not in digests
    for needle in IDENTIFYING:
        assert needle.lower() not in text.lower(), needle

    # Sensitive questions: no cross-tab, no quotes, no figure below the higher threshold.
    sensitive = [t for t in tables if t.startswith("eq_")]
    assert sensitive
    assert not any("-by-" in t for t in sensitive)
    assert not any(q.startswith("eq_") for q in digests)
    for tid in sensitive:
        for cell in tables[tid]["cells"]:
            if cell["row"] != "_total" and cell["column"] == "_all" and cell["count"]:
                assert cell["count"] >= max(k, 10), (tid, cell)

    # Ranking: first choices per option, true where published; positions add up.
    first = Counter(a["priorities"][0] for a in answers)
    for option, n in first.items():
        assert _cell(tables["priorities"], option) in (n, None)
    positions = tables["priorities-positions"]
    second = Counter(a["priorities"][1] for a in answers if len(a["priorities"]) > 1)
    for option, n in second.items():
        assert _cell(positions, option, "2") in (n, None)

    # A number in bins: each published bin is the true count of its range, none small.
    household = tables["household"]
    for row in household["rows"]:
        if row["value"].startswith("_"):
            continue
        count = _cell(household, row["value"])
        assert count is None or count == 0 or count >= k
        low, high = _range(row["value"])
        truth = sum(1 for a in answers if low <= a["household"] < high)
        assert count in (truth, None), row
    assert sum(_cell(household, r["value"]) or 0 for r in household["rows"]) <= RESIDENTS


def _range(value: str) -> tuple[float, float]:
    first, _, last = value.partition("~")
    low = float(first.split("..")[0])
    high = float((last or first).split("..")[1])
    return low, high if high != 20 else 21  # the last bin holds its top


def test_csv_and_html_reports_hold_the_same_tables(tmp_path, capsys):
    url = _sqlite(tmp_path)
    folder = tmp_path / "csv"
    _report(url, "csv", folder, capsys)
    with (folder / "tables.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    tables = {r["table"] for r in rows}
    assert {"satisfaction.parks", "priorities", "priorities-positions", "household"} <= tables
    assert not {"postcode", "email", "phone"} & tables
    html = _report(url, "html", tmp_path / "report.html", capsys)
    assert html.count('class="sk-chart sk-stacked"') == 1  # the grid's stacked chart
    for needle in IDENTIFYING:
        assert needle.lower() not in html.lower(), needle
    assert "Streets are kept clean" in html


def test_postgres_report_is_the_sqlite_report(tmp_path, capsys, postgres_url):
    """The same responses give the same report, byte for byte, whichever store holds them."""
    with open_store(postgres_url) as store:
        fill(store, residents_spec(), RESIDENTS, seed=16)
    from_postgres = _report(postgres_url, "json", tmp_path / "pg.json", capsys)
    from_sqlite = _report(_sqlite(tmp_path), "json", tmp_path / "lite.json", capsys)
    assert json.loads(from_postgres) == json.loads(from_sqlite)


def test_tally_plan_counts_parts_and_leaves_out_identities():
    spec = residents_spec()
    plan = TallyPlan.of(spec)
    assert {"postcode", "email", "phone"}.isdisjoint(plan.counted)
    assert {"satisfaction.parks", "satisfaction.contact"} <= plan.options
    assert "satisfaction" not in plan.counted
    assert plan.rankings == {"priorities"}
    assert dict(plan.positions) == {"priorities": 3}
    assert {"household", "library_contribution", "moved_in", "event_date"} == plan.values
    assert {"services_used.other", "heard_about.other"} == plan.others
    # A sensitive question's own words are never counted or quoted.
    assert not any(q.startswith("eq_") and q.endswith(".other") for q in plan.counted)


def test_postgres_counts_every_kind_in_sql_as_the_portable_counter_does(postgres_url):
    """Number, date and count() conditions, rankings by position and values, counted in SQL,
    equal the portable count of the same responses.  (Text comparisons are counted by the
    portable counter even on PostgreSQL, so they are left out of this plan.)"""
    from surveykit.tally import tally_rows

    spec = residents_spec()
    plan = TallyPlan.of(spec)
    plan = evolve(plan, conditions=tuple((q, c) for q, c in plan.conditions if _sql_exact(c)))
    assert in_sql_plan(plan)
    with open_store(postgres_url) as store:
        fill(store, spec, RESIDENTS, seed=16)
        in_sql = Counter({row[:5]: row.n for row in store.tally(plan)})
        portable = Counter(
            {row[:5]: row.n for row in tally_rows(plan, store.iter_report_rows(plan.consultation))}
        )
    assert in_sql == portable
    assert any(key[0] == "priorities#2" for key in in_sql)
    assert any(key[0] == "bedrooms_enough" and key[1] == "_shown" for key in in_sql)
    assert any(key[0] == "priorities_missing" and key[1] == "_shown" for key in in_sql)


def _sql_exact(condition) -> bool:
    return not any(isinstance(n, TextEquals | TextOneOf) for n in walk(condition))


def test_mean_ranks_are_published_only_from_published_counts(tmp_path, capsys, answers):
    """A mean rank is the arithmetic of a fully published row of the positions table, with at
    least k who ranked the option; anywhere else it is left out."""
    data = json.loads(_report(_sqlite(tmp_path), "json", tmp_path / "r.json", capsys))
    positions = _tables(data)["priorities-positions"]
    summary = next(s for s in data["summaries"] if s["id"] == "priorities-mean-rank")
    published = 0
    for row in summary["rows"]:
        option = row["value"]
        mean = next(
            v["value"]
            for v in summary["values"]
            if v["row"] == option and v["column"] == "mean_rank"
        )
        counts = [_cell(positions, option, str(n)) for n in (1, 2, 3)]
        if mean is None:
            continue
        published += 1
        assert None not in counts
        assert sum(counts) >= data["threshold"]
        ranks = [a["priorities"].index(option) + 1 for a in answers if option in a["priorities"]]
        assert mean == round(sum(ranks) / len(ranks), 2)
    assert published
