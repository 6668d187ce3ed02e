"""Benchmark: the full Taking Stock report over a million responses, against pandas.

Each store (SQLite, then PostgreSQL) is loaded with ``--responses`` current responses (default
1,000,000) plus superseded versions: 10% of respondents answered two or three times, and only
their latest version counts.  Rows are written straight into the store's own tables (opened
first through :func:`surveykit.open_store`, so the schema is the real one) with ``executemany``
or ``COPY``; the answers come from a few hundred templates, each built from random choices and
then cleaned and validated by :class:`surveykit.Engine`, so every stored answer set respects the
branching.  The SQLite file is generated once per run, in a temporary folder keyed by the row
count.

Measured in the same run, each in a fresh ``spawn`` child process:

* **surveykit**: ``build_report`` (every aggregator and disclosure control) plus writing the
  report as JSON, CSV and HTML;
* **pandas baseline**: the same counts (per question per option, and cross-tabs of each
  question by role and by authority type) from the same database: ``pd.read_sql`` of the current
  rows, ``json.loads`` of each answer set, ``value_counts`` and ``groupby``.
* **counting only**: ``build_report`` with only the built-in ``counts`` and ``crosstab``
  aggregators and nothing written: for its first run (every response counted) exactly the
  work the pandas baseline does, a like-for-like figure beside the full report's.

Each surveykit figure is measured twice, as a consultation's reports are made: the **first
report**, which counts every response and keeps its counts in the store
(:mod:`surveykit.snapshots`), then, after ``--churn`` of the respondents (default 1%, 10,000 at
full size) have sent a revised response (written straight into the tables like the rest, so the
store's triggers log them as any write would), the **next report**, which brings the kept counts
up to date from those changes alone.  The pandas baseline counts the store as it is then.  The
issue 20 verdict is given for the next report (counts kept as answers arrive, as the issue
suggests); the first report's speed against pandas is printed beside it.

Both print records/s and seconds.  Libraries are imported before the clock starts on both
sides: pandas for the baseline; surveykit's plugins and the disclosure control's solver (numpy,
SciPy, HiGHS) for surveykit, which a long-running process imports once.  Memory is the **peak
resident set size of the child process** (``ru_maxrss``, so it includes the interpreter and its
imports), read before the work and at the end.  Targets (issue 20): the full report, disclosure
control included, at least **2x** as fast as pandas, and its peak under 250 MB.  The benchmark
also checks that surveykit's unsuppressed per-option counts equal pandas' counts.

Run: ``python benchmarks/report.py`` (minutes: loading a million rows twice dominates),
``--responses N`` to choose the size, or ``--smoke`` (about 5,000 responses, seconds).
PostgreSQL is found at ``SURVEYKIT_TEST_POSTGRES`` (default: the local test database); the
benchmark works in a schema of its own and drops it at the end.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import multiprocessing
import os
import random
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Benchmarks are named after what they measure, and some of those names (http.py) are also
# standard library modules: look in this folder last, so only _common comes from here.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import psycopg  # noqa: E402

import surveykit  # noqa: E402
from _common import parser, peak_rss_mb, report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "taking_stock.toml"
POSTGRES_URL = os.environ.get(
    "SURVEYKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
SMOKE_RESPONSES = 5_000
FULL_RESPONSES = 1_000_000
TEMPLATES = 400
#: The share of respondents who answered more than once (2 or 3 versions).
REVISED = 0.10
#: The share of respondents who send a revised response between the first report and the next.
CHURN = 0.01
#: Respondents on the roster who never answered, as a share of those who did (for coverage).
SILENT = 0.05
CHUNK = 10_000
MEMORY_TARGET_MB = 250
#: The full report's speed against pandas that issue 20 asks for.
SPEED_TARGET = 2.0
RESPONDENT_COLUMNS = (
    "id, consultation, authority, authority_type, role, name, email, consent, origin, created_at"
)
SUBMISSION_COLUMNS = (
    "respondent_id, version, consultation, channel, submitted_at, received_at, answers"
)

PLACE_NAMES = """
Ashford Barnsley Bedford Blackpool Bolton Bradford Brent Brighton Bristol Bury Calderdale
Camden Cheshire Cornwall Coventry Croydon Cumbria Derby Devon Doncaster Dorset Dudley Durham
Ealing Essex Gateshead Gloucester Hackney Halton Harrow Hertford Hull Islington Kent
Kirklees Knowsley Lambeth Lancashire Leeds Leicester Lewisham Lincoln Luton Medway Merton
Newham Norfolk Oldham Oxford Peterborough Plymouth Reading Rochdale Rotherham Salford Sefton
Sheffield Slough Solihull Somerset Stockport Suffolk Sunderland Surrey Swindon Tameside
Torbay Trafford Wakefield Walsall Warwick Wigan Wirral Wokingham Worcester York
"""
PLACES = PLACE_NAMES.split()
SUFFIX = {
    "county": "County Council",
    "district": "District Council",
    "unitary": "Council",
    "metropolitan": "Metropolitan Borough Council",
    "london_borough": "London Borough Council",
    "fire_and_rescue": "Fire and Rescue Authority",
    "other": "Improvement Partnership",
}
FIRST = ("Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugh", "Isla", "Jon", "Kiran")
LAST = ("Adams", "Begum", "Clarke", "Davies", "Evans", "Foster", "Green", "Hughes", "Iqbal")
SENTENCES = (
    "Peer challenge has been the most valuable part of the offer for our council.",
    "The principles remain sound but accountability to residents needs more emphasis.",
    "LG Inform should be easier for residents to use without specialist knowledge.",
    "Scrutiny committees need dedicated officer support to be effective.",
    "We would welcome more support on savings and demand management in social care.",
    "Inspection places a heavy burden on staff and rarely tells us anything new.",
    "Place-based working means improvement must look beyond the council itself.",
    "A published annual self-assessment would build public confidence.",
    "Action plans after peer challenge should be published alongside the report.",
    "Support for tackling child sexual exploitation should be expanded quickly.",
    "The Better Care Fund support has been helpful but the timescales were too short.",
    "Smaller district councils find it hard to release staff to act as peers.",
    "Comparative data is only useful if it is timely and consistent between councils.",
    "Fire and rescue authorities should be fully part of the sector-led approach.",
    "Government will only hold back from inspection if the sector is seen to be robust.",
    "Members need training in using performance data to challenge officers.",
)


# Generating the data --------------------------------------------------------------------------


def _text(rng: random.Random) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(1, 2)))


def _template(
    consultation: surveykit.Consultation, engine: surveykit.Engine, rng: random.Random
) -> tuple[str, str, str, str, str]:
    """A valid answer set: (role, authority type, consent, JSON before A3, JSON after A3).

    The authority's name (question A3) is spliced in per respondent between the two halves.
    """
    answers: dict[str, Any] = {}
    for question in consultation.questions:
        if question.id == "authority":
            answers[question.id] = "\0"
        elif question.kind == "single":
            if question.required or rng.random() < 0.9:
                answers[question.id] = rng.choice(question.options).value
        elif question.kind == "multi":
            if rng.random() < 0.8:
                picked = rng.sample(question.options, rng.randint(1, len(question.options)))
                answers[question.id] = [o.value for o in picked]
        elif question.kind == "text" and rng.random() < 0.2:
            answers[question.id] = _text(rng)
    answers = engine.clean(answers)
    problems = engine.validate({**answers, "authority": "A council"})
    if problems:
        raise SystemExit(f"generated answers are invalid: {problems}")
    text = json.dumps(answers, ensure_ascii=False, separators=(",", ":"))
    before, after = text.split('"\\u0000"')
    return answers["role"], answers["authority_type"], answers["consent"], before, after


def templates(consultation: surveykit.Consultation, seed: int = 2015) -> list[tuple]:
    """A few hundred valid, varied answer sets to draw responses from."""
    rng = random.Random(seed)
    engine = surveykit.Engine(consultation)
    return [_template(consultation, engine, rng) for _ in range(TEMPLATES)]


def authorities(rng: random.Random) -> dict[str, list[str]]:
    """Authority names by type: each place has three kinds of authority."""
    found: dict[str, list[str]] = {kind: [] for kind in SUFFIX}
    for place in PLACES:
        for kind in rng.sample(sorted(SUFFIX), 3):
            found[kind].append(f"{place} {SUFFIX[kind]}")
    return found


def rows(consultation: surveykit.Consultation, count: int, seed: int = 1) -> Iterator[tuple]:
    """Chunks of (respondent rows, submission rows) for ``count`` current responses.

    A respondent row is the ``respondents`` table's columns; a submission row is
    ``(respondent_id, version, consultation, channel, submitted_at, received_at, answers)`` with
    datetimes; the latest version of each respondent is the one that counts.
    """
    rng = random.Random(seed)
    cid = consultation.metadata.id
    pool = templates(consultation)
    places = authorities(rng)
    # The templates and names are live for the whole run: keep the collector off them.
    gc.collect()
    gc.freeze()
    start = dt.datetime(2015, 1, 19, 9, 0, tzinfo=dt.UTC)
    span = 53 * 24 * 3600
    total = count + int(count * SILENT)
    for first in range(0, total, CHUNK):
        people, submissions = [], []
        for n in range(first, min(first + CHUNK, total)):
            rid = f"{rng.getrandbits(128):032x}"
            given, family = rng.choice(FIRST), rng.choice(LAST)
            current = pool[rng.randrange(TEMPLATES)]
            role, kind, consent = current[:3]
            authority = rng.choice(places[kind])
            when = start + dt.timedelta(seconds=rng.randrange(span))
            answered = n < count
            people.append(
                (
                    rid,
                    cid,
                    authority,
                    kind,
                    role,
                    f"{given} {family}",
                    f"{given}.{family}{n}@example.gov.uk".lower(),
                    consent if answered else None,
                    "self_service" if role == "other" else "roster",
                    when,
                )
            )
            if not answered:
                continue
            versions = 1 if rng.random() >= REVISED else rng.choice((2, 3))
            for version in range(1, versions + 1):
                chosen = current
                if version < versions:  # an earlier answer set, by the same person
                    chosen = pool[rng.randrange(TEMPLATES)]
                    chosen = (role, kind, consent, *_same_person(chosen, role, kind, consent))
                stamp = when + dt.timedelta(hours=version - 1)
                answers = chosen[3] + json.dumps(authority) + chosen[4]
                submissions.append((rid, version, cid, "web", stamp, stamp, answers))
        yield people, submissions


def _same_person(template: tuple, role: str, kind: str, consent: str) -> tuple[str, str]:
    """An earlier version's JSON halves with this respondent's own role, type and consent."""
    before, after = template[3], template[4]
    before = before.replace(f'"role":"{template[0]}"', f'"role":"{role}"', 1)
    before = before.replace(f'"authority_type":"{template[1]}"', f'"authority_type":"{kind}"', 1)
    after = after.replace(f'"consent":"{template[2]}"', f'"consent":"{consent}"', 1)
    return before, after


def load_sqlite(path: Path, consultation: surveykit.Consultation, count: int) -> None:
    """Generate the responses straight into a new store's SQLite file."""
    surveykit.open_store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    for people, submissions in rows(consultation, count):
        conn.executemany(
            f"INSERT INTO respondents ({RESPONDENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*p[:9], p[9].isoformat()) for p in people],
        )
        conn.executemany(
            f"INSERT INTO submissions ({SUBMISSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*s[:4], s[4].isoformat(), s[5].isoformat(), s[6]) for s in submissions],
        )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def load_postgres(url: str, schema: str, consultation: surveykit.Consultation, count: int) -> None:
    """Generate the responses straight into a new store's PostgreSQL schema with ``COPY``."""
    surveykit.open_store(url).close()
    options = f"-c search_path={schema} -c timezone=UTC"
    with psycopg.connect(POSTGRES_URL, options=options) as conn, conn.cursor() as cur:
        for people, submissions in rows(consultation, count):
            with cur.copy(f"COPY respondents ({RESPONDENT_COLUMNS}) FROM STDIN") as copy:
                for person in people:
                    copy.write_row(person)
            latest: dict[str, tuple[str, int]] = {}
            with cur.copy(f"COPY submissions ({SUBMISSION_COLUMNS}) FROM STDIN") as copy:
                for submission in submissions:
                    copy.write_row(submission)
                    latest[submission[0]] = (submission[2], submission[1])
            with cur.copy(
                "COPY responses (respondent_id, consultation, version) FROM STDIN"
            ) as copy:
                for rid, (cid, version) in latest.items():
                    copy.write_row((rid, cid, version))
        conn.commit()
        # What autovacuum would do after such a load; without statistics the planner guesses.
        conn.execute("ANALYZE respondents, submissions, responses")


