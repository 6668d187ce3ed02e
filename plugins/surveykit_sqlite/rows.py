"""How the SQLite store and its mailbox write and read values, and the one grant step they share."""

from __future__ import annotations

import datetime as dt
import sqlite3

import orjson

from surveykit.sql import Dialect
from surveykit.storage import Grant, utc

__all__ = ["DIALECT", "from_text", "grant_one", "to_text"]


def to_text(when: dt.datetime) -> str:
    """An instant as stored: ISO 8601 in UTC."""
    return utc(when).isoformat()


def from_text(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


#: sqlite3 takes ``?`` and keeps instants as ISO text and answers as JSON text.
DIALECT = Dialect(
    placeholder="?",
    time_in=to_text,
    time_out=dt.datetime.fromisoformat,
    answers_out=orjson.loads,
)


def grant_one(conn: sqlite3.Connection, grant: Grant) -> None:
    """Store the respondent if new, revoke their live links and make ``grant``'s hash live,
    inside the caller's transaction (a roster import, or an invitation being recorded)."""
    for sql, params in DIALECT.grant_statements(grant):
        conn.execute(sql, params)
