"""Every built-in store keeps the mailbox promises: memory, SQLite files and real PostgreSQL."""

from __future__ import annotations

import pytest

from surveykit.errors import StorageError
from surveykit.mailbox import message_id_of, new_message
from surveykit.storage import open_store
from surveykit.testing_mailbox import (
    MailStoreConformance,
    PersistentMailStoreConformance,
    raw_message,
)
from surveykit_postgres import schema as postgres_schema
from surveykit_sqlite import schema as sqlite_schema


class TestMemoryMailbox(MailStoreConformance):
    """The mailbox suite on memory:// stores."""

    @pytest.fixture
    def store_factory(self):
        return lambda: open_store("memory://")


class TestSqliteMailbox(PersistentMailStoreConformance):
    """The mailbox suite on real SQLite files."""

    @pytest.fixture
    def store_factory(self, sqlite_factory):
        return sqlite_factory


class TestPostgresMailbox(PersistentMailStoreConformance):
    """The mailbox suite on the real PostgreSQL server, each test in its own schema."""

    @pytest.fixture
    def store_factory(self, postgres_factory):
        return postgres_factory


def test_the_message_id_is_read_leniently():
    """A Message-ID is found in its angle brackets, and a missing or mangled one is None."""
    assert message_id_of(b"Message-ID:   <a.b@c>  (comment)\r\n\r\nx") == "<a.b@c>"
    assert message_id_of(b"Message-Id: <x@y>\n\nbody") == "<x@y>"
    assert message_id_of(b"Subject: no id\r\n\r\nbody") is None
    assert message_id_of(b"Message-ID: no brackets\r\n\r\n") is None
    assert message_id_of(b"\x00\xff garbage") is None


def test_a_new_message_carries_the_hash_of_its_bytes():
    """The SHA-256 is of the exact bytes, so one changed byte is a different message."""
    import datetime as dt

    at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    a = new_message("c1", raw_message(), received_at=at, source="s")
    b = new_message("c1", raw_message() + b" ", received_at=at, source="s")
    assert a.sha256 != b.sha256
    assert len(a.sha256) == 64
    with pytest.raises(ValueError, match="timezone-aware"):
        new_message("c1", b"x", received_at=dt.datetime(2030, 1, 1), source="s")


def test_sqlite_never_deletes_or_rewrites_a_stored_message(sqlite_factory):
    """The mailbox tables refuse to lose or alter what was received, even to raw SQL."""
    import datetime as dt

    with sqlite_factory() as store:
        at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        stored = store.add_message(new_message("c1", raw_message(), received_at=at, source="s"))
        conn = store._connection()
        with pytest.raises(Exception, match="nothing received is ever dropped"):
            conn.execute("DELETE FROM mail_messages")
        with pytest.raises(Exception, match="a stored message never changes"):
            conn.execute("UPDATE mail_messages SET raw = x'00'")
        assert store.message(stored.id).raw == raw_message()
        assert store.schema_version() == len(sqlite_schema.MIGRATIONS)


def test_postgres_never_deletes_or_rewrites_a_stored_message(postgres_factory):
    """The same guarantee on PostgreSQL, enforced by a trigger."""
    import datetime as dt

    with postgres_factory() as store:
        at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        stored = store.add_message(new_message("c1", raw_message(), received_at=at, source="s"))
        for sql, reason in (
            ("DELETE FROM mail_messages", "nothing received is ever dropped"),
            ("UPDATE mail_messages SET raw = '\\x00'::bytea", "a stored message never changes"),
        ):
            with pytest.raises(StorageError, match=reason):
                store._run(lambda conn, sql=sql: conn.execute(sql))
        assert store.message(stored.id).raw == raw_message()
        assert store.schema_version() == len(postgres_schema.MIGRATIONS)
