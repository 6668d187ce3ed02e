"""``surveykit import`` and ``surveykit export``: forms from and to XLSForm, SurveyJS and
LimeSurvey (docs/interchange.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from surveykit.spec import load_spec

from .api import EXPORT_FORMATS, FORMAT_NAMES, IMPORT_FORMATS, export_spec, import_form
from .building import ImportRefused

__all__ = ["export_command", "import_command"]


def _write_new(out: Path, data: bytes, force: bool) -> None:
    """Write ``out``, refusing to replace a file unless ``force``."""
    try:
        with out.open("wb" if force else "xb") as stream:
            stream.write(data)
    except FileExistsError:
        raise click.ClickException(
            f"{out} exists; choose another name, or add --force to replace it"
        ) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None


@click.command("import")
@click.argument("form", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "format",
    type=click.Choice(sorted(IMPORT_FORMATS)),
    help="The form's format (default: told from the file).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The spec to write (TOML).",
)
@click.option(
    "--partial",
    is_flag=True,
    help="Import what surveykit can represent and list what was left out in the spec's header, "
    "instead of refusing the form.",
)
@click.option("--publisher", default="", help="Who runs the consultation (the form rarely says).")
@click.option(
    "--closes",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The closing date, YYYY-MM-DD (default: twelve weeks from today, noted in the spec).",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def import_command(
    form: Path,
    format: str | None,
    out: Path,
    partial: bool,
    publisher: str,
    closes: dt.datetime | None,
    force: bool,
) -> None:
    """Read an XLSForm, SurveyJS or LimeSurvey form as a spec.

    The form is an XLSForm spreadsheet (.xlsx), a SurveyJS form (.json) or a LimeSurvey survey
    structure (tab-separated .txt/.tsv, or .lss).  Questions, options, required, hints, groups
    or pages, conditions and languages are translated; what surveykit cannot represent
    (repeats, calculations, choice filters, expressions with no exact surveykit condition,
    question types with no surveykit kind) is listed, each with its sheet and row, JSON path
    or line, and the form is refused, unless --partial.  The spec's comments say where each
    question came from and what was adapted.

    \b
    Examples:
      surveykit import survey.xlsx --out consultation.toml --publisher "Anytown Council"
      surveykit import form.json --partial --closes 2027-03-31 --out consultation.toml
    """
    try:
        imported = import_form(
            form,
            format=format,
            partial=partial,
            publisher=publisher,
            closes=closes.date() if closes else None,
            source=str(out),
        )
    except ImportRefused as refused:
        for problem in refused.problems:
            click.echo(str(problem), err=True)
        count = len(refused.problems)
        things = "thing" if count == 1 else "things"
        hint = "" if refused.nothing_left else "; --partial imports the rest and lists these"
        raise click.ClickException(
            f"{form} not imported: {count} {things} surveykit cannot represent{hint}"
        ) from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {form}: {exc.strerror or exc}") from None
    _write_new(out, imported.text.encode("utf-8"), force)
    questions = len(imported.consultation.questions)
    click.echo(
        f"{out}: {questions} question{'s' * (questions != 1)} imported from {form}", err=True
    )
    if imported.left_out:
        click.echo(f"Left out ({len(imported.left_out)}, listed in the spec's header):", err=True)
        for problem in imported.left_out:
            click.echo(f"  {problem}", err=True)


@click.command("export")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--to",
    "format",
    required=True,
    type=click.Choice(sorted(EXPORT_FORMATS)),
    help="The format to write.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The form file to write (.xlsx for XLSForm, .json for SurveyJS).",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def export_command(spec: Path, format: str, out: Path, force: bool) -> None:
    """Write a spec as an XLSForm or SurveyJS form.

    Every question, option, condition and translation is written, or the export is refused
    with the list of what the format cannot say exactly (such as a condition comparing text,
    which surveykit reads ignoring case and spacing).

    \b
    Examples:
      surveykit export specs/taking_stock.toml --to xlsform --out taking_stock.xlsx
      surveykit export consultation.toml --to surveyjs --out consultation.json
    """
    consultation = load_spec(spec)
    data = export_spec(consultation, format, file=str(spec))
    _write_new(out, data, force)
    click.echo(f"{out}: {FORMAT_NAMES[format]} form written from {spec}", err=True)
