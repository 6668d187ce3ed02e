"""What SQL storage plugins share: the columns they select and the records they build from rows.

The SQLite and PostgreSQL stores keep the same tables and read the same columns.  What differs is
how a value travels through the driver: sqlite3 takes ``?`` placeholders and gives back instants
as ISO text and answers as JSON text, psycopg takes ``%s`` and gives back aware datetimes and
decoded ``jsonb``.  A :class:`Dialect` holds exactly those differences, so the mapping between
records and rows is written once here; a third-party SQL backend can use it too.  Nothing here
opens a connection: each store runs the statements in its own transactions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import orjson
from attrs import Factory, field, frozen

from .errors import StorageError
from .identity import Respondent
from .mailbox import ReviewItem, Sending, StoredMessage
from .snapshots import Change, SnapshotRead, first_changes
from .storage import Draft, Grant, Release, Submission, TokenRecord, Visit
from .tally import TallyPlan, TallyRow, TextRequest, TextRow

__all__ = [
    "MESSAGE_COLUMNS",
    "RELEASE_FIELDS",
    "RESPONDENT_FIELDS",
    "REVIEW_COLUMNS",
    "SENDING_COLUMNS",
    "SUBMISSION_FIELDS",
    "TOKEN_COLUMNS",
    "VISIT_COLUMNS",
    "Dialect",
    "SqlMailReads",
    "SqlReads",
    "SqlSnapshotRead",
    "columns",
    "dump_answers",
]

RESPONDENT_FIELDS = (
    "id",
    "consultation",
    "authority",
    "authority_type",
    "role",
    "name",
    "email",
    "consent",
    "origin",
    "created_at",
    "language",
)
SUBMISSION_FIELDS = (
    "consultation",
    "respondent_id",
    "version",
    "answers",
    "channel",
    "submitted_at",
    "received_at",
)
#: The ``releases`` table's columns, in the order of :class:`~surveykit.storage.Release`.
RELEASE_FIELDS = (
    "consultation",
    "number",
    "published_at",
    "format",
    "threshold",
    "public",
    "audit",
)
_R = len(RESPONDENT_FIELDS)


def columns(fields: Sequence[str], alias: str = "") -> str:
    """A select list: ``r.id, r.consultation, ...`` for ``alias="r"``."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + name for name in fields)


#: The select list :meth:`Dialect.token_record` reads (tokens ``t`` joined to respondents ``r``).
TOKEN_COLUMNS = f"{columns(RESPONDENT_FIELDS, 'r')}, t.issued_at, t.revoked_at, t.hash"
#: The select list :meth:`Dialect.visit` reads: a token's, then the draft ``d`` and the current
#: submission ``s`` (both outer-joined).
VISIT_COLUMNS = f"{TOKEN_COLUMNS}, d.answers, d.saved_at, {columns(SUBMISSION_FIELDS, 's')}"


#: The mailbox tables' select lists, in the order the :class:`Dialect` reads them.
MESSAGE_COLUMNS = (
    "id, consultation, raw, received_at, source, sha256, message_id, duplicate_of, status, "
    "respondent_id, version"
)
REVIEW_COLUMNS = (
    "id, consultation, message, reason, detail, created_at, respondent_id, status, resolved_at, "
    "note, version"
)
SENDING_COLUMNS = "consultation, respondent_id, kind, round, sent_at, message_id"


