"""Kept report counts on SQLite: one read transaction, and the change log migration 7 keeps.

A deferred ``BEGIN`` followed by a ``SELECT`` pins a WAL read snapshot until ``COMMIT``: every
query of a report's catch-up (or full count) sees the same database, and the ``seq`` read at
its start is the last change that database holds.  SQLite has one writer at a time, so ``seq``
order is commit order and "after the marker" is exact.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import orjson

from surveykit.snapshots import Change
from surveykit.sql import SqlSnapshotRead
from surveykit.tally import ReportRow, TallyPlan, TextRequest

__all__ = ["SqliteSnapshotRead", "keep", "reading", "watch", "watched"]

#: Snapshots kept per consultation (public and internal reports, a spec being edited...).
KEPT = 4
#: Respondent ids per ``IN (...)`` list, well under SQLite's limit on parameters.
IN_BATCH = 500

_CURRENT = (
    "SELECT s.respondent_id, s.answers, r.role, r.authority_type, r.authority, r.origin, "
    "s.channel, s.received_at, r.name "
    "FROM submissions s JOIN respondents r ON r.id = s.respondent_id "
    "WHERE s.respondent_id IN ({marks}) AND s.version = "
    "(SELECT max(version) FROM submissions WHERE respondent_id = s.respondent_id)"
)
_VERSIONS = (
    "SELECT s.respondent_id, s.version, s.answers, s.channel, s.received_at "
    "FROM submissions s WHERE s.respondent_id IN ({marks})"
)


class SqliteSnapshotRead(SqlSnapshotRead):
    """The reads of one report, on one connection inside one read transaction."""

    MARKER = "SELECT seq FROM sqlite_sequence WHERE name = 'report_changes'"
    SAVED = "SELECT upto, body FROM report_snapshots WHERE consultation = ? AND key = ?"
    CHANGES = (
        "SELECT respondent_id, version, role, authority_type, authority FROM report_changes "
        "WHERE consultation = ? AND seq > ? ORDER BY seq"
    )

    def current(self, respondent_ids: Sequence[str]) -> Iterator[ReportRow]:
        loads, parse = orjson.loads, dt.datetime.fromisoformat
        for batch in _batches(respondent_ids):
            sql = _CURRENT.format(marks=", ".join("?" * len(batch)))
            for row in self._conn.execute(sql, batch).fetchall():
                yield ReportRow(row[0], loads(row[1]), *row[2:7], parse(row[7]), row[8])

    def counted(self, changes: Sequence[Change]) -> Iterator[ReportRow]:
        wanted = {c.respondent_id: c for c in changes if c.version > 0}
        for batch in _batches(list(wanted)):
            sql = _VERSIONS.format(marks=", ".join("?" * len(batch)))
            for rid, version, answers, channel, received in self._conn.execute(sql, batch):
                change = wanted[rid]
                if version == change.version:
                    yield ReportRow(
                        rid, orjson.loads(answers), change.role, change.authority_type,
                        change.authority, "", channel, dt.datetime.fromisoformat(received), "",
                    )  # fmt: skip


def _batches(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), IN_BATCH):
        yield items[start : start + IN_BATCH]


@contextmanager
def reading(
    conn: sqlite3.Connection,
    consultation: str,
    key: str,
    everything: Callable[[TallyPlan, TextRequest | None], tuple[list, list]],
) -> Iterator[SqliteSnapshotRead]:
    """A read transaction on ``conn`` (the thread's own connection, so the store's other
    reads inside it share the same snapshot of the database).  Inside a batch of writes the
    batch's own transaction is that snapshot already."""
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        yield SqliteSnapshotRead(conn, consultation, key, everything)
    finally:
        if began and conn.in_transaction:
            conn.execute("COMMIT")


def watched(conn: sqlite3.Connection, consultation: str) -> bool:
    """Whether changes to the consultation are logged yet (see :func:`watch`)."""
    found = conn.execute("SELECT 1 FROM report_watch WHERE consultation = ?", (consultation,))
    return found.fetchone() is not None


def watch(conn: sqlite3.Connection, consultation: str) -> None:
    """Start logging the consultation's changes (inside the caller's write transaction, which
    no other writer shares: every change committed after it is logged)."""
    conn.execute("INSERT OR IGNORE INTO report_watch (consultation) VALUES (?)", (consultation,))


def keep(
    conn: sqlite3.Connection, consultation: str, key: str, marker: str, body: bytes, now: str
) -> None:
    """Keep a snapshot (inside the caller's write transaction), at most :data:`KEPT` per
    consultation, and forget the changes every kept one has counted."""
    conn.execute(
        "INSERT OR REPLACE INTO report_snapshots (consultation, key, upto, saved_at, body) "
        "VALUES (?, ?, ?, ?, ?)",
        (consultation, key, int(marker), now, body),
    )
    conn.execute(
        "DELETE FROM report_snapshots WHERE consultation = ?1 AND key NOT IN "
        "(SELECT key FROM report_snapshots WHERE consultation = ?1 "
        "ORDER BY saved_at DESC, upto DESC LIMIT ?2)",
        (consultation, KEPT),
    )
    conn.execute(
        "DELETE FROM report_changes WHERE consultation = ?1 AND seq <= "
        "(SELECT min(upto) FROM report_snapshots WHERE consultation = ?1)",
        (consultation,),
    )
