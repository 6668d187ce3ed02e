"""Erasing a person from the PostgreSQL store: one transaction, then the tables rewritten.

Submissions and raw messages are append-only (their triggers); migration 6 lets a ``DELETE``
through only in a transaction that set ``surveykit.erasing`` with ``SET LOCAL``, which only
:func:`erase` and :func:`erase_messages` do.  Kept answers move to a new random respondent id:
the old id, from which a person's reference and audit hashes are made, then leads nowhere.

A deleted row stays in its table's pages (a dead tuple) until ``VACUUM``, and plain ``VACUUM``
marks its space free without overwriting it.  :data:`REWRITTEN` tables are therefore rewritten
with ``VACUUM FULL`` after the erasure commits: each gets new files holding live rows only (its
TOAST table and indexes too) and the old files are deleted.  What PostgreSQL cannot take back is
said in docs/storage.md: the write-ahead log and its archives, base backups, and the old files'
blocks on the disk until the file system reuses them.
"""

from __future__ import annotations

from collections.abc import Collection

import psycopg

from surveykit.errors import StorageError
from surveykit.identity import new_id
from surveykit.storage import ErasedCounts

__all__ = ["REWRITTEN", "erase", "erase_messages", "rewrite"]

#: Every table an erasure deletes from or moves rows in.  Never ``audit_log`` or ``releases``.
REWRITTEN = (
    "mail_reviews",
    "mail_messages",
    "mail_sendings",
    "tokens",
    "drafts",
    "responses",
    "submissions",
    "respondents",
)


def _erasing(conn: psycopg.Connection) -> None:
    conn.execute("SELECT set_config('surveykit.erasing', 'on', true)")


def erase_mail(
    conn: psycopg.Connection, consultation: str, ids: Collection[int], respondent_id: str | None
) -> tuple[int, int, int]:
    """Delete the messages ``ids`` of the consultation and those linked to ``respondent_id``,
    every duplicate of them, the review items about any of them or about the respondent, and
    the sendings to the respondent.  Returns (messages, reviews, sendings)."""
    doomed = {
        row[0]
        for row in conn.execute(
            "SELECT id FROM mail_messages WHERE consultation = %s "
            "AND (id = ANY(%s) OR respondent_id = %s)",
            (consultation, sorted(ids), respondent_id),
        )
    }
    while (
        more := {
            row[0]
            for row in conn.execute(
                "SELECT id FROM mail_messages WHERE duplicate_of = ANY(%s)", (sorted(doomed),)
            )
        }
        - doomed
    ):
        doomed |= more
    listed = sorted(doomed)
    reviews = conn.execute(
        "DELETE FROM mail_reviews WHERE message = ANY(%s) OR respondent_id = %s",
        (listed, respondent_id),
    ).rowcount
    messages = conn.execute("DELETE FROM mail_messages WHERE id = ANY(%s)", (listed,)).rowcount
    sendings = conn.execute(
        "DELETE FROM mail_sendings WHERE respondent_id = %s", (respondent_id,)
    ).rowcount
    return messages, reviews, sendings


def erase(
    conn: psycopg.Connection, respondent_id: str, keep_answers: bool, ids: Collection[int]
) -> ErasedCounts:
    """Erase one respondent inside the caller's transaction (see the module)."""
    row = conn.execute(
        "SELECT consultation FROM respondents WHERE id = %s FOR UPDATE", (respondent_id,)
    ).fetchone()
    if row is None:
        raise StorageError(f"no respondent with id {respondent_id!r}; nothing was erased")
    _erasing(conn)
    messages, reviews, sendings = erase_mail(conn, row[0], ids, respondent_id)
    links = conn.execute("DELETE FROM tokens WHERE respondent_id = %s", (respondent_id,)).rowcount
    drafts = conn.execute("DELETE FROM drafts WHERE respondent_id = %s", (respondent_id,)).rowcount
    versions = conn.execute(
        "SELECT count(*) FROM submissions WHERE respondent_id = %s", (respondent_id,)
    ).fetchone()[0]
    if keep_answers and versions:
        _move_answers(conn, respondent_id, new_id())
    conn.execute("DELETE FROM responses WHERE respondent_id = %s", (respondent_id,))
    conn.execute("DELETE FROM submissions WHERE respondent_id = %s", (respondent_id,))
    conn.execute("DELETE FROM respondents WHERE id = %s", (respondent_id,))
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
    conn: psycopg.Connection, consultation: str, ids: Collection[int]
) -> ErasedCounts:
    """Erase stored messages of a sender who is no respondent, inside the caller's
    transaction."""
    _erasing(conn)
    messages, reviews, _ = erase_mail(conn, consultation, ids, None)
    return ErasedCounts(messages=messages, reviews=reviews)


#: How long a rewrite waits for a table's lock (another host's long transaction) before the
#: erasure reports the freed space as not yet overwritten.
LOCK_TIMEOUT = "30s"


def rewrite(conn: psycopg.Connection) -> None:
    """``VACUUM FULL`` each table an erasure touches, on an autocommit connection (VACUUM
    cannot run in a transaction).  Each table is locked while it is rewritten."""
    conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        for table in REWRITTEN:
            conn.execute(f"VACUUM FULL {table}")
    finally:
        conn.execute("RESET lock_timeout")


def _move_answers(conn: psycopg.Connection, old: str, new: str) -> None:
    """Copy every version, and the pointer to the latest, to a new respondent holding only
    what reports group by."""
    conn.execute(
        "INSERT INTO respondents (id, consultation, authority, authority_type, role, name, email, "
        "consent, origin, created_at, language) SELECT %s, consultation, authority, "
        "authority_type, role, '', '', consent, origin, created_at, NULL "
        "FROM respondents WHERE id = %s",
        (new, old),
    )
    conn.execute(
        "INSERT INTO submissions (respondent_id, version, consultation, channel, submitted_at, "
        "received_at, answers) SELECT %s, version, consultation, channel, submitted_at, "
        "received_at, answers FROM submissions WHERE respondent_id = %s",
        (new, old),
    )
    conn.execute(
        "INSERT INTO responses (respondent_id, consultation, version) "
        "SELECT %s, consultation, version FROM responses WHERE respondent_id = %s",
        (new, old),
    )
