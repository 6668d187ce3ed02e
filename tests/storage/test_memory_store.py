"""The memory:// store keeps every storage promise."""

from __future__ import annotations

import pytest

from surveykit.storage import open_store
from surveykit.testing import StoreConformance


class TestMemoryStore(StoreConformance):
    """The conformance suite, run against memory://."""

    @pytest.fixture
    def store_factory(self):
        return lambda: open_store("memory://")


def test_each_memory_store_starts_empty():
    """Two memory:// stores share nothing."""
    from surveykit.testing import respondent

    with open_store("memory://") as first, open_store("memory://") as second:
        StoreConformance.enrol(first, respondent("r1"))
        assert second.respondent("r1") is None
        assert (first.persistent, first.secret_file) == (False, None)
