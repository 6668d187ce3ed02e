"""``surveykit report``: build a consultation's report and write it as JSON, CSV or HTML."""

from __future__ import annotations

from pathlib import Path

import click

from surveykit import get_plugins, load_spec
from surveykit.cli.deployment import DB_OPTION
from surveykit.cli.progress import progress
from surveykit.storage import open_store

from .build import build_report
from .export import INTERNAL_MARK, ExportError, check_target, exporter_for, write_report

__all__ = ["COMMANDS", "report_command"]


def _known_format(_ctx: click.Context, _param: click.Parameter, fmt: str) -> str:
    """A usage error, like any other bad option, when no exporter has the format."""
    try:
        exporter_for(fmt)
    except ExportError as exc:
        raise click.BadParameter(str(exc)) from None
    return fmt


@click.command("report")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    metavar="FORMAT",
    required=True,
    callback=_known_format,
    help="json: one document; csv: a folder of tidy CSV files; html: one page with charts; "
    "or a format a plugin adds (surveykit plugins lists them).",
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
    plugins = get_plugins()
    exporter = exporter_for(fmt, plugins)
    if exporter.folder and out.suffix.lower() == f".{fmt}":
        msg = (
            f"--format {fmt} writes a folder of {fmt.upper()} files: give --out a folder, "
            f"such as {out.stem}"
        )
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
    write_report(built, fmt, out, force=force, plugins=plugins)
    kind = "INTERNAL" if built.internal else "public"
    count = built.responses.count
    responses = "too few responses to publish" if count is None else f"{count:,} responses"
    click.echo(
        f"Wrote the {kind} report on {built.title!r} ({responses}, k = {built.threshold}) "
        f"as {exporter.description} to {out}."
    )


COMMANDS = (report_command,)
