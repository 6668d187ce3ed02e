"""Several processes submitting at once, on SQLite and PostgreSQL: nothing lost, nothing torn."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict

import pytest
import storage_workers

from surveykit.storage import open_store
from surveykit.testing import StoreConformance, release_fields, respondent

WRITERS = 4
EACH = 30


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A new store of each kind; SQLite with its default (FULL) durability."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/concurrent.db"
    return request.getfixturevalue("postgres_url")


def test_processes_submitting_at_once_lose_and_tear_nothing(url):
    """Four processes, one shared respondent and one each: versions gapless, answers intact."""
    shared = respondent("shared")
    own = [respondent(f"own{w}") for w in range(WRITERS)]
    with open_store(url) as store:
        StoreConformance.enrol(store, shared, *own)
    # fork: the children start in milliseconds; the parent holds no open store when forking.
    context = multiprocessing.get_context("fork")
    with context.Pool(WRITERS) as pool:
        results = pool.starmap(
            storage_workers.submit_many,
            [(url, "c1", "shared", f"own{w}", w, EACH) for w in range(WRITERS)],
        )
    acknowledged: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for writer, acks in enumerate(results):
        assert len(acks) == EACH
        shared_versions = [v for rid, v, _ in acks if rid == "shared"]
        assert shared_versions == sorted(shared_versions)
        for rid, version, n in acks:
            assert version not in acknowledged[rid]
            acknowledged[rid][version] = (writer, n)
    with open_store(url) as store:
        for rid, by_version in acknowledged.items():
            history = store.history(rid)
            assert [s.version for s in history] == list(range(1, len(by_version) + 1))
            for stored in history:
                writer, n = by_version[stored.version]
                assert stored.answers == storage_workers.answers(writer, n)
            assert store.response(rid) == history[-1]
        assert len(acknowledged["shared"]) == WRITERS * EACH // 2
        assert store.count_responses("c1") == WRITERS + 1
        latest = {s.respondent_id: s.version for s in store.iter_responses("c1")}
        assert latest == {rid: len(v) for rid, v in acknowledged.items()}


def test_processes_recording_releases_at_once_get_gapless_numbers(url):
    """Four processes recording reports of one consultation: every number from 1 once, each
    process's in increasing order, and each release as its writer recorded it."""
    count = 10
    with open_store(url):
        pass  # migrate once, before the children race to
    context = multiprocessing.get_context("fork")
    with context.Pool(WRITERS) as pool:
        results = pool.starmap(
            storage_workers.record_releases, [(url, "c1", w, count) for w in range(WRITERS)]
        )
    for numbers in results:
        assert numbers == sorted(numbers)
    assert sorted(n for numbers in results for n in numbers) == list(range(1, WRITERS * count + 1))
    with open_store(url) as store:
        stored = store.releases("c1")
        assert [r.number for r in stored] == list(range(1, WRITERS * count + 1))
        for writer, numbers in enumerate(results):
            for n, number in enumerate(numbers):
                expected = release_fields(writer * count + n)
                assert stored[number - 1].public == expected["public"]
                assert stored[number - 1].audit == expected["audit"]
