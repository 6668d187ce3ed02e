"""The ``memory://`` storage backend: everything in dictionaries, gone when the store closes.

For tests and trying things out.  It keeps every promise of the storage API (the conformance suite
runs against it) and is the simplest template for a storage plugin.  Each ``open`` gives a new,
empty store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import frozen

from surveykit import hookimpl

if TYPE_CHECKING:
    from .store import MemoryStore

__all__ = ["MemoryBackend", "MemoryStore"]


def __getattr__(name: str) -> Any:
    """``MemoryStore``, imported on first use: registering the backend costs nothing."""
    if name == "MemoryStore":
        from .store import MemoryStore

        return MemoryStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@frozen
class MemoryBackend:
    """Opens ``memory://`` stores."""

    scheme: str = "memory"
    description: str = "in-process dictionaries, for tests; nothing is kept after closing"

    def open(self, url: str) -> MemoryStore:
        from .store import MemoryStore

        return MemoryStore(url)


@hookimpl
def surveykit_register_storage(register):
    register(MemoryBackend())
