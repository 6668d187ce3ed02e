"""The SQLite store's mailbox: the ``mail_*`` tables of migration 2.

Every write runs in the store's ``BEGIN IMMEDIATE`` transaction, so finding the first copy of a
message and storing the next one cannot interleave with another writer, and a sending is checked,
recorded, granted and delivered under one write lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

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
from surveykit.storage import Grant

from .rows import DIALECT, from_text, grant_one, to_text

#: The first stored copy of a message: by hash, or by (non-empty) Message-ID.  Two lookups, each
#: answered from its own index (``mail_messages_by_hash``, ``mail_messages_by_message_id``),
#: rather than one ``sha256 = ? OR message_id = ?``, which no index can answer: that scanned
#: every stored message of the consultation, so each message cost more than the last.
_FIRST_COPY = (
    "SELECT min(id) FROM ("
    "SELECT min(id) AS id FROM mail_messages WHERE consultation = ? AND sha256 = ? "
    "UNION ALL "
    "SELECT min(id) FROM mail_messages WHERE consultation = ? AND message_id = ?)"
)


class SqliteMailbox(SqlMailReads):
    """Mixin for :class:`~surveykit_sqlite.store.SqliteStore`, using its transactions."""

    _write: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _read: Callable[..., list[tuple]]
    _stream: Callable[..., Iterator[tuple]]

    # Raw messages ---------------------------------------------------------------------------

    def add_message(self, new: NewMessage) -> StoredMessage:
        with self._write() as conn:
            found = (new.consultation, new.sha256, new.consultation, new.message_id or None)
            first = conn.execute(_FIRST_COPY, found).fetchone()[0]
            mid = conn.execute(
                "INSERT INTO mail_messages (consultation, raw, received_at, source, sha256, "
                "message_id, duplicate_of) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    new.consultation,
                    new.raw,
                    to_text(new.received_at),
                    new.source,
                    new.sha256,
                    new.message_id,
                    first,
                ),
            ).lastrowid
        return new.stored(mid, first)

    def messages(self, consultation: str) -> Iterator[StoredMessage]:
        rows = self._stream(
            f"SELECT {MESSAGE_COLUMNS} FROM mail_messages WHERE consultation = ? ORDER BY id",
            (consultation,),
        )
        return (DIALECT.message(row) for row in rows)

    def message_submitted(self, message_id: int, respondent_id: str, version: int) -> None:
        with self._write() as conn:
            changed = conn.execute(
                "UPDATE mail_messages SET status = 'submitted', respondent_id = ?, version = ? "
                "WHERE id = ?",
                (respondent_id, version, message_id),
            ).rowcount
        if not changed:
            raise StorageError(f"no stored message {message_id}")

    # Review queue ---------------------------------------------------------------------------

    def add_review(self, new: NewReview) -> ReviewItem:
        created = to_text(new.created_at)
        with self._write() as conn:
            changed = conn.execute(
                "UPDATE mail_messages SET status = 'review', respondent_id = ? WHERE id = ?",
                (new.respondent_id, new.message),
            ).rowcount
            if not changed:
                raise StorageError(f"no stored message {new.message}; nothing was queued")
            iid = conn.execute(
                "INSERT INTO mail_reviews (consultation, message, reason, detail, created_at, "
                "respondent_id) VALUES (?, ?, ?, ?, ?, ?)",
                (new.consultation, new.message, new.reason, new.detail, created, new.respondent_id),
            ).lastrowid
        return ReviewItem(
            id=iid,
            consultation=new.consultation,
            message=new.message,
            reason=new.reason,
            detail=new.detail,
            created_at=from_text(created),
            respondent_id=new.respondent_id,
        )

    def review_items(self, consultation: str, status: str | None = "open") -> list[ReviewItem]:
        rows = self._read(
            f"SELECT {REVIEW_COLUMNS} FROM mail_reviews "
            "WHERE consultation = ? AND (? IS NULL OR status = ?) ORDER BY id",
            (consultation, status, status),
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
        with self._write() as conn:
            row = conn.execute(
                "SELECT status FROM mail_reviews WHERE id = ?", (item_id,)
            ).fetchone()
            require_open(item_id, None if row is None else row[0])
            conn.execute(
                "UPDATE mail_reviews SET status = ?, note = ?, resolved_at = ?, "
                "respondent_id = coalesce(?, respondent_id), version = ? WHERE id = ?",
                (status, note, to_text(resolved_at), respondent_id, version, item_id),
            )
            resolved = conn.execute(
                f"SELECT {REVIEW_COLUMNS} FROM mail_reviews WHERE id = ?", (item_id,)
            ).fetchone()
        return DIALECT.review(resolved)

    # Sendings -------------------------------------------------------------------------------

    def record_sending(
        self, sending: NewSending, grant: Grant | None, deliver: Callable[[], None]
    ) -> Sending | None:
        sent = to_text(sending.sent_at)
        with self._write() as conn:
            done = conn.execute(
                "SELECT 1 FROM mail_sendings WHERE respondent_id = ? AND kind = ? AND round = ?",
                (sending.respondent_id, sending.kind, sending.round),
            ).fetchone()
            if done:
                return None
            if grant is not None:
                grant_one(conn, grant)
            conn.execute(
                f"INSERT INTO mail_sendings ({SENDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    sending.consultation,
                    sending.respondent_id,
                    sending.kind,
                    sending.round,
                    sent,
                    sending.message_id,
                ),
            )
            deliver()
        return Sending(
            sending.consultation,
            sending.respondent_id,
            sending.kind,
            sending.round,
            from_text(sent),
            sending.message_id,
        )

    def sendings(self, consultation: str, respondent_id: str | None = None) -> list[Sending]:
        rows = self._read(
            f"SELECT {SENDING_COLUMNS} FROM mail_sendings WHERE consultation = ? "
            "AND (? IS NULL OR respondent_id = ?) ORDER BY sent_at, respondent_id, kind, round",
            (consultation, respondent_id, respondent_id),
        )
        return [DIALECT.sending(row) for row in rows]
