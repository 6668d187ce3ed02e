"""The mailbox API: what the email channel keeps, and what every store promises about it.

The email channel needs three things from a store, each kept apart from answers because each is
identity-bearing (a raw message holds the sender's address, name and signature):

- **raw messages**, stored byte for byte *before* anything reads them, with the instant they
  reached us and where from.  Storing never refuses a message for being a copy: a message with
  the bytes (SHA-256) or the ``Message-ID`` of one already stored for the consultation is stored
  too, marked as a duplicate of the first.  Nothing received is ever dropped;
- a **review queue**: a message that cannot be read with certainty, or matched to a respondent,
  waits there with the reason until an officer accepts (naming the submission it produced) or
  rejects it (with a note);
- **sendings**: the invitations and reminders sent to each respondent.  Recording one, granting
  the new link it carries and delivering the email happen in one transaction, so a run that is
  stopped part-way resumes without sending anyone the same email twice.

:class:`surveykit.storage.Store` inherits :class:`MailStore`, so every store keeps these
promises; the suite in :mod:`surveykit.testing_mailbox` checks them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import TYPE_CHECKING, Any

from attrs import field, frozen, validators

from .errors import StorageError

if TYPE_CHECKING:
    from .storage import Grant

__all__ = [
    "MESSAGE_STATUSES",
    "REVIEW_STATUSES",
    "SENDING_KINDS",
    "MailStore",
    "NewMessage",
    "NewReview",
    "NewSending",
    "ReviewItem",
    "Sending",
    "StoredMessage",
    "check_resolution",
    "header_block",
    "message_id_of",
    "new_message",
    "require_open",
    "unsettled_message",
]

#: A stored message is ``pending`` until it is submitted or sent to review.
MESSAGE_STATUSES = ("pending", "submitted", "review")
#: A review item is ``open`` until an officer accepts or rejects it.
REVIEW_STATUSES = ("open", "accepted", "rejected")
SENDING_KINDS = ("invitation", "reminder")
#: No spaces and no control characters: a header can smuggle in U+0000, which PostgreSQL
#: cannot store, and the message must be stored before anything else happens to it.
_MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f-\x9f\ud800-\udfff]+>")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def check_resolution(status: str) -> None:
    """Refuse a resolution other than accepted or rejected: the first check of every store's
    ``resolve_review``, before its transaction."""
    if status not in REVIEW_STATUSES[1:]:
        raise StorageError(f"a review item is resolved as accepted or rejected, not {status}")


def require_open(item_id: int, status: str | None) -> None:
    """Refuse to resolve an item that does not exist (``status`` of ``None``) or is no longer
    open: the check every store makes inside its transaction, so two officers cannot both
    resolve one item."""
    if status is None:
        raise StorageError(f"there is no review item {item_id}")
    if status != "open":
        raise StorageError(f"review item {item_id} was already {status}")


def unsettled_message(message_id: int, version: int | None = None) -> StorageError:
    """The error a store raises when a submission names a message that cannot produce it: one
    unknown to the consultation (``version`` of ``None``) or one that produced ``version``."""
    if version is None:
        return StorageError(f"no stored message {message_id} for this consultation; nothing stored")
    return StorageError(
        f"message {message_id} already produced version {version} of a response; nothing was stored"
    )


def _aware(_instance: object, attribute: Any, value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValueError(f"{attribute.name} must be a timezone-aware datetime, not {value!r}")


def header_block(raw: bytes) -> bytes:
    """The header lines of raw message bytes, up to the blank line: all a header parse needs
    (the body may be megabytes)."""
    end = _HEADER_END.search(raw)
    return raw[: end.end()] if end else raw


def message_id_of(raw: bytes) -> str | None:
    """The ``Message-ID`` of raw message bytes, normalised to ``<...>``, or ``None``.

    Only the header block is read, leniently: a mangled header gives ``None``, never an error,
    because this runs before the message is safely stored.
    """
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw))
        value = headers.get("Message-ID")
    except Exception:
        return None
    if not isinstance(value, str):
        return None
    found = _MESSAGE_ID.search(value)
    return found.group(0)[:998] if found else None


@frozen
class NewMessage:
    """A raw message about to be stored: its bytes, when it reached us, and from where."""

    consultation: str
    raw: bytes = field(repr=False)
    received_at: dt.datetime = field(validator=_aware)
    #: Where it came from: ``smtp 127.0.0.1``, ``file replies/1.eml``, ``mbox x.mbox #3``...
    source: str
    sha256: str
    message_id: str | None = None

    def stored(self, id: int, duplicate_of: int | None) -> StoredMessage:
        """This message as the store keeps it, under ``id``: what ``add_message`` returns."""
        return StoredMessage(
            id=id,
            consultation=self.consultation,
            raw=bytes(self.raw),
            received_at=self.received_at.astimezone(dt.UTC),
            source=self.source,
            sha256=self.sha256,
            message_id=self.message_id,
            duplicate_of=duplicate_of,
        )


def new_message(
    consultation: str, raw: bytes, *, received_at: dt.datetime, source: str
) -> NewMessage:
    """A :class:`NewMessage` with its hash and ``Message-ID`` worked out from ``raw``."""
    return NewMessage(
        consultation=consultation,
        raw=bytes(raw),
        received_at=received_at,
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
        message_id=message_id_of(raw),
    )


@frozen
class StoredMessage:
    """A stored raw message.  ``duplicate_of`` is the first stored copy it repeats, if any."""

    id: int
    consultation: str
    raw: bytes = field(repr=False)
    received_at: dt.datetime
    source: str
    sha256: str
    message_id: str | None
    duplicate_of: int | None = None
    status: str = field(default="pending", validator=validators.in_(MESSAGE_STATUSES))
    #: Who sent it, once known; the submission version it produced, once submitted.
    respondent_id: str | None = None
    version: int | None = None

    @property
    def duplicate(self) -> bool:
        return self.duplicate_of is not None


@frozen
class NewReview:
    """A message that needs an officer: ``reason`` is a stable code, ``detail`` says why."""

    consultation: str
    message: int
    reason: str
    detail: str
    created_at: dt.datetime = field(validator=_aware)
    #: The respondent it seems to come from, when one was found.
    respondent_id: str | None = None


@frozen
class ReviewItem:
    """One entry in the review queue, open or resolved."""

    id: int
    consultation: str
    message: int
    reason: str
    detail: str
    created_at: dt.datetime
    respondent_id: str | None = None
    status: str = field(default="open", validator=validators.in_(REVIEW_STATUSES))
    resolved_at: dt.datetime | None = None
    #: The officer's note: why it was rejected, or what was corrected when it was accepted.
    note: str = ""
    #: The submission version an accepted item produced.
    version: int | None = None

    @property
    def open(self) -> bool:
        return self.status == "open"


@frozen
class NewSending:
    """An invitation (round 0) or a reminder (round 1, 2, ...) about to be sent."""

    consultation: str
    respondent_id: str
    kind: str = field(validator=validators.in_(SENDING_KINDS))
    round: int
    sent_at: dt.datetime = field(validator=_aware)
    #: The ``Message-ID`` header of the email sent, so a reply can be traced to it.
    message_id: str = ""


@frozen
class Sending:
    """A recorded invitation or reminder."""

    consultation: str
    respondent_id: str
    kind: str
    round: int
    sent_at: dt.datetime
    message_id: str = ""


class MailStore(ABC):
    """The email channel's part of a store.  :class:`surveykit.storage.Store` inherits it.

    Every datetime passed in is aware; every datetime returned is in UTC.  Methods may be called
    from several threads at once, and a shared store (SQLite, PostgreSQL) must stay correct when
    several processes call them concurrently.
    """

    # Raw messages ---------------------------------------------------------------------------

    @abstractmethod
    def add_message(self, new: NewMessage) -> StoredMessage:
        """Store a raw message, durably, and return it with its id.

        In the same transaction, find the first stored message of the consultation with the same
        ``sha256`` or the same (non-empty) ``message_id``: the new one is stored anyway, with
        ``duplicate_of`` naming it.  Concurrent calls agree on which copy came first.  When this
        returns the message is safe; when it raises :class:`~surveykit.errors.StorageError`
        nothing was stored and the caller must not acknowledge the message.
        """

    @abstractmethod
    def message(self, message_id: int) -> StoredMessage | None:
        """A stored message by id, or ``None``."""

    def messages(self, consultation: str) -> Iterator[StoredMessage]:
        """Every stored message of the consultation, lowest id first, streamed: what subject
        access and erasure read to find the mail one person sent (only a caller holding the
        secret can open a sealed message and read its sender).  The default refuses: a store
        written before it cannot be searched, so it says so rather than find nothing."""
        raise StorageError(f"{type(self).__name__} cannot list its stored messages")

    @abstractmethod
    def pending_messages(self, consultation: str) -> list[StoredMessage]:
        """Messages stored but neither submitted nor sent to review (a run stopped between)."""

    @abstractmethod
    def message_submitted(self, message_id: int, respondent_id: str, version: int) -> None:
        """Record that the message was submitted as ``version`` of the respondent's answers."""

    # Review queue ---------------------------------------------------------------------------

    @abstractmethod
    def add_review(self, new: NewReview) -> ReviewItem:
        """Open a review item, and mark its message ``review``, in one transaction."""

    @abstractmethod
    def review_item(self, item_id: int) -> ReviewItem | None:
        """A review item by id, or ``None``."""

    @abstractmethod
    def review_items(self, consultation: str, status: str | None = "open") -> list[ReviewItem]:
        """The consultation's review items with ``status`` (all when ``None``), oldest first."""

    @abstractmethod
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
        """Accept or reject an open item, recording the officer's note and what it produced.

        ``respondent_id``, when given, replaces the item's (the officer named the sender).  Only
        an open item can be resolved: an unknown or already resolved one raises
        :class:`~surveykit.errors.StorageError` and nothing changes, so two officers cannot
        both resolve one item.
        """

    # Invitations and reminders --------------------------------------------------------------

    @abstractmethod
    def record_sending(
        self, sending: NewSending, grant: Grant | None, deliver: Callable[[], None]
    ) -> Sending | None:
        """Record a sending, grant its link and deliver it, all or nothing.

        In one transaction: if the respondent already has a sending of this kind and round,
        return ``None`` and do nothing else (a resumed or concurrent run skips them).  Otherwise
        record ``sending``, apply ``grant`` (a :class:`~surveykit.storage.Grant`, as
        :meth:`~surveykit.storage.Store.grant` would, or ``None`` for no new link), then call
        ``deliver()``.  Commit only if it returns; if it raises, nothing is stored and the
        exception propagates.  The link in the email is therefore live exactly when the sending
        is recorded.
        """

    @abstractmethod
    def sendings(self, consultation: str, respondent_id: str | None = None) -> list[Sending]:
        """Recorded sendings of a consultation (or one respondent), oldest first."""
