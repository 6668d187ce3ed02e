"""The CSV export: a folder of tidy files, read back with the csv module."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from exporttools import (
    ROOT,
    Deployment,
    any_reports,
    public_and_internal,
    shown_text,
    sqlite_deployment,
)
from hypothesis import given
from hypothesis import strategies as st

from surveykit.csvsafe import FORMULA_STARTS, safe_cell
from surveykit_reports.export import INTERNAL_MARK, write_report
from surveykit_reports.export.as_csv import TABLE_COLUMNS, table_rows
from surveykit_reports.export.as_json import to_json
from surveykit_reports.model import Digest, Quote


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Iterator[Deployment]:
    deployment = sqlite_deployment(tmp_path_factory.mktemp("csv"))
    yield deployment
    deployment.store.close()


@pytest.fixture(scope="module")
def reports(made):
    return public_and_internal(made)


@pytest.fixture(scope="module")
def folders(reports, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("out")
    public, internal = reports
    return (
        write_report(public, "csv", out / "taking-stock-report"),
        write_report(internal, "csv", out / "INTERNAL-taking-stock-report"),
    )


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_public_folder_holds_the_documented_files(folders):
    """tables, quotes, digests and a README; no identities file in the public folder."""
    names = sorted(p.name for p in folders[0].iterdir())
    assert names == ["README.txt", "digests.csv", "quotes.csv", "tables.csv"]
    with (folders[0] / "tables.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == TABLE_COLUMNS


def test_csv_cells_are_the_json_cells(folders, reports):
    """tables.csv read back has exactly the cells of the JSON export, one row per cell."""
    rows = _read(folders[0] / "tables.csv")
    data = to_json(reports[0])
    expected = []
    for table in [
        *data["tables"],
        *data["coverage"],
        *([data["timeline"]] if data["timeline"] else []),
    ]:
        for cell in table["cells"]:
            count = "" if cell["count"] is None else str(cell["count"])
            suppressed = "true" if cell["suppressed"] else "false"
            expected.append((table["id"], cell["row"], cell["column"], count, suppressed))
    got = [(r["table"], r["row"], r["column"], r["count"], r["suppressed"]) for r in rows]
    assert got == expected


def test_suppressed_cells_are_empty(folders):
    """A suppressed cell has an empty count and percentage and says suppressed = true."""
    rows = _read(folders[0] / "tables.csv")
    hidden = [r for r in rows if r["suppressed"] == "true"]
    assert hidden
    assert all(r["count"] == "" and r["percent"] == "" for r in hidden)
    assert all(r["count"].isdigit() for r in rows if r["suppressed"] == "false")


def test_public_csv_holds_no_identity(folders, made):
    """No name, email address, token, hash or unconsenting authority in any public file."""
    text = shown_text(folders[0])
    assert [s for s in [*made.secrets(), *made.unnamed_authorities] if s in text] == []


def test_internal_csv_rows_all_carry_the_marking(folders, made):
    """Every row of every internal CSV says INTERNAL, and the identities are all there."""
    folder = folders[1]
    assert (folder / "identities.csv").exists()
    for path in folder.glob("*.csv"):
        for row in _read(path):
            assert row["marking"] == INTERNAL_MARK
    assert {r["name"] for r in _read(folder / "identities.csv")} == set(made.names)
    assert INTERNAL_MARK in (folder / "README.txt").read_text(encoding="utf-8")


def test_quotes_come_from_the_digest(folders, reports):
    """quotes.csv has one row per published quote, in the digest's order."""
    rows = _read(folders[0] / "quotes.csv")
    expected = [(d.question, q.text) for d in reports[0].digests for q in d.quotes]
    assert [(r["question"], r["quote"]) for r in rows] == expected


def test_docs_csv_excerpt_is_real(folders):
    """Every line of the CSV excerpt in docs/reports.md is a line of this store's tables.csv."""
    text = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    excerpt = re.search(r"```csv\n(.*?)```", text, re.S)[1].splitlines()
    lines = (folders[0] / "tables.csv").read_text(encoding="utf-8-sig").splitlines()
    assert excerpt[0] == lines[0]
    assert [line for line in excerpt if line not in lines] == []


@given(any_reports())
def test_any_report_reads_back_from_csv(report):
    """Whatever the labels say (commas, quotes, markup), tables.csv reads back cell for cell,
    with an apostrophe before any text a spreadsheet would run as a formula."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_report(report, "csv", Path(scratch) / "out")
        rows = _read(folder / "tables.csv")
        quotes = _read(folder / "quotes.csv")
    expected = [
        dict(zip(TABLE_COLUMNS, (str(safe_cell(v)) for v in row), strict=True))
        for t in report.all_tables()
        for row in table_rows(t)
    ]
    got = [{k: v for k, v in row.items() if k != "marking"} for row in rows]
    assert got == expected
    assert [r["quote"] for r in quotes] == [
        safe_cell(q.text) for d in report.digests for q in d.quotes
    ]


_FORMULA_TEXT = st.sampled_from(
    ['=HYPERLINK("https://evil.example","Open")', "+1+1", "-2+3", "@SUM(A1:A9)", "=1/0"]
)


@given(any_reports(), _FORMULA_TEXT)
def test_no_text_cell_can_run_as_a_formula(report, formula):
    """Issue 14: a label or quote starting with = + - @ is written as text (after an
    apostrophe) in every file; counts and percentages stay numbers."""
    [digest, *_] = report.digests or [Digest("q0", "T", "T", ())]
    quote = Quote(formula, formula)
    report = attrs.evolve(
        report,
        title=formula,
        digests=(attrs.evolve(digest, title=formula, quotes=(quote,)),),
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_report(report, "csv", Path(scratch) / "out")
        files = {path.name: _read(path) for path in folder.glob("*.csv")}
    [quoted] = files["quotes.csv"]
    assert quoted["quote"] == quoted["question_title"] == "'" + formula
    assert quoted["attribution"] == "'" + formula
    for rows in files.values():
        for row in rows:
            for column, value in row.items():
                assert value[:1] not in FORMULA_STARTS, (column, value)
    for row in files["tables.csv"]:
        assert row["count"] == "" or int(row["count"]) >= 0
        assert row["percent"] == "" or float(row["percent"]) >= 0
    if report.internal:
        assert {r["marking"] for r in rows} <= {INTERNAL_MARK}
    else:
        assert all("marking" not in r for r in rows)


def test_docs_pandas_example_runs(folders, monkeypatch, capsys):
    """The pandas example in docs/reports.md runs on a real CSV folder and prints the cross-tab."""
    text = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)[1]
    monkeypatch.chdir(folders[0].parent)
    assert folders[0].name == "taking-stock-report"
    exec(compile(code, "docs/reports.md", "exec"), {})
    shown = capsys.readouterr().out
    assert "Chief executive" in shown
    assert "Don't know" in shown
