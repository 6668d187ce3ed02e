"""The PostgreSQL store: a psycopg connection pool and one statement per submission.

A submission is a single statement: it bumps the respondent's ``responses`` row (an upsert, which
holds that row's lock until commit), inserts the submission under the new version and discards
the draft.  A second writer for the same respondent waits on the row lock and then sees the first
one's version, so versions are gapless however many hosts write at once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs
import orjson
import psycopg
import psycopg_pool
from psycopg import errors as pg_errors
from psycopg.types.json import set_json_loads

from surveykit.errors import StorageError
from surveykit.mailbox import unsettled_message
from surveykit.snapshots import SnapshotRead
from surveykit.sql import (
    SUBMISSION_FIELDS,
    VISIT_COLUMNS,
    SqlReads,
    columns,
    dump_answers,
)
from surveykit.storage import (
    DEFAULT_BATCH_SIZE,
    AuditEntry,
    Draft,
    ErasedCounts,
    Grant,
    NewSubmission,
    PurgedCounts,
    PurgePlan,
    Release,
    ReportRow,
    RosterRow,
    Store,
    Submission,
    TallyPlan,
    TallyRow,
    TextRow,
    Visit,
    utc,
)
from surveykit.tally import tally_rows

from . import erasure, reports, schema, snapshots
from .mailbox import PostgresMailbox
from .reports import CURRENT, UNIT
from .rows import DIALECT, grant_one

T = TypeVar("T")
DEFAULT_POOL_SIZE = 10
CONNECT_TIMEOUT = 10
#: Transactions aborted by a deadlock (two roster imports at once, say) are retried this often.
RETRIES = 3
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}\Z")

_SUBMISSION_COLUMNS = columns(SUBMISSION_FIELDS, "s")
_SAVE_DRAFT = (
    "INSERT INTO drafts (respondent_id, answers, saved_at) VALUES (%s, %s::jsonb, %s) "
    "ON CONFLICT (respondent_id) DO UPDATE "
    "SET answers = excluded.answers, saved_at = excluded.saved_at"
)
# A form page's one read: the link, its respondent, their draft and their current response.
_VISIT_QUERY = (
    f"SELECT {VISIT_COLUMNS} FROM tokens t JOIN respondents r ON r.id = t.respondent_id "
    "LEFT JOIN drafts d ON d.respondent_id = r.id "
    "LEFT JOIN responses c ON c.respondent_id = r.id "
    "LEFT JOIN submissions s ON s.respondent_id = c.respondent_id AND s.version = c.version "
    "WHERE t.hash = %s"
)
# Both sides start at the last batch's end: with the bound on ``r`` alone, a merge join would
# read every earlier submission again for each batch.
_LATEST_QUERY = (
    f"SELECT {_SUBMISSION_COLUMNS} FROM responses r JOIN submissions s "
    "ON s.respondent_id = r.respondent_id AND s.version = r.version "
    "WHERE r.consultation = %(c)s AND r.respondent_id > %(after)s "
    "AND s.respondent_id > %(after)s ORDER BY r.respondent_id LIMIT %(n)s"
)
# The next version, and the draft discarded: the start of both statements that append.
_NEXT_VERSION = """
    WITH bumped AS (
        INSERT INTO responses (respondent_id, consultation, version) VALUES (%(rid)s, %(c)s, 1)
        ON CONFLICT (respondent_id) DO UPDATE SET version = responses.version + 1
        RETURNING version
    ), discarded AS (
        DELETE FROM drafts WHERE respondent_id = %(rid)s
    )"""
_INSERT_SUBMISSION = """
    INSERT INTO submissions
        (respondent_id, version, consultation, channel, submitted_at, received_at, answers)
    SELECT %(rid)s, version, %(c)s, %(channel)s, %(submitted)s, %(received)s, %(answers)s::jsonb
    FROM bumped
    RETURNING version"""
_APPEND = _NEXT_VERSION + _INSERT_SUBMISSION

# The submission and the settling of its message in one statement (one round trip).  The
# message is found by primary key alone: with the consultation in the WHERE clause a cached
# generic plan may choose the (consultation, sha256) index and read every stored message.  The
# consultation is checked on the row returned instead (a mismatch raises, rolling back).
_APPEND_FROM_MESSAGE = f"""{_NEXT_VERSION}, added AS ({_INSERT_SUBMISSION}
    ), settled AS (
        UPDATE mail_messages SET status = 'submitted', respondent_id = %(rid)s,
            version = (SELECT version FROM added)
        WHERE id = %(m)s AND version IS NULL
        RETURNING consultation
    )
    SELECT (SELECT version FROM added), (SELECT consultation FROM settled)
