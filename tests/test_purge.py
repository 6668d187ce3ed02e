"""``surveykit purge``: the retention schedule applied, on a real SQLite file and the real
PostgreSQL server.

Nothing is removed before its date; after it, what is due is gone from the bytes (the SQLite
file and its WAL, a ``pg_dump``), each scan run first before the purge to show it finds the data
then; a second run removes nothing (Hypothesis: purging twice is purging once, at any instant);
two purges at once remove everything once; a consultation reopened for a demonstration is not
purged while it takes answers.
"""

from __future__ import annotations

import datetime as dt
import threading

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erasegen import (
    ADA_EMAIL,
    ADA_NAME,
    BOB_EMAIL,
    BOB_NAME,
    CONSULTATION,
    ROOT,
    at,
    ciphertexts,
    environment,
    plant,
    scan,
    secret,
    spec_file,
)
from surveykit import audit, load_spec, purge
from surveykit.cli import main
from surveykit.cli.purge_command import _as_run
from surveykit.mailbox import ReviewItem, StoredMessage
from surveykit.plugins import get_plugins
from surveykit.retention import Duration, due
from surveykit.storage import PurgePlan, Store, open_store
from test_erase import _bytes_of, _needles

#: After every date Taking Stock's schedule names (its close is 13 March 2015).
LONG_AFTER = "2016-06-01"
#: The token and reference are never stored, so no scan ever finds them.
NEVER_STORED = {"token", "reference"}


def taking_stock(**retention):
    spec = load_spec(ROOT / "specs" / "taking_stock.toml")
    return attrs.evolve(spec, retention=attrs.evolve(spec.retention, **retention))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch):
    environment(monkeypatch)
    monkeypatch.delenv("SURVEYKIT_OPEN_UNTIL", raising=False)
    monkeypatch.delenv("SURVEYKIT_PROGRESS", raising=False)
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/responses.db"
    return request.getfixturevalue("postgres_url")


def decide_reviews(store: Store) -> None:
    """Reject every open review item (an officer's decision): only then may they go."""
    for item in store.review_items(CONSULTATION):
        store.resolve_review(item.id, status="rejected", note="", resolved_at=at(20))


@pytest.fixture
def planted(db):
    with open_store(db) as store:
        return plant(store, secret())


