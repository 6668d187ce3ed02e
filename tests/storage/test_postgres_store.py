"""The postgresql:// store keeps every storage promise, against the real server."""

from __future__ import annotations

import pytest

from surveykit.errors import StorageError
from surveykit.storage import open_store
from surveykit.testing import (
    PersistentStoreConformance,
    StoreConformance,
    new_submission,
    respondent,
)
from surveykit_postgres import schema
from surveykit_postgres.store import parse_url, safe_url


class TestPostgresStore(PersistentStoreConformance):
    """The conformance suite, run against the PostgreSQL server in its own schema."""

    @pytest.fixture
    def store_factory(self, postgres_factory):
        return postgres_factory


def test_the_url_options_are_surveykits_and_the_rest_go_to_libpq():
    """schema and pool_size are taken out; every other parameter is passed on."""
    conninfo, schema_name, pool_size = parse_url(
        "postgres://u:pw@db.example:5433/lga?schema=sk_live&sslmode=require&pool_size=3"
    )
    assert conninfo == "postgresql://u:pw@db.example:5433/lga?sslmode=require"
    assert (schema_name, pool_size) == ("sk_live", 3)
    assert parse_url("postgresql:///lga")[1:] == (None, 10)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql:///x?schema=Robert'); DROP",
            'schema must be a lower-case SQL name (letters, digits, _), not "Robert\'); DROP"',
        ),
        ("postgresql:///x?pool_size=0", "pool_size must be a positive whole number, not '0'"),
    ],
)
def test_bad_options_are_refused(url, message):
    """A schema name that is not a plain SQL name, or a pool of no connections, is refused."""
    with pytest.raises(StorageError) as info:
        parse_url(url)
    assert str(info.value) == message


def test_passwords_never_reach_a_message():
    """The store's URL, used in every message, has its password masked."""
    assert safe_url("postgresql://lga:s3cret@db/x") == "postgresql://lga:***@db/x"
    assert safe_url("postgresql://db/x") == "postgresql://db/x"
    with pytest.raises(StorageError) as info:
        open_store("postgresql://lga:s3cret@127.0.0.1:1/x")
    assert "s3cret" not in str(info.value)
    assert str(info.value).startswith(
        "cannot open PostgreSQL at postgresql://lga:***@127.0.0.1:1/x: "
    )


def test_each_schema_is_a_separate_store(postgres_factory):
    """Two schemas on one server share nothing."""
    with postgres_factory() as first, postgres_factory() as second:
        StoreConformance.enrol(first, respondent("r1"))
        assert first.respondent("r1") is not None
        assert second.respondent("r1") is None
        assert first.schema != second.schema


def test_migrations_run_once_and_a_newer_database_is_refused(postgres_url, monkeypatch):
    """A new migration is applied on the next open; a version beyond the code's is refused."""
    with open_store(postgres_url) as store:
        shipped = len(schema.MIGRATIONS)
        assert store.schema_version() == shipped
    monkeypatch.setattr(
        schema, "MIGRATIONS", (*schema.MIGRATIONS, "ALTER TABLE respondents ADD COLUMN phone text")
    )
    with open_store(postgres_url) as store:
        assert store.schema_version() == shipped + 1
        assert store._read(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'respondents' AND column_name = 'phone'",
            (store.schema,),
        ) == [("phone",)]
    monkeypatch.undo()
    with pytest.raises(StorageError) as info:
        open_store(postgres_url)
    assert str(info.value) == (
        f"the database at {postgres_url} has schema version {shipped + 1}, newer than this "
        f"surveykit knows ({shipped}); upgrade surveykit"
    )


def test_submissions_are_append_only(postgres_url):
    """The database itself refuses to change, delete or truncate a stored submission."""
    with open_store(postgres_url) as store:
        who = respondent("r1")
        StoreConformance.enrol(store, who)
        store.append_submission(new_submission(who))
        for statement in (
            "UPDATE submissions SET answers = '{}'",
            "DELETE FROM submissions",
            "TRUNCATE submissions",
        ):
            with pytest.raises(StorageError, match="submissions are append-only"):
                store._read(statement)
        assert len(store.history("r1")) == 1


def test_identity_is_kept_apart_from_answers(postgres_url):
    """No table holding answers has a column for a name, an email, an authority or a token."""
    with open_store(postgres_url) as store:
        rows = store._read(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name IN ('submissions', 'responses', 'drafts')",
            (store.schema,),
        )
    assert len(rows) == 13
    assert {c for _, c in rows}.isdisjoint({"name", "email", "authority", "hash", "token"})


def test_a_closed_store_says_so(postgres_url):
    """Using a store after closing it raises StorageError."""
    store = open_store(postgres_url)
    store.close()
    with pytest.raises(StorageError) as info:
        store.count_responses("c1")
    assert str(info.value) == f"the store {postgres_url} is closed"


def test_the_server_keeps_times_in_utc(postgres_url):
    """Connections run in UTC, whatever the server's default time zone."""
    with open_store(postgres_url) as store:
        assert store._read("SHOW timezone") == [("UTC",)]
