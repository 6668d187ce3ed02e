"""Store factories for the storage tests: real SQLite files and the real PostgreSQL server.

PostgreSQL is found at ``SURVEYKIT_TEST_POSTGRES`` (default: the local test database).  Each test
run works in schemas named after a random run id, and drops them all at the end.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Callable, Iterator

import psycopg
import pytest

from surveykit.storage import Store, open_store

POSTGRES_URL = os.environ.get(
    "SURVEYKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def _with_query(url: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.fixture(scope="session")
def postgres_schemas() -> Iterator[Callable[[], str]]:
    """Names a new schema for this run each call; every one is dropped when the run ends."""
    prefix = f"sk_test_{secrets.token_hex(4)}"
    counter = itertools.count()
    yield lambda: f"{prefix}_{next(counter)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        names = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"{prefix}\\_%",)
        ).fetchall()
        for (name,) in names:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def postgres_url(postgres_schemas) -> str:
    """The URL of a fresh, empty schema on the test server."""
    return _with_query(POSTGRES_URL, schema=postgres_schemas(), pool_size="4")


@pytest.fixture
def sqlite_factory(tmp_path) -> Callable[[], Store]:
    """Opens a new SQLite file in the test's directory each call.

    ``synchronous=normal`` skips the fsync per commit: the promises checked here do not depend on
    it, and a commit then costs microseconds instead of milliseconds.  test_sqlite_store.py checks
    that the default is FULL.
    """
    counter = itertools.count()
    return lambda: open_store(f"sqlite:///{tmp_path}/store-{next(counter)}.db?synchronous=normal")


@pytest.fixture
def postgres_factory(postgres_schemas) -> Callable[[], Store]:
    """Opens a store in a new schema on the test server each call."""
    return lambda: open_store(_with_query(POSTGRES_URL, schema=postgres_schemas(), pool_size="4"))
