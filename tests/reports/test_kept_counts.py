"""Kept report counts (surveykit.snapshots) equal counting everything, whatever happened since.

A Hypothesis state machine submits, revises, erases (with and without keeping the answers),
purges (earlier versions, contact details, free text), anonymises and reports, on a real SQLite
file and on the real PostgreSQL server.  Every report made from a kept snapshot brought up to
date must equal what the store counts from scratch: every tally row, and
every quoted answer with its author, consent and how many there were.  The quote limit is small
so the pool of lowest-ranked answers runs short and is rebuilt.  The stores' change log must
not outlive what it is for: after a report, it holds nothing the kept snapshots have counted.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from surveykit import snapshots
from surveykit.conditions import All, Answered, Equals, Not, OneOf
from surveykit.identity import Respondent
from surveykit.snapshots import kept_tally_and_texts, snapshot_key
from surveykit.storage import (
    Anonymisation,
    Grant,
    NewSubmission,
    PurgePlan,
    Store,
    open_store,
)
from surveykit.tally import TallyPlan, TextRequest

POSTGRES = os.environ.get("SURVEYKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
ROLES = ("leader", "chief_executive", "other")
PLAN = TallyPlan(
    consultation="c1",
    counted=("role", "single", "multi", "text", "later", "consent"),
    options=frozenset({"role", "single", "multi", "consent"}),
    multiple=frozenset({"multi"}),
    conditions=(
        ("later", All((Equals("single", "yes"), Not(Answered("text"))))),
        ("multi", OneOf("role", ("leader", "other"))),
    ),
    timezone="Europe/London",
    role_answer=("role", frozenset(ROLES)),
)
REQUEST = TextRequest(("text", "later"), "consent", ("yes",), limit=2)
START = dt.datetime(2015, 1, 19, 9, 0, tzinfo=dt.UTC)
PEOPLE = [f"r{n}" for n in range(8)]

answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        "role": st.sampled_from(ROLES),
        "single": st.sampled_from(["yes", "no"]),
        "multi": st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
        "text": st.sampled_from(["Peer review", "More data", "  ", "Less inspection", "Peer"]),
        "later": st.sampled_from(["Soon", "Later on", "Never"]),
        "consent": st.sampled_from(["yes", "no"]),
    },
)


def recount(store: Store, plan: TallyPlan, request: TextRequest | None) -> tuple[Counter, list]:
    """What the store gives when it counts everything, without snapshots."""
    counts = Counter()
    for row in store.tally(plan):
        counts[row[:5]] += row.n
    texts = []
    if request is not None:
        texts = list(
            store.texts(
                plan.consultation,
                request.questions,
                consent=request.consent,
                permitted=request.permitted,
                limit=request.limit,
            )
        )
    return counts, sorted(texts)


def kept(store: Store, plan: TallyPlan, request: TextRequest | None) -> tuple[Counter, list]:
    tallied, texts = kept_tally_and_texts(store, plan, request)
    counts = Counter()
    for row in tallied:
        counts[row[:5]] += row.n
    return counts, sorted(texts)


class KeptCounts(RuleBasedStateMachine):
    """Base: subclasses open a real store in ``open``."""

    def open(self) -> Store:  # pragma: no cover - overridden
        raise NotImplementedError

    @initialize(most_changed=st.sampled_from([snapshots.MOST_CHANGED, 1000.0]))
    def start(self, most_changed: float) -> None:
        # With a handful of respondents, a quarter of them changes often: a share nothing
        # reaches makes every report but the first a catch-up.
        self.most_changed = snapshots.MOST_CHANGED
        snapshots.MOST_CHANGED = most_changed
        self.store = self.open()
        self.clock = START
        self.known: set[str] = set()
        self.serial = 0

    def teardown(self) -> None:
        snapshots.MOST_CHANGED = getattr(self, "most_changed", snapshots.MOST_CHANGED)
        store = getattr(self, "store", None)
        if store is not None:
            store.close()
        self.cleanup()

    def cleanup(self) -> None:
        pass

    def _tick(self) -> dt.datetime:
        self.clock += dt.timedelta(hours=7, minutes=13)
        return self.clock

    @rule(
        person=st.sampled_from(PEOPLE),
        answers=answers_strategy,
        authority=st.sampled_from(["Kent County Council", " kent county council", "", "Essex"]),
        role=st.sampled_from(ROLES),
    )
    def submit(self, person: str, answers: dict[str, Any], authority: str, role: str) -> None:
        rid = f"{person}-{self.serial}"
        match = [k for k in self.known if k.startswith(f"{person}-")]
        if match:
            rid = match[0]
        else:
            self.serial += 1
            who = Respondent(
                id=rid,
                consultation="c1",
                authority=authority,
                authority_type="county",
                role=role,
                name=f"Person {person}",
                email=f"{person}@example.org",
                origin="roster",
                created_at=START,
            )
            self.store.grant([Grant(who, uuid.uuid4().hex, START)])
            self.known.add(rid)
        when = self._tick()
        self.store.append_submission(NewSubmission("c1", rid, answers, "web", when, when))

    @rule(person=st.sampled_from(PEOPLE), keep=st.booleans())
    def erase(self, person: str, keep: bool) -> None:
        match = [k for k in self.known if k.startswith(f"{person}-")]
        if match:
            self.store.erase_person(match[0], keep_answers=keep)
            self.known.discard(match[0])

    @rule(
        history=st.booleans(),
        contact_details=st.booleans(),
        free_text=st.sampled_from([frozenset(), frozenset({"text"}), frozenset({"text", "later"})]),
    )
    def purge(self, history: bool, contact_details: bool, free_text: frozenset[str]) -> None:
        """Retention's purge: earlier versions, contact details, free text taken out of every
        stored version (a sanctioned delete and store again)."""
        plan = PurgePlan(
            "c1",
            history=history,
            contact_details=contact_details,
            answer_keys={"free_text": free_text} if free_text else {},
        )
        self.store.purge(plan)

    @rule()
    def anonymise(self) -> None:
        """Every respondent moved to a new random id, times cut to the day; later submissions
        come from new respondents."""
        self.store.purge(PurgePlan("c1", anonymise=Anonymisation("Europe/London")))
        self.known.clear()

    @rule(quotes=st.booleans())
    def report(self, quotes: bool) -> None:
        request = REQUEST if quotes else None
        assert kept(self.store, PLAN, request) == recount(self.store, PLAN, request)

    @invariant()
    def log_is_pruned_after_reports(self) -> None:
        if hasattr(self, "store"):
            assert self.changes_counted() == 0

    def changes_counted(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError


class SqliteKeptCounts(KeptCounts):
    def open(self) -> Store:
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "kept.db"
        return open_store(f"sqlite:///{self.path}")

    def cleanup(self) -> None:
        self.folder.cleanup()

    def changes_counted(self) -> int:
        import sqlite3

        with sqlite3.connect(self.path) as conn:
            return conn.execute(
                "SELECT count(*) FROM report_changes c WHERE seq <= "
                "(SELECT min(upto) FROM report_snapshots s WHERE s.consultation = c.consultation)"
            ).fetchone()[0]


class PostgresKeptCounts(KeptCounts):
    def open(self) -> Store:
        self.schema = f"kept_{uuid.uuid4().hex[:12]}"
        return open_store(f"{POSTGRES}?schema={self.schema}")

    def cleanup(self) -> None:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    def changes_counted(self) -> int:
        with psycopg.connect(POSTGRES, options=f"-c search_path={self.schema}") as conn:
            return conn.execute(
                "SELECT count(*) FROM report_changes c WHERE EXISTS (SELECT 1 FROM "
                "report_snapshots s WHERE s.consultation = c.consultation) AND NOT EXISTS ("
                "SELECT 1 FROM report_snapshots s WHERE s.consultation = c.consultation "
                "AND NOT pg_visible_in_snapshot(c.xid, s.upto))"
            ).fetchone()[0]


MACHINE_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSqliteKeptCounts = SqliteKeptCounts.TestCase
TestSqliteKeptCounts.settings = MACHINE_SETTINGS
TestPostgresKeptCounts = PostgresKeptCounts.TestCase
TestPostgresKeptCounts.settings = MACHINE_SETTINGS


def test_the_key_is_the_same_in_every_process_and_differs_by_plan_and_request() -> None:
    """Sets inside the plan must not make the key depend on the hash seed."""
    import subprocess
    import sys

    code = (
        "from tests.reports.test_kept_counts import PLAN, REQUEST\n"
        "from surveykit.snapshots import snapshot_key\n"
        "print(snapshot_key(PLAN, REQUEST))"
    )
    root = Path(__file__).resolve().parents[2]
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert keys == {snapshot_key(PLAN, REQUEST)}
    assert snapshot_key(PLAN, None) != snapshot_key(PLAN, REQUEST)
    assert snapshot_key(attrs.evolve(PLAN, timezone="UTC"), REQUEST) != snapshot_key(PLAN, REQUEST)
    assert snapshot_key(PLAN, attrs.evolve(REQUEST, limit=3)) != snapshot_key(PLAN, REQUEST)


@pytest.mark.parametrize("tamper", ["garbage", "negative"])
def test_a_snapshot_that_cannot_be_trusted_is_recounted(tmp_path: Path, tamper: str) -> None:
    import sqlite3

    store = open_store(f"sqlite:///{tmp_path / 'kept.db'}")
    with store:
        machine_like = [("r1", {"single": "yes", "text": "Peer review", "consent": "yes"})]
        for rid, answers in machine_like:
            who = Respondent(
                id=rid, consultation="c1", authority="Kent", authority_type="county",
                role="leader", name="A", email="a@example.org", origin="roster",
                created_at=START,
            )  # fmt: skip
            store.grant([Grant(who, uuid.uuid4().hex, START)])
            store.append_submission(NewSubmission("c1", rid, answers, "web", START, START))
        first = kept(store, PLAN, REQUEST)
        with sqlite3.connect(tmp_path / "kept.db") as conn:
            if tamper == "garbage":
                conn.execute("UPDATE report_snapshots SET body = x'00ff'")
            else:
                # The snapshot claims nobody answered, yet the log says r1's answers changed.
                body = kept_body_without_counts(conn.execute("SELECT body FROM report_snapshots"))
                conn.execute("UPDATE report_snapshots SET body = ?", (body,))
        store.append_submission(NewSubmission("c1", "r1", {"single": "no"}, "web", START, START))
        assert kept(store, PLAN, REQUEST) == recount(store, PLAN, REQUEST)
        assert first != recount(store, PLAN, REQUEST)


def kept_body_without_counts(rows: Any) -> bytes:
    from surveykit.snapshots import Snapshot

    snapshot = Snapshot.decode(next(iter(rows))[0])
    assert snapshot is not None
    snapshot.counts.clear()
    snapshot.counts[("_all", "_all", "x", "y", "z")] = 1
    return snapshot.encode()


def _answer(store: Store, rid: str, answers: dict[str, Any]) -> None:
    store.append_submission(NewSubmission("c1", rid, answers, "web", START, START))


def _enrol(store: Store, rid: str) -> None:
    who = Respondent(
        id=rid, consultation="c1", authority="Kent", authority_type="county", role="leader",
        name="A", email="a@example.org", origin="roster", created_at=START,
    )  # fmt: skip
    store.grant([Grant(who, uuid.uuid4().hex, START)])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_changes_are_logged_only_once_a_consultation_is_reported_on(
    tmp_path: Path, backend: str
) -> None:
    """Before the first report nothing is logged (it would count everything anyway); after it,
    every change is, and each report prunes what it has counted."""
    schema = f"kept_{uuid.uuid4().hex[:12]}"
    urls = {"sqlite": f"sqlite:///{tmp_path / 'w.db'}", "postgresql": f"{POSTGRES}?schema={schema}"}
    url = urls[backend]

    def logged() -> int:
        if backend == "sqlite":
            import sqlite3

            with sqlite3.connect(tmp_path / "w.db") as conn:
                return conn.execute("SELECT count(*) FROM report_changes").fetchone()[0]
        with psycopg.connect(POSTGRES, options=f"-c search_path={schema}") as conn:
            return conn.execute("SELECT count(*) FROM report_changes").fetchone()[0]

    try:
        with open_store(url) as store:
            for rid in ("r1", "r2"):
                _enrol(store, rid)
                store.append_submission(
                    NewSubmission("c1", rid, {"single": "yes"}, "web", START, START)
                )
            assert logged() == 0
            assert kept(store, PLAN, None) == recount(store, PLAN, None)
            store.append_submission(
                NewSubmission("c1", "r1", {"single": "no"}, "web", START, START)
            )
            assert logged() == 1
            assert kept(store, PLAN, None) == recount(store, PLAN, None)
            assert logged() == 0
    finally:
        if backend == "postgresql":
            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
