"""``surveykit report``: build a consultation's report and write it as JSON, CSV or HTML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from surveykit import audit, get_plugins, load_spec
from surveykit.cli.deployment import DB_OPTION
from surveykit.cli.progress import progress
from surveykit.storage import open_store
from surveykit.wording import counted

from .build import build_report
from .export import INTERNAL_MARK, ExportError, check_target, exporter_for, write_report
from .languages import parse_languages, together, untranslated
from .releases import publish_report, published

__all__ = ["COMMANDS", "report_command"]


def _known_format(_ctx: click.Context, _param: click.Parameter, fmt: str | None) -> str | None:
    """A usage error, like any other bad option, when no exporter has the format."""
    if fmt is None:
        return None
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
    callback=_known_format,
    help="json: one document; csv: a folder of tidy CSV files; html: one page with charts; "
    "or a format a plugin adds (surveykit plugins lists them).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
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
@click.option(
    "--lang",
    "lang",
    metavar="LANG",
    help="The language to write the report in: cy, en, ... (default: the spec's own); "
    "'both' for Welsh then English on one page, or tags separated by commas (cy,en).  "
    "Figures are the same in every language.",
)
@click.option("--force", is_flag=True, help="Replace --out if it already exists.")
@click.option(
    "--list",
    "listing",
    is_flag=True,
    help="List the public reports already published (recorded releases) instead.",
)
def report_command(
    spec: Path,
    db_url: str,
    fmt: str | None,
    out: Path | None,
    threshold: int | None,
    internal: bool,
    lang: str | None,
    force: bool,
    listing: bool,
) -> None:
    """Write the report on a consultation's current responses.

    By default the report is public: only each respondent's latest response counts, small
    counts are suppressed (shown as [c]), quotes come only from respondents who agreed to be
    quoted, and no name, email address or link appears.  --internal writes the full report with
    identities instead, marked "INTERNAL — contains identities, do not publish".

    Every public report written is recorded in the store as the consultation's next release,
    and protected jointly with every earlier one, so comparing two published reports gives no
    one away.  A report that cannot be published without disclosing is refused and nothing is
    written.  --list shows the releases.

    \b
    Examples:
      surveykit report specs/taking_stock.toml --db sqlite:///responses.db \\
          --format html --out taking-stock-report.html
      surveykit report specs/taking_stock.toml --db sqlite:///responses.db \\
          --format csv --out taking-stock-report --threshold 10
      surveykit report specs/taking_stock.toml --db sqlite:///responses.db \\
          --format json --out INTERNAL-taking-stock.json --internal
      surveykit report specs/examples/bilingual_example.toml --db sqlite:///responses.db \\
          --format html --out library-hours-report.html --lang both
      surveykit report specs/taking_stock.toml --db sqlite:///responses.db --list
    """
    if listing:
        _list_releases(spec, db_url)
        return
    if fmt is None or out is None:
        raise click.UsageError("give --format and --out (or --list to list the releases)")
    plugins = get_plugins()
    exporter = exporter_for(fmt, plugins)
    if exporter.folder and out.suffix.lower() == f".{fmt}":
        msg = (
            f"--format {fmt} writes a folder of {fmt.upper()} files: give --out a folder, "
            f"such as {out.stem}"
        )
        raise ExportError(msg)
    consultation = load_spec(spec)
    languages = parse_languages(lang, consultation, plugins)
    if len(languages) > 1 and not exporter.languages:
        msg = (
            f"--format {fmt} holds one language: give --lang {languages[0]} (and write the "
            "other language to another --out; ids, values and figures are the same)"
        )
        raise ExportError(msg)
    check_target(out, force=force)
    for missing in untranslated(consultation, languages):
        click.echo(
            f"Warning: {consultation.metadata.title!r} is not translated into {missing}: its "
            f"questions and options are shown as the spec writes them, the report's own words "
            f"in {missing}.",
            err=True,
        )
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

        if internal:
            today = dt.datetime.now(dt.UTC).date()
            built = together(
                [
                    build_report(
                        consultation,
                        store,
                        threshold=threshold,
                        internal=True,
                        progress=step if n == 0 else None,
                        plugins=plugins,
                        generated_on=today,
                        language=language,
                    )
                    for n, language in enumerate(languages)
                ]
            )
            audit.record(
                store, consultation.metadata.id, audit.REPORT_INTERNAL, detail=f"format {fmt}"
            )
        else:
            built = publish_report(
                consultation,
                store,
                format=fmt,
                threshold=threshold,
                progress=step,
                plugins=plugins,
                languages=languages,
            )
    write_report(built, fmt, out, force=force, plugins=plugins)
    kind = "INTERNAL report" if built.internal else f"public report (release {built.release})"
    count = built.responses.count
    responses = (
        "too few responses to publish"
        if count is None
        else counted(count, "response", grouped=True)
    )
    click.echo(
        f"Wrote the {kind} on {built.title!r} ({responses}, k = {built.threshold}) "
        f"as {exporter.description} to {out}."
    )


def _list_releases(spec: Path, db_url: str) -> None:
    consultation = load_spec(spec)
    with open_store(db_url) as store:
        releases = list(published(store, consultation.metadata.id))
    if not releases:
        click.echo(f"No public report on {consultation.metadata.title!r} has been published yet.")
        return
    zone = consultation.metadata.zone
    click.echo(f"Public reports published on {consultation.metadata.title!r}:")
    click.echo(
        f"{'release':>7}  {'published':<16}  {'format':<6}  {'k':>3}  "
        f"{'responses':>9}  {'tables':>6}  {'[c]':>5}"
    )
    for r in releases:
        when = r.published_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        responses = "[c]" if r.responses is None else f"{r.responses:,}"
        click.echo(
            f"{r.number:>7}  {when:<16}  {r.format:<6}  {r.threshold:>3}  {responses:>9}  "
            f"{r.tables:>6}  {r.suppressed:>5}"
        )


COMMANDS = (report_command,)
