"""The PostgreSQL schema, as numbered migrations applied in order on open.

The same shape as the SQLite schema: identity in ``respondents`` and ``tokens``, answers in
``submissions`` (append-only, enforced by a trigger) under the random respondent id, and
``responses`` pointing at each respondent's latest version.  Migration 2 adds the email
channel's mailbox (``mail_*`` tables), apart from answers.  Migration 3 adds ``releases``,
every public report as published, numbered per consultation and append-only.  Migration 4
adds ``respondents.language``, the language a respondent asked to be written to in.  Migration 5
adds ``audit_log``, the officers' audit trail (issue 19), with the person only as a keyed hash;
triggers refuse every ``UPDATE``, ``DELETE`` and ``TRUNCATE`` on it.  Migration 6 (issue 19)
lets an erasure, and nothing else, delete submissions and raw messages: see the setting
``surveykit.erasing`` below.  Migration 7 (issue 20) keeps reports' counts between reports
(:mod:`surveykit.snapshots`): triggers log every change a report must follow in
``report_changes``, each with its transaction id, and drop a consultation's
``report_snapshots`` on any deletion.  Never edit a shipped migration.
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
    # 2: the email channel's mailbox.  Raw messages, the review queue and the invitations sent
    # are identity-bearing, so they live in tables of their own and never join answers.
    """
    CREATE TABLE mail_messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consultation text NOT NULL,
        raw bytea NOT NULL,
        received_at timestamptz NOT NULL,
        source text NOT NULL,
        sha256 text NOT NULL,
        message_id text,
        duplicate_of bigint REFERENCES mail_messages (id),
        status text NOT NULL DEFAULT 'pending',
        respondent_id text COLLATE "C" REFERENCES respondents (id),
        version integer
    );
    CREATE INDEX mail_messages_by_hash ON mail_messages (consultation, sha256);
    CREATE INDEX mail_messages_by_message_id ON mail_messages (consultation, message_id)
        WHERE message_id IS NOT NULL;
    CREATE INDEX mail_messages_pending ON mail_messages (consultation) WHERE status = 'pending';
    CREATE FUNCTION mail_messages_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'nothing received is ever dropped';
        END IF;
        IF NEW.raw IS DISTINCT FROM OLD.raw OR NEW.received_at IS DISTINCT FROM OLD.received_at
           OR NEW.sha256 IS DISTINCT FROM OLD.sha256 THEN
            RAISE EXCEPTION 'a stored message never changes';
        END IF;
        RETURN NEW;
    END
    $$;
    CREATE TRIGGER mail_messages_keep BEFORE UPDATE OR DELETE ON mail_messages
        FOR EACH ROW EXECUTE FUNCTION mail_messages_keep();

    CREATE TABLE mail_reviews (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consultation text NOT NULL,
        message bigint NOT NULL REFERENCES mail_messages (id),
        reason text NOT NULL,
        detail text NOT NULL,
        created_at timestamptz NOT NULL,
        respondent_id text COLLATE "C" REFERENCES respondents (id),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
        resolved_at timestamptz,
        note text NOT NULL DEFAULT '',
        version integer
    );
    CREATE INDEX mail_reviews_by_status ON mail_reviews (consultation, status, id);

    CREATE TABLE mail_sendings (
        respondent_id text COLLATE "C" NOT NULL REFERENCES respondents (id),
        kind text NOT NULL CHECK (kind IN ('invitation', 'reminder')),
        round integer NOT NULL CHECK (round >= 0),
        consultation text NOT NULL,
        sent_at timestamptz NOT NULL,
        message_id text NOT NULL,
        PRIMARY KEY (respondent_id, kind, round)
    );
    CREATE INDEX mail_sendings_by_consultation ON mail_sendings (consultation, sent_at);
    """,
    # 3: the public reports published, so each new one is audited jointly with the earlier
    # ones.  The texts are kept as given (text, not jsonb, which would reorder and respace).
    """
    CREATE TABLE releases (
        consultation text NOT NULL,
        number integer NOT NULL CHECK (number >= 1),
        published_at timestamptz NOT NULL,
        format text NOT NULL,
        threshold integer NOT NULL,
        public text NOT NULL,
        audit text NOT NULL,
        PRIMARY KEY (consultation, number)
    );
    CREATE FUNCTION releases_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'releases are append-only';
    END
    $$;
    CREATE TRIGGER releases_no_change BEFORE UPDATE OR DELETE ON releases
        FOR EACH ROW EXECUTE FUNCTION releases_append_only();
    CREATE TRIGGER releases_no_truncate BEFORE TRUNCATE ON releases
        FOR EACH STATEMENT EXECUTE FUNCTION releases_append_only();
    """,
    # 4: the language each respondent asked to be written to in (issue 17); NULL for everyone
    # stored before, who said nothing.
    """
    ALTER TABLE respondents ADD COLUMN language text;
    """,
    # 5: the officers' audit trail (issue 19).  Append-only, in recording order (``id``, taken
    # under an advisory lock so ids commit in order); ``subject`` is a keyed hash, never a name,
    # address, token or reference, so erasing a person later leaves these rows as they are.
    """
    CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consultation text NOT NULL,
        recorded_at timestamptz NOT NULL,
        officer text NOT NULL,
        action text NOT NULL,
        subject text,
        detail text NOT NULL
    );
    CREATE INDEX audit_log_by_consultation ON audit_log (consultation, id);
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only';
    END
    $$;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    """,
    # 6: erasure (issue 19).  A row of submissions or mail_messages may be deleted only in a
    # transaction that has set ``surveykit.erasing`` to 'on' with SET LOCAL (set_config(...,
    # true)): it lasts until that transaction ends, so it never leaks into a pooled connection,
    # and only the store's erasure sets it.  An UPDATE of a submission, a change to a stored
    # message's bytes, and TRUNCATE are still refused; audit_log and releases are unchanged.
    """
    CREATE OR REPLACE FUNCTION submissions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('surveykit.erasing', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'submissions are append-only';
    END
    $$;
    CREATE OR REPLACE FUNCTION mail_messages_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF current_setting('surveykit.erasing', true) = 'on' THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'nothing received is ever dropped';
        END IF;
        IF NEW.raw IS DISTINCT FROM OLD.raw OR NEW.received_at IS DISTINCT FROM OLD.received_at
           OR NEW.sha256 IS DISTINCT FROM OLD.sha256 THEN
            RAISE EXCEPTION 'a stored message never changes';
        END IF;
        RETURN NEW;
    END
    $$;
    """,
    # 7: report snapshots (issue 20).  Once a consultation has been reported on (a row in
    # ``report_watch``, inserted under a SHARE lock on the tables written, so no writer that
    # missed it can commit after it), every new submission, and every change to what a report
    # groups a respondent by, logs which version was current before and the respondent's
    # role, type and authority then, with the id of the transaction that made it.  A snapshot
    # keeps the database snapshot (``pg_snapshot``) it was counted in, so "changed since" is
    # exactly the changes that snapshot could not see, whatever order transactions commit in.
    # Any deletion drops the consultation's snapshots and a respondent's own changes.
    """
    CREATE TABLE report_changes (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        consultation text NOT NULL,
        respondent_id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        role text NOT NULL,
        authority_type text NOT NULL,
        authority text NOT NULL
    );
    CREATE INDEX report_changes_by_respondent ON report_changes (respondent_id);
    CREATE TABLE report_watch (consultation text PRIMARY KEY);
    CREATE TABLE report_snapshots (
        consultation text NOT NULL,
        key text NOT NULL,
        upto pg_snapshot NOT NULL,
        saved_at timestamptz NOT NULL,
        body bytea NOT NULL,
        PRIMARY KEY (consultation, key)
    );
    CREATE FUNCTION report_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'submissions' THEN
            IF NOT EXISTS (SELECT 1 FROM report_watch WHERE consultation = NEW.consultation)
            THEN
                RETURN NULL;
            END IF;
            INSERT INTO report_changes
                (consultation, respondent_id, version, role, authority_type, authority)
            SELECT NEW.consultation, NEW.respondent_id,
                coalesce((SELECT max(version) FROM submissions
                          WHERE respondent_id = NEW.respondent_id
                          AND version <> NEW.version), 0),
                r.role, r.authority_type, r.authority
            FROM respondents r WHERE r.id = NEW.respondent_id;
        ELSE
            IF OLD.consultation IS DISTINCT FROM NEW.consultation THEN
                DELETE FROM report_snapshots
                WHERE consultation IN (OLD.consultation, NEW.consultation);
            END IF;
            IF NOT EXISTS (SELECT 1 FROM report_watch WHERE consultation = OLD.consultation)
            THEN
                RETURN NULL;
            END IF;
            INSERT INTO report_changes
                (consultation, respondent_id, version, role, authority_type, authority)
            VALUES (OLD.consultation, OLD.id,
                coalesce((SELECT max(version) FROM submissions WHERE respondent_id = OLD.id), 0),
                OLD.role, OLD.authority_type, OLD.authority);
        END IF;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER submissions_report_change AFTER INSERT ON submissions
        FOR EACH ROW EXECUTE FUNCTION report_change();
    CREATE TRIGGER respondents_report_change
        AFTER UPDATE OF consultation, role, authority_type, authority ON respondents
        FOR EACH ROW WHEN (OLD.consultation IS DISTINCT FROM NEW.consultation
            OR OLD.role IS DISTINCT FROM NEW.role
            OR OLD.authority_type IS DISTINCT FROM NEW.authority_type
            OR OLD.authority IS DISTINCT FROM NEW.authority)
        EXECUTE FUNCTION report_change();
    CREATE FUNCTION report_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'respondents' THEN
            DELETE FROM report_changes WHERE respondent_id = OLD.id;
        END IF;
        DELETE FROM report_snapshots WHERE consultation = OLD.consultation;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER submissions_report_forget AFTER DELETE ON submissions
        FOR EACH ROW EXECUTE FUNCTION report_forget();
    CREATE TRIGGER respondents_report_forget AFTER DELETE ON respondents
        FOR EACH ROW EXECUTE FUNCTION report_forget();
    """,
)
