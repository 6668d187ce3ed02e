"""The ``sqlite:///path`` storage backend: the embedded default, one file beside the spec.

``sqlite:///responses.db`` is a path relative to the working directory and
``sqlite:////srv/lga/responses.db`` an absolute one.  The database runs in WAL mode with a
transaction per submission; writers are serialised by ``BEGIN IMMEDIATE``.  Durability is
``synchronous=FULL`` by default (an acknowledged submission survives a power cut); add
``?synchronous=normal`` to trade that for speed (it still survives the process being killed).
The deployment secret defaults to ``<database>.secret`` beside the database file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import frozen

from surveykit import hookimpl

if TYPE_CHECKING:
    from .store import SqliteStore

__all__ = ["SqliteBackend", "SqliteStore"]


def __getattr__(name: str) -> Any:
    # The store module is imported when a store opens, so loading the plugins stays quick.
    if name == "SqliteStore":
        from .store import SqliteStore

        return SqliteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@frozen
class SqliteBackend:
    """Opens ``sqlite:///path`` stores."""

    scheme: str = "sqlite"
    description: str = "one SQLite file in WAL mode: the embedded default"

    def open(self, url: str) -> SqliteStore:
        from .store import SqliteStore, parse_url

        path, synchronous = parse_url(url)
        return SqliteStore(path, synchronous=synchronous, url=url)


@hookimpl
def surveykit_register_storage(register):
    register(SqliteBackend())
