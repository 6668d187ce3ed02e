"""Benchmark: `surveykit ingest` end to end, against parsing and one durable INSERT; the SMTP inbox.

Replies to Taking Stock (a copy of ``specs/taking_stock.toml`` open until 2099) from the roster's
respondents, written as people write them (``surveykit_email.samples`` in the styles of
``email_replies.py``: about one in ten must go to review; in three of ten the About you answers
are left for the roster to fill), are written to mbox files of 1,000 messages.  Then, on SQLite
(a new file at full durability, the default: WAL and ``synchronous=FULL``) and on PostgreSQL (a
new schema), each in a child process of its own so that its peak memory is its own:

* **ingest**: what ``surveykit ingest`` does, in-process: ``sources()`` over the files, one
  ``Intake``, and ``Intake.receive_many`` over them (a batch of 200 stored per transaction,
  read by worker processes from ``surveykit_email.readers`` while the next batch is stored, then
  matched and submitted or queued).  The first file is also ingested by the real command
  (``surveykit ingest``, a child process) into a store of its own, which must say the same
  outcomes.
* **baseline**: the same files read by the same ``sources()``, each message parsed by the
  standard library (``email.message_from_bytes``) and its raw bytes INSERTed in a transaction of
  its own at the same durability: on SQLite through the store's own connection settings
  (``surveykit_sqlite.store.connect``: WAL, ``synchronous=FULL``), ``BEGIN IMMEDIATE``, INSERT,
  ``COMMIT``; on PostgreSQL one autocommitted INSERT (one commit) per message.

The two take turns file by file, so both get the same share of whatever else the machine does.
Printed: messages/s for each and the ratio (target: ingest at least 50% of the baseline, and at
least 1,000 messages/s on SQLite); the cost of one message (a median) when the store holds 1,000
and when it holds all but the last file, flat when within 10%.  On a shared machine other work
comes and goes during a run, so the two are measured side by side: the last file is ingested in
turns of a tenth with a second store that holds only the first file.  And the child's peak
resident memory.

**Where the time goes**: another store of each kind ingests one more file (after a file to warm
up) with a timer around every step of ``Intake.receive``, one message at a time as the SMTP
inbox does (exclusive times, so the steps add up to the whole; on SQLite the COMMITs, where the
fsyncs are, apart).  ``--profile`` adds cProfile's
busiest functions.

**Burst**: ``surveykit inbox`` (a child process, on SQLite at full durability) is sent 1,000
replies by 10 SMTP clients at once on loopback (smtplib, one connection each, 100 messages
each): messages/s, how many were refused and how many are stored (all, none).  Baseline: the
same clients against an aiosmtpd server, also a child process, that keeps nothing.

Run: ``python benchmarks/email_ingest.py`` (10,000 replies per backend, a few minutes),
``--large`` (100,000 per backend: most of an hour, several GB of temporary files; with
``--sqlite-only``, SQLite's ingest and steps alone, about twenty minutes) or ``--smoke`` (seconds,
for the tests).  PostgreSQL is found at ``SURVEYKIT_TEST_POSTGRES`` (default: the
local test database); the benchmark works in schemas of its own and drops them at the end.
"""

from __future__ import annotations

import asyncio
import cProfile
import datetime as dt
import email
import mailbox
import os
import pstats
import random
import secrets
import shutil
import signal
import smtplib
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg

