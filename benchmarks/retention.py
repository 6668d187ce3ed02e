"""Benchmark: the data protection commands on a SQLite store, beside SQLite's own floor.

A Taking Stock store (a real SQLite file) is filled through the store API with ``--people``
respondents (default 20,000), each with a link, a response, a second version and a draft.  Then,
through ``surveykit.cli.main`` as an officer runs them:

* ``surveykit purge`` at a date when everything is due (Taking Stock closed in 2015): respondents
  purged per second, and the seconds taken;
* ``surveykit subject-access`` for one person (JSON), the median of several people;
* ``surveykit erase`` of one person, the median of several.

Purge and erase end by rewriting the file so no freed page keeps a byte of anyone
(``VACUUM``), so the baseline, measured in the same run on the same file, is a plain ``VACUUM``:
what SQLite itself takes to rewrite it.  Peak memory is the process's.

Run: ``python benchmarks/retention.py`` (a minute or two) or ``--smoke`` (seconds).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import parser, peak_rss_mb, report
from surveykit import Respondent, Secret, Token, open_store
from surveykit.cli import main as surveykit
from surveykit.storage import Draft, Grant, NewSubmission

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "taking_stock.toml"
CONSULTATION = "taking-stock"
SECRET = "benchmark-secret-0123456789abcdefghijklmnopqrstuvwxyz"
T0 = dt.datetime(2015, 2, 2, 9, 0, tzinfo=dt.UTC)
ANSWERS = {
    "role": "leader",
    "authority_type": "county",
    "authority": "Anyshire",
    "q1": "all_relevant",
    "q2": "We would like more peer challenge and clearer data.",
    "consent": "quote_anon",
}


def fill(url: str, people: int) -> list[str]:
    """The store with ``people`` respondents; their email addresses."""
    key = Secret(SECRET.encode(), "the benchmark")
    addresses = [f"person{n}@council{n % 300}.example.gov.uk" for n in range(people)]
    with open_store(url) as store:
        who = [
            Respondent(
                CONSULTATION, f"Council {n}", "county", "leader", name=f"Person {n}", email=address
            )
            for n, address in enumerate(addresses)
        ]
        for start in range(0, people, 1_000):
            chunk = who[start : start + 1_000]
            store.grant([Grant(p, key.hash(Token.new()), T0) for p in chunk])
            with store.batch():
                for p in chunk:
                    for minute in (1, 2):
                        at = T0 + dt.timedelta(minutes=minute)
                        store.append_submission(
                            NewSubmission(CONSULTATION, p.id, ANSWERS, "web", at, at)
                        )
                store.save_drafts([Draft(p.id, {"q1": "x"}, T0) for p in chunk])
    return addresses


def run(*args: str) -> float:
    """Seconds ``surveykit ARGS`` took; its output is dropped, its status must be 0."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        start = time.perf_counter()
        status = surveykit(list(args))
        took = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"surveykit {' '.join(args[:1])} exited {status}")
    return took


def vacuum(path: Path) -> float:
    connection = sqlite3.connect(path)
    start = time.perf_counter()
    connection.execute("VACUUM")
    took = time.perf_counter() - start
    connection.close()
    return took


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--people", type=int, help="respondents in the store (default 20,000)")
    args = p.parse_args()
    people = args.people or (300 if args.smoke else 20_000)
    os.environ["SURVEYKIT_SECRET"] = SECRET
    os.environ["SURVEYKIT_OFFICER"] = "Benchmark"
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "filled.db"
        start = time.perf_counter()
        addresses = fill(f"sqlite:///{first}", people)
        report("store filled", people, "respondents", f"{time.perf_counter() - start:,.1f} s")
        report("store file size", first.stat().st_size / 1e6, "MB")

        sample = addresses[:: max(1, people // 7)][:7]
        copy = Path(folder) / "access.db"
        shutil.copy(first, copy)
        url = f"sqlite:///{copy}"
        times = [
            run(
                "subject-access",
                str(SPEC),
                "--db",
                url,
                "--email",
                address,
                "--out",
                str(Path(folder) / f"access{n}.json"),
            )
            for n, address in enumerate(sample)
        ]
        report("subject-access, one person (median)", statistics.median(times) * 1000, "ms")
        times = [
            run("erase", str(SPEC), "--db", url, "--email", address, "--yes") for address in sample
        ]
        report("erase, one person (median)", statistics.median(times) * 1000, "ms")
        report("baseline: VACUUM of the same file", vacuum(copy) * 1000, "ms")

        copy = Path(folder) / "purge.db"
        shutil.copy(first, copy)
        floor = vacuum(copy)
        shutil.copy(first, copy)
        now = "2030-01-01T00:00:00+00:00"
        took = run("purge", str(SPEC), "--db", f"sqlite:///{copy}", "--now", now)
        report("purge, everything due", people / took, "respondents/s", f"{took:,.2f} s")
        report("baseline: VACUUM of the same file before purging", floor * 1000, "ms")
        again = run("purge", str(SPEC), "--db", f"sqlite:///{copy}", "--now", now)
        report("purge again (nothing left to remove)", again * 1000, "ms")
    report("peak resident memory of the benchmark process", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
