"""The sqlite:/// store keeps every storage promise, and its own: WAL, migrations, durability."""

from __future__ import annotations

import pytest

from surveykit.testing import PersistentStoreConformance


class TestSqliteStore(PersistentStoreConformance):
    """The conformance suite, run against real SQLite files."""

    @pytest.fixture
    def store_factory(self, sqlite_factory):
        return sqlite_factory
