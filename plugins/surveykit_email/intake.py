"""What happens to every reply that reaches us, however it came (file, mbox, maildir, SMTP).

1. The raw bytes are **stored first**, sealed (:mod:`.sealing`), with the instant *we* received
   them and where from.  If storing fails, the caller is told (the SMTP inbox then answers 451 so
   the sender retries) and nothing else happens.
2. A copy of a message already stored (same bytes, or same ``Message-ID``) goes to review as
   ``duplicate``: it is never submitted twice.
3. The reply is read (:func:`surveykit_email.parse.read_reply`) and its respondent found: by its
   reference line (compared with :func:`~surveykit_email.reference.reference_for` over the
   consultation's respondents), or, when it has none, by its sender's address when exactly one
   respondent has it.
4. A clean reading from a found respondent is submitted at once, through the submit service,
   channel ``email``, judged by the instant we received it.  Anything else goes to review with
   its reason; nothing is guessed.

The instant that counts is always the one recorded in step 1 by our own inbox or ingest run,
never the message's ``Date`` header, which the sender writes and anyone can forge.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import attrs
from attrs import frozen

from surveykit import (
    AnswersRejected,
    ClosedError,
    Consultation,
    KnownRespondent,
    Plugins,
    Registry,
    Respondent,
    Secret,
    StorageError,
    SubmissionError,
    SubmitService,
    get_plugins,
)
from surveykit.identity import redact_tokens
from surveykit.mailbox import NewReview, StoredMessage, new_message
from surveykit.storage import Store, utc
from surveykit.submit import system_clock

from .blanks import fill_blanks
from .parse import IDENTITY_CODES, Reading, read_reply
from .reference import reference_for
from .sealing import Seal

__all__ = [
    "BATCH_SIZE",
    "REVIEW_REASONS",
    "Arrival",
    "Intake",
    "Outcome",
    "Read",
    "Sender",
    "read_message",
]

#: Messages stored, read and dealt with per transaction by :meth:`Intake.receive_many`.
BATCH_SIZE = 200

log = logging.getLogger(__name__)

#: Why a message waits for an officer (stable codes; see docs/email.md).
REVIEW_REASONS = (
    "duplicate",
    "automatic",
    "unparseable",
    "attachments_only",
    "no_answers",
    "not_clean",
    "bad_reference",
    "conflicting_reference",
    "unknown_reference",
    "unknown_sender",
    "ambiguous_sender",
    "closed",
    "superseded",
    "undecodable",
    "rejected",
)
#: Reading problems that make the whole reply doubtful: the review reason is the code itself.
_WHOLE = ("attachments_only", "unparseable", "undecodable", "no_answers")


@frozen
class Outcome:
    """What became of one message: ``submitted`` (with its version) or ``review`` (why)."""

    message: int
    status: str
    reason: str = ""
    version: int | None = None
    respondent_id: str | None = None
    duplicate: bool = False


class Read(NamedTuple):
    """What :func:`read_message` finds in a message's bytes."""

    reading: Reading
    machine: str | None


class Arrival(NamedTuple):
    """A message to receive: its bytes, where it came from, and when it arrived (if not now)."""

    raw: bytes
    source: str
    received_at: dt.datetime | None = None


#: Messages stored together and their readings (perhaps still being made elsewhere).
Batch = tuple[list[StoredMessage], Iterable[Read]]


def _chunks(arrivals: Iterable[Arrival], size: int) -> Iterator[list[Arrival]]:
    """``arrivals`` in lists of ``size`` (the last may be shorter), read lazily."""
    it = iter(arrivals)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


@frozen
class Sender:
    """Who a reply is from, or why that is unknown (a review reason and its detail)."""

    respondent_id: str | None
    reason: str = ""
    detail: str = ""