def generate(dialect: str, target: str, count: int) -> dict[str, Any]:
    """Generate a store in a child process, so this one stays small: Linux keeps a process's
    peak memory across ``exec``, so every child spawned later would report this one's."""
    consultation = surveykit.load_spec(SPEC)
    start = time.perf_counter()
    if dialect == "sqlite":
        load_sqlite(Path(target), consultation, count)
    else:
        load_postgres(target, _schema(target), consultation, count)
    return {"seconds": time.perf_counter() - start}


def revise_in_child(url: str, dialect: str, share: float) -> dict[str, Any]:
    """:func:`revise`, in a child process for the same reason as :func:`generate`."""
    return {"revised": revise(url, dialect, surveykit.load_spec(SPEC), share)}


def revise(url: str, dialect: str, consultation: surveykit.Consultation, share: float) -> int:
    """Give ``share`` of the respondents who answered a new version of their response (their own
    role, type, authority and consent; other answers from the templates), written straight
    into the tables; returns how many."""
    rng = random.Random(7)
    pool = templates(consultation, seed=2016)
    cid = consultation.metadata.id
    latest_sql = (
        "SELECT s.respondent_id, max(s.version), r.role, r.authority_type, r.authority, "
        "r.consent FROM submissions s JOIN respondents r ON r.id = s.respondent_id "
        "GROUP BY s.respondent_id, r.role, r.authority_type, r.authority, r.consent"
    )
    stamp = dt.datetime(2015, 3, 20, 12, 0, tzinfo=dt.UTC)
    if dialect == "sqlite":
        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    else:
        conn = psycopg.connect(url.split("?")[0], options=f"-c search_path={_schema(url)}")
    latest = conn.execute(latest_sql).fetchall()
    chosen = rng.sample(latest, int(len(latest) * share))
    rows = []
    for rid, version, role, kind, authority, consent in chosen:
        template = pool[rng.randrange(TEMPLATES)]
        before, after = _same_person(template, role, kind, consent)
        answers = before + json.dumps(authority) + after
        rows.append((rid, version + 1, cid, "web", stamp, stamp, answers))
    if dialect == "sqlite":
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO submissions ({SUBMISSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*r[:4], r[4].isoformat(), r[5].isoformat(), r[6]) for r in rows],
        )
        conn.execute("COMMIT")
    else:
        with conn.cursor() as cur:
            with cur.copy(f"COPY submissions ({SUBMISSION_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.executemany(
                "UPDATE responses SET version = %s WHERE respondent_id = %s",
                [(r[1], r[0]) for r in rows],
            )
        conn.commit()
    conn.close()
    return len(rows)