# The reads every SQL store makes the same way, ``{p}`` standing for the driver's placeholder.
_QUERIES = {
    "token": f"SELECT {TOKEN_COLUMNS} FROM tokens t JOIN respondents r ON r.id = t.respondent_id "
    "WHERE t.hash = {p}",
    "respondent": f"SELECT {columns(RESPONDENT_FIELDS)} FROM respondents WHERE id = {{p}}",
    "respondents": f"SELECT {columns(RESPONDENT_FIELDS)} FROM respondents "
    "WHERE consultation = {p} ORDER BY id",
    "live_links": "SELECT t.respondent_id, t.issued_at FROM tokens t "
    "JOIN respondents r ON r.id = t.respondent_id "
    "WHERE r.consultation = {p} AND t.revoked_at IS NULL",
    "draft": "SELECT answers, saved_at FROM drafts WHERE respondent_id = {p}",
    "history": f"SELECT {columns(SUBMISSION_FIELDS, 's')} FROM submissions s "
    "WHERE s.respondent_id = {p} ORDER BY s.version",
    "message": f"SELECT {MESSAGE_COLUMNS} FROM mail_messages WHERE id = {{p}}",
    "pending_messages": f"SELECT {MESSAGE_COLUMNS} FROM mail_messages "
    "WHERE consultation = {p} AND status = 'pending' ORDER BY id",
    "review_item": f"SELECT {REVIEW_COLUMNS} FROM mail_reviews WHERE id = {{p}}",
    "releases": f"SELECT {columns(RELEASE_FIELDS)} FROM releases WHERE consultation = {{p}} "
    "ORDER BY number",
    "next_release": "SELECT coalesce(max(number), 0) + 1 FROM releases WHERE consultation = {p}",
    "add_release": f"INSERT INTO releases ({columns(RELEASE_FIELDS)}) "
    f"VALUES ({', '.join(['{p}'] * len(RELEASE_FIELDS))})",
}


def dump_answers(answers: dict[str, Any]) -> str:
    """Answers as the JSON text every SQL store keeps; :class:`StorageError` if they are not
    JSON data."""
    try:
        return orjson.dumps(answers).decode()
    except TypeError as exc:  # orjson.JSONEncodeError: not JSON data
        raise StorageError(f"answers cannot be stored: {exc}") from None


