"""Erasing a person from the SQLite store: the statements of one erasure transaction.

Submissions and raw messages are append-only (migration 1 and 2's triggers); migration 6 lets a
``DELETE`` through only while a row of ``erasing`` exists, and only :func:`erase` writes one, inside
the store's ``BEGIN IMMEDIATE`` transaction, removing it again before the commit, so no other
connection ever sees it.  Kept answers move to a new random respondent id: the old id, from which
a person's reference and audit hashes are made, then leads nowhere.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection

from surveykit.errors import StorageError
from surveykit.identity import new_id
from surveykit.storage import ErasedCounts

from .rows import to_text

__all__ = ["erase", "erase_mail", "erase_messages"]

_IN = "(SELECT value FROM json_each(?))"


def _count(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> int:
    return conn.execute(sql, params).rowcount


def erase_mail(
    conn: sqlite3.Connection, consultation: str, ids: Collection[int], respondent_id: str | None
) -> tuple[int, int, int]:
    """Delete the messages ``ids`` of the consultation and those linked to ``respondent_id``,
    every duplicate of them, the review items about any of them or about the respondent, and
    the sendings to the respondent.  Returns (messages, reviews, sendings)."""
    doomed = {
        row[0]
        for row in conn.execute(
            f"SELECT id FROM mail_messages WHERE consultation = ? AND (id IN {_IN} "
            "OR respondent_id = ?)",
            (consultation, json.dumps(sorted(ids)), respondent_id),
        )
    }
    while (
        more := {
            row[0]
            for row in conn.execute(
                f"SELECT id FROM mail_messages WHERE duplicate_of IN {_IN}",
                (json.dumps(sorted(doomed)),),
            )
        }
        - doomed
    ):
        doomed |= more
    listed = json.dumps(sorted(doomed))
    reviews = _count(
        conn,
        f"DELETE FROM mail_reviews WHERE message IN {_IN} OR respondent_id = ?",
        (listed, respondent_id),
    )
    messages = _count(conn, f"DELETE FROM mail_messages WHERE id IN {_IN}", (listed,))
    sendings = _count(conn, "DELETE FROM mail_sendings WHERE respondent_id = ?", (respondent_id,))
    return messages, reviews, sendings


def erase(
    conn: sqlite3.Connection, respondent_id: str, keep_answers: bool, ids: Collection[int]
) -> ErasedCounts:
    """Erase one respondent inside the caller's write transaction (see the module)."""
    row = conn.execute(
        "SELECT consultation FROM respondents WHERE id = ?", (respondent_id,)
    ).fetchone()
    if row is None:
        raise StorageError(f"no respondent with id {respondent_id!r}; nothing was erased")
    conn.execute("INSERT INTO erasing (started_at) VALUES (?)", (to_text(dt.datetime.now(dt.UTC)),))
    messages, reviews, sendings = erase_mail(conn, row[0], ids, respondent_id)
    links = _count(conn, "DELETE FROM tokens WHERE respondent_id = ?", (respondent_id,))
    drafts = _count(conn, "DELETE FROM drafts WHERE respondent_id = ?", (respondent_id,))
    versions = conn.execute(
        "SELECT count(*) FROM submissions WHERE respondent_id = ?", (respondent_id,)
    ).fetchone()[0]
    if keep_answers and versions:
        _move_answers(conn, respondent_id, new_id())
    conn.execute("DELETE FROM submissions WHERE respondent_id = ?", (respondent_id,))
    conn.execute("DELETE FROM respondents WHERE id = ?", (respondent_id,))
    conn.execute("DELETE FROM erasing")
    return ErasedCounts(
        respondents=1,
        links=links,
        drafts=drafts,
        answers_removed=0 if keep_answers else versions,
        answers_kept=versions if keep_answers else 0,
        messages=messages,
        reviews=reviews,
        sendings=sendings,
    )


def erase_messages(
    conn: sqlite3.Connection, consultation: str, ids: Collection[int]
) -> ErasedCounts:
    """Erase stored messages of a sender who is no respondent, inside the caller's transaction."""
    conn.execute("INSERT INTO erasing (started_at) VALUES (?)", (to_text(dt.datetime.now(dt.UTC)),))
    messages, reviews, _ = erase_mail(conn, consultation, ids, None)
    conn.execute("DELETE FROM erasing")
    return ErasedCounts(messages=messages, reviews=reviews)


def _move_answers(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Copy every version to a new respondent holding only what reports group by."""
    conn.execute(
        "INSERT INTO respondents (id, consultation, authority, authority_type, role, name, email, "
        "consent, origin, created_at, language) SELECT ?, consultation, authority, "
        "authority_type, role, '', '', consent, origin, created_at, NULL "
        "FROM respondents WHERE id = ?",
        (new, old),
    )
    conn.execute(
        "INSERT INTO submissions (respondent_id, version, consultation, channel, submitted_at, "
        "received_at, answers) SELECT ?, version, consultation, channel, submitted_at, "
        "received_at, answers FROM submissions WHERE respondent_id = ?",
        (new, old),
    )