def run(tmp_path, db, capsys, *extra: str, spec=None) -> tuple[int, str, str]:
    spec = spec or spec_file(tmp_path)
    status = main(["purge", str(spec), "--db", db, *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def purges(db: str) -> list[audit.AuditEntry]:
    with open_store(db) as store:
        return [e for e in store.audit_log(CONSULTATION) if e.action == audit.PURGE]


# The command -------------------------------------------------------------------------------


def test_nothing_is_removed_before_it_is_due(tmp_path, db, planted, capsys):
    """Just after the close nothing is due: the store is as it was, and nothing is logged."""
    needles = _needles(planted, db)
    before = scan(_bytes_of(db), needles)
    status, out, _ = run(tmp_path, db, capsys, "--now", "2015-03-20")
    assert status == 0
    assert out.startswith("Nothing is due at 2015-03-20T00:00")
    assert scan(_bytes_of(db), needles) == before == set(needles) - NEVER_STORED
    assert purges(db) == []


def test_after_purge_no_byte_of_anyone_is_left(tmp_path, db, planted, capsys):
    """Long after the close (reviews decided): every identity, link hash and sealed email is
    gone from the SQLite file and WAL or the pg_dump; the answers (kept) are still there."""
    with open_store(db) as store:
        decide_reviews(store)
    needles = _needles(planted, db)
    needles |= {"bob name": BOB_NAME.encode(), "bob email": BOB_EMAIL.encode()}
    needles |= {f"bob {k}": v for k, v in ciphertexts((_sealed(db, planted.bob_message),)).items()}
    if not db.startswith("sqlite"):
        needles["bob sealed message 0"] = needles["bob sealed message 0"].hex().encode()
    kept = {"bob's answer": b"some_relevant"}
    assert scan(_bytes_of(db), needles) == set(needles) - NEVER_STORED
    assert scan(_bytes_of(db), kept) == set(kept)
    status, out, _ = run(tmp_path, db, capsys, "--now", LONG_AFTER)
    assert status == 0, out
    assert "contact details (respondents blanked and identifying answers): 3" in out
    assert "link hashes: 2" in out
    assert "raw emails: 3" in out
    assert "review items: 2" in out
    assert ADA_NAME not in out
    assert ADA_EMAIL not in out
    assert scan(_bytes_of(db), needles) == set()
    assert scan(_bytes_of(db), kept) == set(kept)


def _sealed(db: str, message: int) -> bytes:
    with open_store(db) as store:
        found = store.message(message)
        assert found is not None
        return found.raw


def test_a_second_run_removes_nothing_and_says_so(tmp_path, db, planted, capsys):
    """Idempotent from the command line: one audit record, with the counts, for the run that
    removed something; the second says nothing is due."""
    first = run(tmp_path, db, capsys, "--now", LONG_AFTER)
    assert first[0] == 0
    assert first[1].startswith("Removed (as at 2016-06-01T00:00+01:00):")
    second = run(tmp_path, db, capsys, "--now", LONG_AFTER)
    assert second[0] == 0
    assert second[1].startswith("Nothing is due at")
    logged = purges(db)
    assert len(logged) == 1
    assert logged[0].subject is None
    assert "contacts=3" in logged[0].detail
    assert "links=2" in logged[0].detail


def test_a_dry_run_counts_exactly_and_changes_nothing(tmp_path, db, planted, capsys):
    needles = _needles(planted, db)
    before = scan(_bytes_of(db), needles)
    status, dry, _ = run(tmp_path, db, capsys, "--now", LONG_AFTER, "--dry-run")
    assert status == 0
    assert dry.startswith("Would remove (as at")
    assert scan(_bytes_of(db), needles) == before
    assert purges(db) == []
    _, real, _ = run(tmp_path, db, capsys, "--now", LONG_AFTER)
    assert real.replace("Removed", "Would remove") == dry


def test_open_reviews_and_their_mail_stay(tmp_path, db, planted, capsys):
    """An open review item is never removed, nor the email it is about."""
    run(tmp_path, db, capsys, "--now", LONG_AFTER)
    with open_store(db) as store:
        items = store.review_items(CONSULTATION)
        assert len(items) == 2
        for item in items:
            assert store.message(item.message) is not None


def test_a_demonstration_reopening_is_not_purged_while_open(
    tmp_path, db, planted, capsys, monkeypatch
):
    """Reopened until 2030 (as the demo deployment is), nothing is due in 2016: the schedule
    counts from the end of the reopening; after that it applies.  A reopening that ends before
    the real close changes nothing."""
    monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2030-12-31")
    status, out, err = run(tmp_path, db, capsys, "--now", LONG_AFTER)
    assert status == 0
    assert out.startswith("Nothing is due")
    assert "Demonstration" in err
    status, out, _ = run(tmp_path, db, capsys, "--now", "2031-08-01")
    assert out.startswith("Removed")


def test_a_reopening_that_ends_before_the_close_changes_nothing():
    consultation = taking_stock()
    real = consultation.metadata.closes_at
    assert _as_run(consultation, dt.date(2014, 1, 1)).metadata.closes_at == real
    assert _as_run(consultation, None).metadata.closes_at == real
    later = _as_run(consultation, dt.date(2030, 12, 31)).metadata.closes_at
    assert later.astimezone(consultation.metadata.zone).date() == dt.date(2031, 1, 1)


def test_a_progress_bar_is_drawn_when_asked(tmp_path, db, planted, capsys, monkeypatch):
    monkeypatch.setenv("SURVEYKIT_PROGRESS", "1")
    status, out, err = run(tmp_path, db, capsys, "--now", LONG_AFTER)
    assert status == 0
    assert "Purging" in err
    assert out.startswith("Removed")


def test_anonymising_from_the_command_line_waits_for_reviews_then_happens_once(
    tmp_path, db, planted, capsys
):
    """With ``anonymise = true``: open review items hold it back (said on stderr); once they
    are decided it cuts both respondents from their answers, once."""
    spec = spec_file(tmp_path)
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("[retention]\n", "[retention]\nanonymise = true\n"), "utf-8")
    status, out, err = run(tmp_path, db, capsys, "--now", "2015-04-20", spec=spec)
    assert status == 0
    assert "waits for 2 open review item(s)" in err
    assert "anonymised" not in out
    with open_store(db) as store:
        decide_reviews(store)
    status, out, _ = run(tmp_path, db, capsys, "--now", "2015-04-20", spec=spec)
    assert "respondents cut from their answers (anonymised): 2" in out
    status, out, _ = run(tmp_path, db, capsys, "--now", "2015-04-21", spec=spec)
    assert out.startswith("Nothing is due")
    with open_store(db) as store:
        people = list(store.respondents(CONSULTATION))
        assert {p.id for p in people}.isdisjoint({planted.ada.id, planted.bob.id})
        assert {(p.name, p.email) for p in people} == {("", "")}


def test_two_purges_at_once_remove_everything_once(tmp_path, monkeypatch):
    """Cron and an officer at the same moment on one SQLite file: the writers' lock makes them
    take turns, so between them every row is counted exactly once."""
    environment(monkeypatch)
    db = f"sqlite:///{tmp_path}/both.db"
    with open_store(db) as store:
        plant(store, secret())
        decide_reviews(store)
    consultation = taking_stock(anonymise=True)
    with open_store(db) as store:
        expected = store.purge(plan_for(store, consultation, at_(LONG_AFTER)), dry_run=True)
    results = []

    def one() -> None:
        with open_store(db) as store:
            results.append(store.purge(plan_for(store, consultation, at_(LONG_AFTER))))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert expected.total() > 0
    assert sorted(r.total() for r in results) == [0, expected.total()]


# Planning ----------------------------------------------------------------------------------


def at_(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


def plan_for(store: Store, consultation, now: dt.datetime) -> PurgePlan:
    return purge.plan(
        consultation,
        now,
        messages=store.messages(CONSULTATION),
        reviews=store.review_items(CONSULTATION, status=None),
        kinds=get_plugins().kinds,
        anonymised=store.anonymised(CONSULTATION),
    ).store_plan


def _message(mid: int, duplicate_of: int | None = None) -> StoredMessage:
    return StoredMessage(mid, CONSULTATION, b"x", at(0), "test", "0" * 64, None, duplicate_of)


def _review(rid: int, message: int, status: str, resolved: dt.datetime | None = None):
    return ReviewItem(
        rid, CONSULTATION, message, "r", "", at(0), status=status, resolved_at=resolved
    )


def test_a_kept_review_keeps_its_message_and_the_original_it_duplicates():
    consultation = taking_stock()
    messages = [_message(1), _message(2, duplicate_of=1), _message(3), _message(4)]
    reviews = [_review(1, 2, "open"), _review(2, 4, "accepted", at(30))]
    planned = purge.plan(
        consultation, at_(LONG_AFTER), messages=messages, reviews=reviews, kinds=get_plugins().kinds
    ).store_plan
    assert planned.reviews == {2}
    assert planned.messages == {3, 4}


def test_a_review_handled_late_is_due_that_long_after_its_handling():
    consultation = taking_stock()
    handled = at_("2015-08-01")
    reviews = [_review(1, 1, "rejected", handled)]
    kinds = get_plugins().kinds
    just_before = at_("2015-10-31")
    assert (
        purge.plan(
            consultation, just_before, messages=[], reviews=reviews, kinds=kinds
        ).store_plan.reviews
        == frozenset()
    )
    after = at_("2015-11-02")
    assert purge.plan(
        consultation, after, messages=[], reviews=reviews, kinds=kinds
    ).store_plan.reviews == {1}


def test_answer_classes_follow_the_spec():
    """Free text is words (no options), never sensitive or identifying; the identifying
    answer (which council) goes with the contact details."""
    consultation = taking_stock()
    classes = purge.answer_classes(consultation, get_plugins().kinds)
    assert "authority" in classes["contact_details"]
    assert classes["free_text"]
    with_options = {q.id for q in consultation.questions if q.options}
    assert classes["free_text"].isdisjoint(with_options)
    assert classes["free_text"].isdisjoint(classes["sensitive_answers"])
    assert classes["free_text"].isdisjoint(classes["contact_details"])


INSTANTS = st.datetimes(
    min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2017, 6, 1), timezones=st.just(dt.UTC)
)


@settings(max_examples=60, deadline=None)
@given(now=INSTANTS, free_text=st.sampled_from([None, Duration(1, "month")]))
def test_nothing_is_planned_before_its_own_date(now, free_text):
    consultation = taking_stock(free_text=free_text)
    planned = purge.plan(consultation, now, messages=[], reviews=[], kinds=get_plugins().kinds)
    p = planned.store_plan
    for name in ("contact_details", "link_hashes", "drafts", "history"):
        when = due(consultation, name)
        assert getattr(p, name) == (when is not None and when <= now)
    assert ("free_text" in p.answer_keys) == (
        free_text is not None and due(consultation, "free_text") <= now
    )


# Idempotence -------------------------------------------------------------------------------


def snapshot(store: Store) -> tuple:
    """Everything the store can be asked about the consultation, ids included."""
    people = sorted(store.respondents(CONSULTATION), key=lambda who: who.id)
    return (
        [attrs.astuple(who) for who in people],
        {
            who.id: [(s.version, s.answers, s.received_at) for s in store.history(who.id)]
            for who in people
        },
        {who.id: store.load_draft(who.id) for who in people},
        {who.id: store.link_times(who.id) for who in people},
        [(m.id, m.status) for m in store.messages(CONSULTATION)],
        [(r.id, r.status) for r in store.review_items(CONSULTATION, status=None)],
        store.anonymised(CONSULTATION),
    )


@settings(max_examples=60, deadline=None)
@given(
    now=INSTANTS,
    anonymise=st.booleans(),
    decided=st.booleans(),
    sensitive=st.sampled_from([None, Duration(0, "day"), Duration(2, "month")]),
)
def test_purging_twice_is_purging_once_at_any_instant(now, anonymise, decided, sensitive):
    consultation = taking_stock(
        anonymise=anonymise, sensitive_answers=sensitive, free_text=sensitive
    )
    with open_store("memory://") as store:
        plant(store, secret())
        if decided:
            decide_reviews(store)
        store.purge(plan_for(store, consultation, now))
        once = snapshot(store)
        again = store.purge(plan_for(store, consultation, now))
        assert again.total() == 0
        assert snapshot(store) == once


@settings(max_examples=15, deadline=None)
@given(now=INSTANTS, anonymise=st.booleans())
def test_purging_twice_is_purging_once_on_a_sqlite_file(tmp_path_factory, now, anonymise):
    consultation = taking_stock(anonymise=anonymise)
    folder = tmp_path_factory.mktemp("twice")
    with open_store(f"sqlite:///{folder}/twice.db?synchronous=normal") as store:
        plant(store, secret())
        decide_reviews(store)
        store.purge(plan_for(store, consultation, now))
        once = snapshot(store)
        assert store.purge(plan_for(store, consultation, now)).total() == 0
        assert snapshot(store) == once
