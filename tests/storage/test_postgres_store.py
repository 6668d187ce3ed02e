"""The postgresql:// store keeps every storage promise, against the real server."""

from __future__ import annotations

import pytest

from surveykit.testing import PersistentStoreConformance


class TestPostgresStore(PersistentStoreConformance):
    """The conformance suite, run against the PostgreSQL server in its own schema."""

    @pytest.fixture
    def store_factory(self, postgres_factory):
        return postgres_factory
