"""`surveykit report`: the command a consultation officer runs, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from exporttools import Deployment, parse_html, populate, sqlite_deployment

from surveykit import get_plugins, hookimpl
from surveykit.cli import main
from surveykit.storage import open_store
from surveykit_reports.export import INTERNAL_MARK


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Iterator[Deployment]:
    deployment = sqlite_deployment(tmp_path_factory.mktemp("command"))
    yield deployment
    deployment.store.close()


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["report", "specs/taking_stock.toml", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    from exporttools import ROOT

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SURVEYKIT_PROGRESS", raising=False)


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_report_writes_each_format(capsys, made, tmp_path, fmt):
    """Each format is written where --out says, with one line saying what was written."""
    out = tmp_path / ("report" if fmt == "csv" else f"report.{fmt}")
    status, stdout, stderr = _run(
        capsys, "--db", made.store.url, "--format", fmt, "--out", str(out)
    )
    assert status == 0, stderr
    assert stderr == ""
    assert stdout.splitlines() == [stdout.strip()]
    assert stdout.startswith("Wrote the public report (release ")
    assert "on 'Taking stock' (48 responses, k = 5)" in stdout
    assert out.is_dir() if fmt == "csv" else out.is_file()


def test_an_existing_out_is_kept_without_force(capsys, made, tmp_path):
    """An existing --out is refused in one line and left as it was; --force replaces it."""
    out = tmp_path / "report.json"
    out.write_text("precious")
    status, stdout, stderr = _run(
        capsys, "--db", made.store.url, "--format", "json", "--out", str(out)
    )
    assert status == 1
    assert stdout == ""
    assert stderr == f"Error: {out} already exists; choose another --out or add --force\n"
    assert out.read_text() == "precious"
    args = ("--db", made.store.url, "--format", "json", "--out", str(out), "--force")
    status, _stdout, stderr = _run(capsys, *args)
    assert status == 0, stderr
    assert json.loads(out.read_text())["public"] is True


def test_force_replaces_a_csv_folder(capsys, made, tmp_path):
    """--force replaces a whole CSV folder, leaving no stray file from before."""
    out = tmp_path / "report"
    out.mkdir()
    (out / "stale.csv").write_text("old")
    args = ("--db", made.store.url, "--format", "csv", "--out", str(out), "--force")
    status, _stdout, stderr = _run(capsys, *args)
    assert status == 0, stderr
    assert not (out / "stale.csv").exists()
    assert (out / "tables.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_internal_warns_and_suggests_a_name(capsys, made, tmp_path):
    """--internal says INTERNAL on stderr and, for a name that does not, suggests one."""
    out = tmp_path / "report.json"
    args = ("--db", made.store.url, "--format", "json", "--out", str(out), "--internal")
    status, stdout, stderr = _run(capsys, *args)
    assert status == 0
    assert f"Warning: {INTERNAL_MARK}." in stderr
    assert "INTERNAL-report.json" in stderr
    assert stdout.startswith("Wrote the INTERNAL report")
    assert json.loads(out.read_text())["marking"] == INTERNAL_MARK
    named = tmp_path / "INTERNAL-report.json"
    args = ("--db", made.store.url, "--format", "json", "--out", str(named), "--internal")
    status, _stdout, stderr = _run(capsys, *args)
    assert status == 0
    assert stderr == f"Warning: {INTERNAL_MARK}.\n"


def test_threshold_is_used(capsys, tmp_path):
    """--threshold sets k: a larger k never publishes more cells (each on a store of its own:
    published once, a figure cannot be hidden again by a later report)."""
    suppressed = {}
    for k in (5, 12):
        out = tmp_path / f"k{k}.json"
        (tmp_path / f"store-{k}").mkdir()
        deployment = sqlite_deployment(tmp_path / f"store-{k}")
        args = (
            "--db",
            deployment.store.url,
            "--format",
            "json",
            "--out",
            str(out),
            "--threshold",
            str(k),
        )
        assert _run(capsys, *args)[0] == 0
        deployment.store.close()
        data = json.loads(out.read_text())
        assert data["threshold"] == k
        suppressed[k] = sum(c["suppressed"] for t in data["tables"] for c in t["cells"])
    assert suppressed[12] > suppressed[5]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("--db", "nosuch://x", "--format", "json"), 1, "Error: no storage backend for nosuch://"),
        (("--format", "json", "--threshold", "0"), 2, "Error: Invalid value for '--threshold'"),
        (("--format", "pdf"), 2, "Error: Invalid value for '--format'"),
    ],
)
def test_mistakes_are_one_line(capsys, made, tmp_path, args, status, message):
    """Bad input gives one line on stderr and a non-zero status, never a traceback."""
    if "--db" not in args:
        args = ("--db", made.store.url, *args)
    code, _stdout, stderr = _run(capsys, *args, "--out", str(tmp_path / "r"))
    assert code == status
    assert message in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "r").exists()


def test_csv_wants_a_folder_name(capsys, made, tmp_path):
    """--format csv with an --out ending in .csv is refused: it writes a folder, not a file."""
    out = tmp_path / "report.csv"
    status, _stdout, stderr = _run(
        capsys, "--db", made.store.url, "--format", "csv", "--out", str(out)
    )
    assert status == 1
    assert (
        stderr
        == "Error: --format csv writes a folder of CSV files: give --out a folder, such as report\n"
    )
    assert not out.exists()


def test_missing_folder_is_one_line(capsys, made, tmp_path):
    """An --out in a folder that does not exist is refused clearly."""
    out = tmp_path / "no" / "such" / "report.html"
    status, _stdout, stderr = _run(
        capsys, "--db", made.store.url, "--format", "html", "--out", str(out)
    )
    assert status == 1
    assert stderr.startswith("Error: cannot write")
    assert len(stderr.splitlines()) == 1


def test_progress_bar_is_drawn_when_asked(capsys, made, tmp_path, monkeypatch):
    """With SURVEYKIT_PROGRESS=1 the bar is drawn on stderr; stdout stays the one result line."""
    monkeypatch.setenv("SURVEYKIT_PROGRESS", "1")
    out = tmp_path / "report.html"
    status, stdout, stderr = _run(
        capsys, "--db", made.store.url, "--format", "html", "--out", str(out)
    )
    assert status == 0
    assert "Building the report" in stderr
    assert len(stdout.splitlines()) == 1


def test_postgresql_gives_the_same_report_as_sqlite(capsys, postgres_factory, tmp_path):
    """The same deployment stored in PostgreSQL exports byte for byte the same JSON, first
    release and second alike."""
    (tmp_path / "sqlite").mkdir()
    sqlite = sqlite_deployment(tmp_path / "sqlite")
    with postgres_factory() as store:
        populate(store)
        for release in (1, 2):
            for name, url in (("pg", store.url), ("sqlite", sqlite.store.url)):
                out = tmp_path / f"{name}-{release}.json"
                assert _run(capsys, "--db", url, "--format", "json", "--out", str(out))[0] == 0
            pg, lite = (tmp_path / f"{n}-{release}.json" for n in ("pg", "sqlite"))
            assert json.loads(pg.read_text())["release"] == release
            assert pg.read_text() == lite.read_text()
    sqlite.store.close()


def test_a_failed_write_leaves_nothing_behind(capsys, made, tmp_path, monkeypatch):
    """A disk error half-way through is one line; neither --out nor a temporary file is left."""
    from surveykit_reports import export

    def half_then_fail(report, path):
        path.write_text("{ half a report")
        raise OSError(28, "No space left on device")

    exporters = get_plugins().exporters
    monkeypatch.setitem(exporters.items, "json", export.Exporter("json", "JSON", half_then_fail))
    out = tmp_path / "report.json"
    status, _stdout, stderr = _run(
        capsys, "--db", made.store.url, "--format", "json", "--out", str(out)
    )
    assert status == 1
    assert stderr == f"Error: cannot write {out}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_too_few_responses_publish_no_total(capsys, tmp_path):
    """With fewer responses than k, even the number of responses is not published."""
    with open_store(f"sqlite:///{tmp_path}/few.db?synchronous=normal") as store:
        populate(store, people=3)
        out = tmp_path / "few.html"
        status, stdout, stderr = _run(
            capsys, "--db", store.url, "--format", "html", "--out", str(out)
        )
    assert status == 0, stderr
    assert "(too few responses to publish, k = 5)" in stdout
    tree = parse_html(out.read_text(encoding="utf-8"))
    assert tree.find("header").text().startswith("Consultation report Taking stock [c] responses")
    assert "3" not in tree.find("header").text()


class MarkdownTables:
    """A third-party exporter, registered through the hook as a plugin would."""

    name = "md"
    description = "Markdown tables"
    folder = False

    @staticmethod
    def write(report, path):
        lines = [f"# {report.title}", ""]
        for table in report.tables:
            lines.append(f"## {table.title}")
            for row, cells in zip(table.rows, table.cells, strict=True):
                shown = ["[c]" if cell.count is None else str(cell.count) for cell in cells]
                lines.append(f"| {row.label} | " + " | ".join(shown) + " |")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def markdown_plugin(monkeypatch):
    """The process-wide plugins, plus a module registering the Markdown exporter."""
    import types

    import surveykit.plugins

    @hookimpl
    def surveykit_register_exporters(register):
        register(MarkdownTables())

    plugins = surveykit.plugins.Plugins()
    plugins.load_entry_points()
    module = types.ModuleType("markdown_exporter")
    module.surveykit_register_exporters = surveykit_register_exporters
    plugins.register(module)
    monkeypatch.setattr(surveykit.plugins, "_default", plugins)
    return plugins


def test_hook_register_exporters(capsys, made, tmp_path, markdown_plugin):
    """An exporter registered by a plugin is a --format like the built-in ones, and writes the
    same disclosure-controlled report."""
    assert markdown_plugin.exporters.owners["json"] == "reports"
    assert markdown_plugin.exporters.owners["md"] == "markdown_exporter"
    out = tmp_path / "report.md"
    status, stdout, stderr = _run(
        capsys, "--db", made.store.url, "--format", "md", "--out", str(out)
    )
    assert status == 0, stderr
    assert stdout.endswith(f"as Markdown tables to {out}.\n")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Taking stock\n")
    assert "[c]" in text  # the same suppression as every other format


def test_an_unknown_format_names_the_known_ones(capsys, made, tmp_path):
    out = tmp_path / "report.pdf"
    args = ("--db", made.store.url, "--format", "pdf", "--out", str(out))
    status, _stdout, stderr = _run(capsys, *args)
    assert status == 2
    assert "unknown report format 'pdf'; choose one of csv, html, json" in stderr
    assert not out.exists()


def test_two_plugins_claiming_one_format_are_named(markdown_plugin):
    """A second plugin registering `md` fails with both plugins' names."""
    import types

    from surveykit.errors import PluginError

    @hookimpl
    def surveykit_register_exporters(register):
        register(MarkdownTables())

    module = types.ModuleType("another_markdown")
    module.surveykit_register_exporters = surveykit_register_exporters
    markdown_plugin.register(module)
    with pytest.raises(PluginError, match="'md' is registered by both plugin"):
        markdown_plugin.exporters  # noqa: B018


