"""Benchmark: submissions/s for each storage backend, against its raw driver, and streaming memory.

Baselines measured in the same run, with the same durability settings:

* **SQLite**: ``sqlite3`` with the store's own connection settings (WAL, ``synchronous=FULL``),
  inserting the same submission row in its own ``BEGIN IMMEDIATE`` transaction into a table of
  the same shape: the cost of durably writing the row and nothing else.  Target: the store at
  least 50% of that.
* **PostgreSQL**: four threads, each with its own ``psycopg`` connection in autocommit mode,
  inserting the same row into a table of the same shape, against the store shared by four
  threads.  Target: at least 50%.

The store figures include what the raw ones skip: the version number (read, bumped and written
under a lock), the ``responses`` pointer and discarding the draft.  The end-to-end figures add
finding the respondent by token and cleaning and validating with the engine.

Streaming: 1,000,000 responses are bulk-loaded into each store with raw SQL, then read back
through ``Store.iter_responses`` in a fresh process; that process's peak resident memory is
printed before, after the first tenth and after all of them: equal when memory stays flat.

Run: ``python benchmarks/storage.py`` (several minutes, mostly loading a million rows twice)
or ``--smoke`` (seconds, for the tests).
PostgreSQL is found at ``SURVEYKIT_TEST_POSTGRES`` (default: the local test database); the
benchmark works in a schema of its own and drops it at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg

import surveykit
from _common import parser, peak_rss_mb, report
from surveykit.identity import Respondent, Secret, Token
from surveykit.snapshots import kept_tally_and_texts
from surveykit.storage import Grant, NewSubmission, Store, open_store
from surveykit.submit import SubmitService
from surveykit.tally import TallyPlan
from surveykit_sqlite.store import connect as sqlite_connect

POSTGRES_URL = os.environ.get(
    "SURVEYKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
CONSULTATION = "bench"
WRITERS = 4
#: Submissions per turn when measurements take turns (see ``_alternate``).
CHUNK = 100
YES_NO = 'options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]'
SPEC = """
[consultation]
id = "bench"
title = "Benchmark"
publisher = "surveykit"
closes = 2999-12-31

[[sections]]
id = "s"
title = "S"
""" + "".join(
    f"""
[[sections.questions]]
id = "q{n}"
text = "Question {n}"
kind = "{"text" if n % 3 == 0 else "single"}"
{"" if n % 3 == 0 else YES_NO}
"""
    for n in range(1, 22)
)
ANSWERS = {
    f"q{n}": ("Councils should share more performance data with residents. " * 3).strip()
    if n % 3 == 0
    else "yes"
    for n in range(1, 22)
}
ANSWERS_JSON = json.dumps(ANSWERS, ensure_ascii=False, separators=(",", ":"))
RAW_TABLE = """
CREATE TABLE raw_submissions (
    respondent_id TEXT NOT NULL, version INTEGER NOT NULL, consultation TEXT NOT NULL,
    channel TEXT NOT NULL, submitted_at {ts} NOT NULL, received_at {ts} NOT NULL,
    answers {json} NOT NULL, PRIMARY KEY (respondent_id, version)
)
"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _people(count: int) -> list[Respondent]:
    return [
        Respondent(CONSULTATION, f"Authority {n}", "county", "leader", name=f"Person {n}")
        for n in range(count)
    ]


def _enrol(store: Store, people: list[Respondent], secret: Secret) -> list[Token]:
    tokens = [Token.new() for _ in people]
    store.grant([Grant(p, secret.hash(t), _now()) for p, t in zip(people, tokens, strict=True)])
    return tokens


def _submission(rid: str) -> NewSubmission:
    now = _now()
    return NewSubmission(CONSULTATION, rid, ANSWERS, "web", now, now)


def _alternate(count: int, rounds: int, *runs: Callable[[slice], None]) -> list[float]:
    """Each run's overall rate, taking turns a chunk of submissions at a time.

    Taking turns gives every measurement the same share of whatever else the machine is doing,
    which matters far more than any one run's luck when comparing against a baseline.  Each run
    first gets an untimed chunk of its own (``count`` to ``count + CHUNK``) to warm up.
    """
    warm_up = slice(count, count + CHUNK)
    for run in runs:  # open pooled connections and prepare statements before timing
        run(warm_up)
    spent = [0.0] * len(runs)
    for _ in range(rounds):
        for start in range(0, count, CHUNK):
            part = slice(start, min(start + CHUNK, count))
            for i, run in enumerate(runs):
                began = time.perf_counter()
                run(part)
                spent[i] += time.perf_counter() - began
    return [rounds * count / seconds for seconds in spent]


