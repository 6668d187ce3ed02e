"""Row conversions and the one grant step shared by the SQLite store and its mailbox."""

from __future__ import annotations

import datetime as dt
import sqlite3

from surveykit.storage import Grant, utc

__all__ = ["from_text", "grant_one", "to_text"]


def to_text(when: dt.datetime) -> str:
    """An instant as stored: ISO 8601 in UTC."""
    return utc(when).isoformat()


def from_text(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def grant_one(conn: sqlite3.Connection, grant: Grant) -> None:
    """Store the respondent if new, revoke their live links and make ``grant``'s hash live,
    inside the caller's transaction (a roster import, or an invitation being recorded)."""
    r = grant.respondent
    conn.execute(
        "INSERT INTO respondents (id, consultation, authority, authority_type, role, name, "
        "email, consent, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING",
        (
            r.id,
            r.consultation,
            r.authority,
            r.authority_type,
            r.role,
            r.name,
            r.email,
            r.consent,
            r.origin,
            to_text(r.created_at),
        ),
    )
    issued = to_text(grant.issued_at)
    conn.execute(
        "UPDATE tokens SET revoked_at = ? WHERE respondent_id = ? AND revoked_at IS NULL",
        (issued, r.id),
    )
    conn.execute(
        "INSERT INTO tokens (hash, respondent_id, issued_at) VALUES (?, ?, ?)",
        (grant.token_hash, r.id, issued),
    )