"""


_AUDIT_COLUMNS = "consultation, recorded_at, officer, action, subject, detail"


def _audit_entry(row: Sequence[Any]) -> AuditEntry:
    consultation, recorded_at, officer, action, subject, detail = row
    return AuditEntry(
        consultation, recorded_at.astimezone(dt.UTC), officer, action, subject, detail
    )


def _append_from_message(conn: psycopg.Connection, params: dict[str, Any]) -> int:
    """Append a submission read from a stored message and settle the message, in the caller's
    transaction; a message unknown, another consultation's or already settled rolls both back."""
    version, consultation = conn.execute(_APPEND_FROM_MESSAGE, params).fetchone()
    if consultation != params["c"]:
        row = conn.execute(
            "SELECT consultation, version FROM mail_messages WHERE id = %(m)s", params
        ).fetchone()
        found = row is not None and row[0] == params["c"]
        raise unsettled_message(params["m"], row[1] if found else None)
    return version


def safe_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def parse_url(url: str) -> tuple[str, str | None, int]:
    """The libpq URL, the schema and the pool size of a store URL."""
    parts = urlsplit(url)
    query, schema_name, pool_size = [], None, DEFAULT_POOL_SIZE
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "schema":
            if not _SCHEMA_NAME.match(value):
                msg = f"schema must be a lower-case SQL name (letters, digits, _), not {value!r}"
                raise StorageError(msg)
            schema_name = value
        elif key == "pool_size":
            if not value.isdigit() or int(value) < 1:
                raise StorageError(f"pool_size must be a positive whole number, not {value!r}")
            pool_size = int(value)
        else:
            query.append((key, value))
    conninfo = urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query)))
    return conninfo, schema_name, pool_size


def _tally(row: Sequence[Any]) -> TallyRow:
    return TallyRow(*row)


def _reason(exc: psycopg.Error) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def _configure(conn: psycopg.Connection) -> None:
    """Decode jsonb with orjson: a report reads a million answer sets, and it is twice as fast."""
    set_json_loads(orjson.loads, conn)


