"""Reading replies in worker processes, so a large `surveykit ingest` uses every core.

Reading a reply is pure work on its bytes (:func:`surveykit_email.intake.read_message`), about
as long as everything else ingest does with it put together, so worker processes read while
the main process stores and submits.  Each worker loads the spec once.  The pool is started
before the store is opened, so no database connection is ever copied into a worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from surveykit import Consultation, load_spec, spec_path

from .intake import BATCH_SIZE, Read, read_message

__all__ = ["ParallelReader", "parallel_reader"]

_worker: dict[str, Any] = {}


def _start(spec: str) -> None:
    _worker["consultation"] = load_spec(spec)


def _read(raw: bytes) -> Read:
    consultation: Consultation = _worker["consultation"]
    return read_message(raw, consultation)


class ParallelReader:
    """``read_many`` for :meth:`~surveykit_email.intake.Intake.receive_many`, in a pool."""

    def __init__(self, pool: ProcessPoolExecutor, workers: int) -> None:
        self.pool = pool
        self.workers = workers

    def __call__(self, raws: list[bytes]) -> Iterator[Read]:
        """The readings of ``raws``, in order: the work starts now, the results come lazily,
        so the caller can store the next batch meanwhile."""
        chunk = max(1, len(raws) // (self.workers * 4))
        return self.pool.map(_read, raws, chunksize=chunk)


@contextmanager
def parallel_reader(spec: Path, messages: int) -> Iterator[ParallelReader | None]:
    """A pool of readers when there are enough messages and cores to gain from one, else
    ``None`` (read in this process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = min(4, cores or 1)
    if workers < 2 or messages < 2 * BATCH_SIZE:
        yield None
        return
    # The file, not the name: a deployment's consultation names mean nothing in a worker.
    named = str(spec_path(spec).resolve())
    with ProcessPoolExecutor(workers, initializer=_start, initargs=(named,)) as pool:
        yield ParallelReader(pool, workers)
