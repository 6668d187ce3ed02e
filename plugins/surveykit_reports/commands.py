"""``surveykit report``: build a consultation's report and write it as JSON, CSV or HTML."""

from __future__ import annotations

from pathlib import Path

import click

from surveykit import get_plugins, load_spec
from surveykit.cli.deployment import DB_OPTION
from surveykit.cli.progress import progress
from surveykit.storage import open_store

from .build import build_report
from .export import FORMATS, INTERNAL_MARK, ExportError, check_target, write_report

__all__ = ["COMMANDS", "report_command"]

DESCRIPTIONS = {"json": "JSON", "csv": "CSV files", "html": "a self-contained HTML page"}


@click.command("report")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    required=True,
    help="json: one document; csv: a folder of tidy CSV files; html: one page with charts.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the report (for csv, a folder).  Never overwritten without --force.",
)
@click.option(
    "--threshold",
    type=click.IntRange(min=1),
    metavar="K",
    help="Suppress counts of fewer than K respondents or authorities (default: the spec's "
    "[publication] threshold, else 5).",
)
@click.option(
    "--internal",
    is_flag=True,
    help="Unsuppressed, with identities: for the team running the consultation only.  Marked "
    "INTERNAL in every format.  Never publish it.",
)
@click.option("--force", is_flag=True, help="Replace --out if it already exists.")
def report_command(
    spec: Path,
    db_url: str,
    fmt: str,
    out: Path,
    threshold: int | None,
    internal: bool,
    force: bool,
) -> None:
    """Write the report on a consultation's current responses.

    By default the report is public: only each respondent's latest response counts, small
    counts are suppressed (shown as [c]), quotes come only from respondents who agreed to be
    quoted, and no name, email address or link appears.  --internal writes the full report with
    identities instead, marked "INTERNAL — contains identities, do not publish".

    \b
    Examples:
      surveykit report specs/taking_stock.toml --db sqlite:///responses.db \\
          --format html --out taking-stock-report.html
      surveykit report specs/taking_stock.toml --db sqlite:///responses.db \\
          --format csv --out taking-stock-report --threshold 10
      surveykit report specs/taking_stock.toml --db sqlite:///responses.db \\
          --format json --out INTERNAL-taking-stock.json --internal
    """
    if fmt == "csv" and out.suffix.lower() == ".csv":
        msg = f"--format csv writes a folder of CSV files: give --out a folder, such as {out.stem}"
        raise ExportError(msg)
    consultation = load_spec(spec)
    check_target(out, force=force)
    if internal:
        click.echo(f"Warning: {INTERNAL_MARK}.", err=True)
        if "internal" not in out.name.lower():
            click.echo(
                f"Warning: {out.name} does not say INTERNAL; a name such as "
                f"INTERNAL-{out.name} keeps it from being mistaken for the public report.",
                err=True,
            )
    plugins = get_plugins()
    # build_report reports progress once per aggregator it has run.
    with (
        open_store(db_url, plugins=plugins) as store,
        progress("Building the report", len(plugins.aggregators)) as advance,
    ):
        seen = 0

        def step(done: int, _total: int) -> None:
            nonlocal seen
            advance(done - seen)
            seen = done

        built = build_report(
            consultation,
            store,
            threshold=threshold,
            internal=internal,
            progress=step,
            plugins=plugins,
        )
    write_report(built, fmt, out, force=force)
    kind = "INTERNAL" if built.internal else "public"
    count = built.responses.count
    responses = "too few responses to publish" if count is None else f"{count:,} responses"
    click.echo(
        f"Wrote the {kind} report on {built.title!r} ({responses}, k = {built.threshold}) "
        f"as {DESCRIPTIONS[fmt]} to {out}."
    )


COMMANDS = (report_command,)
