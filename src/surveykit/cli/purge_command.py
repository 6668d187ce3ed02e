"""``surveykit purge``: apply the spec's retention schedule to the store (issue 19).

Safe to run from cron at any time: :mod:`surveykit.purge` plans only what is due at ``--now``
(the clock by default), and the store removes it in one transaction under its writers' lock
(SQLite) or an advisory lock (PostgreSQL), so a second run at once, or two at the same time,
remove it once.  It prints counts by class, never a name.

A consultation reopened for a demonstration (``--open-until``, ``$SURVEYKIT_OPEN_UNTIL`` or the
deployment file's ``open_until``) is purged as closing when the demonstration ends, if that is
later than its real close: nothing is removed while it takes answers, and the schedule runs
from when it last did.  A reopening that ends before the real close changes nothing.

Anonymising scrubs free text of respondents' names with the reports' own redaction (the
``surveykit_reports`` plugin, imported by name when needed), because once the names are gone
from the store the reports can no longer redact them.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import audit, purge
from ..model import Consultation
from ..plugins import get_plugins
from ..retention import anonymisation_due
from ..spec import load_spec
from ..storage import PurgedCounts, Store, TextScrubber
from .deployment import (
    DB_OPTION,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    deployment,
    open_window,
    parse_instant,
)
from .progress import progress

__all__ = ["LABELS", "name_scrubber", "purge_command"]

#: Each count as the command prints it.
LABELS = {
    "contact_details": "contact details (respondents blanked and identifying answers)",
    "link_hashes": "link hashes",
    "drafts": "drafts",
    "history": "earlier versions of responses",
    "raw_emails": "raw emails",
    "review_items": "review items",
    "free_text": "free-text answers",
    "sensitive_answers": "sensitive answers",
    "anonymised": "respondents cut from their answers (anonymised)",
    "sendings": "records of invitations sent",
}
#: The audit detail's short names, so every count fits in one short line.
_AUDIT_NAMES = {
    "contact_details": "contacts",
    "link_hashes": "links",
    "drafts": "drafts",
    "history": "history",
    "raw_emails": "emails",
    "review_items": "reviews",
    "free_text": "text",
    "sensitive_answers": "sensitive",
    "anonymised": "anonymised",
    "sendings": "sendings",
}


@click.command("purge")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@SECRET_FILE_OPTION
@click.option("--dry-run", is_flag=True, help="Count what is due without removing anything.")
@click.option(
    "--now",
    "now_text",
    metavar="ISO",
    help="Purge as at this date or time (ISO 8601; the consultation's time zone unless an "
    "offset is given), to test or to show what would happen on a date (default: now).",
)
@OPEN_UNTIL_OPTION
def purge_command(
    spec: Path,
    db_url: str,
    secret_file: Path | None,
    dry_run: bool,
    now_text: str | None,
    open_until: dt.date | None,
) -> None:
    """Remove the personal data the spec's [retention] table says is due.

    Contact details, link hashes, drafts, earlier versions, raw emails, handled review items,
    free-text and sensitive answers when set, and anonymising when the spec asks: each only
    once its date has passed (see `surveykit show SPEC`).  Safe to run from cron at any time;
    running it twice removes nothing the second time.  Prints counts only; recorded in the
    audit trail when anything is removed.

    \b
    Examples:
      surveykit purge specs/taking_stock.toml --db sqlite:///responses.db --dry-run
      surveykit purge specs/taking_stock.toml --db sqlite:///responses.db --now 2015-09-14
    """
    consultation = _as_run(load_spec(spec), open_until)
    now = dt.datetime.now(dt.UTC) if now_text is None else parse_instant(now_text, consultation)
    cid = consultation.metadata.id
    with deployment(db_url, secret_file) as (store, _secret):
        anonymised = store.anonymised(cid)
        anonymising = not anonymised and _passed(anonymisation_due(consultation), now)
        scrub = name_scrubber(store, cid) if anonymising else None
        if anonymising and scrub is None:
            click.echo(
                "Warning: the reports plugin is not installed, so free text is not scrubbed of "
                "respondents' names before they are anonymised",
                err=True,
            )
        planned = purge.plan(
            consultation,
            now,
            messages=store.messages(cid),
            reviews=store.review_items(cid, status=None),
            kinds=get_plugins().kinds,
            anonymised=anonymised,
            scrub=scrub,
        )
        total = None
        if planned.store_plan.anonymise is not None:
            total = sum(1 for _ in store.respondents(cid))
        with progress("Purging", total=total) as advance:
            counts = store.purge(planned.store_plan, progress=advance, dry_run=dry_run)
        if counts.total() and not dry_run:
            audit.record(store, cid, audit.PURGE, detail=_detail(counts))
    _say(counts, planned, consultation.metadata.zone, dry_run=dry_run)


def _passed(when: dt.datetime | None, now: dt.datetime) -> bool:
    return when is not None and when <= now


def _as_run(consultation: Consultation, open_until: dt.date | None) -> Consultation:
    """The consultation as the schedule counts from: reopened if that closes it later."""
    if open_until is None:
        return consultation
    reopened = open_window(consultation, open_until)
    if reopened.metadata.closes_at > consultation.metadata.closes_at:
        return reopened
    return consultation


def name_scrubber(store: Store, consultation: str) -> TextScrubber | None:
    """The reports' redaction of every respondent's name, or ``None`` without the plugin."""
    try:
        redact = importlib.import_module("surveykit_reports.redact")
    except ModuleNotFoundError:
        return None
    people = [name for kind, name in store.names(consultation) if kind == "person"]
    redactor: Callable[..., str] = redact.Redactor.build(people)

    def scrub(text: str, own_name: str) -> str:
        return redactor(text, own_name=own_name)

    return scrub


def _detail(counts: PurgedCounts) -> str:
    named = {_AUDIT_NAMES[k]: n for k, n in counts.by_class().items() if n}
    return audit.counts(**named)


def _say(counts: PurgedCounts, planned: purge.Plan, zone: Any, *, dry_run: bool) -> None:
    when = planned.now.astimezone(zone).isoformat(timespec="minutes")
    found: dict[str, Any] = {k: n for k, n in counts.by_class().items() if n}
    if not found:
        click.echo(f"Nothing is due at {when}: nothing {'would be' if dry_run else 'was'} removed.")
    else:
        click.echo(f"{'Would remove' if dry_run else 'Removed'} (as at {when}):")
        for name, n in found.items():
            click.echo(f"  {LABELS[name]}: {n}")
    if planned.waiting:
        click.echo(
            f"Anonymising is due but waits for {planned.waiting} open review item(s): decide "
            "them (surveykit review), then run purge again.",
            err=True,
        )
    if not counts.scrubbed:
        click.echo(
            "Warning: the purged rows are gone, but their bytes could not yet be overwritten "
            "(another program is reading the store); the next erasure or purge that removes "
            "anything overwrites them, or see docs/storage.md#erasure",
            err=True,
        )