# Measuring ------------------------------------------------------------------------------------


def run_surveykit(url: str, out: str | None) -> dict[str, Any]:
    """Build the public report and write it in every format; runs in a fresh process.

    With ``out`` of ``None`` only the counts and cross-tabs are built and nothing is written:
    exactly the work the pandas baseline does.
    """
    from surveykit_reports.build import build_report
    from surveykit_reports.export import write_report

    consultation = surveykit.load_spec(SPEC)
    plugins = surveykit.get_plugins()  # loading plugins is start-up, like importing pandas
    plugins.storage, plugins.aggregators  # noqa: B018
    _import_solver()
    if out is None:
        plugins = _counting_only(plugins)
    before = peak_rss_mb()
    start = time.perf_counter()
    with surveykit.open_store(url) as store:
        built = build_report(consultation, store, plugins=plugins)
    built_at = time.perf_counter()
    if out is not None:
        for name in ("json", "csv", "html"):
            write_report(built, name, Path(out) / f"report.{name}", force=True)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "writing": time.perf_counter() - built_at,
        "before": before,
        "peak": peak_rss_mb(),
        "responses": built.responses.count,
        "counts": published_counts(built),
    }


def _import_solver() -> None:
    """Import what disclosure control solves with, as the baseline imports pandas first."""
    import highspy  # noqa: F401
    import numpy  # noqa: F401
    import scipy.optimize
    import scipy.sparse  # noqa: F401


