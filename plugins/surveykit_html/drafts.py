"""Group commit for drafts: the answers of every page posted in one turn of the event loop are
written in one transaction.

A respondent's next page still waits until their answer is stored, so nothing is acknowledged
before it is kept.  Under load, though, one commit (and, on SQLite, one turn of the database's
write lock and one set of WAL frames) serves every respondent who posted at that moment, instead
of one commit each.  Posted alone, a draft is written at once, as before.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from surveykit.errors import StorageError
from surveykit.storage import Draft, Store

__all__ = ["DraftWriter"]

#: What a write in a worker thread looks like: ``WebState.write``.
ThreadWrite = Callable[..., Awaitable[Any]]
Outcome = BaseException | None
#: A draft and the future its page waits on.
Waiting = tuple[Draft, "asyncio.Future[None]"]


class DraftWriter:
    """Gathers the drafts asked for in one turn of the event loop and stores them together.

    ``lock`` is the app's in-process write lock (SQLite).  While it is free and the store can
    write without waiting for another process's writer (``Store.try_save_drafts``), a group is
    written right on the event loop, since a draft's commit does not wait for the disk.
    Otherwise, and for stores without the lock, the group goes to a worker thread through
    ``in_thread``, so the event loop never waits for another writer.
    """

    def __init__(self, store: Store, lock: threading.Lock | None, in_thread: ThreadWrite) -> None:
        self._store = store
        self._lock = lock
        self._in_thread = in_thread
        # Groups gather per event loop: a server may run several, one per thread.
        self._pending: dict[asyncio.AbstractEventLoop, list[Waiting]] = {}
        self._writing: set[asyncio.Task[None]] = set()

    async def save(self, draft: Draft) -> None:
        """Store ``draft``; returns once it is committed, raises what storing it raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        group = self._pending.setdefault(loop, [])
        group.append((draft, future))
        if len(group) == 1:
            loop.call_soon(self._flush, loop)
        await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        group = self._pending.pop(loop, [])
        if self._write_now(group):
            _settle(group, [None] * len(group))
            return
        task = asyncio.get_running_loop().create_task(self._write_in_thread(group))
        self._writing.add(task)
        task.add_done_callback(self._writing.discard)

    def _write_now(self, group: list[Waiting]) -> bool:
        """Store the group right here if no writer, in this process or another, must be waited
        for; whether it was stored.  Anything that goes wrong is left to the thread's retry."""
        lock = self._lock
        if lock is None or not lock.acquire(blocking=False):
            return False
        try:
            return self._store.try_save_drafts([draft for draft, _ in group])
        except Exception:  # the thread path retries each draft and reports its own outcome
            return False
        finally:
            lock.release()

    async def _write_in_thread(self, group: list[Waiting]) -> None:
        try:
            outcomes = await self._in_thread(self._write, group)
        except Exception as exc:  # each waiting page reports it
            outcomes = [exc] * len(group)
        _settle(group, outcomes)

    def _write(self, group: list[Waiting]) -> list[Outcome]:
        """Store the group in one go; if that fails, each draft alone, so one bad draft cannot
        refuse the others.  Never raises: each draft's outcome is returned."""
        drafts = [draft for draft, _ in group]
        try:
            self._store.save_drafts(drafts)
        except StorageError as exc:
            if len(drafts) == 1:
                return [exc]
        except Exception as exc:  # each waiting page reports it
            return [exc] * len(drafts)
        else:
            return [None] * len(drafts)
        outcomes: list[Outcome] = []
        for draft in drafts:
            try:
                self._store.save_draft(draft)
            except Exception as exc:  # this draft's page reports it
                outcomes.append(exc)
            else:
                outcomes.append(None)
        return outcomes


def _settle(group: list[Waiting], outcomes: list[Outcome]) -> None:
    for (_, future), outcome in zip(group, outcomes, strict=True):
        if future.done():  # the page gave up waiting (the browser went away)
            continue
        if outcome is None:
            future.set_result(None)
        else:
            future.set_exception(outcome)
