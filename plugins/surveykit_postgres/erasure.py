"""Erasing a person from the PostgreSQL store, and purging what the retention schedule says is
due: one transaction, then the tables rewritten.

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

A purge (:func:`purge`) runs under the same setting: a version from which a purged class is
removed is deleted and stored again (same respondent, number and times), never updated.
Anonymising moves every respondent to a new random id and records itself in ``meta``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import psycopg

from surveykit.errors import StorageError
from surveykit.identity import new_id
from surveykit.sql import dump_answers
from surveykit.storage import (
    Anonymisation,
    ErasedCounts,
    PurgedCounts,
    PurgePlan,
    strip_answers,
)

__all__ = [
    "REWRITTEN",
    "RolledBack",
    "anonymised",
    "erase",
    "erase_messages",
    "purge",
    "rewrite",
]

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


# Purge and anonymise (retention) -----------------------------------------------------------

#: Versions or respondents read per batch when stripping answers or anonymising.
PURGE_BATCH = 1000
_ANONYMISED = "anonymised:{}"
_OF_CONSULTATION = "(SELECT id FROM respondents WHERE consultation = %s)"
_VERSION_COLUMNS = (
    "respondent_id, version, consultation, channel, submitted_at, received_at, answers"
)


class RolledBack(Exception):
    """Raised inside a purge's transaction to roll it back, carrying what it would remove."""

    def __init__(self, counts: PurgedCounts) -> None:
        super().__init__("dry run")
        self.counts = counts


def anonymised(conn: psycopg.Connection, consultation: str) -> bool:
    """Whether the consultation was anonymised (a ``meta`` row records it)."""
    key = _ANONYMISED.format(consultation)
    return conn.execute("SELECT 1 FROM meta WHERE key = %s", (key,)).fetchone() is not None


def purge(
    conn: psycopg.Connection, plan: PurgePlan, progress: Callable[[int], None] | None
) -> PurgedCounts:
    """Carry out ``plan`` inside the caller's transaction (see :meth:`Store.purge`).  A
    transaction-scoped advisory lock per consultation makes concurrent purges take turns."""
    c = plan.consultation
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"surveykit purge {c}",))
    anonymise = plan.anonymise is not None and not anonymised(conn, c)
    if anonymise:
        open_items = conn.execute(
            "SELECT count(*) FROM mail_reviews WHERE consultation = %s AND status = 'open'", (c,)
        ).fetchone()[0]
        if open_items:
            raise StorageError(f"{open_items} review item(s) are open; nothing was anonymised")
    _erasing(conn)
    reviews = conn.execute(
        "DELETE FROM mail_reviews WHERE consultation = %s AND status <> 'open' AND id = ANY(%s)",
        (c, sorted(plan.reviews)),
    ).rowcount
    messages = conn.execute(
        "DELETE FROM mail_messages WHERE consultation = %s AND id = ANY(%s)",
        (c, sorted(plan.messages)),
    ).rowcount
    links = drafts = history = 0
    if plan.link_hashes:
        links = conn.execute(
            f"DELETE FROM tokens WHERE respondent_id IN {_OF_CONSULTATION}", (c,)
        ).rowcount
    if plan.drafts:
        drafts = conn.execute(
            f"DELETE FROM drafts WHERE respondent_id IN {_OF_CONSULTATION}", (c,)
        ).rowcount
    if plan.history:
        history = _drop_history(conn, c)
    removed = _strip(conn, c, plan) if plan.answer_keys else {}
    blanked = 0
    if plan.contact_details:
        blanked = conn.execute(
            "UPDATE respondents SET name = '', email = '', language = NULL "
            "WHERE consultation = %s AND (name <> '' OR email <> '' OR language IS NOT NULL)",
            (c,),
        ).rowcount
    counts = PurgedCounts(
        contact_details=blanked + removed.get("contact_details", 0),
        link_hashes=links,
        drafts=drafts,
        history=history,
        raw_emails=messages,
        review_items=reviews,
        free_text=removed.get("free_text", 0),
        sensitive_answers=removed.get("sensitive_answers", 0),
    )
    if anonymise and plan.anonymise is not None:
        counts = counts + _anonymise(conn, c, plan.anonymise, progress)
    return counts


def _drop_history(conn: psycopg.Connection, c: str) -> int:
    return conn.execute(
        "DELETE FROM submissions s USING responses r WHERE s.consultation = %s "
        "AND r.respondent_id = s.respondent_id AND s.version < r.version",
        (c,),
    ).rowcount


