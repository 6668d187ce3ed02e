"""``surveykit show``: a consultation's questions, options, branching and retention schedule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from .. import retention
from ..model import Consultation
from ..spec import load_spec
from .present import spec_as_dict, spec_lines
from .privacy_command import spoken_instant
from .spec_commands import SPEC


@click.command("show")
@SPEC
@click.option("--json", "as_json", is_flag=True, help="Print the spec as JSON.")
def show_command(spec: Path, as_json: bool) -> None:
    """Show the questions of a consultation and when each is shown.

    \b
    Examples:
      surveykit show specs/taking_stock.toml
      surveykit show specs/taking_stock.toml --json | jq '.sections[].questions[].id'
    """
    consultation = load_spec(spec)
    if as_json:
        data = {**spec_as_dict(consultation), "retention": retention_as_dict(consultation)}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _show_text(consultation)


def _show_text(c: Consultation) -> None:
    for line in spec_lines(c):
        click.secho(line.text, **line.style)
    for text, style in retention_lines(c):
        click.secho(text, **style)


def retention_lines(c: Consultation) -> Iterator[tuple[str, dict[str, Any]]]:
    """``show``'s retention schedule: each class, how long it is kept after the close, and
    when it is due for removal, in the consultation's time zone."""
    yield "", {}
    yield f"== Retention after closing ({c.metadata.timezone}) ==", {"bold": True}
    for entry in retention.schedule(c):
        kept = retention.format_duration(entry.duration)
        if entry.due is None:
            until = (
                "kept with the response"
                if entry.data_class.endswith(("text", "answers"))
                else "kept"
            )
        elif entry.cut_short:
            until = f"removed on anonymising, after {spoken_instant(entry.due)}"
        else:
            since = " of being handled" if entry.data_class == "review_items" else ""
            until = f"removed {kept} after closing{since}, after {spoken_instant(entry.due)}"
        yield f"  {entry.data_class}: {until}", {}
        yield f"      {entry.description}", {"dim": True}
    anonymised = retention.anonymisation_due(c)
    if anonymised is None:
        yield "  anonymise: no (answers stay linked to respondents)", {}
    else:
        after = retention.format_duration(c.retention.anonymise_after)
        yield f"  anonymise: {after} after closing, after {spoken_instant(anonymised)}", {}


def _instant(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def retention_as_dict(c: Consultation) -> dict[str, Any]:
    """The retention schedule as JSON: each class's duration as written and its due instant
    (ISO 8601 with the offset, ``null`` when kept)."""
    table = c.retention
    return {
        "anonymise": table.anonymise,
        "anonymise_after": retention.format_duration(table.anonymise_after),
        "anonymise_at": _instant(retention.anonymisation_due(c)),
        "classes": [
            {
                "class": entry.data_class,
                "kept": retention.format_duration(entry.duration),
                "due": _instant(entry.due),
                "cut_short_by_anonymising": entry.cut_short,
                "description": entry.description,
            }
            for entry in retention.schedule(c)
        ],
    }


COMMANDS = (show_command,)
