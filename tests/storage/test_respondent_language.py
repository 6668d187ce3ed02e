"""Every store keeps the language a respondent asked to be written to in (issue 17)."""

from __future__ import annotations

import pytest
from attrs import evolve

from surveykit.errors import StorageError
from surveykit.storage import Store, open_store
from surveykit.testing import StoreConformance, respondent
from surveykit_memory.store import MemoryStore
from surveykit_sqlite import schema


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def store(request):
    if request.param == "memory":
        found = MemoryStore()
    else:
        found = request.getfixturevalue(f"{request.param}_factory")()
    with found:
        yield found


def test_a_granted_respondents_language_is_kept(store):
    welsh = respondent("r1", language="cy")
    silent = respondent("r2")
    StoreConformance.enrol(store, welsh, silent)
    assert store.respondent("r1").language == "cy"
    assert store.respondent("r2").language is None
    assert {r.id: r.language for r in store.respondents("c1")} == {"r1": "cy", "r2": None}
    assert store.lookup_token("hash-r1-0").respondent == welsh


def test_a_language_can_be_chosen_later_and_cleared(store):
    StoreConformance.enrol(store, respondent("r1"))
    assert store.set_language("r1", "cy") is True
    assert store.respondent("r1").language == "cy"
    assert store.set_language("r1", None) is True
    assert store.respondent("r1").language is None
    assert store.set_language("nobody", "cy") is False


def test_a_database_from_before_the_column_gets_it_empty(tmp_path, monkeypatch):
    """Migration 4 adds the column to a database made without it; no one stored before has
    said a language."""
    url = f"sqlite:///{tmp_path}/old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:3])
    with open_store(url) as old, old._write() as conn:  # the old schema: a row by hand
        conn.execute(
            "INSERT INTO respondents VALUES "
            "('r1', 'c1', 'Kent', 'county', 'leader', 'Ada', '', NULL, 'roster', "
            "'2030-03-01T09:00:00+00:00')"
        )
    monkeypatch.undo()
    with open_store(url) as store:
        assert store.schema_version() == len(schema.MIGRATIONS)
        ada = store.respondent("r1")
        assert ada.language is None
        assert evolve(ada, language="cy") != ada
        assert store.set_language("r1", "cy")
        assert store.respondent("r1").language == "cy"


def test_a_store_without_the_column_refuses_rather_than_forgets():
    """A third-party store written before the column says so instead of dropping the choice."""

    class Older(MemoryStore):
        set_language = Store.set_language

    with pytest.raises(StorageError, match="cannot record a respondent's language"):
        Older().set_language("r1", "cy")