def _strip(conn: psycopg.Connection, c: str, plan: PurgePlan) -> dict[str, int]:
    """Remove the plan's answer keys from every stored version (deleted and stored again,
    same number and times, inside the erasure's sanction)."""
    removed: dict[str, int] = {}
    keys = sorted({key for keys in plan.answer_keys.values() for key in keys})
    after: tuple[str, int] = ("", 0)
    while rows := conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM submissions WHERE consultation = %s "
        "AND (respondent_id, version) > (%s, %s) AND answers ?| %s "
        "ORDER BY respondent_id, version LIMIT %s",
        (c, *after, keys, PURGE_BATCH),
    ).fetchall():
        after = (rows[-1][0], rows[-1][1])
        for rid, version, consultation, channel, submitted, received, answers in rows:
            kept, gone = strip_answers(answers, plan.answer_keys)
            if not gone:
                continue
            for name, n in gone.items():
                removed[name] = removed.get(name, 0) + n
            conn.execute(
                "DELETE FROM submissions WHERE respondent_id = %s AND version = %s", (rid, version)
            )
            conn.execute(
                f"INSERT INTO submissions ({_VERSION_COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb)",
                (rid, version, consultation, channel, submitted, received, dump_answers(kept)),
            )
    return removed


def _anonymise(
    conn: psycopg.Connection,
    c: str,
    how: Anonymisation,
    progress: Callable[[int], None] | None,
) -> PurgedCounts:
    """Cut every respondent of ``c`` from their answers (see :class:`Anonymisation`)."""
    reviews = conn.execute("DELETE FROM mail_reviews WHERE consultation = %s", (c,)).rowcount
    messages = conn.execute("DELETE FROM mail_messages WHERE consultation = %s", (c,)).rowcount
    sendings = conn.execute("DELETE FROM mail_sendings WHERE consultation = %s", (c,)).rowcount
    links = conn.execute(
        f"DELETE FROM tokens WHERE respondent_id IN {_OF_CONSULTATION}", (c,)
    ).rowcount
    drafts = conn.execute(
        f"DELETE FROM drafts WHERE respondent_id IN {_OF_CONSULTATION}", (c,)
    ).rowcount
    history = _drop_history(conn, c)
    old_ids = [
        row[0] for row in conn.execute("SELECT id FROM respondents WHERE consultation = %s", (c,))
    ]
    for start in range(0, len(old_ids), PURGE_BATCH):
        batch = old_ids[start : start + PURGE_BATCH]
        for old in batch:
            _anonymise_one(conn, old, how)
        if progress is not None:
            progress(len(batch))
    conn.execute("INSERT INTO meta (key, value) VALUES (%s, now()::text)", (_ANONYMISED.format(c),))
    return PurgedCounts(
        link_hashes=links,
        drafts=drafts,
        history=history,
        raw_emails=messages,
        review_items=reviews,
        anonymised=len(old_ids),
        sendings=sendings,
    )


def _anonymise_one(conn: psycopg.Connection, old: str, how: Anonymisation) -> None:
    new = new_id()
    name, created = conn.execute(
        "SELECT name, created_at FROM respondents WHERE id = %s", (old,)
    ).fetchone()
    conn.execute(
        "INSERT INTO respondents (id, consultation, authority, authority_type, role, name, email, "
        "consent, origin, created_at, language) SELECT %s, consultation, authority, "
        "authority_type, role, '', '', consent, origin, %s, NULL FROM respondents WHERE id = %s",
        (new, how.cut(created), old),
    )
    latest = conn.execute(
        "SELECT consultation, channel, submitted_at, received_at, answers FROM submissions "
        "WHERE respondent_id = %s ORDER BY version DESC LIMIT 1",
        (old,),
    ).fetchone()
    conn.execute("DELETE FROM responses WHERE respondent_id = %s", (old,))
    if latest is not None:
        consultation, channel, submitted, received, answers = latest
        conn.execute(
            f"INSERT INTO submissions ({_VERSION_COLUMNS}) "
            "VALUES (%s, 1, %s, %s, %s, %s, %s::jsonb)",
            (
                new,
                consultation,
                channel,
                how.cut(submitted),
                how.cut(received),
                dump_answers(how.answers(answers, name)),
            ),
        )
        conn.execute(
            "INSERT INTO responses (respondent_id, consultation, version) VALUES (%s, %s, 1)",
            (new, consultation),
        )
    conn.execute("DELETE FROM submissions WHERE respondent_id = %s", (old,))
    conn.execute("DELETE FROM respondents WHERE id = %s", (old,))
