"""Benchmark: does a SQLite store's cost per stored reply grow as the store fills?

The writes ``surveykit ingest`` makes for each emailed reply, without the reading: the two
duplicate lookups (by hash, by Message-ID), the INSERT of the raw message (3 KB) and the INSERT
of a submission (answers of about 1 KB) for a roster respondent, 200 to a transaction (ingest's
batch), on the store's real schema (``SqliteStore`` creates it) at full durability.  The hash,
the Message-ID and the respondent id are random, as they are in life, so each index takes its
keys in random order.

Two files are filled side by side, a batch each in turn so both see the same machine:

* **surveykit's settings**: a connection from ``surveykit_sqlite.store.connect`` (its page
  cache and checkpoint interval);
* **baseline**: the same connection with SQLite's default page cache (2 MB) and checkpoint
  interval (1,000 pages) restored.

Printed for each: the cost of one reply (median over batches) over the first 2,000 replies
stored and over the last 2,000, and their ratio (flat when within 10%); and the rate over the
whole run.

Run: ``python benchmarks/sqlite_growth.py`` (100,000 replies, under a minute) or ``--smoke``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import parser, peak_rss_mb, report
from surveykit_sqlite.store import SqliteStore, connect

BATCH = 200
ANSWERS = json.dumps({f"q{i}": "an answer of a few words, as people write them" for i in range(20)})
RAW = os.urandom(3_000)


class Filling:
    """One store being filled, a batch at a time, keeping each batch's cost per reply."""

    def __init__(self, path: Path, count: int, defaults: bool) -> None:
        SqliteStore(path).close()
        self.conn = connect(path)
        if defaults:
            self.conn.execute("PRAGMA cache_size = -2000")
            self.conn.execute("PRAGMA wal_autocheckpoint = 1000")
        self.people = [secrets.token_urlsafe(16) for _ in range(count)]
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(
            "INSERT INTO respondents VALUES "
            "(?, 'c', 'a', 't', 'r', '', '', NULL, 'roster', 'x', NULL)",
            [(person,) for person in self.people],
        )
        self.conn.execute("COMMIT")
        self.costs: list[float] = []
        self.spent = 0.0

    def batch(self, start: int) -> None:
        began = time.perf_counter()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        for person in self.people[start : start + BATCH]:
            sha = hashlib.sha256(secrets.token_bytes(16)).hexdigest()
            mid = f"<{secrets.token_hex(12)}@mail.example>"
            conn.execute(
                "SELECT min(id) FROM mail_messages WHERE consultation = 'c' AND sha256 = ?", (sha,)
            ).fetchone()
            conn.execute(
                "SELECT min(id) FROM mail_messages WHERE consultation = 'c' AND message_id = ?",
                (mid,),
            ).fetchone()
            conn.execute(
                "INSERT INTO mail_messages (consultation, raw, received_at, source, sha256, "
                "message_id) VALUES ('c', ?, 'x', 's', ?, ?)",
                (RAW, sha, mid),
            )
            conn.execute(
                "INSERT INTO submissions VALUES (?, 1, 'c', 'email', 'x', 'x', ?)",
                (person, ANSWERS),
            )
        conn.execute("COMMIT")
        spent = time.perf_counter() - began
        self.spent += spent
        self.costs.append(spent / BATCH)

    def print(self, name: str, count: int) -> None:
        ends = max(1, min(10, len(self.costs) // 4))
        first = statistics.median(self.costs[:ends]) * 1e6
        last = statistics.median(self.costs[-ends:]) * 1e6
        report(f"{name}: one reply, first {ends * BATCH:,} stored", first, "µs")
        report(f"{name}: one reply, last {ends * BATCH:,} stored", last, "µs")
        report(f"{name}: last / first", 100 * last / first, "%", "flat when within 110%")
        report(f"{name}: over the run", count / self.spent, "replies/s")


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    count = 8_000 if args.smoke else 100_000
    load = os.getloadavg()
    print(
        f"{count:,} replies, {BATCH} a transaction; {os.cpu_count()} CPUs, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="surveykit-growth-") as folder:
        ours = Filling(Path(folder) / "ours.db", count, defaults=False)
        base = Filling(Path(folder) / "defaults.db", count, defaults=True)
        for start in range(0, count, BATCH):
            ours.batch(start)
            base.batch(start)
        ours.print("surveykit's settings", count)
        base.print("baseline: SQLite's defaults", count)
        for filling in (ours, base):
            filling.conn.close()
    report("peak resident memory of the benchmark process", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
