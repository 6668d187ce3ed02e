"""The sqlite:/// store keeps every storage promise, and its own: WAL, migrations, durability."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from surveykit.errors import StorageError
from surveykit.identity import Respondent
from surveykit.storage import Draft, Grant, open_store
from surveykit.testing import (
    PersistentStoreConformance,
    StoreConformance,
    new_submission,
    respondent,
)
from surveykit_sqlite import schema


class TestSqliteStore(PersistentStoreConformance):
    """The conformance suite, run against real SQLite files."""

    @pytest.fixture
    def store_factory(self, sqlite_factory):
        return sqlite_factory


def test_the_database_runs_in_wal_mode_with_full_durability_by_default(tmp_path):
    """A default SQLite store uses WAL and synchronous=FULL; the URL can ask for NORMAL."""
    with open_store(f"sqlite:///{tmp_path}/full.db") as store:
        conn = store._connection()
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with open_store(f"sqlite:///{tmp_path}/normal.db?synchronous=normal") as store:
        assert store._connection().execute("PRAGMA synchronous").fetchone() == (1,)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "sqlite://host/x.db",
            "'sqlite://host/x.db' is not a SQLite URL: write sqlite:///relative/path.db "
            "or sqlite:////absolute/path.db",
        ),
        ("sqlite:///x.db?cache=shared", "unknown SQLite URL option 'cache'; known: synchronous"),
        ("sqlite:///x.db?synchronous=off", "synchronous must be one of full, normal, not 'off'"),
    ],
)
def test_bad_sqlite_urls_are_explained(url, message):
    """A malformed URL or an unknown option is refused with the form to use."""
    with pytest.raises(StorageError) as info:
        open_store(url)
    assert str(info.value) == message


def test_relative_and_absolute_paths(tmp_path, monkeypatch):
    """Three slashes give a path relative to the working directory, four an absolute one."""
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///relative.db") as store:
        assert store.path == Path("relative.db")
        assert store.secret_file == Path("relative.db.secret")
    with open_store(f"sqlite:///{tmp_path}/absolute.db") as store:
        assert store.path == tmp_path / "absolute.db"
    databases = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db")
    assert databases == ["absolute.db", "relative.db"]


def test_a_missing_directory_is_a_clear_error(tmp_path):
    """A database in a folder that does not exist fails with the path in the message."""
    with pytest.raises(StorageError) as info:
        open_store(f"sqlite:///{tmp_path}/nowhere/x.db")
    assert str(info.value) == (
        f"the SQLite database {tmp_path}/nowhere/x.db failed: unable to open database file"
    )


def test_migrations_run_once_in_order_and_record_the_version(tmp_path, monkeypatch):
    """A new migration is applied on the next open, and the schema version goes up with it."""
    url = f"sqlite:///{tmp_path}/m.db"
    with open_store(url) as store:
        shipped = len(schema.MIGRATIONS)
        assert store.schema_version() == shipped
        StoreConformance.enrol(store, respondent("r1"))
    monkeypatch.setattr(
        schema,
        "MIGRATIONS",
        (*schema.MIGRATIONS, "ALTER TABLE respondents ADD COLUMN phone TEXT;"),
    )
    with open_store(url) as store:
        assert store.schema_version() == shipped + 1
        columns = [row[1] for row in store._read("PRAGMA table_info(respondents)")]
        assert columns[-1] == "phone"
        assert store.respondent("r1") is not None
    with open_store(url) as store:
        assert store.schema_version() == shipped + 1


def test_a_database_from_a_newer_surveykit_is_refused(tmp_path):
    """A schema version beyond what this code knows is refused, and nothing is changed."""
    path = tmp_path / "new.db"
    with open_store(f"sqlite:///{path}"):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StorageError) as info:
        open_store(f"sqlite:///{path}")
    assert str(info.value) == (
        f"the SQLite database {path} has schema version 99, newer than this surveykit knows "
        f"({len(schema.MIGRATIONS)}); upgrade surveykit"
    )
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(99,)]


def test_submissions_are_append_only(tmp_path):
    """The database itself refuses to change or delete a stored submission."""
    path = tmp_path / "a.db"
    with open_store(f"sqlite:///{path}") as store:
        who = respondent("r1")
        StoreConformance.enrol(store, who)
        store.append_submission(new_submission(who))
    with sqlite3.connect(path) as conn:
        for statement in ("UPDATE submissions SET answers = '{}'", "DELETE FROM submissions"):
            with pytest.raises(sqlite3.IntegrityError, match="submissions are append-only"):
                conn.execute(statement)


def test_identity_is_kept_apart_from_answers(tmp_path):
    """No table holding answers has a column for a name, an email, an authority or a token."""
    with open_store(f"sqlite:///{tmp_path}/i.db") as store:
        tables = [r[0] for r in store._read("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        assert sorted(tables) == [
            "audit_log",
            "drafts",
            "erasing",
            "mail_messages",
            "mail_reviews",
            "mail_sendings",
            "meta",
            "releases",
            "report_changes",
            "report_snapshots",
            "report_watch",
            "respondents",
            "schema_version",
            "sqlite_sequence",
            "submissions",
            "tokens",
        ]
        holding_answers = []
        for table in tables:
            columns = {row[1] for row in store._read(f"PRAGMA table_info({table})")}
            if "answers" in columns:
                holding_answers.append(table)
                assert columns.isdisjoint({"name", "email", "authority", "hash", "token"}), table
        assert sorted(holding_answers) == ["drafts", "submissions"]


def test_a_closed_store_says_so(tmp_path):
    """Using a store after closing it raises StorageError, in this thread and in a new one."""
    store = open_store(f"sqlite:///{tmp_path}/c.db")
    store.close()
    messages = []

    def use() -> None:
        with pytest.raises(StorageError) as info:
            store.count_responses("c1")
        messages.append(str(info.value))

    use()
    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert messages == [f"the store sqlite:///{tmp_path}/c.db is closed"] * 2


def test_writers_queue_on_a_private_lock_file_beside_the_database(tmp_path):
    """The lock file that orders writers is the owner's alone, like the secret."""
    with open_store(f"sqlite:///{tmp_path}/locked.db") as store:
        store.secret_fingerprint("a fingerprint")
    lock = tmp_path / "locked.db.writelock"
    assert lock.exists()
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600


