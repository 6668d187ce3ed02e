"""The SQLite store: a connection per thread, a transaction per write, ``BEGIN IMMEDIATE``.

``BEGIN IMMEDIATE`` takes the database's write lock before reading the current version, so two
writers (threads or processes) can never both hand out the same version number; the second waits
(up to ``busy_timeout``) and then sees the first one's commit.

Writers first queue on an operating-system lock on a file beside the database (``DB.writelock``):
the kernel wakes the next writer the moment the lock is free, where SQLite's own busy handler
would poll with sleeps growing to 100 ms.  That keeps the slowest writes fast when several web
workers share one file.  Writers that do not take it (the ``sqlite3`` shell) are still safe:
``BEGIN IMMEDIATE`` and ``busy_timeout`` remain the real guard.

Drafts are committed with ``synchronous=NORMAL`` even on a ``FULL`` database: a power cut may
lose the last few seconds of saved pages, never a submission, and never the database's
consistency.  Submissions and everything else are committed durably (``FULL``, the default).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import orjson

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
    Visit,
    utc,
)
from surveykit.tally import unit_of

from . import erasure, schema, snapshots
from .mailbox import SqliteMailbox
from .rows import DIALECT, from_text, grant_one, to_text

SYNCHRONOUS = ("full", "normal")
#: How long a writer waits for another to finish before giving up.
BUSY_TIMEOUT_MS = 30_000

_SUBMISSION_COLUMNS = columns(SUBMISSION_FIELDS, "s")
_SAVE_DRAFT = (
    "INSERT INTO drafts (respondent_id, answers, saved_at) VALUES (?, ?, ?) "
    "ON CONFLICT (respondent_id) DO UPDATE "
    "SET answers = excluded.answers, saved_at = excluded.saved_at"
)
# A form page's one read: the link, its respondent, their draft and their latest submission.
_VISIT_QUERY = (
    f"SELECT {VISIT_COLUMNS} FROM tokens t JOIN respondents r ON r.id = t.respondent_id "
    "LEFT JOIN drafts d ON d.respondent_id = r.id "
    "LEFT JOIN submissions s ON s.respondent_id = r.id AND s.version = "
    "(SELECT max(version) FROM submissions WHERE respondent_id = r.id) "
    "WHERE t.hash = ?"
)
# Walks the submissions key in order from where the last batch ended, keeping each respondent's
# highest version: no second table or index to write on every submission.
_LATEST_QUERY = (
    f"SELECT {_SUBMISSION_COLUMNS} FROM submissions s "
    "WHERE s.respondent_id > ? AND s.consultation = ? AND s.version = "
    "(SELECT max(version) FROM submissions WHERE respondent_id = s.respondent_id) "
    "ORDER BY s.respondent_id LIMIT ?"
)


def _settle_message(conn: sqlite3.Connection, new: NewSubmission, version: int) -> None:
    """Mark the message a submission was read from as having produced ``version``, or refuse."""
    settled = conn.execute(
        "UPDATE mail_messages SET status = 'submitted', respondent_id = ?, version = ? "
        "WHERE id = ? AND consultation = ? AND version IS NULL",
        (new.respondent_id, version, new.message, new.consultation),
    ).rowcount
    if not settled:
        row = conn.execute(
            "SELECT version FROM mail_messages WHERE id = ? AND consultation = ?",
            (new.message, new.consultation),
        ).fetchone()
        raise unsettled_message(new.message or 0, None if row is None else row[0])


_AUDIT_COLUMNS = "consultation, recorded_at, officer, action, subject, detail"
_INSERT_AUDIT = f"INSERT INTO audit_log ({_AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"


def _audit_time(when: dt.datetime) -> str:
    """An instant as the audit log keeps it: UTC, always with microseconds, so that comparing
    the texts (``--since``) compares the instants."""
    return utc(when).isoformat(timespec="microseconds")


def _audit_row(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.consultation,
        _audit_time(entry.recorded_at),
        entry.officer,
        entry.action,
        entry.subject,
        entry.detail,
    )


def _audit_entry(row: Sequence[Any]) -> AuditEntry:
    consultation, recorded_at, officer, action, subject, detail = row
    return AuditEntry(consultation, from_text(recorded_at), officer, action, subject, detail)


class _Busy(Exception):
    """Another writer holds the database, and the caller asked not to wait."""


def parse_url(url: str) -> tuple[Path, str]:
    """The database path and the ``synchronous`` setting of a ``sqlite:///path`` URL."""
    parts = urlsplit(url)
    path = parts.path[1:] if parts.path.startswith("/") else parts.path
    if parts.scheme != "sqlite" or parts.netloc or not path:
        msg = (
            f"{url!r} is not a SQLite URL: write sqlite:///relative/path.db "
            "or sqlite:////absolute/path.db"
        )
        raise StorageError(msg)
    options = parse_qs(parts.query)
    unknown = sorted(set(options) - {"synchronous"})
    if unknown:
        raise StorageError(f"unknown SQLite URL option {unknown[0]!r}; known: synchronous")
    synchronous = options.get("synchronous", ["full"])[-1].lower()
    if synchronous not in SYNCHRONOUS:
        msg = f"synchronous must be one of {', '.join(SYNCHRONOUS)}, not {synchronous!r}"
        raise StorageError(msg)
    return Path(path), synchronous


