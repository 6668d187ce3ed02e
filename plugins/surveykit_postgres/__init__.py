"""The ``postgresql://`` storage backend, for deployments that outgrow one machine.

Several web workers on several hosts can share one database: psycopg 3 with a connection pool,
and a submission is one atomic statement whose upsert of the respondent's ``responses`` row takes
a row lock, so concurrent submissions under one respondent get gapless versions.

Besides libpq's own parameters the URL accepts ``schema=NAME`` (keep surveykit's tables in that
schema, created if missing) and ``pool_size=N`` (at most N connections per process, default 10).
There is no default secret file: set ``SURVEYKIT_SECRET`` or pass ``--secret-file``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import frozen

from surveykit import hookimpl
from surveykit.extras import needs_extra

if TYPE_CHECKING:
    from .store import PostgresStore

__all__ = ["PostgresBackend", "PostgresStore"]


def __getattr__(name: str) -> Any:
    # psycopg is imported when a store opens, so loading the plugins never needs it.
    if name == "PostgresStore":
        from .store import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@frozen
class PostgresBackend:
    """Opens ``postgresql://`` (and ``postgres://``) stores."""

    scheme: str = "postgresql"
    description: str = "PostgreSQL through psycopg 3 and a connection pool: for several hosts"

    def open(self, url: str) -> PostgresStore:
        with needs_extra("postgres", f"opening a {self.scheme}:// store"):
            from .store import PostgresStore
        return PostgresStore(url)


@hookimpl
def surveykit_register_storage(register):
    register(PostgresBackend())
    register(PostgresBackend("postgres"))