@frozen
class Dialect:
    """How one driver writes and reads surveykit's values.

    ``placeholder`` is the driver's parameter marker; ``time_in`` turns an aware instant into
    what the driver stores, ``time_out`` turns what it gives back into an aware UTC datetime,
    and ``answers_out`` turns a stored answers document back into a dict.
    """

    placeholder: str
    time_in: Callable[[dt.datetime], Any]
    time_out: Callable[[Any], dt.datetime]
    answers_out: Callable[[Any], dict[str, Any]]
    _queries: dict[str, str] = field(
        init=False,
        repr=False,
        eq=False,
        default=Factory(
            lambda self: {name: sql.format(p=self.placeholder) for name, sql in _QUERIES.items()},
            takes_self=True,
        ),
    )

    def query(self, name: str) -> str:
        """One of the shared reads (``token``, ``respondent``, ...) in this driver's SQL."""
        return self._queries[name]

    def _time(self, value: Any) -> dt.datetime | None:
        return None if value is None else self.time_out(value)

    def respondent(self, row: Sequence[Any]) -> Respondent:
        """A respondent from :data:`RESPONDENT_FIELDS` in that order."""
        rid, consultation, authority, kind, role, name, email, consent, origin, created, lang = row
        return Respondent(
            consultation=consultation,
            authority=authority,
            authority_type=kind,
            role=role,
            name=name,
            email=email,
            consent=consent,
            origin=origin,
            id=rid,
            created_at=self.time_out(created),
            language=lang,
        )

    def submission(self, row: Sequence[Any]) -> Submission:
        """A submission from :data:`SUBMISSION_FIELDS` in that order."""
        consultation, respondent_id, version, answers, channel, submitted, received = row
        return Submission(
            consultation=consultation,
            respondent_id=respondent_id,
            version=version,
            answers=self.answers_out(answers),
            channel=channel,
            submitted_at=self.time_out(submitted),
            received_at=self.time_out(received),
        )

    def draft(self, respondent_id: str, answers: Any, saved_at: Any) -> Draft:
        return Draft(respondent_id, self.answers_out(answers), self.time_out(saved_at))

    def token_record(self, row: Sequence[Any]) -> TokenRecord:
        """A token's record from :data:`TOKEN_COLUMNS`."""
        issued, revoked, token_hash = row[_R : _R + 3]
        return TokenRecord(
            self.respondent(row[:_R]), token_hash, self.time_out(issued), self._time(revoked)
        )

    def visit(self, row: Sequence[Any]) -> Visit:
        """A visit from :data:`VISIT_COLUMNS` (draft and submission ``NULL`` when absent)."""
        record = self.token_record(row[: _R + 3])
        answers, saved_at = row[_R + 3 : _R + 5]
        submission = row[_R + 5 :]
        return Visit(
            record,
            None if saved_at is None else self.draft(record.respondent.id, answers, saved_at),
            None if submission[0] is None else self.submission(submission),
        )

    def message(self, row: Sequence[Any]) -> StoredMessage:
        """A stored raw message from :data:`MESSAGE_COLUMNS`."""
        mid, consultation, raw, received, source, sha, message_id, first, status, rid, version = row
        return StoredMessage(
            id=mid,
            consultation=consultation,
            raw=bytes(raw),
            received_at=self.time_out(received),
            source=source,
            sha256=sha,
            message_id=message_id,
            duplicate_of=first,
            status=status,
            respondent_id=rid,
            version=version,
        )

    def review(self, row: Sequence[Any]) -> ReviewItem:
        """A review item from :data:`REVIEW_COLUMNS`."""
        (
            iid,
            consultation,
            message,
            reason,
            detail,
            created,
            rid,
            status,
            resolved,
            note,
            version,
        ) = row
        return ReviewItem(
            id=iid,
            consultation=consultation,
            message=message,
            reason=reason,
            detail=detail,
            created_at=self.time_out(created),
            respondent_id=rid,
            status=status,
            resolved_at=self._time(resolved),
            note=note,
            version=version,
        )

    def sending(self, row: Sequence[Any]) -> Sending:
        """A recorded sending from :data:`SENDING_COLUMNS`."""
        consultation, rid, kind, round_, sent, message_id = row
        return Sending(consultation, rid, kind, round_, self.time_out(sent), message_id)

    def release(self, row: Sequence[Any]) -> Release:
        """A release from :data:`RELEASE_FIELDS` in that order."""
        consultation, number, published, format_, threshold, public, audit = row
        return Release(
            consultation, number, self.time_out(published), format_, threshold, public, audit
        )

    def add_release(
        self,
        conn: Any,
        consultation: str,
        published_at: dt.datetime,
        format_: str,
        threshold: int,
        public: str,
        audit: str,
    ) -> Release:
        """Store a release under the consultation's next number on ``conn`` (a sqlite3 or psycopg
        connection), inside the caller's transaction, and return it.

        The caller must keep other recorders of the consultation out from before this reads the
        highest number until it commits, or two could take the same one.
        """
        number = conn.execute(self.query("next_release"), (consultation,)).fetchone()[0]
        release = Release(consultation, number, published_at, format_, threshold, public, audit)
        values = (consultation, number, self.time_in(published_at), format_, threshold)
        conn.execute(self.query("add_release"), (*values, public, audit))
        return release

    def grant_statements(self, grant: Grant) -> list[tuple[str, tuple[Any, ...]]]:
        """The statements that store a grant, to run in order inside the caller's transaction:
        the respondent if new, every live link of theirs revoked, the new hash made live."""
        p, r = self.placeholder, grant.respondent
        issued = self.time_in(grant.issued_at)
        values = (r.id, r.consultation, r.authority, r.authority_type, r.role, r.name, r.email)
        values += (r.consent, r.origin, self.time_in(r.created_at), r.language)
        marks = ", ".join([p] * len(values))
        return [
            (
                f"INSERT INTO respondents ({columns(RESPONDENT_FIELDS)}) VALUES ({marks}) "
                "ON CONFLICT (id) DO NOTHING",
                values,
            ),
            (
                f"UPDATE tokens SET revoked_at = {p} WHERE respondent_id = {p} "
                "AND revoked_at IS NULL",
                (issued, r.id),
            ),
            (
                f"INSERT INTO tokens (hash, respondent_id, issued_at) VALUES ({p}, {p}, {p})",
                (grant.token_hash, r.id, issued),
            ),
        ]


