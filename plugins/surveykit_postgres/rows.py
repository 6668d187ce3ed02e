"""How the PostgreSQL store and its mailbox write and read values, and the grant step they share."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from surveykit.sql import Dialect
from surveykit.storage import Grant, utc

__all__ = ["DIALECT", "as_utc", "grant_one"]


def as_utc(when: dt.datetime | None) -> dt.datetime | None:
    """A timestamp read back from the server, in UTC (``None`` stays ``None``)."""
    return None if when is None else when.astimezone(dt.UTC)


def _decoded(answers: Any) -> Any:
    return answers  # psycopg decodes jsonb itself


#: psycopg takes ``%s``, and gives back timestamptz as aware datetimes and jsonb decoded.
DIALECT = Dialect(
    placeholder="%s",
    time_in=utc,
    time_out=lambda when: when.astimezone(dt.UTC),
    answers_out=_decoded,
)


def grant_one(conn: psycopg.Connection, grant: Grant) -> None:
    """Store the respondent if new, revoke their live links and make ``grant``'s hash live,
    inside the caller's transaction (a roster import, or an invitation being recorded)."""
    for sql, params in DIALECT.grant_statements(grant):
        conn.execute(sql, params)
