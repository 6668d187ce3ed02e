"""Options and set-up shared by the commands that work on a deployment's store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import SurveykitError
from ..identity import Secret, bind_secret, load_secret
from ..model import Consultation
from ..storage import Store, open_store

DB_OPTION = click.option(
    "--db",
    "db_url",
    envvar="SURVEYKIT_DB",
    required=True,
    metavar="URL",
    help="The store: sqlite:///responses.db, postgresql://host/db or memory:// "
    "(default: $SURVEYKIT_DB).",
)
SECRET_FILE_OPTION = click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The deployment secret, created on first use (default: $SURVEYKIT_SECRET, else "
    "DATABASE.secret beside a SQLite database).",
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
