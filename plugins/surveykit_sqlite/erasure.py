"""Erasing a person from the SQLite store, and purging what the retention schedule says is due:
the statements of one erasure (or purge) transaction.

Submissions and raw messages are append-only (migration 1 and 2's triggers); migration 6 lets a
``DELETE`` through only while a row of ``erasing`` exists, and only :func:`erase` writes one, inside
the store's ``BEGIN IMMEDIATE`` transaction, removing it again before the commit, so no other
connection ever sees it.  Kept answers move to a new random respondent id: the old id, from which
a person's reference and audit hashes are made, then leads nowhere.

A purge (:func:`purge`) runs under the same sanction: a stored answer is never updated, but a
version from which a purged class is removed is deleted and stored again (same respondent, number
and times) in that transaction.  Anonymising moves every respondent to a new random id, as an
erasure that keeps answers does, and records itself in ``meta`` so it happens once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Collection, Iterator

import orjson

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

from .rows import from_text, to_text

__all__ = ["RolledBack", "anonymised", "erase", "erase_mail", "erase_messages", "purge"]

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


# Purge and anonymise (retention) -----------------------------------------------------------

#: Respondents rewritten per batch when anonymising or stripping answers.
PURGE_BATCH = 1000
_ANONYMISED = "anonymised:{}"
_OF_CONSULTATION = "(SELECT id FROM respondents WHERE consultation = ?)"


class RolledBack(Exception):
    """Raised inside a purge's transaction to roll it back, carrying what it would remove."""

    def __init__(self, counts: PurgedCounts) -> None:
        super().__init__("dry run")
        self.counts = counts


def anonymised(conn: sqlite3.Connection, consultation: str) -> bool:
    """Whether the consultation was anonymised (a ``meta`` row records it)."""
    key = _ANONYMISED.format(consultation)
    return conn.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone() is not None


def purge(
    conn: sqlite3.Connection, plan: PurgePlan, progress: Callable[[int], None] | None
) -> PurgedCounts:
    """Carry out ``plan`` inside the caller's write transaction (see :meth:`Store.purge`)."""
    c = plan.consultation
    anonymise = plan.anonymise is not None and not anonymised(conn, c)
    if anonymise:
        _refuse_open_reviews(conn, c)
    conn.execute("INSERT INTO erasing (started_at) VALUES (?)", (to_text(dt.datetime.now(dt.UTC)),))
    reviews = _count(
        conn,
        f"DELETE FROM mail_reviews WHERE consultation = ? AND status <> 'open' AND id IN {_IN}",
        (c, json.dumps(sorted(plan.reviews))),
    )
    messages = _count(
        conn,
        f"DELETE FROM mail_messages WHERE consultation = ? AND id IN {_IN}",
        (c, json.dumps(sorted(plan.messages))),
    )
    links = drafts = history = 0
    if plan.link_hashes:
        links = _count(conn, f"DELETE FROM tokens WHERE respondent_id IN {_OF_CONSULTATION}", (c,))
    if plan.drafts:
        drafts = _count(conn, f"DELETE FROM drafts WHERE respondent_id IN {_OF_CONSULTATION}", (c,))
    if plan.history:
        history = _drop_history(conn, c)
    removed = _strip(conn, c, plan) if plan.answer_keys else {}
    blanked = 0
    if plan.contact_details:
        blanked = _count(
            conn,
            "UPDATE respondents SET name = '', email = '', language = NULL "
            "WHERE consultation = ? AND (name <> '' OR email <> '' OR language IS NOT NULL)",
            (c,),
        )
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
    conn.execute("DELETE FROM erasing")
    return counts


def _refuse_open_reviews(conn: sqlite3.Connection, c: str) -> None:
    open_items = conn.execute(
        "SELECT count(*) FROM mail_reviews WHERE consultation = ? AND status = 'open'", (c,)
    ).fetchone()[0]
    if open_items:
        raise StorageError(f"{open_items} review item(s) are open; nothing was anonymised")


def _drop_history(conn: sqlite3.Connection, c: str) -> int:
    return _count(
        conn,
        "DELETE FROM submissions WHERE consultation = ? AND version < "
        "(SELECT max(version) FROM submissions s "
        "WHERE s.respondent_id = submissions.respondent_id)",
        (c,),
    )


_VERSION_COLUMNS = (
    "respondent_id, version, consultation, channel, submitted_at, received_at, answers"
)