def test_drafts_commit_relaxed_and_the_connection_returns_to_full(tmp_path):
    """A draft skips the fsync; the next write on the same connection is durable again."""
    with open_store(f"sqlite:///{tmp_path}/drafts.db") as store:
        consultation = "c"
        respondent = Respondent(consultation, "Kent", "county", "leader")
        store.grant([Grant(respondent, "h" * 64, dt.datetime.now(dt.UTC))])
        store.save_draft(Draft(respondent.id, {"q": "a"}, dt.datetime.now(dt.UTC)))
        level = store._connection().execute("PRAGMA synchronous").fetchone()[0]
        assert level == 2  # FULL
        assert store.load_draft(respondent.id).answers == {"q": "a"}


def test_try_save_drafts_does_not_wait_for_another_writer(tmp_path):
    """While another process's writer holds the lock file, try_save_drafts saves nothing and
    says so at once; afterwards it saves."""
    import fcntl
    import os

    with open_store(f"sqlite:///{tmp_path}/busy.db") as store:
        respondent = Respondent("c", "Kent", "county", "leader")
        store.grant([Grant(respondent, "h" * 64, dt.datetime.now(dt.UTC))])
        draft = Draft(respondent.id, {"q": "a"}, dt.datetime.now(dt.UTC))
        other = os.open(tmp_path / "busy.db.writelock", os.O_RDWR)  # as another process would
        try:
            fcntl.flock(other, fcntl.LOCK_EX)
            assert store.try_save_drafts([draft]) is False
            assert store.load_draft(respondent.id) is None
            fcntl.flock(other, fcntl.LOCK_UN)
            assert store.try_save_drafts([draft]) is True
        finally:
            os.close(other)
        assert store.load_draft(respondent.id) == draft
