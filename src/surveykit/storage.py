"""The storage API: what a storage plugin implements and what the rest of surveykit relies on.

A backend registers itself for a URL scheme through the ``surveykit_register_storage`` hook;
:func:`open_store` finds it.  Every backend keeps the same promises, which the conformance suite
in :mod:`surveykit.testing` checks:

- identity (respondents, token hashes) is kept apart from answers; answers are keyed by a random
  respondent id that says nothing about who answered;
- drafts are kept apart from submissions and never counted;
- submissions are append-only: each gets the next version number for its respondent, gapless even
  under concurrent writers, and the latest version is *the response*;
- :meth:`Store.grant` is all or nothing, so a roster import never half happens;
- :meth:`Store.iter_responses` streams in batches, never loading every row;
- reports read through :meth:`Store.tally`, :meth:`Store.iter_report_rows`,
  :meth:`Store.roster_rows` and :meth:`Store.authority_consents`, which count only current
  responses (never superseded versions).  Each has a portable default here; SQL backends
  override them to count in the database;
- every public report published is recorded as a :class:`Release`, numbered per consultation
  (gapless even under concurrent recorders), so that each new report can be audited jointly
  with the earlier ones: comparing two reports must not reveal the respondents between them;
- every officer action on personal data is appended to an audit log
  (:meth:`Store.record_audit`, :class:`~surveykit.audit.AuditEntry`) that nothing updates or
  deletes, and that is read back in recording order;
- a person can be erased (:meth:`Store.erase_person`): their identity, links, drafts, sendings,
  the mail they sent and its review items go, and their answers go too or stay under a new
  random id with no identity.  This is the only deletion the stores allow: the database
  triggers that keep submissions and raw mail append-only let a row go only inside an erasure;
- what the spec's ``[retention]`` table says is due can be removed (:meth:`Store.purge`, with a
  :class:`PurgePlan` made by :mod:`surveykit.purge`), and a closed consultation anonymised
  (:class:`Anonymisation`): the same sanctioned deletions as an erasure, and the only way a
  stored answer is ever rewritten (deleted and stored again, inside that transaction).

Every datetime handed to or returned by a store is timezone-aware and returned in UTC.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from attrs import asdict as attrs_asdict
from attrs import field, frozen, validators

from .audit import AuditEntry
from .errors import StorageError
from .identity import Respondent
from .mailbox import MailStore
from .plugins import Plugins, get_plugins
from .snapshots import SnapshotRead
from .tally import (
    ReportRow,
    TallyPlan,
    TallyRow,
    TextChooser,
    TextRequest,
    TextRow,
    choose_texts,
    tally_rows,
    unit_of,
)

__all__ = [
    "CHANNELS",
    "Anonymisation",
    "AuditEntry",
    "Draft",
    "ErasedCounts",
    "Grant",
    "NewSubmission",
    "PurgePlan",
    "PurgedCounts",
    "Release",
    "ReportRow",
    "RosterRow",
    "StorageBackend",
    "Store",
    "Submission",
    "TallyPlan",
    "TallyRow",
    "TextRequest",
    "TextRow",
    "TokenRecord",
    "Visit",
    "open_store",
    "scheme_of",
    "strip_answers",
    "utc",
]

#: The ways a response can arrive; every one goes through the same submit service.
CHANNELS = ("web", "email", "cli", "paper")
#: How many rows :meth:`Store.iter_responses` reads per round trip unless told otherwise.
DEFAULT_BATCH_SIZE = 1000


def utc(when: dt.datetime) -> dt.datetime:
    """``when`` in UTC; a naive datetime is refused, since its instant is unknown."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"a naive datetime has no instant: {when.isoformat()}")
    return when.astimezone(dt.UTC)


