"""A writer killed with SIGKILL mid-load loses nothing it acknowledged."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3

import pytest
import storage_workers

from surveykit.storage import open_store
from surveykit.testing import StoreConformance, respondent

ACKNOWLEDGED_BEFORE_KILL = 40


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_killed_writer_keeps_every_acknowledged_submission(kind, tmp_path, request):
    """Kill the writer mid-load; on reopening every acknowledged version is there, intact."""
    if kind == "sqlite":
        path = tmp_path / "crash.db"
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    people = [respondent("r1"), respondent("r2")]
    with open_store(url) as store:
        StoreConformance.enrol(store, *people)
    # fork: the children start in milliseconds; the parent holds no open store when forking.
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    writer = context.Process(
        target=storage_workers.submit_until_killed, args=(url, "c1", ["r1", "r2"], sending)
    )
    writer.start()
    sending.close()
    acknowledged = []
    while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL:
        assert receiving.poll(60), "the writer stopped acknowledging"
        acknowledged.append(receiving.recv())
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(10)
    while receiving.poll(0.1):
        try:
            acknowledged.append(receiving.recv())
        except EOFError:
            break
    assert writer.exitcode == -signal.SIGKILL

    with open_store(url) as store:
        for rid in ("r1", "r2"):
            history = store.history(rid)
            versions = [s.version for s in history]
            assert versions == list(range(1, len(versions) + 1))
            assert store.response(rid) == history[-1]
            for acked_rid, version, n in acknowledged:
                if acked_rid == rid:
                    assert history[version - 1].answers == storage_workers.answers(0, n)
    if kind == "sqlite":
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