def _ratio(name: str, store: float, raw: float) -> None:
    share = 100 * store / raw
    verdict = "meets" if share >= 50 else "MISSES"
    report(f"{name}: store / raw", share, "%", f"{verdict} the 50% target")


# SQLite ---------------------------------------------------------------------------------------


def bench_sqlite(folder: Path, count: int, rounds: int) -> None:
    path = folder / "bench.db"
    store = open_store(f"sqlite:///{path}")
    secret = Secret.generate()
    people = _people(count + CHUNK)
    tokens = _enrol(store, people, secret)
    raw = sqlite_connect(folder / "raw.db", "full")
    raw.execute(RAW_TABLE.format(ts="TEXT", json="TEXT"))
    versions = iter(range(1, 10**9))

    def via_store(part: slice) -> None:
        for p in people[part]:
            store.append_submission(_submission(p.id))

    def via_raw(part: slice) -> None:
        for p in people[part]:
            now = _now().isoformat()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(
                "INSERT INTO raw_submissions VALUES (?, ?, ?, ?, ?, ?, ?)",
                (p.id, next(versions), CONSULTATION, "web", now, now, ANSWERS_JSON),
            )
            raw.execute("COMMIT")

    consultation = surveykit.loads_spec(SPEC)
    service = SubmitService(consultation, store, secret)

    def end_to_end(part: slice) -> None:
        for token in tokens[part]:
            service.submit(token, ANSWERS)

    # A second store that has made a report, so every submission is also logged for the next
    # one (the kept counts' change log, see docs/storage.md).
    armed = open_store(f"sqlite:///{folder / 'armed.db'}")
    _enrol(armed, people, secret)
    kept_tally_and_texts(armed, TallyPlan.of(consultation), None)

    def via_armed_store(part: slice) -> None:
        for p in people[part]:
            armed.append_submission(_submission(p.id))

    store_rate, raw_rate, service_rate, armed_rate = _alternate(
        count, rounds, via_store, via_raw, end_to_end, via_armed_store
    )
    report("SQLite: store.append_submission", store_rate, "subs/s")
    report("SQLite: raw sqlite3, same row, same durability", raw_rate, "subs/s")
    report("SQLite: submit service, end to end", service_rate, "subs/s")
    report(
        "SQLite: store.append_submission, changes logged for reports",
        armed_rate,
        "subs/s",
        f"{100 * armed_rate / store_rate:.1f} % of the store without the log",
    )
    _ratio("SQLite", store_rate, raw_rate)
    raw.close()
    armed.close()
    store.close()


def load_sqlite(path: Path, count: int) -> None:
    """Write ``count`` respondents, each with one submission, straight into a store's file."""
    open_store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    now = _now().isoformat()
    for start in range(0, count, 10_000):
        ids = [f"{n:032x}" for n in range(start, min(start + 10_000, count))]
        conn.executemany(
            "INSERT INTO respondents VALUES (?, ?, 'A', 'county', 'leader', '', '', NULL, "
            "'roster', ?, NULL)",
            [(rid, CONSULTATION, now) for rid in ids],
        )
        conn.executemany(
            "INSERT INTO submissions VALUES (?, 1, ?, 'web', ?, ?, ?)",
            [(rid, CONSULTATION, now, now, ANSWERS_JSON) for rid in ids],
        )
    conn.execute("COMMIT")
    conn.close()


# PostgreSQL -----------------------------------------------------------------------------------