class PostgresStore(SqlReads, PostgresMailbox, Store):
    """A store in a PostgreSQL database (optionally one schema of it), shared by many hosts."""

    dialect = DIALECT

    def __init__(self, url: str) -> None:
        self.url = safe_url(url)
        self._local = threading.local()
        conninfo, self.schema, pool_size = parse_url(url)
        options = "-c timezone=UTC"
        if self.schema:
            options += f" -c search_path={self.schema}"
        kwargs = {"autocommit": True, "options": options}
        try:
            # Migrate over one direct connection first: a wrong URL then fails at once with
            # libpq's reason, instead of the pool retrying quietly until its timeout.
            with (
                psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT, **kwargs) as conn,
                conn.transaction(),
            ):
                self._migrate(conn)
        except psycopg.Error as exc:
            raise StorageError(f"cannot open PostgreSQL at {self.url}: {_reason(exc)}") from None
        self._pool = psycopg_pool.ConnectionPool(
            conninfo,
            min_size=1,
            max_size=pool_size,
            kwargs=kwargs,
            open=False,
            name="surveykit",
            configure=_configure,
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except psycopg_pool.PoolTimeout:
            self._pool.close()
            raise StorageError(f"cannot connect to PostgreSQL at {self.url}: timed out") from None

    # Plumbing -------------------------------------------------------------------------------

    def _run(
        self,
        work: Callable[[psycopg.Connection], T],
        *,
        transaction: bool = True,
        respondent_id: str | None = None,
        savepoint: bool = True,
    ) -> T:
        """Run ``work`` on a pooled connection, in a transaction, retrying deadlocks.

        Inside :meth:`batch`, on the batch's connection, within a savepoint of its transaction;
        ``savepoint=False`` saves the savepoint's two round trips for work whose failure should
        end the whole batch anyway.
        """
        for attempt in range(RETRIES):
            try:
                pinned = getattr(self._local, "conn", None)
                if pinned is not None and not savepoint:
                    return work(pinned)
                if pinned is not None:
                    with pinned.transaction():
                        return work(pinned)
                with self._pool.connection() as conn:
                    if not transaction:
                        return work(conn)
                    with conn.transaction():
                        return work(conn)
            except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure):
                if attempt == RETRIES - 1:
                    raise StorageError("the database stayed too busy; nothing was stored") from None
            except pg_errors.ForeignKeyViolation as exc:
                if respondent_id is None:
                    raise StorageError(f"PostgreSQL at {self.url} failed: {exc}") from exc
                msg = f"no respondent with id {respondent_id!r}; nothing was stored"
                raise StorageError(msg) from None
            except psycopg_pool.PoolClosed:
                raise StorageError(f"the store {self.url} is closed") from None
            except psycopg.Error as exc:
                raise StorageError(f"PostgreSQL at {self.url} failed: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction, on one connection, for every write this thread makes inside (see
        :meth:`Store.batch`); each write is a savepoint of it, all or nothing on its own."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        try:
            with self._pool.connection() as conn, conn.transaction():
                self._local.conn = conn
                self._local.locks = set()
                try:
                    yield
                finally:
                    self._local.conn = None
                    self._local.locks = None
        except psycopg.Error as exc:
            raise StorageError(f"PostgreSQL at {self.url} failed: {exc}") from exc

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection]:
        """A connection in a transaction to stream from: the one pinned for this thread (a
        report's consistent read), else a pooled one."""
        pinned = getattr(self._local, "conn", None)
        if pinned is not None:
            yield pinned
            return
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    def _read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        return self._run(lambda conn: conn.execute(sql, params).fetchall(), transaction=False)

    def _stream(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[tuple]:
        """The rows of a query that may return one per respondent, through a server-side
        cursor a batch at a time, so memory does not grow with the number of respondents."""
        try:
            with (
                self._pool.connection() as conn,
                conn.transaction(),
                conn.cursor(name="surveykit_stream") as cursor,
            ):
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(DEFAULT_BATCH_SIZE):
                    yield from rows
        except psycopg_pool.PoolClosed:
            raise StorageError(f"the store {self.url} is closed") from None
        except psycopg.Error as exc:
            raise StorageError(f"PostgreSQL at {self.url} failed: {exc}") from exc

    def _migrate(self, conn: psycopg.Connection) -> None:
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            (f"surveykit migrate {self.schema or ''}",),
        )
        if self.schema:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        current = 0 if row is None else row[0]
        known = len(schema.MIGRATIONS)
        if current > known:
            msg = (
                f"the database at {self.url} has schema version {current}, newer than this "
                f"surveykit knows ({known}); upgrade surveykit"
            )
            raise StorageError(msg)
        for script in schema.MIGRATIONS[current:]:
            conn.execute(script)
        if row is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (known,))
        elif current != known:
            conn.execute("UPDATE schema_version SET version = %s", (known,))

    def schema_version(self) -> int:
        """The schema version the database is at."""
        return self._read("SELECT version FROM schema_version")[0][0]

    def close(self) -> None:
        self._pool.close()

    def secret_fingerprint(self, proposed: str) -> str:
        def remember(conn: psycopg.Connection) -> str:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('secret_fingerprint', %s) "
                "ON CONFLICT (key) DO NOTHING",
                (proposed,),
            )
            return conn.execute(
                "SELECT value FROM meta WHERE key = 'secret_fingerprint'"
            ).fetchone()[0]

        return self._run(remember)

    # Identity -------------------------------------------------------------------------------

    def grant(self, grants: Sequence[Grant]) -> None:
        def grant_all(conn: psycopg.Connection) -> None:
            for g in grants:
                grant_one(conn, g)

        try:
            self._run(grant_all)
        except StorageError as exc:
            raise StorageError(f"nothing was granted: {exc}") from exc

    def visit(self, token_hash: str) -> Visit | None:
        rows = self._read(_VISIT_QUERY, (token_hash,))
        return DIALECT.visit(rows[0]) if rows else None

    # Drafts ---------------------------------------------------------------------------------

    def save_draft(self, draft: Draft) -> None:
        answers = dump_answers(draft.answers)
        self._run(
            lambda conn: conn.execute(
                _SAVE_DRAFT, (draft.respondent_id, answers, utc(draft.saved_at))
            ),
            transaction=False,
            respondent_id=draft.respondent_id,
        )

    def save_drafts(self, drafts: Sequence[Draft]) -> None:
        if len(drafts) == 1:
            self.save_draft(drafts[0])
            return
        rows = [(d.respondent_id, dump_answers(d.answers), utc(d.saved_at)) for d in drafts]
        self._run(lambda conn: conn.cursor().executemany(_SAVE_DRAFT, rows))

    def set_language(self, respondent_id: str, language: str | None) -> bool:
        return self._run(
            lambda conn: (
                conn.execute(
                    "UPDATE respondents SET language = %s WHERE id = %s",
                    (language, respondent_id),
                ).rowcount
                > 0
            ),
            transaction=False,
        )

    def discard_draft(self, respondent_id: str) -> bool:
        return self._run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM drafts WHERE respondent_id = %s", (respondent_id,)
                ).rowcount
                > 0
            ),
            transaction=False,
        )

    # Submissions ----------------------------------------------------------------------------

    def append_submission(self, new: NewSubmission) -> Submission:
        params = {
            "rid": new.respondent_id,
            "c": new.consultation,
            "channel": new.channel,
            "submitted": utc(new.submitted_at),
            "received": utc(new.received_at),
            "answers": dump_answers(new.answers),
        }
        if new.message is None:
            version = self._run(
                lambda conn: conn.execute(_APPEND, params).fetchone()[0],
                transaction=False,
                respondent_id=new.respondent_id,
            )
        else:
            params["m"] = new.message
            version = self._run(
                lambda conn: _append_from_message(conn, params),
                respondent_id=new.respondent_id,
            )
        return Submission(
            consultation=new.consultation,
            respondent_id=new.respondent_id,
            version=version,
            answers=json.loads(params["answers"]),
            channel=new.channel,
            submitted_at=params["submitted"],
            received_at=params["received"],
        )

    def response(self, respondent_id: str) -> Submission | None:
        rows = self._read(
            f"SELECT {_SUBMISSION_COLUMNS} FROM responses r JOIN submissions s "
            "ON s.respondent_id = r.respondent_id AND s.version = r.version "
            "WHERE r.respondent_id = %s",
            (respondent_id,),
        )
        return DIALECT.submission(rows[0]) if rows else None

    def iter_responses(
        self, consultation: str, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> Iterator[Submission]:
        after = ""
        while True:
            rows = self._read(_LATEST_QUERY, {"c": consultation, "after": after, "n": batch_size})
            for row in rows:
                yield DIALECT.submission(row)
            if len(rows) < batch_size:
                return
            after = rows[-1][1]
            rows = None  # let this batch go before the next one is read

    def count_responses(self, consultation: str) -> int:
        return self._read(
            "SELECT count(*) FROM responses WHERE consultation = %s", (consultation,)
        )[0][0]

    # Releases -------------------------------------------------------------------------------

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
        """One transaction holding an advisory lock on the consultation's releases from before
        the highest number is read until the new one is committed: recorders on any host take
        turns, and numbers stay gapless."""
        published = utc(published_at)
        key = f"surveykit releases {self.schema or ''} {consultation}"

        def record(conn: psycopg.Connection) -> Release:
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
            return DIALECT.add_release(
                conn, consultation, published, format, threshold, public, audit
            )

        return self._run(record)

    # Audit trail ----------------------------------------------------------------------------

    def record_audit(self, entry: AuditEntry) -> None:
        """One transaction holding an advisory lock on the log from before its id is taken until
        it commits: ids then commit in increasing order, so a reader never sees a later entry
        before an earlier one appears."""
        key = f"surveykit audit {self.schema or ''}"

        def append(conn: psycopg.Connection) -> None:
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
            conn.execute(
                f"INSERT INTO audit_log ({_AUDIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    entry.consultation,
                    utc(entry.recorded_at),
                    entry.officer,
                    entry.action,
                    entry.subject,
                    entry.detail,
                ),
            )

        self._run(append)

    def audit_log(
        self, consultation: str, since: dt.datetime | None = None
    ) -> Iterator[AuditEntry]:
        start = dt.datetime.min.replace(tzinfo=dt.UTC) if since is None else utc(since)
        rows = self._stream(
            f"SELECT {_AUDIT_COLUMNS} FROM audit_log "
            "WHERE consultation = %s AND recorded_at >= %s ORDER BY id",
            (consultation, start),
        )
        return (_audit_entry(row) for row in rows)

    # Reports --------------------------------------------------------------------------------

    def link_times(self, respondent_id: str) -> list[tuple[dt.datetime, dt.datetime | None]]:
        rows = self._read(
            "SELECT issued_at, revoked_at FROM tokens WHERE respondent_id = %s ORDER BY issued_at",
            (respondent_id,),
        )
        out = DIALECT.time_out
        return [
            (out(issued), None if revoked is None else out(revoked)) for issued, revoked in rows
        ]

    # Erasure --------------------------------------------------------------------------------

    def erase_person(
        self, respondent_id: str, *, keep_answers: bool, messages: Sequence[int] = ()
    ) -> ErasedCounts:
        counts = self._run(lambda conn: erasure.erase(conn, respondent_id, keep_answers, messages))
        return attrs.evolve(counts, scrubbed=self._scrub())

    def erase_messages(self, consultation: str, messages: Sequence[int]) -> ErasedCounts:
        counts = self._run(lambda conn: erasure.erase_messages(conn, consultation, messages))
        return attrs.evolve(counts, scrubbed=self._scrub())

    def purge(
        self,
        plan: PurgePlan,
        *,
        progress: Callable[[int], None] | None = None,
        dry_run: bool = False,
    ) -> PurgedCounts:
        """One transaction under an advisory lock per consultation, so concurrent purges take
        turns and the second finds nothing left; then the tables are rewritten as for an
        erasure (``VACUUM FULL``) when anything went.  A dry run rolls its transaction back."""

        def work(conn: psycopg.Connection) -> PurgedCounts:
            counts = erasure.purge(conn, plan, progress)
            if dry_run:
                raise erasure.RolledBack(counts)
            return counts

        try:
            counts = self._run(work)
        except erasure.RolledBack as undone:
            return undone.counts
        if counts.total() == 0:
            return counts
        return attrs.evolve(counts, scrubbed=self._scrub())

    def anonymised(self, consultation: str) -> bool:
        return self._run(lambda conn: erasure.anonymised(conn, consultation), transaction=False)

    def _scrub(self) -> bool:
        """Rewrite the erased tables (``VACUUM FULL``) so their files hold live rows only;
        ``False`` inside :meth:`batch`, whose transaction VACUUM cannot run in."""
        if getattr(self._local, "conn", None) is not None:
            return False
        try:
            self._run(erasure.rewrite, transaction=False)
        except StorageError:
            return False
        return True

    def iter_report_rows(
        self,
        consultation: str,
        *,
        answer_in: tuple[str, Sequence[str]] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[ReportRow]:
        """One query through a server-side cursor: ``batch_size`` rows per round trip."""
        where = ""
        params: dict[str, Any] = {"c": consultation}
        if answer_in is not None:
            where = "AND s.answers->>%(q)s = ANY(%(values)s) "
            params.update(q=answer_in[0], values=list(answer_in[1]))
        sql = (
            "SELECT s.respondent_id, s.answers, r.role, r.authority_type, r.authority, "
            f"r.origin, s.channel, s.received_at, r.name {CURRENT}"
            f"WHERE p.consultation = %(c)s {where}ORDER BY p.respondent_id"
        )
        try:
            with (
                self._reading() as conn,
                conn.cursor(name="surveykit_report_rows") as cursor,
            ):
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(batch_size):
                    for row in rows:
                        yield ReportRow(*row[:7], utc(row[7]), row[8])
        except psycopg_pool.PoolClosed:
            raise StorageError(f"the store {self.url} is closed") from None
        except psycopg.Error as exc:
            raise StorageError(f"PostgreSQL at {self.url} failed: {exc}") from exc

    def tally(self, plan: TallyPlan) -> Iterator[TallyRow]:
        if not reports.in_sql(plan):
            return tally_rows(plan, self.iter_report_rows(plan.consultation))

        def count(conn: psycopg.Connection) -> list[TallyRow]:
            # Room for every grouping set's hash table at once: one pass, little sorting.
            conn.execute("SET LOCAL work_mem = '256MB'")
            sql, params, columns = reports.tally_query(plan)
            rows = conn.execute(sql, params).fetchall()
            groups = reports.groups_of(rows, columns)
            if groups is None:  # two groups share a hash: group on their texts instead
                sql, params, columns = reports.tally_query(plan, hashed=False)
                rows = conn.execute(sql, params).fetchall()
            tallied = list(reports.tally_rows(rows, columns, groups))
            if plan.multiple:
                tallied += map(_tally, conn.execute(*reports.multiple_query(plan)).fetchall())
            if plan.positions:
                tallied += map(_tally, conn.execute(*reports.positions_query(plan)).fetchall())
            return tallied

        return iter(self._run(count))

    def texts(
        self,
        consultation: str,
        questions: Sequence[str],
        *,
        consent: str | None = None,
        permitted: Sequence[str] = (),
        limit: int = 200,
    ) -> Iterator[TextRow]:
        """Chosen in SQL: answers are ranked on narrow rows, and only those a digest shows are
        read in full."""
        where = "" if consent is None else "AND s.answers->>%(consent)s = ANY(%(permitted)s) "
        sql = (
            "WITH ranked AS (SELECT e.key AS q, s.respondent_id AS rid, "
            "row_number() OVER (PARTITION BY e.key ORDER BY "
            "md5(e.key || ':' || (e.value #>> '{}')) COLLATE \"C\", s.respondent_id) AS rank, "
            "count(*) OVER (PARTITION BY e.key) AS n FROM responses p "
            "JOIN submissions s ON s.respondent_id = p.respondent_id AND s.version = p.version "
            "CROSS JOIN LATERAL jsonb_each(s.answers) e "
            "WHERE p.consultation = %(c)s AND e.key = ANY(%(questions)s) "
            "AND jsonb_typeof(e.value) = 'string' AND (e.value #>> '{}') ~ '[^[:space:]]' "
            f"{where}) "
            "SELECT k.q, s.answers->>k.q, k.rid, r.name, r.authority, "
            "s.answers->%(consent)s, k.n FROM ranked k "
            "JOIN responses p ON p.respondent_id = k.rid "
            "JOIN submissions s ON s.respondent_id = p.respondent_id AND s.version = p.version "
            "JOIN respondents r ON r.id = p.respondent_id "
            "WHERE k.rank <= %(limit)s ORDER BY k.q, k.rank"
        )
        params = {
            "c": consultation,
            "questions": list(questions),
            "consent": consent or "",
            "permitted": list(permitted),
            "limit": limit,
        }

        def choose(conn: psycopg.Connection) -> list[tuple]:
            conn.execute("SET LOCAL work_mem = '256MB'")  # rank in memory, not on disk
            return conn.execute(sql, params).fetchall()

        rows = self._run(choose)
        return (TextRow(*row) for row in rows)

    def report_snapshot(
        self, consultation: str, key: str
    ) -> AbstractContextManager[SnapshotRead] | None:
        if not self._read("SELECT 1 FROM report_watch WHERE consultation = %s", (consultation,)):
            self._run(lambda conn: snapshots.watch(conn, consultation))
        return self._snapshot_read(consultation, key)

    @contextmanager
    def _snapshot_read(self, consultation: str, key: str) -> Iterator[SnapshotRead]:
        """A REPEATABLE READ transaction pinned to this thread, so the store's own counting
        inside it (``tally``, ``texts``, ``iter_report_rows``) reads the same snapshot."""
        if getattr(self._local, "conn", None) is not None:
            raise StorageError("a report cannot be counted inside a batch of writes")

        try:
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                self._local.conn, self._local.locks = conn, set()
                try:
                    counting = self.tally_and_texts
                    yield snapshots.PostgresSnapshotRead(conn, consultation, key, counting)
                finally:
                    self._local.conn = self._local.locks = None
        except psycopg_pool.PoolClosed:
            raise StorageError(f"the store {self.url} is closed") from None
        except psycopg.Error as exc:
            raise StorageError(f"PostgreSQL at {self.url} failed: {exc}") from exc

    def keep_report_snapshot(self, consultation: str, key: str, marker: str, body: bytes) -> None:
        self._run(lambda conn: snapshots.keep(conn, consultation, key, marker, body))

    def roster_rows(self, consultation: str) -> Iterator[RosterRow]:
        rows = self._read(
            f"SELECT r.role, r.authority_type, {UNIT}, p.respondent_id IS NOT NULL, count(*) "
            "FROM respondents r LEFT JOIN responses p ON p.respondent_id = r.id "
            "WHERE r.consultation = %s AND r.origin = 'roster' GROUP BY 1, 2, 3, 4",
            (consultation,),
        )
        return (RosterRow(*row) for row in rows)

    def names(self, consultation: str) -> Iterator[tuple[str, str]]:
        rows = self._stream(
            "SELECT DISTINCT 'authority', authority FROM respondents "
            "WHERE consultation = %(c)s AND btrim(authority) <> '' "
            "UNION SELECT DISTINCT 'person', name FROM respondents "
            "WHERE consultation = %(c)s AND btrim(name) <> ''",
            {"c": consultation},
        )
        return (tuple(row) for row in rows)

    def authority_consents(self, consultation: str, question: str) -> Iterator[tuple[str, Any]]:
        rows = self._read(
            f"SELECT DISTINCT {UNIT}, s.answers->%s {CURRENT}WHERE p.consultation = %s",
            (question, consultation),
        )
        return ((unit, tuple(v) if isinstance(v, list) else v) for unit, v in rows)