def _counting_only(installed: surveykit.Plugins) -> surveykit.Plugins:
    """Plugins whose only aggregators are the built-in counts and cross-tabs (and the
    installed question kinds, which say what may be counted)."""
    found = installed.aggregators
    kinds = installed.kinds

    class CountingOnly:
        @surveykit.hookimpl
        def surveykit_register_aggregators(self, register: Any) -> None:
            for name in ("counts", "crosstab"):
                register(found[name])

        @surveykit.hookimpl
        def surveykit_register_question_kinds(self, register: Any) -> None:
            for name in kinds:
                register(kinds[name])

    plugins = surveykit.Plugins()
    plugins.register(CountingOnly(), "counting-only")
    return plugins


def published_counts(built: Any) -> dict[tuple[str, str, str], int]:
    """Every published count of an answer, keyed (table, answer, group): what pandas counts too.

    Count tables have the group ``""``; cross-tabs the role or authority type.  Suppressed
    cells, totals and the "not answered" and "not shown" rows are left out.
    """
    found = {}
    for table in built.tables:
        if table.aggregator not in ("counts", "crosstab"):
            continue
        for row, cells in zip(table.rows, table.cells, strict=True):
            for column, cell in zip(table.columns, cells, strict=True):
                group = "" if table.aggregator == "counts" else column.value
                if cell.shown and not row.value.startswith("_") and not group.startswith("_"):
                    found[(table.id, row.value, group)] = cell.count
    return found