def _strip(conn: sqlite3.Connection, c: str, plan: PurgePlan) -> dict[str, int]:
    """Remove the plan's answer keys from every stored version: a version that held one is
    deleted and stored again, same number and times, inside the erasure's sanction."""
    removed: dict[str, int] = {}
    sql = (
        f"SELECT {_VERSION_COLUMNS} FROM submissions WHERE consultation = ? "
        "AND (respondent_id, version) > (?, ?) ORDER BY respondent_id, version LIMIT ?"
    )
    for rows in _batches_versions(conn, sql, c):
        for rid, version, consultation, channel, submitted, received, text in rows:
            kept, gone = strip_answers(orjson.loads(text), plan.answer_keys)
            if not gone:
                continue
            for name, n in gone.items():
                removed[name] = removed.get(name, 0) + n
            conn.execute(
                "DELETE FROM submissions WHERE respondent_id = ? AND version = ?", (rid, version)
            )
            conn.execute(
                f"INSERT INTO submissions ({_VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rid, version, consultation, channel, submitted, received, dump_answers(kept)),
            )
    return removed


def _batches_versions(conn: sqlite3.Connection, sql: str, c: str) -> Iterator[list[tuple]]:
    after: tuple[str, int] = ("", 0)
    while rows := conn.execute(sql, (c, *after, PURGE_BATCH)).fetchall():
        yield rows
        after = (rows[-1][0], rows[-1][1])


def _anonymise(
    conn: sqlite3.Connection,
    c: str,
    how: Anonymisation,
    progress: Callable[[int], None] | None,
) -> PurgedCounts:
    """Cut every respondent of ``c`` from their answers (see :class:`Anonymisation`)."""
    reviews = _count(conn, "DELETE FROM mail_reviews WHERE consultation = ?", (c,))
    messages = _count(conn, "DELETE FROM mail_messages WHERE consultation = ?", (c,))
    sendings = _count(conn, "DELETE FROM mail_sendings WHERE consultation = ?", (c,))
    links = _count(conn, f"DELETE FROM tokens WHERE respondent_id IN {_OF_CONSULTATION}", (c,))
    drafts = _count(conn, f"DELETE FROM drafts WHERE respondent_id IN {_OF_CONSULTATION}", (c,))
    history = _drop_history(conn, c)
    # Every old id is read first: the new rows must not be met again as the table is walked.
    old_ids = [
        row[0] for row in conn.execute("SELECT id FROM respondents WHERE consultation = ?", (c,))
    ]
    for start in range(0, len(old_ids), PURGE_BATCH):
        batch = old_ids[start : start + PURGE_BATCH]
        for old in batch:
            _anonymise_one(conn, old, how)
        if progress is not None:
            progress(len(batch))
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        (_ANONYMISED.format(c), to_text(dt.datetime.now(dt.UTC))),
    )
    return PurgedCounts(
        link_hashes=links,
        drafts=drafts,
        history=history,
        raw_emails=messages,
        review_items=reviews,
        anonymised=len(old_ids),
        sendings=sendings,
    )


def _anonymise_one(conn: sqlite3.Connection, old: str, how: Anonymisation) -> None:
    new = new_id()
    name, created = conn.execute(
        "SELECT name, created_at FROM respondents WHERE id = ?", (old,)
    ).fetchone()
    conn.execute(
        "INSERT INTO respondents (id, consultation, authority, authority_type, role, name, email, "
        "consent, origin, created_at, language) SELECT ?, consultation, authority, "
        "authority_type, role, '', '', consent, origin, ?, NULL FROM respondents WHERE id = ?",
        (new, to_text(how.cut(from_text(created))), old),
    )
    latest = conn.execute(
        "SELECT consultation, channel, submitted_at, received_at, answers FROM submissions "
        "WHERE respondent_id = ? ORDER BY version DESC LIMIT 1",
        (old,),
    ).fetchone()
    if latest is not None:
        consultation, channel, submitted, received, text = latest
        answers = how.answers(orjson.loads(text), name)
        conn.execute(
            f"INSERT INTO submissions ({_VERSION_COLUMNS}) VALUES (?, 1, ?, ?, ?, ?, ?)",
            (
                new,
                consultation,
                channel,
                to_text(how.cut(from_text(submitted))),
                to_text(how.cut(from_text(received))),
                dump_answers(answers),
            ),
        )
    conn.execute("DELETE FROM submissions WHERE respondent_id = ?", (old,))
    conn.execute("DELETE FROM respondents WHERE id = ?", (old,))