def _in_threads(work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def bench_postgres(schema: str, count: int, rounds: int) -> None:
    url = f"{POSTGRES_URL}?schema={schema}&pool_size={WRITERS}"
    store = open_store(url)
    secret = Secret.generate()
    people = _people(count + CHUNK)
    tokens = _enrol(store, people, secret)
    options = f"-c search_path={schema} -c timezone=UTC"
    raws = [psycopg.connect(POSTGRES_URL, autocommit=True, options=options) for _ in range(WRITERS)]
    raws[0].execute(RAW_TABLE.format(ts="timestamptz", json="jsonb"))
    versions = iter(range(1, 10**9))
    lock = threading.Lock()

    def next_version() -> int:
        with lock:
            return next(versions)

    def via_store(part: slice) -> None:
        def work(w: int) -> None:
            for p in people[part][w::WRITERS]:
                store.append_submission(_submission(p.id))

        _in_threads(work)

    def via_raw(part: slice) -> None:
        def work(w: int) -> None:
            conn = raws[w]
            for p in people[part][w::WRITERS]:
                now = _now()
                conn.execute(
                    "INSERT INTO raw_submissions VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb)",
                    (p.id, next_version(), CONSULTATION, "web", now, now, ANSWERS_JSON),
                )

        _in_threads(work)

    service = SubmitService(surveykit.loads_spec(SPEC), store, secret)

    def end_to_end(part: slice) -> None:
        def work(w: int) -> None:
            for token in tokens[part][w::WRITERS]:
                service.submit(token, ANSWERS)

        _in_threads(work)

    store_rate, raw_rate, service_rate = _alternate(count, rounds, via_store, via_raw, end_to_end)
    report(f"PostgreSQL, {WRITERS} writers: store.append_submission", store_rate, "subs/s")
    report(f"PostgreSQL, {WRITERS} writers: raw psycopg, same row", raw_rate, "subs/s")
    report(f"PostgreSQL, {WRITERS} writers: submit service, end to end", service_rate, "subs/s")
    _ratio("PostgreSQL", store_rate, raw_rate)
    for conn in raws:
        conn.close()
    store.close()


def load_postgres(url: str, schema: str, count: int) -> None:
    """Write ``count`` respondents, each with one submission, straight into a store's schema."""
    open_store(url).close()
    now = _now()
    options = f"-c search_path={schema} -c timezone=UTC"
    with psycopg.connect(POSTGRES_URL, options=options) as conn, conn.cursor() as cur:
        with cur.copy("COPY respondents FROM STDIN") as copy:
            for n in range(count):
                copy.write_row(
                    (
                        f"{n:032x}",
                        CONSULTATION,
                        "A",
                        "county",
                        "leader",
                        "",
                        "",
                        None,
                        "roster",
                        now,
                        None,  # language: not said
                    )
                )
        with cur.copy("COPY submissions FROM STDIN") as copy:
            for n in range(count):
                copy.write_row((f"{n:032x}", 1, CONSULTATION, "web", now, now, ANSWERS_JSON))
        with cur.copy("COPY responses FROM STDIN") as copy:
            for n in range(count):
                copy.write_row((f"{n:032x}", CONSULTATION, 1))
        conn.commit()
        # What autovacuum would do after such a load; without statistics the planner guesses.
        conn.execute("ANALYZE respondents, submissions, responses")


# Streaming ------------------------------------------------------------------------------------


def stream(url: str, count: int) -> tuple[float, float, float, float]:
    """Stream every response from ``url``; runs in a fresh process so its memory is its own.

    Returns the rate and the process's peak resident memory (``ru_maxrss``, free to read) before
    streaming, after a tenth of the responses and after all of them.
    """
    with open_store(url) as store:
        before = peak_rss_mb()
        tenth = max(count // 10, 1)
        seen = 0
        early = 0.0
        start = time.perf_counter()
        for response in store.iter_responses(CONSULTATION):
            seen += 1
            if seen == tenth:
                early = peak_rss_mb()
            if response.version != 1:
                raise SystemExit(f"streamed version {response.version}, expected 1")
        elapsed = time.perf_counter() - start
    if seen != count:
        raise SystemExit(f"streamed {seen:,} responses, expected {count:,}")
    return seen / elapsed, before, early, peak_rss_mb()


def bench_stream(name: str, url: str, count: int) -> None:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        rate, before, early, late = pool.apply(stream, (url, count))
    report(f"{name}: stream {count:,} responses", rate, "responses/s")
    report(f"{name}: peak memory before streaming", before, "MB")
    report(f"{name}: peak memory after {max(count // 10, 1):,} responses", early, "MB")
    report(f"{name}: peak memory after {count:,} responses", late, "MB")


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    writes, rounds, streamed = (40, 1, 5_000) if args.smoke else (1_000, 3, 1_000_000)
    print(
        f"{writes * rounds:,} submissions per measurement, taking turns {CHUNK} at a time; "
        f"{streamed:,} responses streamed"
    )
    folder = Path(tempfile.mkdtemp(prefix="surveykit-bench-"))
    schema = f"sk_bench_{secrets.token_hex(4)}"
    try:
        bench_sqlite(folder, writes, rounds)
        bench_postgres(f"{schema}_w", writes, rounds)

        path = folder / "stream.db"
        load_sqlite(path, streamed)
        bench_stream("SQLite", f"sqlite:///{path}", streamed)
        url = f"{POSTGRES_URL}?schema={schema}_s&pool_size=2"
        load_postgres(url, f"{schema}_s", streamed)
        bench_stream("PostgreSQL", url, streamed)
        report("peak resident memory of the benchmark process", peak_rss_mb(), "MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            for suffix in ("w", "s"):
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_{suffix}" CASCADE')


if __name__ == "__main__":
    main()
