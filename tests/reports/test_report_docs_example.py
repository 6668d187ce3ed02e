"""The Markdown exporter in docs/reports.md, run from the page through `surveykit report`.

The page is the exporter authors' description of the ``Report``; the example must work as
written, publish what the built-in formats publish and hide what they hide.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from exporttools import ROOT, Deployment, sqlite_deployment

import surveykit.plugins
from doctools import module_from_docs
from surveykit.cli import main
from surveykit_reports.export import INTERNAL_MARK, SUPPRESSED_MARKER, suppression_note


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Iterator[Deployment]:
    deployment = sqlite_deployment(tmp_path_factory.mktemp("docs-example"))
    yield deployment
    deployment.store.close()


@pytest.fixture
def markdown(monkeypatch):
    """Every installed plugin, plus the page's module, as the process's plugins."""
    plugins = surveykit.plugins.Plugins()
    plugins.load_entry_points()
    plugins.register(module_from_docs("reports.md", "# markdown_report.py"), name="markdown")
    monkeypatch.setattr(surveykit.plugins, "_default", plugins)
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SURVEYKIT_PROGRESS", raising=False)
    return plugins


def _report(capsys, made: Deployment, *args: str) -> tuple[int, str]:
    status = main(["report", "specs/taking_stock.toml", "--db", made.store.url, *args])
    return status, capsys.readouterr().out


def test_the_example_exporter_writes_the_public_report(capsys, made, tmp_path, markdown):
    """`--format md` writes every table of the public report with its published figures, the
    marker and its explanation, and none of the identities the store holds."""
    assert markdown.exporters.owners["md"] == "markdown"
    out = tmp_path / "report.md"
    status, said = _report(capsys, made, "--format", "md", "--out", str(out))
    assert status == 0
    assert said.endswith(f"as Markdown tables to {out}.\n")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("# Taking stock\n\nResponses counted: 48.\n")
    assert suppression_note(5) in page
    assert INTERNAL_MARK not in page
    status, _said = _report(capsys, made, "--format", "json", "--out", str(tmp_path / "r.json"))
    assert status == 0
    published = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    tables = [*published["tables"], *published["coverage"], published["timeline"]]
    for table in tables:
        assert f"## {table['title']}\n" in page
    hidden = sum(cell["count"] is None for table in tables for cell in table["cells"])
    assert hidden > 0
    assert page.count(SUPPRESSED_MARKER) >= hidden
    for secret in [*made.names, *made.emails, *made.tokens]:
        assert secret not in page
    assert "primary" not in page
    assert "secondary" not in page


def test_the_example_exporter_marks_an_internal_report(capsys, made, tmp_path, markdown):
    """An internal report says so at the top, and hides nothing."""
    out = tmp_path / "INTERNAL-report.md"
    status, _said = _report(capsys, made, "--format", "md", "--out", str(out), "--internal")
    assert status == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith(f"# Taking stock\n\n**{INTERNAL_MARK}**\n")
    assert SUPPRESSED_MARKER not in page.replace(suppression_note(5), "")
