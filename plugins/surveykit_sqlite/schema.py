"""The SQLite schema, as numbered migrations applied in order on open.

Identity (``respondents``, ``tokens``) lives in tables of its own; ``submissions`` holds answers
under the random respondent id only.  A submission writes one row to one table: the next version
is read from the ``submissions`` key itself, which ``BEGIN IMMEDIATE`` makes safe, and the latest
version per respondent is found through the same key.  Triggers make ``submissions``
append-only.  Migration 2 adds the email channel's mailbox (``mail_*`` tables), apart from
answers.  Migration 3 adds ``releases``, every public report as published, numbered per
consultation (the next number is read under ``BEGIN IMMEDIATE``, as versions are) and
append-only.  Migration 4 adds ``respondents.language``, the language a respondent asked to
be written to in (``NULL``: not said).  Migration 5 adds ``audit_log``, the officers' audit
trail (issue 19): who read or changed whose personal data, with the person only as a keyed hash;
triggers refuse every ``UPDATE`` and ``DELETE`` on it.  Migration 6 (issue 19) lets an erasure,
and nothing else, delete submissions and raw messages: see ``erasing`` below.  Migration 7
(issue 20) keeps reports' counts between reports (:mod:`surveykit.snapshots`): triggers log
every change a report must follow in ``report_changes`` and drop a consultation's
``report_snapshots`` on any deletion.  Never edit a migration that has shipped: add one.
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
    # 2: the email channel's mailbox.  Raw messages, the review queue and the invitations sent
    # are identity-bearing, so they live in tables of their own and never join answers.
    """
    CREATE TABLE mail_messages (
        id INTEGER PRIMARY KEY,
        consultation TEXT NOT NULL,
        raw BLOB NOT NULL,
        received_at TEXT NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        message_id TEXT,
        duplicate_of INTEGER REFERENCES mail_messages (id),
        status TEXT NOT NULL DEFAULT 'pending',
        respondent_id TEXT REFERENCES respondents (id),
        version INTEGER
    );
    CREATE INDEX mail_messages_by_hash ON mail_messages (consultation, sha256);
    CREATE INDEX mail_messages_by_message_id ON mail_messages (consultation, message_id)
        WHERE message_id IS NOT NULL;
    CREATE INDEX mail_messages_pending ON mail_messages (consultation) WHERE status = 'pending';
    CREATE TRIGGER mail_messages_keep_raw BEFORE UPDATE OF raw, received_at, sha256
        ON mail_messages
    BEGIN SELECT RAISE(ABORT, 'a stored message never changes'); END;
    CREATE TRIGGER mail_messages_no_delete BEFORE DELETE ON mail_messages
    BEGIN SELECT RAISE(ABORT, 'nothing received is ever dropped'); END;

    CREATE TABLE mail_reviews (
        id INTEGER PRIMARY KEY,
        consultation TEXT NOT NULL,
        message INTEGER NOT NULL REFERENCES mail_messages (id),
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        created_at TEXT NOT NULL,
        respondent_id TEXT REFERENCES respondents (id),
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'accepted', 'rejected')),
        resolved_at TEXT,
        note TEXT NOT NULL DEFAULT '',
        version INTEGER
    );
    CREATE INDEX mail_reviews_by_status ON mail_reviews (consultation, status, id);

    CREATE TABLE mail_sendings (
        respondent_id TEXT NOT NULL REFERENCES respondents (id),
        kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
        round INTEGER NOT NULL CHECK (round >= 0),
        consultation TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        message_id TEXT NOT NULL,
        PRIMARY KEY (respondent_id, kind, round)
    ) WITHOUT ROWID;
    CREATE INDEX mail_sendings_by_consultation ON mail_sendings (consultation, sent_at);
    """,
    # 3: the public reports published, so each new one is audited jointly with the earlier
    # ones.  A rowid table (not WITHOUT ROWID): a report's texts may run to megabytes.
    """
    CREATE TABLE releases (
        consultation TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        published_at TEXT NOT NULL,
        format TEXT NOT NULL,
        threshold INTEGER NOT NULL,
        public TEXT NOT NULL,
        audit TEXT NOT NULL,
        PRIMARY KEY (consultation, number)
    );
    CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
    BEGIN SELECT RAISE(ABORT, 'releases are append-only'); END;
    CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
    BEGIN SELECT RAISE(ABORT, 'releases are append-only'); END;
    """,
    # 4: the language each respondent asked to be written to in (issue 17); NULL for everyone
    # stored before, who said nothing.
    """
    ALTER TABLE respondents ADD COLUMN language TEXT;
    """,
    # 5: the officers' audit trail (issue 19).  Append-only, in recording order (the rowid);
    # ``subject`` is a keyed hash, never a name, address, token or reference, so erasing a
    # person later leaves these rows as they are.
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        consultation TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        officer TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        detail TEXT NOT NULL
    );
    CREATE INDEX audit_log_by_consultation ON audit_log (consultation, id);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # 6: erasure (issue 19).  Submissions and raw messages may be deleted only while a row in
    # ``erasing`` says an erasure is under way.  The store's erasure inserts that row, deletes,
    # and deletes the row again, all in one BEGIN IMMEDIATE transaction, so no other connection
    # ever sees it: every other DELETE is still refused, and an UPDATE of a submission always
    # is.  ``audit_log`` and ``releases`` keep their triggers unchanged.
    """
    CREATE TABLE erasing (started_at TEXT NOT NULL);
    DROP TRIGGER submissions_no_delete;
    CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
        WHEN NOT EXISTS (SELECT 1 FROM erasing)
    BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
    DROP TRIGGER mail_messages_no_delete;
    CREATE TRIGGER mail_messages_no_delete BEFORE DELETE ON mail_messages
        WHEN NOT EXISTS (SELECT 1 FROM erasing)
    BEGIN SELECT RAISE(ABORT, 'nothing received is ever dropped'); END;
    """,
    # 7: report snapshots (issue 20).  Once a consultation has been reported on (a row in
    # ``report_watch``), every new submission, and every change to what a report groups a
    # respondent by, logs which version was current before and the respondent's role, type
    # and authority then: the first change of a respondent after a snapshot is what it
    # counted.  Before that nothing is logged: with no snapshot a report counts everything.
    # ``seq`` is AUTOINCREMENT so it never goes back after the log is pruned, and SQLite's one
    # writer at a time makes it commit order.  Any deletion (an erasure, a purge,
    # anonymising) drops the consultation's snapshots and a respondent's own changes, so
    # nothing the person was outlives them here.  The two indexes on respondents let a report
    # list the distinct names it must redact from an index instead of sorting every row.
    """
    CREATE INDEX respondents_by_name ON respondents (consultation, name);
    CREATE INDEX respondents_by_authority ON respondents (consultation, authority);
    CREATE TABLE report_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        consultation TEXT NOT NULL,
        respondent_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        role TEXT NOT NULL,
        authority_type TEXT NOT NULL,
        authority TEXT NOT NULL
    );
    -- No index by consultation: the log holds only what came after the oldest kept snapshot,
    -- and each index costs every submission a page write.  By respondent, for erasures.
    CREATE INDEX report_changes_by_respondent ON report_changes (respondent_id);
    CREATE TABLE report_watch (consultation TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE report_snapshots (
        consultation TEXT NOT NULL,
        key TEXT NOT NULL,
        upto INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (consultation, key)
    );
    CREATE TRIGGER submissions_report_change AFTER INSERT ON submissions
        WHEN EXISTS (SELECT 1 FROM report_watch WHERE consultation = NEW.consultation)
    BEGIN
        INSERT INTO report_changes
            (consultation, respondent_id, version, role, authority_type, authority)
        SELECT NEW.consultation, NEW.respondent_id,
            coalesce((SELECT max(version) FROM submissions
                      WHERE respondent_id = NEW.respondent_id AND version <> NEW.version), 0),
            r.role, r.authority_type, r.authority
        FROM respondents r WHERE r.id = NEW.respondent_id;
    END;
    CREATE TRIGGER respondents_report_change
        AFTER UPDATE OF consultation, role, authority_type, authority ON respondents
        WHEN (OLD.consultation IS NOT NEW.consultation OR OLD.role IS NOT NEW.role
            OR OLD.authority_type IS NOT NEW.authority_type OR OLD.authority IS NOT NEW.authority)
            AND EXISTS (SELECT 1 FROM report_watch WHERE consultation = OLD.consultation)
    BEGIN
        INSERT INTO report_changes
            (consultation, respondent_id, version, role, authority_type, authority)
        VALUES (OLD.consultation, OLD.id,
            coalesce((SELECT max(version) FROM submissions WHERE respondent_id = OLD.id), 0),
            OLD.role, OLD.authority_type, OLD.authority);
    END;
    CREATE TRIGGER respondents_report_move AFTER UPDATE OF consultation ON respondents
        WHEN OLD.consultation IS NOT NEW.consultation
    BEGIN
        DELETE FROM report_snapshots WHERE consultation IN (OLD.consultation, NEW.consultation);
    END;
    CREATE TRIGGER submissions_report_forget AFTER DELETE ON submissions
    BEGIN
        DELETE FROM report_snapshots WHERE consultation = OLD.consultation;
    END;
    CREATE TRIGGER respondents_report_forget AFTER DELETE ON respondents
    BEGIN
        DELETE FROM report_changes WHERE respondent_id = OLD.id;
        DELETE FROM report_snapshots WHERE consultation = OLD.consultation;
    END;
    """,
)
