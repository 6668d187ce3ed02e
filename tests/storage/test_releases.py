"""The SQL stores' releases table: added to existing databases by a migration, append-only.

What every store promises about releases is in the conformance suite (surveykit.testing);
several processes recording at once is in test_concurrency.py.
"""

from __future__ import annotations

from types import ModuleType

import pytest

import surveykit_postgres.schema
import surveykit_sqlite.schema
from surveykit.errors import StorageError
from surveykit.storage import Draft, open_store
from surveykit.testing import StoreConformance, new_submission, release_fields, respondent


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> tuple[str, ModuleType]:
    """A new, empty store's URL for each SQL backend, with that backend's schema module."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/releases.db", surveykit_sqlite.schema
    return request.getfixturevalue("postgres_url"), surveykit_postgres.schema


def test_a_database_of_the_previous_version_gains_releases_and_keeps_its_data(backend, monkeypatch):
    """A database made before releases existed upgrades on open: everything in it is kept, and
    its consultations start releases at number 1."""
    url, schema = backend
    who = respondent("r1")
    # Migration 3 adds releases; the ones after it (4: respondents' languages) are moved before
    # it, so today's code can write the old database's rows, as that version's code did.
    shipped = schema.MIGRATIONS
    monkeypatch.setattr(schema, "MIGRATIONS", (*shipped[:2], *shipped[3:]))
    with open_store(url) as old:
        assert old.schema_version() == len(schema.MIGRATIONS)
        [token_hash] = StoreConformance.enrol(old, who)
        submitted = old.append_submission(new_submission(who))
        old.save_draft(Draft("r1", {"q1": "later"}, submitted.submitted_at))
        old.secret_fingerprint("fp")
        with pytest.raises(StorageError, match="releases"):
            old.releases("c1")
    monkeypatch.setattr(schema, "MIGRATIONS", (*shipped[:2], *shipped[3:], shipped[2]))
    with open_store(url) as store:
        assert store.schema_version() == len(shipped)
        assert store.lookup_token(token_hash).respondent == who
        assert store.history("r1") == [submitted]
        assert store.response("r1") == submitted
        assert store.load_draft("r1").answers == {"q1": "later"}
        assert store.secret_fingerprint("other") == "fp"
        assert store.releases("c1") == []
        recorded = store.record_release("c1", **release_fields())
        assert recorded.number == 1
    with open_store(url) as store:
        assert store.schema_version() == len(schema.MIGRATIONS)
        assert store.releases("c1") == [recorded]


def test_releases_are_append_only(backend):
    """The database itself refuses to change or delete a recorded release (or, on PostgreSQL,
    to truncate the table)."""
    url, _ = backend
    with open_store(url) as store:
        recorded = store.record_release("c1", **release_fields())
        statements = ["UPDATE releases SET public = '{}'", "DELETE FROM releases"]
        if url.startswith("postgresql"):
            statements.append("TRUNCATE releases")
        for statement in statements:
            with pytest.raises(StorageError, match="releases are append-only"):
                store._read(statement)
    with open_store(url) as store:
        assert store.releases("c1") == [recorded]
