"""Options and set-up shared by the commands that work on a deployment's store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import ClosedError, SurveykitError
from ..identity import Secret, bind_secret, load_secret
from ..model import Consultation
from ..storage import Store, open_store
from .options import parse_date

#: The one setting that reopens a closed consultation for a demonstration, on every channel.
OPEN_UNTIL_ENV = "SURVEYKIT_OPEN_UNTIL"
#: What every refusal of a closed consultation tells the officer (the web's closed page too).
REOPEN_HINT = f"to reopen it for a demonstration, set {OPEN_UNTIL_ENV} or pass --open-until"

DB_OPTION = click.option(
    "--db",
    "db_url",
    envvar="SURVEYKIT_DB",
    required=True,
    metavar="URL",
    help="The store: sqlite:///responses.db, postgresql://host/db or memory:// "
    "(default: $SURVEYKIT_DB, else the deployment file's store).",
)
SECRET_FILE_OPTION = click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The deployment secret, created on first use (default: $SURVEYKIT_SECRET, else the "
    "deployment file's secret_file, else DATABASE.secret beside a SQLite database).",
)

OPEN_UNTIL_OPTION = click.option(
    "--open-until",
    metavar="DATE",
    envvar=OPEN_UNTIL_ENV,
    callback=parse_date,
    help="Reopen the consultation until the end of DATE (YYYY-MM-DD), whatever the spec's "
    "closing date: for demonstrations and training, and said so on every channel (default: "
    f"${OPEN_UNTIL_ENV}, else the deployment file's open_until).",
)


@contextmanager
def deployment(db_url: str, secret_file: Path | None) -> Iterator[tuple[Store, Secret]]:
    """The store at ``db_url`` and its secret, checked to belong together; closed afterwards."""
    store = open_store(db_url)
    try:
        secret = load_secret(secret_file or store.secret_file, ephemeral=not store.persistent)
        bind_secret(store, secret)
        yield store, secret
    finally:
        store.close()


def parse_instant(text: str, consultation: Consultation) -> dt.datetime:
    """An ISO 8601 date or time; without a UTC offset it is in the consultation's time zone."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        msg = f"{text!r} is not a date or time: write it as 2015-03-12 or 2015-03-12T16:30"
        raise SurveykitError(msg) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=consultation.metadata.zone)
    return when


def demonstration_notice(consultation: Consultation, until: dt.date, *, named: bool = False) -> str:
    """The one line every reopening command prints, so nobody takes a demonstration for real
    (``named``: saying which consultation, where one process runs several)."""
    when = f"open until the end of {until:%A} {until.day} {until:%B %Y}"
    closes = consultation.metadata.closing_text
    if named:
        title = consultation.metadata.title
        return f"Demonstration: {title!r} is {when}; it really closes {closes}."
    return f"Demonstration: {when}; the consultation really closes {closes}."


def open_window(
    consultation: Consultation, open_until: dt.date | None, *, named: bool = False
) -> Consultation:
    """The consultation as this deployment runs it: the spec's window, or reopened until the
    end of ``open_until`` (``--open-until`` / ``$SURVEYKIT_OPEN_UNTIL``), announced on stderr.

    Every command that judges the closing date takes its consultation from here, so the
    setting is given once and honoured everywhere.
    """
    if open_until is None:
        return consultation
    click.echo(demonstration_notice(consultation, open_until, named=named), err=True)
    return consultation.reopened_until(open_until)


def closed_note(consultation: Consultation, now: dt.datetime) -> str | None:
    """Why nothing can be answered at ``now``, and for a closed consultation what to do about
    it; ``None`` while it is open."""
    meta = consultation.metadata
    if meta.is_open(now):
        return None
    opens_at = meta.opens_at
    if opens_at is not None and now < opens_at:
        opening = f"{opens_at.astimezone(meta.zone):%Y-%m-%d %H:%M} ({meta.timezone})"
        return f"{meta.title} is not open yet: it opens {opening}"
    return f"{meta.title} closed on {meta.closing_text} ({meta.timezone}); {REOPEN_HINT}"


def refusal(exc: ClosedError) -> str:
    """A closed consultation's refusal as one line, saying how to reopen it when it has closed
    (a consultation not open yet is not reopened by ``--open-until``)."""
    return str(exc) if exc.not_yet else f"{exc}; {REOPEN_HINT}"