class Intake:
    """Stores, reads, matches and submits or queues replies to one consultation."""

    def __init__(
        self,
        consultation: Consultation,
        store: Store,
        secret: Secret,
        *,
        clock: Callable[[], dt.datetime] = system_clock,
        plugins: Plugins | None = None,
    ) -> None:
        self.consultation = consultation
        self.store = store
        self.secret = secret
        self.clock = clock
        self.plugins = plugins or get_plugins()
        self.service = SubmitService(consultation, store, secret, clock=clock, plugins=self.plugins)
        self.seal = Seal(secret, consultation.metadata.id)
        self._lock = threading.Lock()
        self._references: dict[str, str] = {}
        self._emails: dict[str, list[str]] = {}
        self._people: dict[str, Respondent] = {}

    @property
    def consultation_id(self) -> str:
        return self.consultation.metadata.id

    # 1. Store -------------------------------------------------------------------------------

    def store_raw(
        self, raw: bytes, *, source: str, received_at: dt.datetime | None = None
    ) -> StoredMessage:
        """Store the raw message durably (StorageError if not: do not acknowledge it)."""
        when = utc(received_at or self.clock())
        new = new_message(self.consultation_id, raw, received_at=when, source=source)
        return self.store.add_message(attrs.evolve(new, raw=self.seal.seal(raw)))

    def raw_of(self, message: StoredMessage) -> bytes:
        """The bytes ``message`` was received as (it is stored sealed; see :mod:`.sealing`)."""
        return self.seal.open(message.raw, message_id=message.id)

    def receive(
        self, raw: bytes, *, source: str, received_at: dt.datetime | None = None
    ) -> Outcome:
        """Store, then deal with, one message."""
        return self.process(self.store_raw(raw, source=source, received_at=received_at))

    def receive_many(
        self,
        arrivals: Iterable[Arrival],
        *,
        read_many: Callable[[list[bytes]], Iterable[Read]] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> Iterator[Outcome]:
        """Store, then deal with, many messages whose bytes are safe elsewhere (files).

        Messages are stored a batch at a time and handed to ``read_many`` (which may read them
        in other processes, returning their readings in order, lazily); each transaction of the
        store (:meth:`surveykit.SubmitService.batch`) stores one batch and deals with the one
        before, read meanwhile.  So the disk is waited for once per batch, not three times per
        message, and reading overlaps storing.  Each message is stored before it is read; a
        batch stored but not dealt with when a run stops is pending for the next run.  Never
        for the SMTP inbox, which must store each message durably before it answers.
        """
        read_many = read_many or (lambda raws: [self.read(raw) for raw in raws])
        waiting: Batch | None = None
        for chunk in _chunks(arrivals, batch_size):
            outcomes, waiting = self._step(chunk, waiting, read_many)
            yield from outcomes
        if waiting is not None:
            yield from self._step([], waiting, read_many)[0]

    def _step(
        self,
        chunk: list[Arrival],
        waiting: Batch | None,
        read_many: Callable[[list[bytes]], Iterable[Read]],
    ) -> tuple[list[Outcome], Batch | None]:
        """One transaction: store ``chunk`` and set it reading, then deal with the batch stored
        the step before, read meanwhile (by other processes, if any).  Returns the outcomes and
        the batch now reading."""
        reading: Batch | None = None
        with self.service.batch():
            if chunk:
                stored = [
                    self.store_raw(a.raw, source=a.source, received_at=a.received_at) for a in chunk
                ]
                reading = (stored, read_many([a.raw for a in chunk]))
            outcomes = []
            if waiting is not None:
                messages, reads = waiting
                outcomes = [self.process(m, r) for m, r in zip(messages, reads, strict=True)]
        return outcomes, reading

    def read(self, raw: bytes) -> Read:
        """What :meth:`process` needs from a message's bytes: see :func:`read_message`."""
        return read_message(raw, self.consultation, kinds=self.plugins.kinds)

    def process_pending(self) -> list[Outcome]:
        """Deal with messages stored by an earlier run that stopped before reading them."""
        return [self.process(m) for m in self.store.pending_messages(self.consultation_id)]

    # 2-4. Read, match, submit or queue ------------------------------------------------------

    def process(self, message: StoredMessage, read: Read | None = None) -> Outcome:
        """Submit ``message`` or queue it for review; it is stored already.

        ``read`` is :meth:`read` of its bytes, when that was done already (in another process,
        say).  A message that already produced a version is reported as submitted with that
        version, and never submitted again.
        """
        if message.version is not None and message.respondent_id is not None:
            return Outcome(
                message.id,
                "submitted",
                version=message.version,
                respondent_id=message.respondent_id,
            )
        if message.duplicate:
            first = self.store.message(message.duplicate_of)
            return self._review(
                message,
                "duplicate",
                f"a copy of message {message.duplicate_of}, received earlier "
                "(same content or same Message-ID); it was not submitted again",
                None if first is None else first.respondent_id,
            )
        reading, machine = read if read is not None else self.read(self.raw_of(message))
        sender = self.sender_of(reading)
        if machine is not None:
            return self._review(message, "automatic", machine, sender.respondent_id)
        if sender.respondent_id is not None:
            respondent = self.person(sender.respondent_id)
            reading = fill_blanks(self.consultation, respondent, reading)
        troubles = [p for p in reading.problems if p.code not in IDENTITY_CODES]
        late = self._late(message)
        if late is not None:
            also = [p.message for p in troubles]
            if sender.respondent_id is None:
                also.append(sender.detail)
            detail = late + ("; also: " + "; ".join(also) if also else "")
            return self._review(message, "closed", detail, sender.respondent_id)
        if troubles:
            codes = {p.code for p in troubles}
            whole = next((c for c in _WHOLE if c in codes), None)
            return self._review(
                message, whole or "not_clean", _detail(troubles), sender.respondent_id
            )
        if sender.respondent_id is None:
            return self._review(message, sender.reason, sender.detail, None)
        return self._submit(message, reading, sender.respondent_id)

    def _late(self, message: StoredMessage) -> str | None:
        """Why ``message`` came outside the consultation's window, or ``None`` if it did not."""
        try:
            self.service.require_open(message.received_at, "it was not submitted", True)
        except ClosedError as exc:
            return str(exc)
        return None

    def sender_of(self, reading: Reading) -> Sender:
        """The respondent a reading comes from: its reference, else its sender's address."""
        codes = set(reading.codes)
        if "conflicting_sender" in codes:
            # Two From: lines: whichever is believed, the other may be the real sender.
            detail = next(p.message for p in reading.problems if p.code == "conflicting_sender")
            return Sender(None, "ambiguous_sender", detail)
        if reading.reference is not None:
            rid = self.by_reference(reading.reference)
            if rid is None:
                return Sender(
                    None, "unknown_reference", "the reference matches none of the respondents"
                )
            return Sender(rid)
        for code in ("conflicting_reference", "bad_reference"):
            if code in codes:
                detail = next(p.message for p in reading.problems if p.code == code)
                return Sender(None, code, detail)
        if not reading.sender:
            return Sender(None, "unknown_sender", "the reply has no reference and no sender")
        matches = self.by_email(reading.sender)
        if len(matches) == 1:
            return Sender(matches[0])
        if not matches:
            return Sender(
                None,
                "unknown_sender",
                "the reply has no reference and its sender is not on the roster",
            )
        return Sender(
            None,
            "ambiguous_sender",
            f"the reply has no reference and {len(matches)} respondents share its sender's address",
        )

    def by_reference(self, reference: str) -> str | None:
        """The id of the respondent whose reference this is, or ``None``."""
        return self._lookup("_references", reference)

    def by_email(self, address: str) -> list[str]:
        """The ids of the respondents with this email address (any case)."""
        return list(self._lookup("_emails", address.strip().casefold()) or ())

    def _lookup(self, table: str, key: str) -> Any:
        """An entry of a cached map, re-reading the respondents on a miss (new ones may come)."""
        with self._lock:
            if key not in getattr(self, table):
                self._refresh()
            return getattr(self, table).get(key)

    def person(self, respondent_id: str) -> Respondent | None:
        """A respondent by id, from the roster read for matching when it is there."""
        with self._lock:
            found = self._people.get(respondent_id)
        return found if found is not None else self.store.respondent(respondent_id)

    def _refresh(self) -> None:
        references: dict[str, str] = {}
        emails: dict[str, list[str]] = {}
        people: dict[str, Respondent] = {}
        for respondent in self.store.respondents(self.consultation_id):
            references[reference_for(self.secret, respondent.id)] = respondent.id
            people[respondent.id] = respondent
            if respondent.email:
                emails.setdefault(respondent.email.casefold(), []).append(respondent.id)
        self._references, self._emails, self._people = references, emails, people

    def _submit(self, message: StoredMessage, reading: Reading, respondent_id: str) -> Outcome:
        """Submit the reading as the respondent's next version, tied to ``message``.

        A reply received before the respondent's current response does not replace it: versions
        follow the order replies reached us, so an older reply read late goes to review.
        """
        latest = self.store.response(respondent_id)
        if latest is not None and latest.received_at > message.received_at:
            return self._review(
                message,
                "superseded",
                f"a later response from this respondent (version {latest.version}, by "
                f"{latest.channel}) is already stored; this earlier reply was not submitted over "
                "it",
                respondent_id,
            )
        try:
            receipt = self.service.submit(
                KnownRespondent(respondent_id, self.person(respondent_id)),
                reading.answers,
                channel="email",
                received_at=message.received_at,
                message=message.id,
            )
        except ClosedError as exc:
            return self._review(message, "closed", str(exc), respondent_id)
        except (AnswersRejected, SubmissionError) as exc:
            return self._review(message, "rejected", str(exc), respondent_id)
        except StorageError:
            settled = self.store.message(message.id)
            if settled is None or settled.version is None or settled.respondent_id is None:
                raise
            # Another process submitted this very message meanwhile: one version, not two.
            return Outcome(
                message.id,
                "submitted",
                version=settled.version,
                respondent_id=settled.respondent_id,
            )
        log.info("message %d submitted as version %d", message.id, receipt.version)
        return Outcome(
            message.id, "submitted", version=receipt.version, respondent_id=respondent_id
        )

    def _review(
        self, message: StoredMessage, reason: str, detail: str, respondent_id: str | None
    ) -> Outcome:
        item = self.store.add_review(
            NewReview(
                consultation=self.consultation_id,
                message=message.id,
                reason=reason,
                # A detail may quote the reply, and a reply may quote its invitation's link.
                detail=redact_tokens(detail),
                created_at=self.clock(),
                respondent_id=respondent_id,
            )
        )
        log.info("message %d queued for review as item %d: %s", message.id, item.id, reason)
        return Outcome(
            message.id,
            "review",
            reason=reason,
            respondent_id=respondent_id,
            duplicate=message.duplicate,
        )


def read_message(
    raw: bytes, consultation: Consultation, *, kinds: Registry[Any] | None = None
) -> Read:
    """A message's reading, and what kind of machine wrote it (``None`` for a person).

    Pure: it needs only the bytes and the consultation, so it may run in another process.
    """
    reading = read_reply(raw, consultation, kinds=kinds)
    return Read(reading, reading.automatic)


def _detail(problems) -> str:
    return "; ".join(p.message for p in problems)
