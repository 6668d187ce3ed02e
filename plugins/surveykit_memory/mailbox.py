"""The in-memory store's mailbox: messages, review items and sendings in lists behind its lock.

A message's or review item's id is its place in its list plus one; an erased one leaves
``None`` in its place, so later ids never move.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Collection, Iterator
from typing import Any

import attrs

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
from surveykit.storage import Grant, utc


class MemoryMailbox:
    """Mixin for :class:`~surveykit_memory.store.MemoryStore`; uses its ``_lock`` and ``grant``."""

    _lock: threading.RLock

    def _mail(self) -> dict[str, Any]:
        mail = self.__dict__.get("_mail_tables")
        if mail is None:
            mail = self.__dict__.setdefault(
                "_mail_tables",
                {"messages": [], "reviews": [], "sendings": [], "first_copies": {}},
            )
        return mail

    # Raw messages ---------------------------------------------------------------------------

    def add_message(self, new: NewMessage) -> StoredMessage:
        with self._lock:
            mail = self._mail()
            messages = mail["messages"]
            # The first copy of each hash and of each Message-ID, as the SQL stores' indexes do:
            # a scan of every stored message made each message cost more than the last.
            firsts: dict[tuple[str, str, str], int] = mail["first_copies"]
            keys = [(new.consultation, "sha256", new.sha256)]
            if new.message_id:
                keys.append((new.consultation, "message_id", new.message_id))
            found = [firsts[k] for k in keys if k in firsts]
            stored = new.stored(len(messages) + 1, min(found) if found else None)
            messages.append(stored)
            for k in keys:
                firsts.setdefault(k, stored.id)
            return stored

    def message(self, message_id: int) -> StoredMessage | None:
        with self._lock:
            messages = self._mail()["messages"]
            return messages[message_id - 1] if 0 < message_id <= len(messages) else None

    def messages(self, consultation: str) -> Iterator[StoredMessage]:
        with self._lock:
            found = [
                m
                for m in self._mail()["messages"]
                if m is not None and m.consultation == consultation
            ]
        return iter(found)

    def pending_messages(self, consultation: str) -> list[StoredMessage]:
        with self._lock:
            return [
                m
                for m in self._mail()["messages"]
                if m is not None and m.consultation == consultation and m.status == "pending"
            ]

    def message_submitted(self, message_id: int, respondent_id: str, version: int) -> None:
        with self._lock:
            self._settle(message_id, "submitted", respondent_id, version)

    def _settle(
        self, message_id: int, status: str, respondent_id: str | None, version: int | None
    ) -> None:
        found = self.message(message_id)
        if found is None:
            raise StorageError(f"no stored message {message_id}")
        self._mail()["messages"][message_id - 1] = attrs.evolve(
            found, status=status, respondent_id=respondent_id, version=version
        )

    # Review queue ---------------------------------------------------------------------------

    def add_review(self, new: NewReview) -> ReviewItem:
        with self._lock:
            message = self.message(new.message)
            if message is None:
                raise StorageError(f"no stored message {new.message}; nothing was queued")
            reviews = self._mail()["reviews"]
            item = ReviewItem(
                id=len(reviews) + 1,
                consultation=new.consultation,
                message=new.message,
                reason=new.reason,
                detail=new.detail,
                created_at=utc(new.created_at),
                respondent_id=new.respondent_id,
            )
            self._settle(new.message, "review", new.respondent_id, None)
            reviews.append(item)
            return item

    def review_item(self, item_id: int) -> ReviewItem | None:
        with self._lock:
            reviews = self._mail()["reviews"]
            return reviews[item_id - 1] if 0 < item_id <= len(reviews) else None

    def review_items(self, consultation: str, status: str | None = "open") -> list[ReviewItem]:
        with self._lock:
            return [
                r
                for r in self._mail()["reviews"]
                if r is not None
                and r.consultation == consultation
                and (status is None or r.status == status)
            ]

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
        with self._lock:
            item = self.review_item(item_id)
            require_open(item_id, None if item is None else item.status)
            resolved = attrs.evolve(
                item,
                status=status,
                note=note,
                resolved_at=utc(resolved_at),
                respondent_id=respondent_id or item.respondent_id,
                version=version,
            )
            self._mail()["reviews"][item_id - 1] = resolved
            return resolved

    # Sendings -------------------------------------------------------------------------------

    def record_sending(
        self, sending: NewSending, grant: Grant | None, deliver: Callable[[], None]
    ) -> Sending | None:
        with self._lock:
            sendings = self._mail()["sendings"]
            if any(
                s.respondent_id == sending.respondent_id
                and s.kind == sending.kind
                and s.round == sending.round
                for s in sendings
            ):
                return None
            if grant is not None and self.lookup_token(grant.token_hash) is not None:
                raise StorageError("a token hash is already stored; nothing was sent")
            deliver()
            # Nothing is changed before delivery succeeds, so a failure leaves no trace.
            if grant is not None:
                self.grant([grant])
            recorded = Sending(
                consultation=sending.consultation,
                respondent_id=sending.respondent_id,
                kind=sending.kind,
                round=sending.round,
                sent_at=utc(sending.sent_at),
                message_id=sending.message_id,
            )
            sendings.append(recorded)
            return recorded

    def sendings(self, consultation: str, respondent_id: str | None = None) -> list[Sending]:
        with self._lock:
            return [
                s
                for s in self._mail()["sendings"]
                if s.consultation == consultation
                and (respondent_id is None or s.respondent_id == respondent_id)
            ]

    # Erasure --------------------------------------------------------------------------------

    def _erase_mail(
        self, consultation: str, ids: Collection[int], respondent_id: str | None
    ) -> tuple[int, int, int]:
        """Remove the messages ``ids`` (and any linked to ``respondent_id``), their duplicates,
        and the review items about any of them or about the respondent; and the sendings to the
        respondent.  The caller holds the lock.  Returns (messages, reviews, sendings)."""
        mail = self._mail()
        messages: list[StoredMessage | None] = mail["messages"]
        doomed = {
            m.id
            for m in messages
            if m is not None
            and m.consultation == consultation
            and (m.id in ids or (respondent_id is not None and m.respondent_id == respondent_id))
        }
        while more := {
            m.id
            for m in messages
            if m is not None and m.duplicate_of in doomed and m.id not in doomed
        }:
            doomed |= more
        reviews: list[ReviewItem | None] = mail["reviews"]
        removed_reviews = 0
        for index, item in enumerate(reviews):
            if item is not None and (
                item.message in doomed
                or (respondent_id is not None and item.respondent_id == respondent_id)
            ):
                reviews[index] = None
                removed_reviews += 1
        for mid in doomed:
            messages[mid - 1] = None
        mail["first_copies"] = {k: v for k, v in mail["first_copies"].items() if v not in doomed}
        sendings: list[Sending] = mail["sendings"]
        kept = [s for s in sendings if respondent_id is None or s.respondent_id != respondent_id]
        removed_sendings = len(sendings) - len(kept)
        mail["sendings"] = kept
        return len(doomed), removed_reviews, removed_sendings
