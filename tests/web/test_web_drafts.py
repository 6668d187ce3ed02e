"""Group commit for drafts, on a real SQLite file: pages posted together share one transaction,
each page returns only once its draft is stored, and one bad draft refuses only itself."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveykit.errors import StorageError
from surveykit.storage import Draft, Grant
from surveykit.testing import respondent
from surveykit_html.drafts import DraftWriter
from surveykit_html.state import blocking

T0 = dt.datetime(2015, 3, 2, 10, 0, tzinfo=dt.UTC)
PEOPLE = [f"r{i}" for i in range(4)]


@pytest.fixture
def store(sqlite_factory):
    with sqlite_factory() as store:
        store.grant([Grant(respondent(rid), f"hash-{rid}", T0) for rid in PEOPLE])
        groups: list[int] = []
        save_drafts, try_save_drafts = store.save_drafts, store.try_save_drafts

        def counted(drafts):
            groups.append(len(drafts))
            return save_drafts(drafts)

        def counted_try(drafts):
            saved = try_save_drafts(drafts)
            if saved:
                groups.append(len(drafts))
            return saved

        # The real writes, with the size of each group stored recorded.
        store.save_drafts, store.try_save_drafts = counted, counted_try
        store.groups = groups
        yield store


def writer(store, lock: threading.Lock | None = None) -> DraftWriter:
    """A writer as the app builds it: writes in a worker thread take the app's write lock."""
    lock = lock or threading.Lock()

    async def in_thread(function, *args: Any) -> Any:
        def serialised() -> Any:
            with lock:
                return function(*args)

        return await blocking(serialised)

    return DraftWriter(store, lock, in_thread)


def draft(rid: str, answer: str, minute: int = 0) -> Draft:
    return Draft(rid, {"q1": answer}, T0 + dt.timedelta(minutes=minute))


def test_drafts_posted_together_are_stored_in_one_group(store):
    drafts = writer(store)

    async def post_all() -> None:
        await asyncio.gather(*(drafts.save(draft(rid, rid)) for rid in PEOPLE))

    asyncio.run(post_all())
    assert store.groups == [len(PEOPLE)]
    assert [store.load_draft(rid).answers for rid in PEOPLE] == [{"q1": rid} for rid in PEOPLE]


def test_a_draft_posted_alone_is_stored_before_the_page_returns(store):
    drafts = writer(store)

    async def post_one() -> Draft | None:
        await drafts.save(draft("r1", "yes"))
        return store.load_draft("r1")

    assert asyncio.run(post_one()) == draft("r1", "yes")
    assert store.groups == [1]


def test_one_bad_draft_refuses_only_itself(store):
    drafts = writer(store)

    async def post_all() -> list[Any]:
        posts = [drafts.save(draft("r1", "yes")), drafts.save(draft("ghost", "no"))]
        posts.append(drafts.save(draft("r2", "no")))
        return await asyncio.gather(*posts, return_exceptions=True)

    first, ghost, third = asyncio.run(post_all())
    assert (first, third) == (None, None)
    assert isinstance(ghost, StorageError)
    assert "no respondent with id 'ghost'" in str(ghost)
    assert store.load_draft("r1").answers == {"q1": "yes"}
    assert store.load_draft("r2").answers == {"q1": "no"}


def test_while_another_write_holds_the_lock_the_group_waits_in_a_thread(store):
    lock = threading.Lock()
    drafts = writer(store, lock)

    async def post_while_locked() -> None:
        lock.acquire()  # a durable submission is being written
        posts = asyncio.gather(*(drafts.save(draft(rid, "later")) for rid in PEOPLE))
        await asyncio.sleep(0.05)
        assert store.groups == []  # nothing was written past the lock
        lock.release()
        await posts

    asyncio.run(post_while_locked())
    assert store.groups == [len(PEOPLE)]
    assert all(store.load_draft(rid).answers == {"q1": "later"} for rid in PEOPLE)


def test_a_page_that_gives_up_does_not_stop_the_others(store):
    drafts = writer(store)

    async def post_and_cancel_one() -> None:
        gone = asyncio.ensure_future(drafts.save(draft("r1", "gone")))
        kept = asyncio.ensure_future(drafts.save(draft("r2", "kept")))
        await asyncio.sleep(0)
        gone.cancel()
        await kept

    asyncio.run(post_and_cancel_one())
    assert store.load_draft("r2").answers == {"q1": "kept"}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(["yes", "no"])), max_size=6),
        min_size=1,
        max_size=5,
    )
)
def test_the_last_draft_posted_is_the_one_kept(store, groups):
    """Whatever is posted together or apart, each respondent's stored draft is their last."""
    drafts = writer(store)
    last: dict[str, dict[str, str]] = {}

    async def post(group: list[tuple[str, str]]) -> None:
        await asyncio.gather(
            *(drafts.save(draft(rid, answer, i)) for i, (rid, answer) in enumerate(group))
        )

    for group in groups:
        asyncio.run(post(group))
        last.update({rid: {"q1": answer} for rid, answer in group})
    for rid in PEOPLE:
        stored = store.load_draft(rid)
        if rid in last:
            assert stored.answers == last[rid]


def test_the_event_loop_never_waits_for_another_process_writer(store, tmp_path):
    """With another process writing, the group goes to a thread: the loop keeps running, and
    the drafts are stored once the other writer is done."""
    import fcntl
    import os

    drafts = writer(store)
    lock_file = os.open(str(store.path) + ".writelock", os.O_RDWR)
    ticks = 0

    async def post_while_another_process_writes() -> None:
        nonlocal ticks
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        posts = asyncio.gather(*(drafts.save(draft(rid, "waited")) for rid in PEOPLE))
        for _ in range(5):
            await asyncio.sleep(0.01)
            ticks += 1
        assert not posts.done()
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        await posts

    try:
        asyncio.run(post_while_another_process_writes())
    finally:
        os.close(lock_file)
    assert ticks == 5
    assert all(store.load_draft(rid).answers == {"q1": "waited"} for rid in PEOPLE)


def test_drafts_from_two_event_loops_are_kept_apart(store):
    """A server running one event loop per thread: each loop's pages get their own groups."""
    drafts = writer(store)
    errors: list[BaseException] = []

    def one_loop(rids: list[str], answer: str) -> None:
        async def post_all() -> None:
            await asyncio.gather(*(drafts.save(draft(rid, answer)) for rid in rids))

        try:
            asyncio.run(post_all())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=one_loop, args=(PEOPLE[:2], "left")),
        threading.Thread(target=one_loop, args=(PEOPLE[2:], "right")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [store.load_draft(rid).answers["q1"] for rid in PEOPLE] == [
        "left",
        "left",
        "right",
        "right",
    ]


def test_groups_are_stored_in_one_transaction_on_postgresql(postgres_factory):
    """On the real PostgreSQL server (no in-process write lock) groups go through a worker
    thread, and each respondent's last draft is kept."""
    with postgres_factory() as pg:
        pg.grant([Grant(respondent(rid), f"hash-{rid}", T0) for rid in PEOPLE])
        drafts = DraftWriter(pg, None, lambda function, *args: blocking(function, *args))

        async def post_all() -> None:
            posts = [drafts.save(draft(rid, "first")) for rid in PEOPLE]
            posts += [drafts.save(draft(rid, "second", 1)) for rid in PEOPLE[:2]]
            await asyncio.gather(*posts)

        asyncio.run(post_all())
        kept = [pg.load_draft(rid).answers["q1"] for rid in PEOPLE]
        assert kept == ["second", "second", "first", "first"]
