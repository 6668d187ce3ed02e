"""The SQLite schema, as numbered migrations applied in order on open.

Identity (``respondents``, ``tokens``) lives in tables of its own; ``submissions`` holds answers
under the random respondent id only.  A submission writes one row to one table: the next version
is read from the ``submissions`` key itself, which ``BEGIN IMMEDIATE`` makes safe, and the latest
version per respondent is found through the same key.  Triggers make ``submissions``
append-only.  Never edit a migration that has shipped: add one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

    CREATE TABLE respondents (
        id TEXT PRIMARY KEY,
        consultation TEXT NOT NULL,
        authority TEXT NOT NULL,
        authority_type TEXT NOT NULL,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        consent TEXT,
        origin TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX respondents_by_consultation ON respondents (consultation);

    CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        respondent_id TEXT NOT NULL REFERENCES respondents (id),
        issued_at TEXT NOT NULL,
        revoked_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX live_tokens_by_respondent ON tokens (respondent_id) WHERE revoked_at IS NULL;

    CREATE TABLE drafts (
        respondent_id TEXT PRIMARY KEY REFERENCES respondents (id),
        answers TEXT NOT NULL,
        saved_at TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE submissions (
        respondent_id TEXT NOT NULL REFERENCES respondents (id),
        version INTEGER NOT NULL CHECK (version >= 1),
        consultation TEXT NOT NULL,
        channel TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        answers TEXT NOT NULL,
        PRIMARY KEY (respondent_id, version)
    ) WITHOUT ROWID;
    CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
    BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
    CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
    BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
    """,
)
