"""The SQLite store's mailbox: the ``mail_*`` tables of migration 2.

Every write runs in the store's ``BEGIN IMMEDIATE`` transaction, so finding the first copy of a
message and storing the next one cannot interleave with another writer, and a sending is checked,
recorded, granted and delivered under one write lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from surveykit.errors import StorageError
from surveykit.mailbox import (
    REVIEW_STATUSES,
    NewMessage,
    NewReview,
    NewSending,
    ReviewItem,
    Sending,
    StoredMessage,
)
from surveykit.storage import Grant, utc

from .rows import from_text, grant_one, to_text

_MESSAGE_COLUMNS = (
    "id, consultation, raw, received_at, source, sha256, message_id, duplicate_of, status, "
    "respondent_id, version"
)
_REVIEW_COLUMNS = (
    "id, consultation, message, reason, detail, created_at, respondent_id, status, resolved_at, "
    "note, version"
)
_SENDING_COLUMNS = "consultation, respondent_id, kind, round, sent_at, message_id"


def _message(row: Sequence[Any]) -> StoredMessage:
    mid, consultation, raw, received, source, sha, message_id, first, status, rid, version = row
    return StoredMessage(
        id=mid,
        consultation=consultation,
        raw=bytes(raw),
        received_at=from_text(received),
        source=source,
        sha256=sha,
        message_id=message_id,
        duplicate_of=first,
        status=status,
        respondent_id=rid,
        version=version,
    )


def _review(row: Sequence[Any]) -> ReviewItem:
    iid, consultation, message, reason, detail, created, rid, status, resolved, note, version = row
    return ReviewItem(
        id=iid,
        consultation=consultation,
        message=message,
        reason=reason,
        detail=detail,
        created_at=from_text(created),
        respondent_id=rid,
        status=status,
        resolved_at=from_text(resolved),
        note=note,
        version=version,
    )


def _sending(row: Sequence[Any]) -> Sending:
    consultation, rid, kind, round_, sent, message_id = row
    return Sending(consultation, rid, kind, round_, from_text(sent), message_id)


class SqliteMailbox:
    """Mixin for :class:`~surveykit_sqlite.store.SqliteStore`, using its transactions."""

    _write: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _read: Callable[..., list[tuple]]

    # Raw messages ---------------------------------------------------------------------------

    def add_message(self, new: NewMessage) -> StoredMessage:
        with self._write() as conn:
            first = conn.execute(
                "SELECT min(id) FROM mail_messages WHERE consultation = ? "
                "AND (sha256 = ? OR (? IS NOT NULL AND message_id = ?))",
                (new.consultation, new.sha256, new.message_id, new.message_id),
            ).fetchone()[0]
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
        return StoredMessage(
            id=mid,
            consultation=new.consultation,
            raw=bytes(new.raw),
            received_at=utc(new.received_at),
            source=new.source,
            sha256=new.sha256,
            message_id=new.message_id,
            duplicate_of=first,
        )

    def message(self, message_id: int) -> StoredMessage | None:
        rows = self._read(
            f"SELECT {_MESSAGE_COLUMNS} FROM mail_messages WHERE id = ?", (message_id,)
        )
        return _message(rows[0]) if rows else None

    def pending_messages(self, consultation: str) -> list[StoredMessage]:
        rows = self._read(
            f"SELECT {_MESSAGE_COLUMNS} FROM mail_messages "
            "WHERE consultation = ? AND status = 'pending' ORDER BY id",
            (consultation,),
        )
        return [_message(row) for row in rows]

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

    def review_item(self, item_id: int) -> ReviewItem | None:
        rows = self._read(f"SELECT {_REVIEW_COLUMNS} FROM mail_reviews WHERE id = ?", (item_id,))
        return _review(rows[0]) if rows else None

    def review_items(self, consultation: str, status: str | None = "open") -> list[ReviewItem]:
        rows = self._read(
            f"SELECT {_REVIEW_COLUMNS} FROM mail_reviews "
            "WHERE consultation = ? AND (? IS NULL OR status = ?) ORDER BY id",
            (consultation, status, status),
        )
        return [_review(row) for row in rows]

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
        if status not in REVIEW_STATUSES[1:]:
            raise StorageError(f"a review item is resolved as accepted or rejected, not {status}")
        with self._write() as conn:
            row = conn.execute(
                "SELECT status FROM mail_reviews WHERE id = ?", (item_id,)
            ).fetchone()
            if row is None:
                raise StorageError(f"there is no review item {item_id}")
            if row[0] != "open":
                raise StorageError(f"review item {item_id} was already {row[0]}")
            conn.execute(
                "UPDATE mail_reviews SET status = ?, note = ?, resolved_at = ?, "
                "respondent_id = coalesce(?, respondent_id), version = ? WHERE id = ?",
                (status, note, to_text(resolved_at), respondent_id, version, item_id),
            )
            resolved = conn.execute(
                f"SELECT {_REVIEW_COLUMNS} FROM mail_reviews WHERE id = ?", (item_id,)
            ).fetchone()
        return _review(resolved)

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
                f"INSERT INTO mail_sendings ({_SENDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
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
            f"SELECT {_SENDING_COLUMNS} FROM mail_sendings WHERE consultation = ? "
            "AND (? IS NULL OR respondent_id = ?) ORDER BY sent_at, respondent_id, kind, round",
            (consultation, respondent_id, respondent_id),
        )
        return [_sending(row) for row in rows]
