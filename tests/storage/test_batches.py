"""Store.batch() on the stores that group writes: one commit for all, nothing if it raises, and
nothing visible to another connection until it commits (SQLite files and the real PostgreSQL)."""

from __future__ import annotations

import pytest

from surveykit.storage import Grant, open_store
from surveykit.testing import T0, new_submission, respondent


@pytest.fixture(params=["sqlite", "postgres"])
def two_stores(request, tmp_path, postgres_factory):
    """Two stores on one database: the writer's and another connection's."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/batch.db"
        first, second = open_store(url), open_store(url)
    else:
        first = postgres_factory()
        second = open_store(first.url)
    yield first, second
    first.close()
    second.close()


def test_a_batch_that_raises_keeps_nothing(two_stores):
    store, _ = two_stores
    ada = respondent("r1")
    store.grant([_grant(ada)])

    def stopped_run() -> None:
        with store.batch():
            store.append_submission(new_submission(ada, {"q1": "a"}))
            raise RuntimeError("the run stops")

    with pytest.raises(RuntimeError):
        stopped_run()
    assert store.history("r1") == []


def test_a_batch_is_seen_by_others_only_once_committed(two_stores):
    store, other = two_stores
    ada = respondent("r1")
    store.grant([_grant(ada)])
    with store.batch():
        store.append_submission(new_submission(ada, {"q1": "a"}))
        assert store.response("r1") is not None
        assert other.response("r1") is None
    assert other.response("r1").answers == {"q1": "a"}


def _grant(who) -> Grant:
    return Grant(who, f"hash-{who.id}", T0)
