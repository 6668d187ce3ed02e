"""Kept report counts on PostgreSQL: one REPEATABLE READ transaction, and the change log
migration 7 keeps.

The read runs in one transaction whose snapshot every query shares, the store's own counting
included (the connection is pinned for the thread, as :meth:`PostgresStore.batch` pins one).
Its ``pg_current_snapshot()`` is saved with the kept counts; the changes a later report must
apply are those whose transaction that snapshot could not see.  Sequence numbers are not commit
order under concurrent writers, so they only order one respondent's changes, which the
respondent's ``responses`` row lock serialises.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg

from surveykit.snapshots import Change
from surveykit.sql import SqlSnapshotRead
from surveykit.storage import utc
from surveykit.tally import ReportRow

__all__ = ["KEPT", "PostgresSnapshotRead", "keep", "watch"]

#: Snapshots kept per consultation (public and internal reports, a spec being edited...).
KEPT = 4

_CURRENT = (
    "SELECT s.respondent_id, s.answers, r.role, r.authority_type, r.authority, r.origin, "
    "s.channel, s.received_at, r.name FROM responses p "
    "JOIN submissions s ON s.respondent_id = p.respondent_id AND s.version = p.version "
    "JOIN respondents r ON r.id = p.respondent_id WHERE p.respondent_id = ANY(%s)"
)
_VERSIONS = (
    "SELECT s.respondent_id, s.answers, s.channel, s.received_at FROM submissions s "
    "JOIN unnest(%s::text[], %s::int[]) AS w (rid, version) "
    "ON s.respondent_id = w.rid AND s.version = w.version"
)


class PostgresSnapshotRead(SqlSnapshotRead):
    """The reads of one report, on one connection inside one REPEATABLE READ transaction."""

    MARKER = "SELECT pg_current_snapshot()::text"
    SAVED = "SELECT upto::text, body FROM report_snapshots WHERE consultation = %s AND key = %s"
    CHANGES = (
        "SELECT respondent_id, version, role, authority_type, authority FROM report_changes "
        "WHERE consultation = %s AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot) "
        "ORDER BY seq"
    )

    def current(self, respondent_ids: Sequence[str]) -> Iterator[ReportRow]:
        rows = self._conn.execute(_CURRENT, (list(respondent_ids),)).fetchall()
        for row in rows:
            yield ReportRow(*row[:7], utc(row[7]), row[8])

    def counted(self, changes: Sequence[Change]) -> Iterator[ReportRow]:
        wanted = {c.respondent_id: c for c in changes if c.version > 0}
        versions = [wanted[rid].version for rid in wanted]
        for rid, answers, channel, received in self._conn.execute(
            _VERSIONS, (list(wanted), versions)
        ).fetchall():
            change = wanted[rid]
            yield ReportRow(
                rid, answers, change.role, change.authority_type, change.authority, "",
                channel, utc(received), "",
            )  # fmt: skip


def watch(conn: psycopg.Connection, consultation: str) -> None:
    """Start logging the consultation's changes, inside the caller's transaction.  The SHARE
    lock waits for every writer already in flight (whose trigger could not see the new row)
    and holds new ones until this commits, so every change committed after it is logged."""
    conn.execute("LOCK TABLE submissions, respondents IN SHARE MODE")
    conn.execute(
        "INSERT INTO report_watch (consultation) VALUES (%s) ON CONFLICT DO NOTHING",
        (consultation,),
    )


def keep(conn: psycopg.Connection, consultation: str, key: str, marker: str, body: bytes) -> Any:
    """Keep a snapshot (inside the caller's transaction), at most :data:`KEPT` per
    consultation, and forget the changes every kept one has seen."""
    conn.execute(
        "INSERT INTO report_snapshots (consultation, key, upto, saved_at, body) "
        "VALUES (%s, %s, %s::pg_snapshot, now(), %s) ON CONFLICT (consultation, key) "
        "DO UPDATE SET upto = EXCLUDED.upto, saved_at = EXCLUDED.saved_at, body = EXCLUDED.body",
        (consultation, key, marker, body),
    )
    conn.execute(
        "DELETE FROM report_snapshots WHERE consultation = %(c)s AND key NOT IN "
        "(SELECT key FROM report_snapshots WHERE consultation = %(c)s "
        "ORDER BY saved_at DESC LIMIT %(kept)s)",
        {"c": consultation, "kept": KEPT},
    )
    conn.execute(
        "DELETE FROM report_changes c WHERE c.consultation = %(c)s AND NOT EXISTS ("
        "SELECT 1 FROM report_snapshots s WHERE s.consultation = c.consultation "
        "AND NOT pg_visible_in_snapshot(c.xid, s.upto))",
        {"c": consultation},
    )
