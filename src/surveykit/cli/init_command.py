"""``surveykit init``: a deployment file and a starter spec, so a new deployment starts from
something that validates, serves and can be edited, rather than from a blank page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import SurveykitError
from .starter import starter_files


@click.command("init")
@click.argument(
    "folder", metavar="[DIR]", default=".", type=click.Path(file_okay=False, path_type=Path)
)
def init_command(folder: Path) -> None:
    """Write a starter deployment file (surveykit.toml) and spec (specs/consultation.toml)
    into DIR (default: this folder), refusing if either exists.

    \b
    Example:
      surveykit init lga && cd lga && surveykit config
    """
    files = {folder / name: text for name, text in starter_files(dt.date.today()).items()}
    existing = [str(path) for path in files if path.exists()]
    if existing:
        msg = f"{' and '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
        raise SurveykitError(msg + "nothing was written")
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as out:
                out.write(text)
    except OSError as exc:
        raise SurveykitError(f"cannot write {exc.filename}: {exc.strerror}") from None
    for path in files:
        click.echo(f"wrote {path}")
    click.echo(f"Next, in {folder}: surveykit validate library-hours, then surveykit config")


COMMANDS = (init_command,)
