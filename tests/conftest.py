"""Shared test set-up: Hypothesis profiles, and store factories for real SQLite files and the real
PostgreSQL server.

Choose one with ``HYPOTHESIS_PROFILE``; the default is "ci" when ``CI`` is set and "dev"
otherwise.  "ci" is the thorough one (the property suite still runs in well under a minute),
"dev" is quick enough to run on every save, "debug" prints every example it tries.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Callable, Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, Verbosity, settings

from surveykit.storage import Store, open_store

# Generated specs are big inputs and CI machines are slow and noisy: no deadlines, and no
# complaints about slow data generation.
_common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

settings.register_profile("ci", max_examples=150, print_blob=True, **_common)
settings.register_profile("dev", max_examples=40, **_common)
settings.register_profile(
    "debug",
    max_examples=10,
    verbosity=Verbosity.verbose,
    print_blob=True,
    report_multiple_bugs=False,
    **_common,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _no_deployment_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A demonstration's settings in the developer's shell (``SURVEYKIT_OPEN_UNTIL``,
    ``SURVEYKIT_SENDER``) must not change what the tests see; a test sets them itself."""
    for name in ("SURVEYKIT_OPEN_UNTIL", "SURVEYKIT_SENDER"):
        monkeypatch.delenv(name, raising=False)


# Stores ------------------------------------------------------------------------------------------
# PostgreSQL is found at ``SURVEYKIT_TEST_POSTGRES`` (default: the local test database).  Each test
# run works in schemas named after a random run id, and drops them all at the end.

POSTGRES_URL = os.environ.get(
    "SURVEYKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def _with_query(url: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _drop_schemas(conn: psycopg.Connection, pattern: str) -> None:
    names = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (pattern,)
    ).fetchall()
    for (name,) in names:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _dead_runs(conn: psycopg.Connection) -> list[str]:
    """Schema prefixes left by test runs on this machine whose process no longer exists."""
    rows = conn.execute(
        "SELECT DISTINCT substring(nspname from '^sk_test_[0-9]+_') FROM pg_namespace "
        "WHERE nspname ~ '^sk_test_[0-9]+_'"
    ).fetchall()
    dead = []
    for (prefix,) in rows:
        pid = int(prefix.split("_")[2])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            dead.append(prefix)
        except PermissionError:
            pass
    return dead


@pytest.fixture(scope="session")
def postgres_schemas() -> Iterator[Callable[[], str]]:
    """Names a new schema for this run each call; every one is dropped when the run ends.

    Names carry the process id, so a run that was killed before cleaning up has its schemas
    dropped by the next run.
    """
    prefix = f"sk_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        for dead in _dead_runs(conn):
            _drop_schemas(conn, dead.replace("_", "\\_") + "%")
    counter = itertools.count()
    yield lambda: f"{prefix}_{next(counter)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        _drop_schemas(conn, prefix.replace("_", "\\_") + "\\_%")


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