def current_rows_sql(dialect: str) -> str:
    """The current answer sets, as an analyst would select them."""
    if dialect == "sqlite":
        return (
            "SELECT s.answers FROM submissions s JOIN (SELECT respondent_id, max(version) AS v "
            "FROM submissions WHERE consultation = 'taking-stock' GROUP BY respondent_id) m "
            "ON m.respondent_id = s.respondent_id AND m.v = s.version"
        )
    return (
        "SELECT s.answers::text AS answers FROM responses r JOIN submissions s "
        "ON s.respondent_id = r.respondent_id AND s.version = r.version "
        "WHERE r.consultation = 'taking-stock'"
    )


def run_pandas(url: str, dialect: str) -> dict[str, Any]:
    """The baseline: the same counts with pandas, from the same database; a fresh process."""
    import pandas as pd

    consultation = surveykit.load_spec(SPEC)
    choice = [q.id for q in consultation.questions if q.kind in ("single", "multi")]
    multi = [q.id for q in consultation.questions if q.kind == "multi"]
    before = peak_rss_mb()
    start = time.perf_counter()
    if dialect == "sqlite":
        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
    else:
        conn = psycopg.connect(url.split("?")[0], options=f"-c search_path={_schema(url)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; DBAPI is fine
        frame = pd.read_sql(current_rows_sql(dialect), conn)
    conn.close()
    answers = pd.DataFrame.from_records(
        [json.loads(text) for text in frame["answers"]], columns=choice
    )
    del frame
    counts: dict[tuple[str, str, str], int] = {}
    for qid in choice:
        column = answers[qid].explode() if qid in multi else answers[qid]
        for value, n in column.value_counts().items():
            counts[(qid, str(value), "")] = int(n)
        for by in ("role", "authority_type"):
            if by == qid:
                continue
            frame = answers[[qid, by]].explode(qid) if qid in multi else answers
            for (value, group), n in frame.groupby([qid, by]).size().items():
                counts[(f"{qid}-by-{by}", str(value), str(group))] = int(n)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "before": before,
        "peak": peak_rss_mb(),
        "responses": len(answers),
        "counts": counts,
    }


def _schema(url: str) -> str:
    return url.split("schema=")[1].split("&")[0]