def test_every_public_report_is_recorded_and_listed(capsys, tmp_path):
    """Each public report written is the next release; --list shows them; an internal report
    is never recorded."""
    (tmp_path / "store").mkdir()
    deployment = sqlite_deployment(tmp_path / "store")
    url = deployment.store.url
    status, stdout, _ = _run(capsys, "--db", url, "--list")
    assert status == 0
    assert stdout == "No public report on 'Taking stock' has been published yet.\n"
    for n, fmt in enumerate(("json", "html"), start=1):
        out = tmp_path / f"report.{fmt}"
        status, stdout, stderr = _run(capsys, "--db", url, "--format", fmt, "--out", str(out))
        assert status == 0, stderr
        assert stdout.startswith(f"Wrote the public report (release {n}) ")
    internal = tmp_path / "INTERNAL-report.json"
    assert (
        _run(capsys, "--db", url, "--format", "json", "--out", str(internal), "--internal")[0] == 0
    )
    assert json.loads((tmp_path / "report.json").read_text())["release"] == 1
    status, stdout, _ = _run(capsys, "--db", url, "--list")
    assert status == 0
    lines = stdout.splitlines()
    assert lines[0] == "Public reports published on 'Taking stock':"
    assert [line.split()[0] for line in lines[2:]] == ["1", "2"]
    assert [line.split()[3] for line in lines[2:]] == ["json", "html"]
    assert all(line.split()[5] == "48" for line in lines[2:])
    deployment.store.close()


def test_a_report_needs_format_and_out_unless_listing(capsys, made):
    """Without --list, --format and --out are required: a usage error in one line."""
    status, _stdout, stderr = _run(capsys, "--db", made.store.url, "--format", "json")
    assert status == 2
    assert "give --format and --out (or --list to list the releases)" in stderr