def _aware(_instance: object, attribute: Any, value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValueError(f"{attribute.name} must be a timezone-aware datetime, not {value!r}")


@frozen
class Grant:
    """A respondent (stored if new) and the hash of the token that becomes their live link."""

    respondent: Respondent
    token_hash: str = field(repr=False)
    issued_at: dt.datetime = field(validator=_aware)


@frozen
class TokenRecord:
    """What a token hash leads to.  ``revoked_at`` is set once a newer link replaced it."""

    respondent: Respondent
    token_hash: str = field(repr=False)
    issued_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def live(self) -> bool:
        return self.revoked_at is None


@frozen
class Draft:
    """Saved, unsubmitted answers ("save and come back later"); never counted."""

    respondent_id: str
    answers: dict[str, Any]
    saved_at: dt.datetime = field(validator=_aware)


@frozen
class NewSubmission:
    """A validated, cleaned set of answers about to be stored as the respondent's next version.

    ``received_at`` is when the answers reached the organisation (for paper and email, the day the
    post or message arrived); ``submitted_at`` is when they were entered into surveykit.  For the
    web and the command line the two are the same instant.
    """

    consultation: str
    respondent_id: str
    answers: dict[str, Any]
    channel: str = field(validator=validators.in_(CHANNELS))
    submitted_at: dt.datetime = field(validator=_aware)
    received_at: dt.datetime = field(validator=_aware)
    #: The stored email message (:class:`~surveykit.mailbox.StoredMessage` id) these answers
    #: were read from, if any.  The store records the version on that message in the same
    #: transaction, and refuses a second version from one message.
    message: int | None = None


@frozen
class Submission:
    """One stored submission.  The respondent's highest ``version`` is their response."""

    consultation: str
    respondent_id: str
    version: int
    answers: dict[str, Any]
    channel: str
    submitted_at: dt.datetime
    received_at: dt.datetime


@frozen
class Release:
    """A public report as it was published, kept so later reports are audited with it.

    An attacker who compares two published reports (an interim and a final one) can work out the
    answers of the respondents added between them, so every report written is recorded and a new
    one is checked against all earlier ones.  ``public`` is what any reader saw; ``audit`` is
    confidential: the counts behind it, for that joint audit.  Both are JSON text.
    """

    consultation: str
    #: 1, 2, 3... per consultation, assigned by the store in recording order.
    number: int
    published_at: dt.datetime = field(validator=_aware)
    #: The exporter used: ``"json"``, ``"csv"``, ``"html"`` or a plugin's.
    format: str
    #: The disclosure threshold (k) the report was built with.
    threshold: int
    public: str = field(repr=False)
    audit: str = field(repr=False)


@frozen
class ErasedCounts:
    """What one erasure removed (or kept), by kind: counts only, never who.

    ``answers_kept`` counts the versions kept under a new random id with no identity (erased
    with ``keep_answers``); ``answers_removed`` those deleted.  ``scrubbed`` is ``False`` when
    the store could not yet overwrite the freed space (a SQLite reader held the write-ahead log
    open): the rows are gone from every query, but their bytes may linger in the file until the
    next erasure or checkpoint.
    """

    respondents: int = 0
    links: int = 0
    drafts: int = 0
    answers_removed: int = 0
    answers_kept: int = 0
    messages: int = 0
    reviews: int = 0
    sendings: int = 0
    scrubbed: bool = True

    def total(self) -> int:
        """Every row removed (kept answers are moved, not removed)."""
        return (
            self.respondents
            + self.links
            + self.drafts
            + self.answers_removed
            + self.messages
            + self.reviews
            + self.sendings
        )


#: A function that rewrites one free-text answer at anonymisation: ``(text, own_name) -> text``
#: (the reports' redaction of respondents' names, lent by the command; see :mod:`surveykit.purge`).
TextScrubber = Callable[[str, str], str]


@frozen
class Anonymisation:
    """How a consultation is anonymised (see :meth:`Store.purge`).

    Every respondent gets a new random id and keeps only what reports group by (role, type of
    authority, authority, origin, consent); name, email and language are blanked.  Only the
    current version of each response is kept, as version 1, its times cut to the day (midnight
    in ``zone``, the consultation's time zone: the weekly timeline is unchanged, the instant
    that could be matched to a server log or a sent email is gone).  The answers under
    ``texts`` are passed through ``scrub`` with their author's name, so words that named a
    respondent do not outlive the names the reports redacted them with.
    """

    zone: str
    texts: frozenset[str] = frozenset()
    scrub: TextScrubber | None = field(default=None, eq=False, repr=False)

    def cut(self, when: dt.datetime) -> dt.datetime:
        """``when`` cut to the start of its day in :attr:`zone`, in UTC."""
        zone = ZoneInfo(self.zone)
        day = when.astimezone(zone).date()
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(dt.UTC)

    def answers(self, answers: dict[str, Any], own_name: str) -> dict[str, Any]:
        """``answers`` with every text under :attr:`texts` scrubbed (a new dict)."""
        if self.scrub is None:
            return dict(answers)
        scrub = self.scrub
        return {
            key: scrub(value, own_name) if key in self.texts and isinstance(value, str) else value
            for key, value in answers.items()
        }


@frozen
class PurgePlan:
    """What one purge removes from a consultation: made by :func:`surveykit.purge.plan` from
    the retention schedule, the clock and what the store holds; pure data.

    ``messages`` and ``reviews`` are the ids of stored mail and handled review items that are
    due (never an open item, never a message an item still kept points at).  ``answer_keys``
    maps a class (``free_text``, ``sensitive_answers``, ``contact_details`` for identifying
    answers) to the answer keys removed from every stored version of every response.
    """

    consultation: str
    contact_details: bool = False
    link_hashes: bool = False
    drafts: bool = False
    history: bool = False
    messages: frozenset[int] = frozenset()
    reviews: frozenset[int] = frozenset()
    answer_keys: Mapping[str, frozenset[str]] = field(factory=dict, hash=False)
    anonymise: Anonymisation | None = None


@frozen
class PurgedCounts:
    """What one purge removed, by class of data: counts only, never who.

    ``contact_details`` counts respondents whose name, email and language were blanked plus
    identifying answers removed; ``free_text`` and ``sensitive_answers`` count answers removed
    (one per version that held one); ``anonymised`` respondents cut from their answers (with
    ``sendings``, the invitations whose record went with them).  ``scrubbed`` is as for
    :class:`ErasedCounts`.
    """

    contact_details: int = 0
    link_hashes: int = 0
    drafts: int = 0
    history: int = 0
    raw_emails: int = 0
    review_items: int = 0
    free_text: int = 0
    sensitive_answers: int = 0
    anonymised: int = 0
    sendings: int = 0
    scrubbed: bool = True

    def by_class(self) -> dict[str, int]:
        """Every count by name, in a fixed order (``scrubbed`` left out)."""
        counts = attrs_asdict(self)
        counts.pop("scrubbed")
        return counts

    def total(self) -> int:
        return sum(self.by_class().values())

    def __add__(self, other: PurgedCounts) -> PurgedCounts:
        mine, theirs = self.by_class(), other.by_class()
        return PurgedCounts(
            **{k: mine[k] + theirs[k] for k in mine}, scrubbed=self.scrubbed and other.scrubbed
        )


def strip_answers(
    answers: dict[str, Any], answer_keys: Mapping[str, frozenset[str]]
) -> tuple[dict[str, Any], dict[str, int]]:
    """``answers`` without the keys of each class in ``answer_keys``, and how many of each
    class were there: what every store does to each stored version in a purge."""
    removed: dict[str, int] = {}
    kept = dict(answers)
    for data_class, keys in answer_keys.items():
        gone = [key for key in keys if key in kept]
        for key in gone:
            del kept[key]
        if gone:
            removed[data_class] = removed.get(data_class, 0) + len(gone)
    return kept, removed


@frozen
class Visit:
    """A link's record with its respondent's draft and current response.

    Every page of a form needs all three, so :meth:`Store.visit` reads them together.
    """

    token: TokenRecord
    draft: Draft | None
    response: Submission | None


class RosterRow(NamedTuple):
    """``n`` roster respondents of one role and authority, and whether they responded."""

    role: str
    authority_type: str
    unit: str
    responded: bool
    n: int


class Store(MailStore, ABC):
    """A place to keep respondents, links, drafts, submissions and the reports published.
    Subclass it in a plugin.

    Methods may be called from several threads at once; a backend that several processes or
    hosts share (SQLite, PostgreSQL) must also stay correct when they write concurrently.
    Use a store as a context manager, or call :meth:`close`.
    """

    #: The URL the store was opened with, passwords removed: safe to show.
    url: str = ""
    #: Whether what is stored outlives the store object (``False`` for ``memory://``).
    persistent: bool = True

    @property
    def secret_file(self) -> Path | None:
        """Where this deployment keeps its secret by default, or ``None`` if it has no place."""
        return None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release connections and files.  Closing twice is harmless."""

    def batch(self) -> AbstractContextManager[None]:
        """Group the writes made inside it (by this thread) into one transaction, if the store
        can: each write stays all or nothing on its own, and all of them reach the disk at the
        end together, or none do if the block raises.

        For bulk work whose input is already safe elsewhere (``surveykit ingest`` reads files
        that stay on disk): one commit, and one wait for the disk, per batch instead of per
        write.  Never for what must be durable before it is acknowledged (the SMTP inbox).
        Other writers may wait for the whole batch.  The default groups nothing.
        """
        return nullcontext()

    @abstractmethod
    def secret_fingerprint(self, proposed: str) -> str:
        """The fingerprint of the deployment secret: ``proposed`` is recorded if none is yet."""

    # Identity -------------------------------------------------------------------------------

    @abstractmethod
    def grant(self, grants: Sequence[Grant]) -> None:
        """Give each respondent a live link, all or nothing, in one transaction.

        A respondent not yet stored is added (one already stored keeps its details).  Every live
        token hash the respondent had is revoked at ``issued_at``, and ``token_hash`` becomes the
        live one.  If anything fails (a hash already stored, say) nothing at all changes and
        :class:`~surveykit.errors.StorageError` is raised.
        """

    @abstractmethod
    def lookup_token(self, token_hash: str) -> TokenRecord | None:
        """The respondent a token hash was issued to (live or revoked), or ``None``."""

    def visit(self, token_hash: str) -> Visit | None:
        """What a form page needs for a token hash (live or revoked), or ``None`` if unknown.

        The default makes the three reads; SQL backends answer in one query, since a web form
        asks on every page.
        """
        record = self.lookup_token(token_hash)
        if record is None:
            return None
        respondent_id = record.respondent.id
        return Visit(record, self.load_draft(respondent_id), self.response(respondent_id))

    @abstractmethod
    def respondent(self, respondent_id: str) -> Respondent | None:
        """A respondent by internal id, or ``None``."""

    @abstractmethod
    def respondents(self, consultation: str) -> Iterator[Respondent]:
        """Every respondent of a consultation, in no particular order."""

    def set_language(self, respondent_id: str, language: str | None) -> bool:
        """Record the language a respondent asked to be written to in (``None``: not said);
        ``False`` if there is no such respondent.  A store without the ``language`` column
        (a third-party one written before it) refuses, so a choice is never lost in silence."""
        raise StorageError(f"{type(self).__name__} cannot record a respondent's language")

    def link_times(self, respondent_id: str) -> list[tuple[dt.datetime, dt.datetime | None]]:
        """``(issued_at, revoked_at)`` of every link the respondent was given, oldest first:
        what subject access shows of their links (never a hash).  The default refuses, as a
        store written before it cannot answer."""
        raise StorageError(f"{type(self).__name__} cannot list a respondent's links")

    @abstractmethod
    def live_links(self, consultation: str) -> Iterator[tuple[str, dt.datetime]]:
        """``(respondent id, issued_at)`` of each live link of a consultation, in no particular
        order: what ``invite`` checks so it never silently replaces links sent by mail merge."""

    # Drafts ---------------------------------------------------------------------------------

    @abstractmethod
    def save_draft(self, draft: Draft) -> None:
        """Keep ``draft`` as the respondent's only draft, replacing any earlier one."""

    def save_drafts(self, drafts: Sequence[Draft]) -> None:
        """Keep several drafts, as :meth:`save_draft` would one by one (the last of a respondent
        wins), for callers that gather them: the web form commits a group at a time.

        The default saves them in turn; SQL backends write them in one transaction.  If
        :class:`~surveykit.errors.StorageError` is raised, some may have been kept: a draft
        is replaced whole, so saving them again is safe.
        """
        for draft in drafts:
            self.save_draft(draft)

    def try_save_drafts(self, drafts: Sequence[Draft]) -> bool:
        """:meth:`save_drafts` if that needs no wait for another writer, else ``False`` (and
        nothing is saved).

        For a caller that must not block, such as an event loop: it writes at once when this
        says ``True`` and hands the drafts to a thread when it says ``False``.  The default
        never tries; a store whose writers queue (SQLite) answers from its lock.
        """
        return False

    @abstractmethod
    def load_draft(self, respondent_id: str) -> Draft | None:
        """The respondent's draft, or ``None``."""

    @abstractmethod
    def discard_draft(self, respondent_id: str) -> bool:
        """Delete the respondent's draft; whether there was one."""

    # Submissions ----------------------------------------------------------------------------

    @abstractmethod
    def append_submission(self, new: NewSubmission) -> Submission:
        """Store ``new`` as the respondent's next version, in one transaction, and return it.

        Versions start at 1 and are gapless per respondent even when several writers submit under
        one respondent at once: they are serialised, and each gets its own number.  The draft, if
        any, is discarded in the same transaction.  An unknown respondent raises
        :class:`~surveykit.errors.StorageError` and stores nothing.

        When ``new.message`` names a stored message, the same transaction marks it ``submitted``
        with this respondent and version; a message that already produced a version (or is not
        the consultation's) raises :class:`~surveykit.errors.StorageError` and stores nothing.
        So one message yields at most one version, however many processes read it at once.
        """

    @abstractmethod
    def response(self, respondent_id: str) -> Submission | None:
        """The respondent's latest submission (the one that counts), or ``None``."""

    @abstractmethod
    def history(self, respondent_id: str) -> list[Submission]:
        """Every submission of the respondent, oldest version first."""

    @abstractmethod
    def iter_responses(
        self, consultation: str, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> Iterator[Submission]:
        """Each respondent's latest submission, streamed ``batch_size`` rows at a time.

        Ordered by the random respondent id, so the order reveals nothing about when or by whom.
        Memory use must not grow with the number of responses.
        """

    @abstractmethod
    def count_responses(self, consultation: str) -> int:
        """How many respondents of the consultation have a response."""

    # Releases -------------------------------------------------------------------------------

    @abstractmethod
    def record_release(
        self,
        consultation: str,
        *,
        published_at: dt.datetime,
        format: str,
        threshold: int,
        public: str,
        audit: str,
    ) -> Release:
        """Record a public report as published, under the consultation's next number, and
        return it.

        A report can only be audited against the earlier ones if none is ever missing, so
        numbers start at 1 and are gapless per consultation even when several writers record at
        once: they are serialised, and each gets its own number.  A naive ``published_at``
        raises :class:`ValueError` and records nothing; it is returned in UTC.
        """

    @abstractmethod
    def releases(self, consultation: str) -> list[Release]:
        """Every release of the consultation, lowest number first (empty if none): what a new
        report must be audited jointly with."""

    # Audit trail ----------------------------------------------------------------------------

    def record_audit(self, entry: AuditEntry) -> None:
        """Append ``entry`` to the audit log, durably, after every entry recorded before it.

        The log is append-only: there is no way to change or remove an entry through the store,
        and SQL backends make the database itself refuse ``UPDATE`` and ``DELETE`` on it.  A
        store without an audit log (a third-party one written before it) refuses, so an officer
        action is never left unrecorded in silence.
        """
        raise StorageError(f"{type(self).__name__} keeps no audit log")

    def audit_log(
        self, consultation: str, since: dt.datetime | None = None
    ) -> Iterator[AuditEntry]:
        """The consultation's audit entries in recording order, those recorded at or after
        ``since`` (aware) only if it is given; streamed, never all loaded at once."""
        raise StorageError(f"{type(self).__name__} keeps no audit log")

    # Erasure --------------------------------------------------------------------------------

    def erase_person(
        self, respondent_id: str, *, keep_answers: bool, messages: Sequence[int] = ()
    ) -> ErasedCounts:
        """Remove a person, all or nothing, in one transaction, and return what went.

        Removed: the respondent's row (name, email, role, authority, consent, language), every
        token hash, the draft, the sendings to them, every stored message linked to them or
        listed in ``messages`` (found by their sender's address, which only the caller can read:
        messages are sealed), every message that is a duplicate of one removed, and every
        review item about them or about a removed message.  With ``keep_answers`` every version
        of their answers is kept under a **new** random respondent id whose row keeps only what
        reports group by (role, authority type, authority, origin, consent) and no name, email
        or language, so the old id (from which references and audit hashes are made) leads
        nowhere; without it every version is removed.  Releases and the audit log are never
        touched.  An unknown respondent raises :class:`~surveykit.errors.StorageError` and
        nothing changes.

        A store must also make the freed bytes unreadable where it can (SQLite overwrites and
        vacuums the file; PostgreSQL rewrites the tables).  The default refuses, so a
        third-party store written before erasure existed never pretends to erase.
        """
        raise StorageError(f"{type(self).__name__} cannot erase a person")

    def erase_messages(self, consultation: str, messages: Sequence[int]) -> ErasedCounts:
        """Remove stored messages of ``consultation`` (from a sender who is no respondent), with
        their duplicates and review items, in one transaction, as :meth:`erase_person` does for
        a respondent's mail.  Ids of other consultations or unknown ids are ignored."""
        raise StorageError(f"{type(self).__name__} cannot erase stored mail")

    # Retention ------------------------------------------------------------------------------

    def purge(
        self,
        plan: PurgePlan,
        *,
        progress: Callable[[int], None] | None = None,
        dry_run: bool = False,
    ) -> PurgedCounts:
        """Remove what ``plan`` says is due, all or nothing, in one transaction, and return the
        counts by class.  Idempotent: what is gone is not counted again, and a consultation
        anonymised once is not anonymised again (the store remembers it).

        In order: the review items and messages listed; every draft and link hash of the
        consultation if ``drafts``/``link_hashes``; every version but the current one if
        ``history``; the ``answer_keys`` from every stored version (a sanctioned delete and
        insert of the version with the same number and times: submissions stay append-only to
        everyone else); name, email and language of every respondent if ``contact_details``;
        then ``anonymise`` (:class:`Anonymisation`), which also removes whatever would link
        answers to people again (links, drafts, history, stored mail, review items, sendings)
        and is refused (:class:`~surveykit.errors.StorageError`, nothing changed) while a
        review item is open.  ``progress`` is called with a number of respondents as the
        rewriting goes.  Releases and the audit log are never touched; freed bytes are
        overwritten as by :meth:`erase_person`.  With ``dry_run`` the same work is done and
        rolled back: the counts are exact and nothing changes.  The default refuses, as for
        erasure.
        """
        raise StorageError(f"{type(self).__name__} cannot purge data past its retention")

    def anonymised(self, consultation: str) -> bool:
        """Whether the consultation has been anonymised (:meth:`purge`)."""
        raise StorageError(f"{type(self).__name__} cannot anonymise a consultation")

    def anonymise(
        self,
        consultation: str,
        anonymisation: Anonymisation,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> PurgedCounts:
        """Anonymise the consultation now, whatever else is due: :meth:`purge` with a plan
        that only anonymises."""
        return self.purge(PurgePlan(consultation, anonymise=anonymisation), progress=progress)

    # Reports --------------------------------------------------------------------------------

    def iter_report_rows(
        self,
        consultation: str,
        *,
        answer_in: tuple[str, Sequence[str]] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[ReportRow]:
        """Each current response with its respondent's role, authority and origin, streamed.

        ``answer_in=(question, values)`` keeps only responses whose answer to ``question`` is
        one of ``values`` (e.g. those consenting to quotation).  Ordered by the random
        respondent id.  The default looks each respondent up; SQL backends join.
        """
        wanted = None if answer_in is None else (answer_in[0], frozenset(answer_in[1]))
        for submission in self.iter_responses(consultation, batch_size=batch_size):
            if wanted is not None and submission.answers.get(wanted[0]) not in wanted[1]:
                continue
            who = self.respondent(submission.respondent_id)
            if who is None:  # pragma: no cover - a response always has its respondent
                continue
            yield _report_row(submission, who)

    def tally(self, plan: TallyPlan) -> Iterator[TallyRow]:
        """Counts of current responses at the grain of :class:`~surveykit.tally.TallyRow`.

        Rows with the same key appear once; the order is unspecified.  The default streams
        :meth:`iter_report_rows` through :func:`~surveykit.tally.tally_rows`.
        """
        return tally_rows(plan, self.iter_report_rows(plan.consultation))

    def texts(
        self,
        consultation: str,
        questions: Sequence[str],
        *,
        consent: str | None = None,
        permitted: Sequence[str] = (),
        limit: int = 200,
    ) -> Iterator[TextRow]:
        """Free-text answers for digests, from current responses whose answer to ``consent``
        is one of ``permitted`` (every response when ``consent`` is ``None``).

        For each question, the ``limit`` non-blank answers lowest in
        :func:`~surveykit.tally.text_rank` order (ties by respondent id), in that order, each
        carrying how many answers there were in all.  SQL backends choose in the database.
        """
        answer_in = None if consent is None else (consent, tuple(permitted))
        rows = self.iter_report_rows(consultation, answer_in=answer_in)
        return choose_texts(rows, questions, consent, limit)

    def tally_and_texts(
        self, plan: TallyPlan, request: TextRequest | None
    ) -> tuple[list[TallyRow], list[TextRow]]:
        """What :meth:`tally` and :meth:`texts` give for one report, together (no texts when
        ``request`` is ``None``).

        When a store overrides neither (it counts in Python, from :meth:`iter_report_rows`),
        the responses are read once for both instead of twice; otherwise each is asked.
        """
        if request is None:
            return list(self.tally(plan)), []
        if type(self).tally is Store.tally and type(self).texts is Store.texts:
            chooser = TextChooser(request.questions, request.consent, request.limit)

            def tapped(rows: Iterable[ReportRow]) -> Iterator[ReportRow]:
                for row in rows:
                    if request.admits(row):
                        chooser.add(row)
                    yield row

            counts = list(tally_rows(plan, tapped(self.iter_report_rows(plan.consultation))))
            return counts, list(chooser.chosen())
        texts = self.texts(
            plan.consultation,
            request.questions,
            consent=request.consent,
            permitted=request.permitted,
            limit=request.limit,
        )
        return list(self.tally(plan)), list(texts)

    def report_snapshot(
        self, consultation: str, key: str
    ) -> AbstractContextManager[SnapshotRead] | None:
        """One consistent read for bringing a report's kept counts up to date, and the
        snapshot kept under ``key`` (see :mod:`surveykit.snapshots`).

        ``None``, the default, means the store keeps no snapshots: every report counts every
        response.  A store that keeps them must log every change to a response or to a
        respondent's role, type or authority whatever code makes it, and drop a
        consultation's snapshots on any deletion.
        """
        return None

    def keep_report_snapshot(self, consultation: str, key: str, marker: str, body: bytes) -> None:
        """Keep ``body`` as the snapshot for ``key``, taken at the read that gave ``marker``,
        and forget the changes every kept snapshot of the consultation has counted."""
        raise StorageError(f"{type(self).__name__} keeps no report snapshots")

    def roster_rows(self, consultation: str) -> Iterator[RosterRow]:
        """Roster respondents (not self-service ones) counted by role, type and authority unit,
        split by whether they have a response: what coverage against the roster is made of."""
        counts: Counter[tuple[str, str, str, bool]] = Counter()
        for who in self.respondents(consultation):
            if who.origin == "roster":
                responded = self.response(who.id) is not None
                counts[
                    (who.role, who.authority_type, unit_of(who.authority, who.id), responded)
                ] += 1
        for key, n in counts.items():
            yield RosterRow(*key, n)

    def names(self, consultation: str) -> Iterator[tuple[str, str]]:
        """Distinct names reports must redact: ``("authority", name)`` for every respondent's
        authority and ``("person", name)`` for every respondent's name."""
        seen: set[tuple[str, str]] = set()
        for who in self.respondents(consultation):
            for pair in (("authority", who.authority), ("person", who.name)):
                if pair[1].strip() and pair not in seen:
                    seen.add(pair)
                    yield pair

    def authority_consents(self, consultation: str, question: str) -> Iterator[tuple[str, Any]]:
        """Each distinct (authority unit, answer to ``question``) among current responses.

        Reports use it to name an authority only when every response from it consented.
        """
        seen: set[tuple[str, Any]] = set()
        for row in self.iter_report_rows(consultation):
            pair = (row.unit, _hashable(row.answers.get(question)))
            if pair not in seen:
                seen.add(pair)
                yield pair


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _report_row(submission: Submission, who: Respondent) -> ReportRow:
    return ReportRow(
        respondent_id=submission.respondent_id,
        answers=submission.answers,
        role=who.role,
        authority_type=who.authority_type,
        authority=who.authority,
        origin=who.origin,
        channel=submission.channel,
        received_at=submission.received_at,
        name=who.name,
    )


@runtime_checkable
class StorageBackend(Protocol):
    """What a plugin registers: a URL scheme and a way to open stores for it."""

    scheme: str
    description: str

    def open(self, url: str) -> Store: ...


def scheme_of(url: str) -> str:
    """The scheme of a store URL (``sqlite:///x.db`` -> ``sqlite``)."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    if not scheme:
        msg = f"{url!r} is not a store URL: write it as scheme://..., e.g. sqlite:///responses.db"
        raise StorageError(msg)
    return scheme


def open_store(url: str, *, plugins: Plugins | None = None) -> Store:
    """Open the store at ``url`` with the backend registered for its scheme."""
    registry = (plugins or get_plugins()).storage
    scheme = scheme_of(url)
    backend = registry.get(scheme)
    if backend is None:
        known = ", ".join(sorted(registry)) or "none (no storage plugin is loaded)"
        msg = f"no storage backend for {scheme}:// URLs; installed: {known}"
        raise StorageError(msg)
    return backend.open(url)