def _child(function: Any, *args: Any) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def compare(
    name: str,
    url: str,
    dialect: str,
    count: int,
    out: Path,
    churn: float,
) -> None:
    first = _child(run_surveykit, url, str(out))
    first_counting = _child(run_surveykit, url, None)  # keeps counts of its own
    revised = _child(revise_in_child, url, dialect, churn)["revised"]
    ours = _child(run_surveykit, url, str(out))
    counting = _child(run_surveykit, url, None)
    theirs = _child(run_pandas, url, dialect)
    if first["responses"] != count:
        raise SystemExit(f"{name}: the first report counted {first['responses']:,} responses")
    for who, got in (("surveykit", ours), ("surveykit counting", counting), ("pandas", theirs)):
        if got["responses"] != count:
            raise SystemExit(f"{name}: {who} counted {got['responses']:,} responses, not {count:,}")
    if counting["counts"] != ours["counts"]:
        raise SystemExit(f"{name}: counting alone published other counts than the full report")
    for key, value in ours["counts"].items():
        if theirs["counts"].get(key, 0) != value:
            got = theirs["counts"].get(key, 0)
            raise SystemExit(f"{name}: {key}: surveykit counts {value}, pandas {got}")
    print(f"{name}: all {len(ours['counts']):,} published counts equal pandas' counts")
    label = f"{name}, {count:,} responses"
    report(f"{label}: first report, counting every response", first["seconds"], "s")
    report(
        f"{label}: first report, speed / pandas",
        theirs["seconds"] / first["seconds"],
        "x",
        "(no kept counts yet)",
    )
    report(f"{label}: first report, peak RSS", first["peak"], "MB")
    print(f"{name}: then {revised:,} respondents sent a revised response; the next report:")
    report(f"{label}: surveykit report", count / ours["seconds"], "records/s")
    report(f"{label}: pandas baseline, same counts", count / theirs["seconds"], "records/s")
    report(f"{label}: surveykit report", ours["seconds"], "s")
    report(f"{label}: pandas baseline", theirs["seconds"], "s")
    report(f"{label}: of which writing JSON, CSV and HTML", ours["writing"], "s")
    speed = theirs["seconds"] / ours["seconds"]
    verdict = "meets" if speed >= SPEED_TARGET else "MISSES"
    report(
        f"{label}: surveykit speed / pandas",
        speed,
        "x",
        f"{verdict} the >= {SPEED_TARGET:.1f} target",
    )
    verdict = "meets" if ours["peak"] < MEMORY_TARGET_MB else "MISSES"
    report(
        f"{label}: surveykit peak RSS",
        ours["peak"],
        "MB",
        f"{verdict} the < {MEMORY_TARGET_MB} MB target",
    )
    report(f"{label}: surveykit RSS after imports", ours["before"], "MB")
    report(f"{label}: pandas peak RSS", theirs["peak"], "MB")
    report(f"{label}: pandas RSS after imports", theirs["before"], "MB")
    report(f"{label}: counting only, first", first_counting["seconds"], "s")
    report(
        f"{label}: counting only, first, speed / pandas",
        theirs["seconds"] / first_counting["seconds"],
        "x",
        "(every response: the same work as pandas)",
    )
    report(f"{label}: counting only, next", count / counting["seconds"], "records/s")
    report(f"{label}: counting only, next", counting["seconds"], "s")
    report(
        f"{label}: counting only, next, speed / pandas",
        theirs["seconds"] / counting["seconds"],
        "x",
        "(from kept counts)",
    )
    report(f"{label}: counting only, peak RSS", counting["peak"], "MB")


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--responses", type=int, help=f"current responses (default {FULL_RESPONSES:,})")
    p.add_argument(
        "--churn",
        type=float,
        default=CHURN,
        help=f"share of respondents revising between the two reports (default {CHURN})",
    )
    args = p.parse_args()
    churn = args.churn
    count = args.responses or (SMOKE_RESPONSES if args.smoke else FULL_RESPONSES)
    print(
        f"{count:,} current responses, {REVISED:.0%} of respondents with 2-3 versions; "
        "memory is the peak RSS (ru_maxrss) of a fresh child process for each measurement"
    )
    folder = Path(tempfile.mkdtemp(prefix="surveykit-bench-report-"))
    schema = f"sk_bench_report_{secrets.token_hex(4)}"
    url = f"{POSTGRES_URL}?schema={schema}&pool_size=2"
    try:
        path = folder / f"taking-stock-{count}.db"
        made = _child(generate, "sqlite", str(path), count)
        report("generate the SQLite store", made["seconds"], "s")
        compare("SQLite", f"sqlite:///{path}", "sqlite", count, folder, churn)
        made = _child(generate, "postgresql", url, count)
        report("generate the PostgreSQL store", made["seconds"], "s")
        compare("PostgreSQL", url, "postgresql", count, folder, churn)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
