"""Shared set-up for the terminal form: Taking Stock in a SQLite file, and people with links."""

from __future__ import annotations

import datetime as dt

import pytest
from termtools import PETS, SECRET, SPEC

from surveykit import load_spec, open_store
from surveykit.identity import load_secret
from surveykit.roster import RosterEntry, plan_links


@pytest.fixture
def secret_env(monkeypatch):
    monkeypatch.setenv("SURVEYKIT_SECRET", SECRET)
    monkeypatch.delenv("SURVEYKIT_TOKEN", raising=False)
    monkeypatch.delenv("SURVEYKIT_DB", raising=False)
    return SECRET


@pytest.fixture
def db(tmp_path, secret_env):
    return f"sqlite:///{tmp_path}/x.db"


@pytest.fixture
def person(db):
    """Add a roster respondent to the store; returns (respondent, clear token)."""

    def add(authority="Kent County Council", role="leader", kind="county", email="", spec=SPEC):
        consultation = load_spec(spec)
        entry = RosterEntry(2, authority, kind, role, "", email)
        with open_store(db) as store:
            secret = load_secret(None)
            plan = plan_links(store, secret, consultation, [entry], now=dt.datetime.now(dt.UTC))
            plan.commit(store)
        link = plan.links[0]
        return link.respondent, link.token.value

    return add


@pytest.fixture
def pets(tmp_path):
    """The small pets consultation, written to a file."""
    path = tmp_path / "pets.toml"
    path.write_text(PETS, encoding="utf-8")
    return path