import surveykit_email.intake as intake_module
from _common import parser, peak_rss_mb, report
from email_replies import _answers, _style
from surveykit import Consultation, Engine, Secret, load_spec
from surveykit.identity import bind_secret, load_secret
from surveykit.roster import LinkPlan, parse_roster, plan_links
from surveykit.storage import Store, open_store
from surveykit_email.ingest import sources, summary
from surveykit_email.intake import BATCH_SIZE, Arrival, Intake, Outcome
from surveykit_email.readers import parallel_reader
from surveykit_email.reference import reference_for
from surveykit_email.samples import Style, write_reply
from surveykit_sqlite.store import connect as sqlite_connect

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "taking_stock.toml"
SURVEYKIT = str(Path(sys.executable).parent / "surveykit")
POSTGRES_URL = os.environ.get(
    "SURVEYKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
RATIO_TARGET = 50.0
SQLITE_TARGET = 1_000
FLAT = 10.0
ABOUT_YOU = ("role", "authority_type", "authority")
ROLES = ("leader", "chief_executive")
TYPES = ("county", "district", "unitary", "metropolitan", "london_borough", "fire_and_rescue")


# Replies ------------------------------------------------------------------------------------


def open_copy(folder: Path) -> Path:
    """Taking Stock, open until 2099 (the real one closed in 2015): replies count as on time."""
    text = SPEC.read_text(encoding="utf-8")
    assert "closes = 2015-03-13" in text
    path = folder / "taking_stock_open.toml"
    path.write_text(text.replace("closes = 2015-03-13", "closes = 2099-12-31"), encoding="utf-8")
    return path


def roster(count: int, tag: str = "") -> list[str]:
    """CSV lines of a roster of ``count`` leaders and chief executives, one address each."""
    lines = ["authority,authority_type,role,name,email"]
    for n in range(count):
        council = f"{tag}Council {n // 2}"
        lines.append(
            f"{council},{TYPES[n // 2 % len(TYPES)]},{ROLES[n % 2]},Person {tag}{n},"
            f"person{n}@council{n // 2}.{tag or 'x'}.example"
        )
    return lines


def enrol(store: Store, secret: Secret, consultation: Consultation, count: int) -> LinkPlan:
    """Put ``count`` respondents on the roster, as ``surveykit tokens issue`` does."""
    entries = parse_roster(roster(count), consultation)
    plan = plan_links(store, secret, consultation, entries, now=T0)
    plan.commit(store)
    return plan


def answers_for(rng: random.Random, consultation: Consultation, engine: Engine, who) -> dict:
    """A complete response from ``who``: About you as the roster has it, the rest at random."""
    known = {"role": who.role, "authority_type": who.authority_type, "authority": who.authority}
    return _answers(rng, consultation, engine, known)


def reply_to(
    rng: random.Random, consultation: Consultation, engine: Engine, secret: Secret, who, n: int
) -> bytes:
    answers = answers_for(rng, consultation, engine, who)
    style: Style = _style(rng, consultation, answers)
    written = answers
    if rng.random() < 0.3:  # the roster says who they are: they need not
        written = {q: v for q, v in answers.items() if q not in ABOUT_YOU}
    return write_reply(
        consultation,
        written,
        style,
        reference=reference_for(secret, who.id),
        sender=f"{who.name} <{who.email}>",
        number=n,
    )


def write_files(
    folder: Path, spec: Path, secret: Secret, people: list, per_file: int
) -> list[Path]:
    """One reply from each of ``people``, in mbox files of ``per_file`` messages."""
    consultation = load_spec(spec)
    engine = Engine(consultation)
    rng = random.Random(2015)
    files = []
    for start in range(0, len(people), per_file):
        path = folder / f"replies-{start // per_file:04d}.mbox"
        box = mailbox.mbox(path)
        box.lock()
        for n, who in enumerate(people[start : start + per_file], start):
            box.add(reply_to(rng, consultation, engine, secret, who, n))
        box.flush()
        box.unlock()
        box.close()
        files.append(path)
    return files


# Ingest and its baseline, in a child process per backend --------------------------------------


class Baseline:
    """Parse with the standard library, then INSERT the raw bytes in a transaction of its own."""

    def __init__(self, target: str) -> None:
        if target.startswith("sqlite:"):
            self.conn: Any = sqlite_connect(Path(target.removeprefix("sqlite:")))
            self.conn.execute(
                "CREATE TABLE raw_messages (id INTEGER PRIMARY KEY, raw BLOB NOT NULL)"
            )
            self.store = self._sqlite
        else:
            options = f"-c search_path={target.removeprefix('postgresql:')}"
            self.conn = psycopg.connect(POSTGRES_URL, autocommit=True, options=options)
            self.conn.execute("CREATE TABLE raw_messages (id bigserial PRIMARY KEY, raw bytea)")
            self.store = self._postgres

    def _sqlite(self, raw: bytes) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO raw_messages (raw) VALUES (?)", (raw,))
        self.conn.execute("COMMIT")

    def _postgres(self, raw: bytes) -> None:
        self.conn.execute("INSERT INTO raw_messages (raw) VALUES (%s)", (raw,))

    def receive(self, raw: bytes) -> None:
        email.message_from_bytes(raw)
        self.store(raw)


def ingest_and_baseline(
    url: str, fresh_url: str, baseline: str, spec: str, key: bytes, files: list[str]
) -> dict[str, Any]:
    """Ingest ``files`` into the store at ``url``, taking turns with the baseline file by file.

    As ``surveykit ingest`` does: a batch at a time (``Intake.receive_many``), read by worker
    processes when the machine has the cores (``surveykit_email.readers``), started before
    any store is opened.  The last file is read in turns of a tenth with another store, at
    ``fresh_url``, that holds only the first file: so a message's cost with one file stored and
    at the end are measured side by side, under the same conditions (on a shared machine, other
    work comes and goes).
    """
    with parallel_reader(Path(spec), 2 * BATCH_SIZE) as read_many:
        return _ingest_and_baseline(url, fresh_url, baseline, spec, key, files, read_many)


def _ingest_and_baseline(
    url: str,
    fresh_url: str,
    baseline: str,
    spec: str,
    key: bytes,
    files: list[str],
    read_many: Callable[[list[bytes]], Any] | None,
) -> dict[str, Any]:
    consultation = load_spec(spec)
    secret = Secret(key, "the benchmark's secret")
    store = open_store(url)
    intake = Intake(consultation, store, secret)
    assert not intake.process_pending()
    bare = Baseline(baseline)
    ours: list[float] = []
    theirs: list[float] = []
    outcomes: list[Outcome] = []
    spent = [0.0, 0.0]
    firsts: list[str] = []

    def ingest(into: Intake, found: list, kept: list[float], record: bool) -> float:
        began = time.perf_counter()
        arrivals = (Arrival(source.read(), source.where) for source in found)
        got = list(into.receive_many(arrivals, read_many=read_many))
        spent = time.perf_counter() - began
        # Messages are dealt with a batch at a time: each costs the run's average.
        kept.extend([spent / max(1, len(found))] * len(found))
        if record:
            outcomes.extend(got)
        return spent

    def parse_and_insert(found: list) -> float:
        began = time.perf_counter()
        for source in found:
            start = time.perf_counter()
            bare.receive(source.read())
            theirs.append(time.perf_counter() - start)
        return time.perf_counter() - began

    for path in files[:-1]:
        spent[0] += ingest(intake, sources([Path(path)]), ours, True)
        spent[1] += parse_and_insert(sources([Path(path)]))
        if not firsts:
            firsts.append(summary(outcomes))
    fresh_store = open_store(fresh_url)
    fresh = Intake(consultation, fresh_store, secret)
    ingest(fresh, sources([Path(files[0])]), [], False)
    last, second = sources([Path(files[-1])]), sources([Path(files[1])])
    late: list[float] = []
    early: list[float] = []
    turn = max(1, len(last) // 10)
    for start in range(0, len(last), turn):
        spent[0] += ingest(intake, last[start : start + turn], late, True)
        ingest(fresh, second[start : start + turn], early, False)
        spent[1] += parse_and_insert(last[start : start + turn])
    ours += late
    fresh_store.close()
    bare.conn.close()
    store.close()
    return {
        "ours": ours,
        "theirs": theirs,
        "early": early,
        "late": late,
        "spent": spent,
        "summary": summary(outcomes),
        "first": firsts[0],
        "rss": peak_rss_mb(),
    }


def in_child(work: Callable[..., Any], *args: Any) -> Any:
    """``work(*args)`` in a fresh process (spawned), so its peak memory is its own."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(work, *args).result()


def print_ingest(name: str, result: dict[str, Any], per_file: int) -> None:
    count = len(result["ours"])
    rate, bare = count / result["spent"][0], count / result["spent"][1]
    ratio = 100 * rate / bare
    target = f"target {RATIO_TARGET:.0f}%"
    if name == "SQLite":
        target += f" and {SQLITE_TARGET:,} msgs/s"
    met = ratio >= RATIO_TARGET and (name != "SQLite" or rate >= SQLITE_TARGET)
    report(f"{name}: ingest, end to end", rate, "msgs/s", result["summary"])
    report(f"{name}: baseline: parse + INSERT, same durability", bare, "msgs/s")
    report(f"{name}: ingest / baseline", ratio, "%", f"{'meets' if met else 'MISSES'} {target}")
    early = statistics.median(result["early"]) * 1000
    late = statistics.median(result["late"]) * 1000
    change = 100 * (late / early - 1)
    verdict = f"{'flat' if abs(change) <= FLAT else 'NOT flat'} (within {FLAT:.0f}%)"
    side = "median; another store, in turns with the next line"
    report(f"{name}: ingest, one message with {per_file:,} stored", early, "ms", side)
    report(f"{name}: ingest, one message with {count - per_file:,} stored", late, "ms", "median")
    report(f"{name}: ingest, change in cost per message", change, "%", verdict)
    at_end = statistics.median(result["theirs"][-per_file:]) * 1000
    report(f"{name}: baseline, one message with {count - per_file:,} stored", at_end, "ms")
    report(f"{name}: peak resident memory of the ingest process", result["rss"], "MB")


def check_cli(folder: Path, spec: Path, key: bytes, plan: LinkPlan, path: Path) -> str:
    """``surveykit ingest`` itself over one file, into a store of its own: its summary."""
    url = f"sqlite:///{folder / 'cli.db'}"
    with open_store(url) as store:
        bind_secret(store, Secret(key, "the benchmark's secret"))
        plan.commit(store)
    env = {**os.environ, "SURVEYKIT_SECRET": key.decode(), "SURVEYKIT_PROGRESS": "0"}
    began = time.perf_counter()
    done = subprocess.run(
        [SURVEYKIT, "ingest", str(spec), "--db", url, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    spent = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"surveykit ingest failed: {done.stderr[-2000:]}")
    count = len(mailbox.mbox(path))
    report("surveykit ingest (the command, one file, with start-up)", count / spent, "msgs/s")
    return done.stdout


# Where the time goes --------------------------------------------------------------------------


class Phases:
    """Exclusive time per step: a step's time minus the steps it called."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self._stack: list[float] = []

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append(0.0)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                inner = self._stack.pop()
                self.spent[name] += elapsed - inner
                if self._stack:
                    self._stack[-1] += elapsed

        return timed


class _TimedCommits:
    """A sqlite3 connection whose COMMITs (where the fsyncs are) are timed as a step."""

    def __init__(self, conn: sqlite3.Connection, phases: Phases) -> None:
        self._conn = conn
        self._commit = phases.wrap("SQLite COMMIT (WAL write and fsync)", conn.execute)

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT":
            return self._commit(sql, *args)
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


STORE_STEPS = (
    "add_message",
    "append_submission",
    "add_review",
    "message_submitted",
    "response",
    "respondent",
    "respondents",
    "message",
    "history",
)


def breakdown(url: str, spec: str, key: bytes, files: list[str], profile: bool) -> dict:
    """Ingest ``files[0]`` to warm up, then ``files[1]`` with every step timed."""
    consultation = load_spec(spec)
    store = open_store(url)
    intake = Intake(consultation, store, Secret(key, "the benchmark's secret"))
    for source in sources([Path(files[0])]):
        intake.receive(source.read(), source=source.where)
    phases = Phases()
    for name, label in (
        ("new_message", "new_message: SHA-256 and a header parse"),
        ("read_reply", "read_reply: MIME, quoting, answers, engine"),
        ("fill_blanks", "fill_blanks: roster answers"),
    ):
        setattr(intake_module, name, phases.wrap(label, getattr(intake_module, name)))
    intake.seal.seal = phases.wrap("seal (AES-GCM)", intake.seal.seal)
    intake.raw_of = phases.wrap("raw_of: open the seal", intake.raw_of)
    intake.sender_of = phases.wrap("sender_of: match the sender", intake.sender_of)
    intake._late = phases.wrap("_late: closing-time check", intake._late)
    intake.service.submit = phases.wrap(
        "SubmitService.submit, less the store", intake.service.submit
    )
    for step in STORE_STEPS:
        setattr(store, step, phases.wrap(f"store.{step}", getattr(store, step)))
    if hasattr(store, "_connection"):  # SQLite: time the COMMITs apart
        conn = _TimedCommits(store._connection(), phases)
        store._connection = lambda: conn
    receive = phases.wrap("the rest of Intake.receive", intake.receive)
    found = sources([Path(files[1])])
    raws = [(source.read(), source.where) for source in found]
    profiler = cProfile.Profile() if profile else None
    began = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    for raw, where in raws:
        receive(raw, source=where)
    if profiler is not None:
        profiler.disable()
    total = time.perf_counter() - began
    if profiler is not None:
        print(f"cProfile of {url.split(':')[0]} ingest, {len(raws):,} messages, by own time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        sys.stdout.flush()
    store.close()
    return {"spent": dict(phases.spent), "total": total, "count": len(raws)}


def print_breakdown(name: str, result: dict[str, Any]) -> None:
    count, total = result["count"], result["total"]
    report(f"{name}: one message, all steps (timers on)", 1e6 * total / count, "µs/msg")
    for step, spent in sorted(result["spent"].items(), key=lambda item: -item[1]):
        share = f"{100 * spent / total:.1f}%"
        report(f"{name}:   {step}", 1e6 * spent / count, "µs/msg", share)


# Burst --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sink(port: int) -> None:
    """An aiosmtpd server that answers 250 and keeps nothing (the burst's baseline)."""
    from aiosmtpd.smtp import SMTP

    class Drop:
        async def handle_DATA(self, server, session, envelope) -> str:
            return "250 2.0.0 Message received"

    async def run() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(Drop(), data_size_limit=10 * 2**20, enable_SMTPUTF8=True, loop=loop),
            host="127.0.0.1",
            port=port,
        )
        print("ready", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(run())


def send_all(port: int, messages: list[tuple[str, bytes]], clients: int) -> tuple[float, list]:
    """``messages`` sent by ``clients`` smtplib clients at once: the seconds and the refusals."""
    refused: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        mine = messages[k::clients]
        start.wait()
        with smtplib.SMTP("127.0.0.1", port, timeout=300) as smtp:
            for sender, raw in mine:
                try:
                    smtp.sendmail(sender, ["consult@lga.example"], raw)
                except smtplib.SMTPException as exc:
                    with lock:
                        refused.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, refused


class Child:
    """A child process whose output is read as it comes (so its pipe never fills)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith(("Receiving replies", "ready")):
                self._ready.set()
        self._ready.set()

    def wait_ready(self) -> None:
        if not self._ready.wait(120) or self.process.poll() is not None:
            assert self.process.stderr is not None
            sys.exit(f"the server did not start: {self.process.stderr.read()[-2000:]}")

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(30)


def burst(folder: Path, spec: Path, count: int, clients: int) -> None:
    db = folder / "inbox.db"
    url = f"sqlite:///{db}"
    consultation = load_spec(spec)
    with open_store(url) as store:
        secret = load_secret(store.secret_file)
        plan = enrol(store, secret, consultation, count)
    engine = Engine(consultation)
    rng = random.Random(1)
    messages = [
        (g.respondent.email, reply_to(rng, consultation, engine, secret, g.respondent, n))
        for n, g in enumerate(plan.grants)
    ]
    env = {**os.environ, "SURVEYKIT_PROGRESS": "0"}
    port = free_port()
    inbox = Child([SURVEYKIT, "inbox", str(spec), "--db", url, "--port", str(port)], env)
    inbox.wait_ready()
    spent, refused = send_all(port, messages, clients)
    rss = inbox.peak_rss_mb()
    inbox.stop()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        stored = conn.execute("SELECT count(*) FROM mail_messages").fetchone()[0]
    stopped = next((x for x in inbox.lines if x.startswith("Stopped after")), "no summary")
    port = free_port()
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
    code += f"import email_ingest; email_ingest.sink({port})"
    dropper = Child([sys.executable, "-c", code], env)
    dropper.wait_ready()
    bare, bare_refused = send_all(port, messages, clients)
    dropper.process.terminate()
    dropper.process.wait(30)
    what = f"{len(messages):,} replies, {clients} clients"
    report(f"burst: surveykit inbox, {what}", len(messages) / spent, "msgs/s")
    report("burst: baseline: aiosmtpd keeping nothing", len(messages) / bare, "msgs/s", what)
    report("burst: refused by surveykit inbox", len(refused), "messages", "; ".join(refused[:3]))
    report("burst: stored by surveykit inbox", stored, "messages", stopped)
    report("burst: peak resident memory of surveykit inbox", rss, "MB")
    if refused or bare_refused or stored != len(messages):
        sys.exit("the inbox refused or lost messages in the burst: that is a bug")


# Main ---------------------------------------------------------------------------------------


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--large", action="store_true", help="100,000 replies per backend")
    p.add_argument("--profile", action="store_true", help="print cProfile's busiest functions")
    p.add_argument(
        "--sqlite-only",
        action="store_true",
        help="measure SQLite alone (no PostgreSQL ingest, steps or burst): a quicker --large",
    )
    args = p.parse_args()
    if args.smoke:
        count, per_file, burst_size = 300, 100, 100
    else:
        count, per_file, burst_size = (100_000 if args.large else 10_000), 1_000, 1_000
    load = os.getloadavg()
    print(
        f"{count:,} replies per backend in files of {per_file:,}; burst of {burst_size:,}; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    folder = Path(tempfile.mkdtemp(prefix="surveykit-ingest-"))
    schema = f"sk_ingest_{secrets.token_hex(4)}"
    try:
        spec = open_copy(folder)
        consultation = load_spec(spec)
        secret = Secret.generate("the benchmark's secret")
        sqlite_url = f"sqlite:///{folder / 'ingest.db'}"
        postgres_url = f"{POSTGRES_URL}?schema={schema}"
        with open_store(sqlite_url) as store:
            plan = enrol(store, secret, consultation, count)
        if not args.sqlite_only:
            with open_store(postgres_url) as store:
                bind_secret(store, secret)
                plan.commit(store)
        people = [g.respondent for g in plan.grants]
        began = time.perf_counter()
        files = write_files(folder, spec, secret, people, per_file)
        size = sum(f.stat().st_size for f in files)
        report(
            "replies written (mbox files)",
            count,
            "messages",
            f"{size / 2**20:,.0f} MB, {count / (time.perf_counter() - began):,.0f}/s",
        )
        names = [str(f) for f in files]
        key = secret.key

        cli = check_cli(folder, spec, key, plan, files[0])
        fresh_url = f"sqlite:///{folder / 'fresh.db'}"
        with open_store(fresh_url) as store:
            plan.commit(store)
        baseline_db = f"sqlite:{folder / 'baseline.db'}"
        sqlite_result = in_child(
            ingest_and_baseline, sqlite_url, fresh_url, baseline_db, str(spec), key, names
        )
        expected = f"Read {per_file} messages: {sqlite_result['first']}."
        if not cli.startswith(expected):
            sys.exit(f"the command and the benchmark disagree: {cli!r} against {expected!r}")
        print_ingest("SQLite", sqlite_result, per_file)
        if not args.sqlite_only:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}_base"')
            fresh_url = f"{POSTGRES_URL}?schema={schema}_fresh"
            with open_store(fresh_url) as store:
                bind_secret(store, secret)
                plan.commit(store)
            baseline_schema = f"postgresql:{schema}_base"
            postgres_result = in_child(
                ingest_and_baseline, postgres_url, fresh_url, baseline_schema, str(spec), key, names
            )
            print_ingest("PostgreSQL", postgres_result, per_file)
        two = names[:2] if len(names) >= 2 else names * 2
        with open_store(f"sqlite:///{folder / 'steps.db'}") as store:
            plan.commit(store)
        steps = in_child(
            breakdown, f"sqlite:///{folder / 'steps.db'}", str(spec), key, two, args.profile
        )
        print_breakdown("SQLite steps", steps)
        if not args.sqlite_only:
            steps_url = f"{POSTGRES_URL}?schema={schema}_steps"
            with open_store(steps_url) as store:
                bind_secret(store, secret)
                plan.commit(store)
            steps = in_child(breakdown, steps_url, str(spec), key, two, args.profile)
            print_breakdown("PostgreSQL steps", steps)
            burst(folder, spec, burst_size, 10)
        report("peak resident memory of the benchmark process", peak_rss_mb(), "MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            for suffix in ("", "_base", "_fresh", "_steps"):
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}{suffix}" CASCADE')


if __name__ == "__main__":
    main()
