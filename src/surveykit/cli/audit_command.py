"""``surveykit audit-log``: the officers' audit trail of a consultation, as a table or JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

import click

from ..audit import AuditEntry
from ..model import Consultation
from ..spec import load_spec
from ..storage import open_store
from .deployment import DB_OPTION
from .options import parse_date

__all__ = ["COMMANDS", "audit_log_command"]

#: How much of a subject hash the table shows: enough to tell people apart by eye.
SHORT_HASH = 12
_COLUMNS = (("officer", 16), ("action", 15), ("on whom", SHORT_HASH))


@click.command("audit-log")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the entries as a JSON array.")
@click.option(
    "--since",
    metavar="DATE",
    callback=parse_date,
    help="Only entries from the start of DATE (YYYY-MM-DD, in the consultation's time zone).",
)
def audit_log_command(spec: Path, db_url: str, as_json: bool, since: dt.date | None) -> None:
    """Show who read or changed personal data, when, and how: oldest first.

    Each review shown, accepted or rejected, internal report, roster import, reissue, paper
    entry and submitted file is recorded by the officer who ran it (SURVEYKIT_OFFICER, else the
    user's login name).  The person acted on is shown only as a keyed hash, never by name.

    \b
    Examples:
      surveykit audit-log specs/taking_stock.toml --db sqlite:///responses.db
      surveykit audit-log specs/taking_stock.toml --db sqlite:///responses.db \\
          --since 2015-03-01 --json
    """
    consultation = load_spec(spec)
    start = None
    if since is not None:
        start = dt.datetime.combine(since, dt.time(), tzinfo=consultation.metadata.zone)
    with open_store(db_url) as store:
        entries = store.audit_log(consultation.metadata.id, since=start)
        if as_json:
            _write_json(entries)
        else:
            _write_table(entries, consultation)


def as_dict(entry: AuditEntry) -> dict[str, str | None]:
    """An entry as JSON: the instant in ISO 8601 UTC and the whole subject hash."""
    return {
        "consultation": entry.consultation,
        "when": entry.recorded_at.isoformat(),
        "officer": entry.officer,
        "action": entry.action,
        "subject": entry.subject,
        "detail": entry.detail,
    }


def _write_json(entries: Iterable[AuditEntry]) -> None:
    """One JSON array, written an entry at a time: a long log is never held whole."""
    held: str | None = None
    for entry in entries:
        click.echo("[" if held is None else f"  {held},")
        held = json.dumps(as_dict(entry), ensure_ascii=False)
    click.echo("[]" if held is None else f"  {held}\n]")


def _write_table(entries: Iterable[AuditEntry], consultation: Consultation) -> None:
    meta = consultation.metadata
    when_header = f"when ({meta.timezone})"
    widths = [max(len(when_header), 19), *(width for _, width in _COLUMNS)]
    wrote = False
    for entry in entries:
        if not wrote:
            header = [when_header, *(name for name, _ in _COLUMNS), "detail"]
            click.echo(_line(header, widths))
            wrote = True
        when = f"{entry.recorded_at.astimezone(meta.zone):%Y-%m-%d %H:%M:%S}"
        subject = entry.subject[:SHORT_HASH] if entry.subject else "-"
        click.echo(_line([when, entry.officer, entry.action, subject, entry.detail], widths))
    if not wrote:
        click.echo(f"No officer action on {meta.title!r} has been recorded.")


def _line(cells: list[str], widths: list[int]) -> str:
    """Cells padded to their column's width, the last (the detail) as it is."""
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
    return "  ".join([*padded, cells[-1]]).rstrip()


COMMANDS = (audit_log_command,)
