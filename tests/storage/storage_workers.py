"""Code that runs in child processes for the concurrency and crash tests.

It lives in its own module so that spawned processes can import it by name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from surveykit.storage import NewSubmission, open_store
from surveykit.testing import release_fields

#: Long enough that a torn write would show; short enough to keep the tests quick.
BLOB = "x" * 500


def answers(writer: int, n: int) -> dict[str, Any]:
    """What writer ``writer`` submits the ``n``-th time: it says who wrote it and when."""
    return {"writer": writer, "n": n, "blob": BLOB, "q3": [f"{writer}", f"{n}"]}


def submission(consultation: str, respondent_id: str, writer: int, n: int) -> NewSubmission:
    now = dt.datetime.now(dt.UTC)
    return NewSubmission(
        consultation=consultation,
        respondent_id=respondent_id,
        answers=answers(writer, n),
        channel="web",
        submitted_at=now,
        received_at=now,
    )


def submit_many(
    url: str, consultation: str, shared: str, own: str, writer: int, count: int
) -> list[tuple[str, int, int]]:
    """Alternate submissions under a shared respondent and this writer's own one.

    Returns ``(respondent id, version, n)`` for every acknowledged submission, in order.
    """
    acknowledged = []
    with open_store(url) as store:
        for n in range(count):
            rid = shared if n % 2 == 0 else own
            stored = store.append_submission(submission(consultation, rid, writer, n))
            acknowledged.append((rid, stored.version, n))
    return acknowledged


def record_releases(url: str, consultation: str, writer: int, count: int) -> list[int]:
    """Record ``count`` releases, each saying which writer made it and when; returns the
    numbers the store gave them, in order."""
    with open_store(url) as store:
        return [
            store.record_release(consultation, **release_fields(writer * count + n)).number
            for n in range(count)
        ]


def submit_until_killed(url: str, consultation: str, respondent_ids: list[str], pipe: Any) -> None:
    """Submit without pause, reporting each acknowledged version down ``pipe``, until killed."""
    with open_store(url) as store:
        n = 0
        while True:
            rid = respondent_ids[n % len(respondent_ids)]
            stored = store.append_submission(submission(consultation, rid, 0, n))
            pipe.send((rid, stored.version, n))
            n += 1