#: Page cache per connection, in KiB: enough to keep the interior and hot leaf pages of the
#: random-key indexes (a message's hash and Message-ID, a submission's respondent id) of a
#: consultation of 100,000 replies in memory, so an insert does not read them back from the
#: file.  An upper bound, filled only as pages are read.
CACHE_KIB = 65_536
#: Checkpoint the write-ahead log after this many pages (80 MB), not SQLite's 1,000.  An index
#: page that many inserts dirty is then copied back to the database once per checkpoint, not
#: once per transaction: with the default, ingest at 100,000 stored messages cost each message
#: several times what it did at 1,000 (benchmarks/sqlite_growth.py measures both).
CHECKPOINT_PAGES = 20_000


def connect(path: Path, synchronous: str = "full") -> sqlite3.Connection:
    """A connection with surveykit's settings: WAL, foreign keys, explicit transactions.

    The benchmark's raw baseline uses this too, so both pay for the same durability.
    """
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
    return conn


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements (``executescript`` would commit our transaction)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {buffer.strip()[:60]}")


class SqliteStore(SqlReads, SqliteMailbox, Store):
    """A store in one SQLite file, safe to share between threads and processes."""

    dialect = DIALECT

    def __init__(self, path: str | Path, *, synchronous: str = "full", url: str | None = None):
        self.path = Path(path)
        self.synchronous = synchronous
        self.url = url or f"sqlite:///{self.path}"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._writer = threading.Lock()
        self._writer_fd: int | None = None
        self._migrate()

    @property
    def secret_file(self) -> Path:
        return self.path.with_name(self.path.name + ".secret")

    # Plumbing -------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise StorageError(f"the store {self.url} is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with self._lock:
                if self._closed:
                    raise StorageError(f"the store {self.url} is closed")
                with self._errors():
                    conn = connect(self.path, self.synchronous)
                self._connections.append(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(f"the SQLite database {self.path} failed: {exc}") from exc

    @contextmanager
    def _writer_turn(self, *, wait: bool = True) -> Iterator[None]:
        """Wait, without polling, until no other surveykit writer on this file is writing.

        With ``wait=False``, raise :class:`_Busy` at once instead of waiting.
        """
        if not self._writer.acquire(blocking=wait):
            raise _Busy
        try:
            fd = self._writer_fd
            if fd is None:
                lock_path = self.path.with_name(self.path.name + ".writelock")
                try:
                    fd = self._writer_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
                except OSError:
                    yield  # a read-only folder: fall back on SQLite's own busy handler
                    return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _Busy from None
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._writer.release()

    @contextmanager
    def _write(self, *, durable: bool = True, wait: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the database's write lock from its first statement.

        ``durable=False`` commits without waiting for the disk (``synchronous=NORMAL``);
        ``wait=False`` raises :class:`_Busy` rather than wait for another writer.
        """
        conn = self._connection()
        if getattr(self._local, "batch", False):
            # Inside batch(): the transaction is open already; a savepoint keeps this write
            # all or nothing on its own.
            with self._errors():
                conn.execute("SAVEPOINT surveykit_write")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK TO surveykit_write")
                    conn.execute("RELEASE surveykit_write")
                    raise
                conn.execute("RELEASE surveykit_write")
            return
        relaxed = not durable and self.synchronous == "full"
        with self._writer_turn(wait=wait), self._errors():
            if relaxed:
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            finally:
                if relaxed:
                    conn.execute("PRAGMA synchronous = FULL")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One write transaction for every write inside (see :meth:`Store.batch`)."""
        if getattr(self._local, "batch", False):
            yield
            return
        with self._write():
            self._local.batch = True
            try:
                yield
            finally:
                self._local.batch = False

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        conn = self._connection()
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:  # as _errors() does, minus its cost on the busiest path
            raise StorageError(f"the SQLite database {self.path} failed: {exc}") from exc

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        """The rows of a query that may return one per respondent, a batch at a time, so
        memory does not grow with the number of respondents."""
        conn = self._connection()
        with self._errors():
            cursor = conn.execute(sql, params)
            while batch := cursor.fetchmany(DEFAULT_BATCH_SIZE):
                yield from batch

    def _migrate(self) -> None:
        with self._write() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            current = 0 if row is None else row[0]
            known = len(schema.MIGRATIONS)
            if current > known:
                msg = (
                    f"the SQLite database {self.path} has schema version {current}, newer than "
                    f"this surveykit knows ({known}); upgrade surveykit"
                )
                raise StorageError(msg)
            for script in schema.MIGRATIONS[current:]:
                for statement in _statements(script):
                    conn.execute(statement)
            if row is None:
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (known,))
            elif current != known:
                conn.execute("UPDATE schema_version SET version = ?", (known,))

    def schema_version(self) -> int:
        """The schema version the database is at."""
        return self._read("SELECT version FROM schema_version")[0][0]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        with self._writer:
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None

    def secret_fingerprint(self, proposed: str) -> str:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('secret_fingerprint', ?) "
                "ON CONFLICT (key) DO NOTHING",
                (proposed,),
            )
            return conn.execute(
                "SELECT value FROM meta WHERE key = 'secret_fingerprint'"
            ).fetchone()[0]

    # Identity -------------------------------------------------------------------------------

    def grant(self, grants: Sequence[Grant]) -> None:
        try:
            with self._write() as conn:
                for g in grants:
                    grant_one(conn, g)
        except StorageError as exc:
            raise StorageError(f"nothing was granted: {exc}") from exc

    def visit(self, token_hash: str) -> Visit | None:
        rows = self._read(_VISIT_QUERY, (token_hash,))
        return DIALECT.visit(rows[0]) if rows else None

    # Drafts ---------------------------------------------------------------------------------

    def save_draft(self, draft: Draft) -> None:
        self.save_drafts([draft])

    def save_drafts(self, drafts: Sequence[Draft]) -> None:
        self._save_drafts(drafts, wait=True)

    def try_save_drafts(self, drafts: Sequence[Draft]) -> bool:
        try:
            self._save_drafts(drafts, wait=False)
        except _Busy:
            return False
        return True

    def _save_drafts(self, drafts: Sequence[Draft], *, wait: bool) -> None:
        rows = [(d.respondent_id, dump_answers(d.answers), to_text(d.saved_at)) for d in drafts]
        try:
            with self._write(durable=False, wait=wait) as conn:
                conn.executemany(_SAVE_DRAFT, rows)
        except StorageError as exc:
            if len(drafts) == 1:
                raise self._unknown(drafts[0].respondent_id, exc) from exc
            raise

    def set_language(self, respondent_id: str, language: str | None) -> bool:
        with self._write() as conn:
            return (
                conn.execute(
                    "UPDATE respondents SET language = ? WHERE id = ?", (language, respondent_id)
                ).rowcount
                > 0
            )

    def discard_draft(self, respondent_id: str) -> bool:
        with self._write() as conn:
            return (
                conn.execute(
                    "DELETE FROM drafts WHERE respondent_id = ?", (respondent_id,)
                ).rowcount
                > 0
            )

    # Submissions ----------------------------------------------------------------------------

    def append_submission(self, new: NewSubmission) -> Submission:
        answers = dump_answers(new.answers)
        submitted, received = to_text(new.submitted_at), to_text(new.received_at)
        try:
            with self._write() as conn:
                version = conn.execute(
                    "SELECT coalesce(max(version), 0) + 1 FROM submissions WHERE respondent_id = ?",
                    (new.respondent_id,),
                ).fetchone()[0]
                conn.execute(
                    "INSERT INTO submissions (respondent_id, version, consultation, channel, "
                    "submitted_at, received_at, answers) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        new.respondent_id,
                        version,
                        new.consultation,
                        new.channel,
                        submitted,
                        received,
                        answers,
                    ),
                )
                conn.execute("DELETE FROM drafts WHERE respondent_id = ?", (new.respondent_id,))
                if new.message is not None:
                    _settle_message(conn, new, version)
        except StorageError as exc:
            raise self._unknown(new.respondent_id, exc) from exc
        return Submission(
            consultation=new.consultation,
            respondent_id=new.respondent_id,
            version=version,
            answers=orjson.loads(answers),
            channel=new.channel,
            submitted_at=from_text(submitted),
            received_at=from_text(received),
        )

    def response(self, respondent_id: str) -> Submission | None:
        rows = self._read(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions s "
            "WHERE s.respondent_id = ? ORDER BY s.version DESC LIMIT 1",
            (respondent_id,),
        )
        return DIALECT.submission(rows[0]) if rows else None

    def iter_responses(
        self, consultation: str, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> Iterator[Submission]:
        after = ""
        while True:
            rows = self._read(_LATEST_QUERY, (after, consultation, batch_size))
            for row in rows:
                yield DIALECT.submission(row)
            if len(rows) < batch_size:
                return
            after = rows[-1][1]
            rows = None  # let this batch go before the next one is read

    def count_responses(self, consultation: str) -> int:
        return self._read(
            "SELECT count(DISTINCT respondent_id) FROM submissions WHERE consultation = ?",
            (consultation,),
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
        """Numbered under ``BEGIN IMMEDIATE`` behind the writers' lock, as versions are."""
        published = utc(published_at)
        with self._write() as conn:
            return DIALECT.add_release(
                conn, consultation, published, format, threshold, public, audit
            )

    # Audit trail ----------------------------------------------------------------------------

    def record_audit(self, entry: AuditEntry) -> None:
        """Appended under ``BEGIN IMMEDIATE``, so the rowid order is the recording order."""
        with self._write() as conn:
            conn.execute(_INSERT_AUDIT, _audit_row(entry))

    def audit_log(
        self, consultation: str, since: dt.datetime | None = None
    ) -> Iterator[AuditEntry]:
        start = "" if since is None else _audit_time(since)
        rows = self._stream(
            f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE consultation = ? AND recorded_at >= ? "
            "ORDER BY id",
            (consultation, start),
        )
        return (_audit_entry(row) for row in rows)

    # Reports --------------------------------------------------------------------------------
    # Authority units are computed in Python (unit_of): SQLite's lower() folds only ASCII.

    def link_times(self, respondent_id: str) -> list[tuple[dt.datetime, dt.datetime | None]]:
        rows = self._read(
            "SELECT issued_at, revoked_at FROM tokens WHERE respondent_id = ? ORDER BY issued_at",
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
        with self._erasing() as conn:
            counts = erasure.erase(conn, respondent_id, keep_answers, messages)
        return attrs.evolve(counts, scrubbed=self._scrub())

    def erase_messages(self, consultation: str, messages: Sequence[int]) -> ErasedCounts:
        with self._erasing() as conn:
            counts = erasure.erase_messages(conn, consultation, messages)
        return attrs.evolve(counts, scrubbed=self._scrub())

    def purge(
        self,
        plan: PurgePlan,
        *,
        progress: Callable[[int], None] | None = None,
        dry_run: bool = False,
    ) -> PurgedCounts:
        """One ``BEGIN IMMEDIATE`` transaction behind the writers' lock, so two purges (cron and
        an officer) run one after the other and the second finds nothing left; then the freed
        bytes are overwritten as for an erasure.  A dry run rolls its transaction back."""
        try:
            with self._erasing() as conn:
                counts = erasure.purge(conn, plan, progress)
                if dry_run:
                    raise erasure.RolledBack(counts)
        except erasure.RolledBack as undone:
            return undone.counts
        if counts.total() == 0:
            return counts
        return attrs.evolve(counts, scrubbed=self._scrub())

    def anonymised(self, consultation: str) -> bool:
        return erasure.anonymised(self._connection(), consultation)

    @contextmanager
    def _erasing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction whose deletions overwrite the freed bytes with zeros."""
        conn = self._connection()
        with self._errors():
            before = conn.execute("PRAGMA secure_delete").fetchone()[0]
            conn.execute("PRAGMA secure_delete = ON")
        try:
            with self._write() as writing:
                yield writing
        finally:
            with self._errors():
                conn.execute(f"PRAGMA secure_delete = {int(before)}")

    def _scrub(self) -> bool:
        """Rewrite the file without the erased rows' pages (``VACUUM``), then copy the
        write-ahead log back and truncate it to nothing, so the erased bytes are neither in the
        database, nor in its freed pages, nor in the WAL.  ``False`` if that could not be done
        now: inside :meth:`batch`, or while another connection reads an older snapshot."""
        if getattr(self._local, "batch", False):
            return False
        conn = self._connection()
        try:
            with self._writer_turn(), self._errors():
                conn.execute("VACUUM")
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except StorageError:
            return False
        return busy == 0

    def iter_report_rows(
        self,
        consultation: str,
        *,
        answer_in: tuple[str, Sequence[str]] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[ReportRow]:
        where, extra = "", []
        if answer_in is not None:
            where = "AND json_extract(s.answers, '$.' || ?) IN (SELECT value FROM json_each(?)) "
            extra = [answer_in[0], json.dumps(list(answer_in[1]))]
        sql = (
            "SELECT s.respondent_id, s.answers, r.role, r.authority_type, r.authority, "
            "r.origin, s.channel, s.received_at, r.name "
            "FROM submissions s JOIN respondents r ON r.id = s.respondent_id "
            "WHERE s.respondent_id > ? AND s.consultation = ? AND s.version = "
            "(SELECT max(version) FROM submissions WHERE respondent_id = s.respondent_id) "
            f"{where}ORDER BY s.respondent_id LIMIT ?"
        )
        after = ""
        loads, parse = orjson.loads, dt.datetime.fromisoformat
        while True:
            rows = self._read(sql, (after, consultation, *extra, batch_size))
            for rid, answers, role, kind, authority, origin, channel, received, name in rows:
                yield ReportRow(
                    rid,
                    loads(answers),
                    role,
                    kind,
                    authority,
                    origin,
                    channel,
                    parse(received),
                    name,
                )
            if len(rows) < batch_size:
                return
            after = rows[-1][0]
            rows = None  # let this batch go before the next one is read

    def report_snapshot(
        self, consultation: str, key: str
    ) -> AbstractContextManager[SnapshotRead] | None:
        conn = self._connection()
        with self._errors():
            if not snapshots.watched(conn, consultation):
                with self._write() as writing:
                    snapshots.watch(writing, consultation)
        return self._snapshot_read(conn, consultation, key, self.tally_and_texts)

    @contextmanager
    def _snapshot_read(self, *args: Any) -> Iterator[SnapshotRead]:
        with self._errors(), snapshots.reading(*args) as read:
            yield read

    def keep_report_snapshot(self, consultation: str, key: str, marker: str, body: bytes) -> None:
        now = to_text(dt.datetime.now(dt.UTC))
        with self._write() as conn:
            snapshots.keep(conn, consultation, key, marker, body, now)

    def roster_rows(self, consultation: str) -> Iterator[RosterRow]:
        # A respondent's id is read only where it is their unit (no authority), so equal rows
        # are counted by Counter in C before each distinct one is worked out in Python.
        rows = Counter(
            self._stream(
                "SELECT r.role, r.authority_type, r.authority, "
                "CASE WHEN trim(r.authority, ' ') = '' THEN r.id ELSE '' END, "
                "EXISTS (SELECT 1 FROM submissions s WHERE s.respondent_id = r.id) "
                "FROM respondents r WHERE r.consultation = ? AND r.origin = 'roster'",
                (consultation,),
            )
        )
        counts: Counter[tuple[str, str, str, bool]] = Counter()
        for (role, kind, authority, rid, responded), n in rows.items():
            counts[(role, kind, unit_of(authority, rid), bool(responded))] += n
        return (RosterRow(*key, n) for key, n in counts.items())

    def names(self, consultation: str) -> Iterator[tuple[str, str]]:
        rows = self._stream(
            "SELECT DISTINCT 'authority', authority FROM respondents "
            "WHERE consultation = ?1 AND trim(authority) <> '' "
            "UNION SELECT DISTINCT 'person', name FROM respondents "
            "WHERE consultation = ?1 AND trim(name) <> ''",
            (consultation,),
        )
        return (tuple(row) for row in rows)

    def authority_consents(self, consultation: str, question: str) -> Iterator[tuple[str, Any]]:
        rows = self._stream(
            "SELECT DISTINCT r.authority, CASE WHEN trim(r.authority, ' ') = '' THEN r.id "
            "ELSE '' END, json_extract(s.answers, '$.' || ?), "
            "json_type(s.answers, '$.' || ?) "
            "FROM submissions s JOIN respondents r ON r.id = s.respondent_id "
            "WHERE s.consultation = ? AND s.version = "
            "(SELECT max(version) FROM submissions WHERE respondent_id = s.respondent_id)",
            (question, question, consultation),
        )
        seen = set()
        for authority, rid, value, kind in rows:
            if kind == "array":
                value = tuple(orjson.loads(value))
            pair = (unit_of(authority, rid), value)
            if pair not in seen:
                seen.add(pair)
                yield pair

    def _unknown(self, respondent_id: str, exc: StorageError) -> StorageError:
        if "FOREIGN KEY" in str(exc):
            return StorageError(f"no respondent with id {respondent_id!r}; nothing was stored")
        return exc
