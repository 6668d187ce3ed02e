"""Row conversions and the one grant step shared by the PostgreSQL store and its mailbox."""

from __future__ import annotations

import datetime as dt

import psycopg

from surveykit.storage import Grant, utc

__all__ = ["as_utc", "grant_one"]


def as_utc(when: dt.datetime | None) -> dt.datetime | None:
    """A timestamp read back from the server, in UTC (``None`` stays ``None``)."""
    return None if when is None else when.astimezone(dt.UTC)


def grant_one(conn: psycopg.Connection, grant: Grant) -> None:
    """Store the respondent if new, revoke their live links and make ``grant``'s hash live,
    inside the caller's transaction (a roster import, or an invitation being recorded)."""
    r = grant.respondent
    conn.execute(
        "INSERT INTO respondents (id, consultation, authority, authority_type, role, name, "
        "email, consent, origin, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
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
            utc(r.created_at),
        ),
    )
    issued = utc(grant.issued_at)
    conn.execute(
        "UPDATE tokens SET revoked_at = %s WHERE respondent_id = %s AND revoked_at IS NULL",
        (issued, r.id),
    )
    conn.execute(
        "INSERT INTO tokens (hash, respondent_id, issued_at) VALUES (%s, %s, %s)",
        (grant.token_hash, r.id, issued),
    )
