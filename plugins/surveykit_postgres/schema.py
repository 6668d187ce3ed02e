"""The PostgreSQL schema, as numbered migrations applied in order on open.

The same shape as the SQLite schema: identity in ``respondents`` and ``tokens``, answers in
``submissions`` (append-only, enforced by a trigger) under the random respondent id, and
``responses`` pointing at each respondent's latest version.  Never edit a shipped migration.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);

    CREATE TABLE respondents (
        id text COLLATE "C" PRIMARY KEY,
        consultation text NOT NULL,
        authority text NOT NULL,
        authority_type text NOT NULL,
        role text NOT NULL,
        name text NOT NULL,
        email text NOT NULL,
        consent text,
        origin text NOT NULL,
        created_at timestamptz NOT NULL
    );
    CREATE INDEX respondents_by_consultation ON respondents (consultation);

    CREATE TABLE tokens (
        hash text PRIMARY KEY,
        respondent_id text COLLATE "C" NOT NULL REFERENCES respondents (id),
        issued_at timestamptz NOT NULL,
        revoked_at timestamptz
    );
    CREATE INDEX live_tokens_by_respondent ON tokens (respondent_id) WHERE revoked_at IS NULL;

    CREATE TABLE drafts (
        respondent_id text COLLATE "C" PRIMARY KEY REFERENCES respondents (id),
        answers jsonb NOT NULL,
        saved_at timestamptz NOT NULL
    );

    CREATE TABLE submissions (
        respondent_id text COLLATE "C" NOT NULL REFERENCES respondents (id),
        version integer NOT NULL CHECK (version >= 1),
        consultation text NOT NULL,
        channel text NOT NULL,
        submitted_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        answers jsonb NOT NULL,
        PRIMARY KEY (respondent_id, version)
    );
    CREATE FUNCTION submissions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'submissions are append-only';
    END
    $$;
    CREATE TRIGGER submissions_no_change BEFORE UPDATE OR DELETE ON submissions
        FOR EACH ROW EXECUTE FUNCTION submissions_append_only();
    CREATE TRIGGER submissions_no_truncate BEFORE TRUNCATE ON submissions
        FOR EACH STATEMENT EXECUTE FUNCTION submissions_append_only();

    CREATE TABLE responses (
        respondent_id text COLLATE "C" PRIMARY KEY REFERENCES respondents (id),
        consultation text NOT NULL,
        version integer NOT NULL
    );
    CREATE INDEX responses_by_consultation ON responses (consultation, respondent_id);
    """,
)