class SqlReads:
    """The store reads whose SQL is the same on every database but for the placeholder.

    A SQL store inherits them by putting this class before :class:`~surveykit.storage.Store`
    among its bases, and provides ``dialect`` and ``_read(sql, params)`` (the rows of one
    query).
    """

    dialect: Dialect

    def _read(self, sql: str, params: Sequence[Any]) -> list[tuple]:  # pragma: no cover
        raise NotImplementedError

    def lookup_token(self, token_hash: str) -> TokenRecord | None:
        rows = self._read(self.dialect.query("token"), (token_hash,))
        return self.dialect.token_record(rows[0]) if rows else None

    def respondent(self, respondent_id: str) -> Respondent | None:
        rows = self._read(self.dialect.query("respondent"), (respondent_id,))
        return self.dialect.respondent(rows[0]) if rows else None

    def respondents(self, consultation: str) -> Iterator[Respondent]:
        rows = self._read(self.dialect.query("respondents"), (consultation,))
        return (self.dialect.respondent(row) for row in rows)

    def live_links(self, consultation: str) -> Iterator[tuple[str, dt.datetime]]:
        rows = self._read(self.dialect.query("live_links"), (consultation,))
        return ((rid, self.dialect.time_out(issued)) for rid, issued in rows)

    def load_draft(self, respondent_id: str) -> Draft | None:
        rows = self._read(self.dialect.query("draft"), (respondent_id,))
        return self.dialect.draft(respondent_id, *rows[0]) if rows else None

    def history(self, respondent_id: str) -> list[Submission]:
        rows = self._read(self.dialect.query("history"), (respondent_id,))
        return [self.dialect.submission(row) for row in rows]

    def releases(self, consultation: str) -> list[Release]:
        rows = self._read(self.dialect.query("releases"), (consultation,))
        return [self.dialect.release(row) for row in rows]


class SqlSnapshotRead(SnapshotRead):
    """What a SQL store's :class:`~surveykit.snapshots.SnapshotRead` shares, on a DB-API
    connection already inside the store's one read transaction: a subclass gives the three
    queries (``MARKER``: one row holding where the change log stands, or none for its start;
    ``SAVED``: the snapshot's own marker and body, by consultation and key; ``CHANGES``: the
    changes after a marker, by consultation and marker, in the order they were made) and
    reads the responses themselves."""

    MARKER: str
    SAVED: str
    CHANGES: str

    def __init__(
        self,
        conn: Any,
        consultation: str,
        key: str,
        everything: Callable[[TallyPlan, TextRequest | None], tuple[list, list]],
    ) -> None:
        self._conn = conn
        self._consultation = consultation
        self._everything = everything
        row = conn.execute(self.MARKER).fetchone()
        self.marker = str(row[0] if row else 0)
        saved = conn.execute(self.SAVED, (consultation, key)).fetchone()
        self._upto = saved[0] if saved else None
        self.saved = bytes(saved[1]) if saved else None

    def changes(self) -> list[Change]:
        if self._upto is None:
            return []
        return first_changes(self._conn.execute(self.CHANGES, (self._consultation, self._upto)))

    def everything(
        self, plan: TallyPlan, request: TextRequest | None
    ) -> tuple[list[TallyRow], list[TextRow]]:
        return self._everything(plan, request)


class SqlMailReads:
    """The mailbox reads whose SQL is the same on every database but for the placeholder; a SQL
    store's mailbox inherits them as its store does :class:`SqlReads`."""

    dialect: Dialect

    def _read(self, sql: str, params: Sequence[Any]) -> list[tuple]:  # pragma: no cover
        raise NotImplementedError

    def message(self, message_id: int) -> StoredMessage | None:
        rows = self._read(self.dialect.query("message"), (message_id,))
        return self.dialect.message(rows[0]) if rows else None

    def pending_messages(self, consultation: str) -> list[StoredMessage]:
        rows = self._read(self.dialect.query("pending_messages"), (consultation,))
        return [self.dialect.message(row) for row in rows]

    def review_item(self, item_id: int) -> ReviewItem | None:
        rows = self._read(self.dialect.query("review_item"), (item_id,))
        return self.dialect.review(rows[0]) if rows else None
