"""The JSON export: one tidy document, read back and checked against what was stored."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from exporttools import (
    ROOT,
    SUPERSEDED_WORD,
    Deployment,
    public_and_internal,
    sqlite_deployment,
)

from surveykit_reports.export import INTERNAL_MARK, write_report
from surveykit_reports.export.as_json import FORMAT, to_json


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Iterator[Deployment]:
    deployment = sqlite_deployment(tmp_path_factory.mktemp("json"))
    yield deployment
    deployment.store.close()


@pytest.fixture(scope="module")
def reports(made):
    return public_and_internal(made)


@pytest.fixture(scope="module")
def written(reports, tmp_path_factory):
    """The public and internal reports written as JSON files, and read back."""
    folder = tmp_path_factory.mktemp("out")
    public, internal = reports
    paths = (
        write_report(public, "json", folder / "report.json"),
        write_report(internal, "json", folder / "INTERNAL-report.json"),
    )
    return [
        (p, p.read_text(encoding="utf-8"), json.loads(p.read_text(encoding="utf-8"))) for p in paths
    ]


def test_public_json_is_marked_public(written):
    """The public file says what it is, its threshold and its marker, and carries no marking."""
    _path, _text, data = written[0]
    assert data["format"] == FORMAT
    assert data["public"] is True
    assert data["marking"] is None
    assert data["threshold"] == 5
    assert data["suppressed_marker"] == "[c]"
    assert "identities" not in data


def test_internal_json_is_marked_and_names_people(written, made):
    """The internal file carries the INTERNAL marking and the identities."""
    _path, text, data = written[1]
    assert data["marking"] == INTERNAL_MARK
    assert data["public"] is False
    assert {i["name"] for i in data["identities"]} == set(made.names)
    assert INTERNAL_MARK in text


def test_public_json_holds_no_identity(written, made):
    """No name, email address, token, token hash or unconsenting authority in the public file."""
    _path, text, _data = written[0]
    leaked = [s for s in [*made.secrets(), *made.unnamed_authorities] if s in text]
    assert leaked == []


def test_only_latest_versions_are_reported(written):
    """Words only ever submitted in superseded versions appear in no report."""
    for _path, text, _data in written:
        assert SUPERSEDED_WORD not in text


def test_cells_are_tidy_and_suppressed_cells_have_no_count(written):
    """Each cell is one record; a suppressed one has a null count and percentage."""
    _path, _text, data = written[0]
    suppressed = 0
    for table in [*data["tables"], *data["coverage"]]:
        rows = {r["value"] for r in table["rows"]} | {"_total"}
        columns = {c["value"] for c in table["columns"]} | {"_total"}
        for cell in table["cells"]:
            assert set(cell) == {"row", "column", "count", "suppressed", "percent"}
            assert cell["row"] in rows
            assert cell["column"] in columns
            if cell["suppressed"]:
                suppressed += 1
                assert cell["count"] is None
                assert cell["percent"] is None
            else:
                assert isinstance(cell["count"], int)
        assert len(table["cells"]) == len(rows) * len(columns)
    assert suppressed > 0, "a 48-respondent store should need some suppression at k=5"


def test_published_counts_match_the_stored_answers(written, made):
    """Every published count of a question's answers equals a count made here from the store."""
    for _path, _text, data in written:
        counts_tables = [t for t in data["tables"] if t["aggregator"] == "counts"]
        assert {t["question"] for t in counts_tables} >= {"q1", "q8", "q13", "q14", "consent"}
        for table in counts_tables:
            expected = made.expected_counts(table["question"])
            for cell in table["cells"]:
                if cell["column"] == "_total" or cell["row"] == "_total" or cell["suppressed"]:
                    continue
                assert cell["count"] == expected.get(cell["row"], 0), (table["id"], cell)


def test_internal_counts_are_never_suppressed(written, made):
    """The internal report publishes every count, equal to what was stored."""
    _path, _text, data = written[1]
    for table in data["tables"]:
        assert not any(cell["suppressed"] for cell in table["cells"])
    q1 = next(t for t in data["tables"] if t["aggregator"] == "counts" and t["question"] == "q1")
    grand = next(c for c in q1["cells"] if c["row"] == c["column"] == "_total")
    assert grand["count"] == len(made.current)


def test_to_json_round_trips(reports):
    """What is written is exactly to_json's data: nothing is lost or added on the way."""
    for report in reports:
        data = to_json(report)
        assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_docs_json_excerpt_is_real(written):
    """The JSON excerpt in docs/reports.md is part of a report built from this test store."""
    text = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    excerpt = json.loads(re.search(r"```json\n(.*?)```", text, re.S)[1])
    _path, _text, data = written[0]
    table = next(t for t in data["tables"] if t["id"] == excerpt["id"])
    for key, value in excerpt.items():
        if key == "cells":
            missing = [cell for cell in value if cell not in table["cells"]]
            assert missing == [], f"regenerate the excerpt from: {table['cells']}"
        else:
            assert table[key] == value, key
