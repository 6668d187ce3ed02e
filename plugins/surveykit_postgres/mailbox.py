"""The PostgreSQL store's mailbox: the ``mail_*`` tables of migration 2.

Finding the first copy of a message and storing the next one run under a transaction-scoped
advisory lock per consultation, so hosts receiving the same message at once agree on which copy
came first.  A sending is checked, recorded, granted and delivered under an advisory lock per
respondent, so two invitation runs at once never both send to one person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import psycopg

from surveykit.errors import StorageError
from surveykit.mailbox import (
    NewMessage,
    NewReview,
    NewSending,
    ReviewItem,
    Sending,
    StoredMessage,
    check_resolution,
    require_open,
)
from surveykit.sql import MESSAGE_COLUMNS, REVIEW_COLUMNS, SENDING_COLUMNS, SqlMailReads
from surveykit.storage import Grant, utc

from .rows import DIALECT, grant_one

#: Store a message naming its first stored copy: by hash, or by (non-empty) Message-ID.  Two
#: lookups, each matching both columns of an index of its own (``mail_messages_by_hash``,
#: ``mail_messages_by_message_id``), so every plan uses them, including the generic plan psycopg
#: prepares after five calls, which may be made while the table is young and then kept; one
#: ``sha256 = ... OR message_id = ...`` needs the planner to combine both indexes.
_ADD_MESSAGE = (
    "WITH first AS (SELECT min(found.id) AS id FROM ("
    "SELECT min(id) AS id FROM mail_messages WHERE consultation = %(c)s AND sha256 = %(sha)s "
    "UNION ALL "
    "SELECT min(id) FROM mail_messages WHERE consultation = %(c)s AND message_id = %(find_mid)s"
    ") AS found) "
    "INSERT INTO mail_messages (consultation, raw, received_at, source, sha256, message_id, "
    "duplicate_of) SELECT %(c)s, %(raw)s, %(at)s, %(source)s, %(sha)s, %(mid)s, first.id "
    "FROM first RETURNING id, duplicate_of"
)


class PostgresMailbox(SqlMailReads):
    """Mixin for :class:`~surveykit_postgres.store.PostgresStore`, using its pool and retries."""

    _run: Callable[..., Any]
    _read: Callable[..., list[tuple]]
    _stream: Callable[..., Iterator[tuple]]

    # Raw messages ---------------------------------------------------------------------------

    def add_message(self, new: NewMessage) -> StoredMessage:
        lock = f"surveykit mail {new.consultation}"
        held = getattr(getattr(self, "_local", None), "locks", None)

        def store(conn: psycopg.Connection) -> StoredMessage:
            # Held to the end of the transaction: once per batch is enough.
            if held is None or lock not in held:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))
                if held is not None:
                    held.add(lock)
            row = conn.execute(
                _ADD_MESSAGE,
                {
                    "c": new.consultation,
                    "raw": new.raw,
                    "at": utc(new.received_at),
                    "source": new.source,
                    "sha": new.sha256,
                    "mid": new.message_id,
                    "find_mid": new.message_id or None,
                },
            ).fetchone()
            # Only the new id and first copy come back: the raw bytes need no round trip.
            return new.stored(row[0], row[1])

        # In a batch, no savepoint: a message that cannot be stored ends the batch.
        return self._run(store, savepoint=False)

    def messages(self, consultation: str) -> Iterator[StoredMessage]:
        rows = self._stream(
            f"SELECT {MESSAGE_COLUMNS} FROM mail_messages WHERE consultation = %s ORDER BY id",
            (consultation,),
        )
        return (DIALECT.message(row) for row in rows)

    def message_submitted(self, message_id: int, respondent_id: str, version: int) -> None:
        changed = self._run(
            lambda conn: (
                conn.execute(
                    "UPDATE mail_messages SET status = 'submitted', respondent_id = %s, "
                    "version = %s WHERE id = %s",
                    (respondent_id, version, message_id),
                ).rowcount
            ),
            respondent_id=respondent_id,
        )
        if not changed:
            raise StorageError(f"no stored message {message_id}")

    # Review queue ---------------------------------------------------------------------------

    def add_review(self, new: NewReview) -> ReviewItem:
        def queue(conn: psycopg.Connection) -> ReviewItem:
            changed = conn.execute(
                "UPDATE mail_messages SET status = 'review', respondent_id = %s WHERE id = %s",
                (new.respondent_id, new.message),
            ).rowcount
            if not changed:
                raise StorageError(f"no stored message {new.message}; nothing was queued")
            row = conn.execute(
                "INSERT INTO mail_reviews (consultation, message, reason, detail, created_at, "
                f"respondent_id) VALUES (%s, %s, %s, %s, %s, %s) RETURNING {REVIEW_COLUMNS}",
                (
                    new.consultation,
                    new.message,
                    new.reason,
                    new.detail,
                    utc(new.created_at),
                    new.respondent_id,
                ),
            ).fetchone()
            return DIALECT.review(row)

        return self._run(queue, respondent_id=new.respondent_id)

    def review_items(self, consultation: str, status: str | None = "open") -> list[ReviewItem]:
        rows = self._read(
            f"SELECT {REVIEW_COLUMNS} FROM mail_reviews "
            "WHERE consultation = %(c)s AND (%(s)s::text IS NULL OR status = %(s)s) ORDER BY id",
            {"c": consultation, "s": status},
        )
        return [DIALECT.review(row) for row in rows]

    def resolve_review(
        self,
        item_id: int,
        *,
        status: str,
        note: str,
        resolved_at: dt.datetime,
        respondent_id: str | None = None,
        version: int | None = None,
    ) -> ReviewItem:
        check_resolution(status)

        def resolve(conn: psycopg.Connection) -> ReviewItem:
            row = conn.execute(
                "SELECT status FROM mail_reviews WHERE id = %s FOR UPDATE", (item_id,)
            ).fetchone()
            require_open(item_id, None if row is None else row[0])
            resolved = conn.execute(
                "UPDATE mail_reviews SET status = %s, note = %s, resolved_at = %s, "
                "respondent_id = coalesce(%s, respondent_id), version = %s WHERE id = %s "
                f"RETURNING {REVIEW_COLUMNS}",
                (status, note, utc(resolved_at), respondent_id, version, item_id),
            ).fetchone()
            return DIALECT.review(resolved)

        return self._run(resolve, respondent_id=respondent_id)

    # Sendings -------------------------------------------------------------------------------

    def record_sending(
        self, sending: NewSending, grant: Grant | None, deliver: Callable[[], None]
    ) -> Sending | None:
        delivered: list[bool] = []

        def send(conn: psycopg.Connection) -> Sending | None:
            if delivered:
                # Never deliver twice, even if the store's retry loop runs this again.
                raise StorageError("the sending was delivered but could not be recorded")
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                (f"surveykit sending {sending.respondent_id}",),
            )
            done = conn.execute(
                "SELECT 1 FROM mail_sendings WHERE respondent_id = %s AND kind = %s AND round = %s",
                (sending.respondent_id, sending.kind, sending.round),
            ).fetchone()
            if done:
                return None
            if grant is not None:
                grant_one(conn, grant)
            row = conn.execute(
                f"INSERT INTO mail_sendings ({SENDING_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) "
                f"RETURNING {SENDING_COLUMNS}",
                (
                    sending.consultation,
                    sending.respondent_id,
                    sending.kind,
                    sending.round,
                    utc(sending.sent_at),
                    sending.message_id,
                ),
            ).fetchone()
            delivered.append(True)
            deliver()
            return DIALECT.sending(row)

        return self._run(send, respondent_id=sending.respondent_id)

    def sendings(self, consultation: str, respondent_id: str | None = None) -> list[Sending]:
        rows = self._read(
            f"SELECT {SENDING_COLUMNS} FROM mail_sendings WHERE consultation = %(c)s "
            "AND (%(r)s::text IS NULL OR respondent_id = %(r)s) "
            "ORDER BY sent_at, respondent_id, kind, round",
            {"c": consultation, "r": respondent_id},
        )
        return [DIALECT.sending(row) for row in rows]
