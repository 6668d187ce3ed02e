"""Every accepted reply is its own version, in the order replies reached us (issue 13, item 1),
a late reply says so first (item 8), and blanks the roster answers are filled (item 9).

The first tests run the real `surveykit ingest` on real files and a real SQLite store; the
property drives the intake itself over any sequence of replies, times and re-deliveries.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailtools import CLEAN_LINES, OTHER_LINES, SPEC, enrol, open_spec, reply, respondent_by_email

from surveykit import Secret, load_spec
from surveykit.cli import main
from surveykit.identity import Respondent
from surveykit.storage import Grant, open_store
from surveykit_email.intake import Intake
from surveykit_email.reference import reference_for

#: The moment the property's intake believes it is: every reply arrives before it.
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
T0 = NOW - dt.timedelta(days=1)
WITHOUT_ABOUT_YOU = tuple(line for line in CLEAN_LINES if not line.startswith(("A1", "A2", "A3")))


@pytest.fixture
def deployment(tmp_path):
    """Taking Stock open, its roster in a real SQLite file, and Ada's reference."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    ada = respondent_by_email(db, "ada@kent.example")
    return spec, db, secret, ada, reference_for(secret, ada.id)


def ingest(spec, db, *args) -> int:
    return main(["ingest", str(spec), "--db", db, *map(str, args)])


def write(path, raw: bytes):
    path.write_bytes(raw)
    return path


def test_a_revised_reply_in_one_batch_is_its_own_version(deployment, tmp_path, capsys):
    """Two replies from Ada in one run sharing one --received-at: both stored, in order."""
    spec, db, _, ada, reference = deployment
    first = write(tmp_path / "first.eml", reply(reference=reference))
    second = write(
        tmp_path / "second.eml",
        reply(reference=reference, lines=OTHER_LINES, message_id="<r2@kent.example>"),
    )
    stamp = "2026-12-01T12:00"
    assert ingest(spec, db, "--received-at", stamp, first, second) == 0
    assert capsys.readouterr().out == "Read 2 messages: 2 submitted, 0 sent to review.\n"
    with open_store(db) as store:
        history = store.history(ada.id)
        assert [s.answers["q13"] for s in history] == ["yes", "no"]
        assert store.response(ada.id).answers["q13"] == "no"
        assert [(store.message(n).version) for n in (1, 2)] == [1, 2]


def test_replies_without_a_received_line_under_trust_received_header(deployment, tmp_path, capsys):
    """--trust-received-header with no Received: line: the batch's time, and still two versions."""
    spec, db, _, ada, reference = deployment
    first = write(tmp_path / "1.eml", reply(reference=reference))
    second = write(
        tmp_path / "2.eml", reply(reference=reference, lines=OTHER_LINES, message_id="<r2@k>")
    )
    args = ("--trust-received-header", "--received-at", "2026-12-01T12:00", first, second)
    assert ingest(spec, db, *args) == 0
    assert "2 submitted" in capsys.readouterr().out
    with open_store(db) as store:
        assert [s.answers["q13"] for s in store.history(ada.id)] == ["yes", "no"]


def test_an_older_reply_read_later_does_not_replace_a_newer_one(deployment, tmp_path, capsys):
    """The 5 March reply is ingested after the 6 March one: it waits for an officer instead."""
    spec, db, _, ada, reference = deployment
    newer = write(tmp_path / "n.eml", reply(reference=reference, lines=OTHER_LINES))
    older = write(tmp_path / "o.eml", reply(reference=reference, message_id="<old@k>"))
    assert ingest(spec, db, "--received-at", "2026-03-06T09:00", newer) == 0
    assert ingest(spec, db, "--received-at", "2026-03-05T09:00", older) == 0
    assert "1 sent to review (1 superseded)" in capsys.readouterr().out
    with open_store(db) as store:
        assert [s.answers["q13"] for s in store.history(ada.id)] == ["no"]
        [item] = store.review_items("taking-stock")
        assert item.reason == "superseded"
        assert "a later response from this respondent (version 1, by email)" in item.detail


def test_a_late_reply_with_other_problems_is_closed_first(tmp_path, capsys):
    """Received after closing and unclear too: the reason is closed, the rest in the detail."""
    spec = tmp_path / "closed.toml"
    spec.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")  # closed 13 March 2015
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    ada = respondent_by_email(db, "ada@kent.example")
    unclear = tuple(line.replace("Q1: Don't know", "Q1: Sort of") for line in CLEAN_LINES)
    raw = reply(reference=reference_for(secret, ada.id), lines=unclear)
    assert (
        ingest(spec, db, "--received-at", "2015-03-20T10:00", write(tmp_path / "l.eml", raw)) == 0
    )
    assert "1 sent to review (1 closed)" in capsys.readouterr().out
    assert main(["review", "show", str(spec), "--db", db, "1"]) == 0
    shown = capsys.readouterr().out
    assert "closed" in shown
    assert "closed on Friday 13 March 2015" in shown
    assert "'Sort of' is not one of the options" in shown
    with open_store(db) as store:
        assert store.history(ada.id) == []


def test_the_roster_answers_about_you_for_the_people_it_lists(tmp_path, capsys):
    """Ada's reply skips A1-A3: the roster's role, type and authority are her answers.  A reply
    that corrects one keeps the correction."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    ada = respondent_by_email(db, "ada@kent.example")
    brian = respondent_by_email(db, "brian@kent.example")
    short = write(
        tmp_path / "a.eml", reply(reference=reference_for(secret, ada.id), lines=WITHOUT_ABOUT_YOU)
    )
    corrected = write(
        tmp_path / "b.eml",
        reply(
            reference=reference_for(secret, brian.id),
            lines=("A1: Other", *WITHOUT_ABOUT_YOU),
            message_id="<b@k>",
        ),
    )
    assert ingest(spec, db, short, corrected) == 0
    assert capsys.readouterr().out == "Read 2 messages: 2 submitted, 0 sent to review.\n"
    with open_store(db) as store:
        answers = store.response(ada.id).answers
        assert (answers["role"], answers["authority_type"], answers["authority"]) == (
            "leader",
            "county",
            "Kent County Council",
        )
        assert store.response(brian.id).answers["role"] == "other"


def test_someone_the_roster_does_not_list_must_still_say_who_they_are(tmp_path):
    """A self-service respondent's reply without A1-A3 is held: nothing is known about them."""
    consultation = load_spec(open_spec(tmp_path))
    with open_store("memory://") as store:
        secret = Secret.generate()
        stranger = Respondent(
            "taking-stock", "Kent", "county", "other", email="s@kent.example", origin="self_service"
        )
        store.grant([Grant(stranger, "h", T0)])
        raw = reply(reference=reference_for(secret, stranger.id), lines=WITHOUT_ABOUT_YOU)
        outcome = Intake(consultation, store, secret).receive(raw, source="test")
        assert (outcome.status, outcome.reason) == ("review", "not_clean")
        [item] = store.review_items("taking-stock")
        assert "Question A1: an answer is required" in item.detail


def test_a_blank_consent_is_read_as_no_consent(tmp_path):
    """B1 left blank: stored as "do not quote", not held for review."""
    consultation = load_spec(open_spec(tmp_path))
    with open_store("memory://") as store:
        secret = Secret.generate()
        ada = Respondent("taking-stock", "Kent", "county", "leader", email="ada@kent.example")
        store.grant([Grant(ada, "h", T0)])
        lines = tuple(line for line in CLEAN_LINES if not line.startswith("B1"))
        raw = reply(reference=reference_for(secret, ada.id), lines=lines)
        outcome = Intake(consultation, store, secret).receive(raw, source="test")
        assert outcome.status == "submitted"
        assert store.response(ada.id).answers["consent"] == "no_quote"


# The property -------------------------------------------------------------------------------

#: Replies of two roster respondents: (who, answer to question 13, Message-ID).  "copy" keys
#: are other bytes under an earlier Message-ID: a re-sent copy, never a new version.
VARIANTS = {
    "ada-1": ("ada", CLEAN_LINES, "<a1@k>"),
    "ada-2": ("ada", OTHER_LINES, "<a2@k>"),
    "ada-3": ("ada", (*CLEAN_LINES[:-1], "B1: Do not quote"), "<a3@k>"),
    "brian-1": ("brian", CLEAN_LINES, "<b1@k>"),
    "brian-2": ("brian", OTHER_LINES, "<b2@k>"),
    "ada-1-copy": ("ada", OTHER_LINES, "<a1@k>"),
    "ada-nomid": ("ada", OTHER_LINES, None),
}
DELIVERY = st.tuples(st.sampled_from(sorted(VARIANTS)), st.integers(0, 3))


@given(st.lists(DELIVERY, min_size=1, max_size=10))
def test_each_accepted_reply_is_one_version_in_received_order(deliveries):
    """Any replies, at equal or different times, in any order, re-delivered or not: exactly one
    version per distinct accepted message, versions in the order received, and a message is
    reported submitted only when its own answers are that version."""
    consultation = load_spec(SPEC).reopened_until(dt.date(2099, 12, 31))
    secret = Secret.generate()
    with open_store("memory://") as store:
        people = {
            "ada": Respondent("taking-stock", "Kent", "county", "leader", email="a@k.example"),
            "brian": Respondent("taking-stock", "Kent", "county", "other", email="b@k.example"),
        }
        store.grant([Grant(p, f"h-{name}", T0) for name, p in people.items()])
        raws = {
            key: reply(reference=reference_for(secret, people[who].id), lines=lines, message_id=mid)
            for key, (who, lines, mid) in VARIANTS.items()
        }
        intake = Intake(consultation, store, secret, clock=lambda: NOW)
        seen: set[str] = set()
        latest: dict[str, dt.datetime] = {}
        accepted: dict[str, list[str]] = {"ada": [], "brian": []}
        for key, minutes in deliveries:
            who, lines, mid = VARIANTS[key]
            when = T0 + dt.timedelta(minutes=minutes)
            outcome = intake.receive(raws[key], source=f"test {key}", received_at=when)
            marks = {hashlib.sha256(raws[key]).hexdigest(), mid or ""} - {""}
            copy = bool(marks & seen)
            seen |= marks
            if copy:
                assert (outcome.status, outcome.reason) == ("review", "duplicate")
            elif who in latest and when < latest[who]:
                assert (outcome.status, outcome.reason) == ("review", "superseded")
            else:
                assert outcome.status == "submitted", outcome
                latest[who] = when
                accepted[who].append(key)
                stored = store.history(people[who].id)[outcome.version - 1]
                expected = "no" if lines is OTHER_LINES else "yes"
                assert stored.answers["q13"] == expected
                assert stored.received_at == when
                assert store.message(outcome.message).version == outcome.version
        for who, keys in accepted.items():
            history = store.history(people[who].id)
            assert len(history) == len(keys)
            assert [s.received_at for s in history] == sorted(s.received_at for s in history)
        assert store.pending_messages("taking-stock") == []


# Batches ------------------------------------------------------------------------------------


def test_a_large_ingest_reads_in_worker_processes_and_keeps_every_version(
    deployment, tmp_path, monkeypatch
):
    """450 replies from Ada in one mbox (more than two batches, so read by worker processes):
    450 versions, in the order of the file, each tied to its own message."""
    import mailbox
    import os

    from surveykit_email import readers

    handed: list[int] = []
    call = readers.ParallelReader.__call__

    def counted(self, raws):
        handed.append(len(raws))
        return call(self, raws)

    monkeypatch.setattr(readers.ParallelReader, "__call__", counted)
    spec, db, _, ada, reference = deployment
    box = mailbox.mbox(tmp_path / "many.mbox")
    for n in range(450):
        lines = OTHER_LINES if n % 2 else CLEAN_LINES
        box.add(reply(reference=reference, lines=lines, message_id=f"<m{n}@kent.example>"))
    box.flush()
    assert ingest(spec, db, "--received-at", "2026-12-01T12:00", tmp_path / "many.mbox") == 0
    with open_store(db) as store:
        history = store.history(ada.id)
        assert [s.answers["q13"] for s in history] == ["no" if n % 2 else "yes" for n in range(450)]
        assert all(store.message(n + 1).version == n + 1 for n in range(450))
        assert store.pending_messages("taking-stock") == []
    if len(os.sched_getaffinity(0)) > 1:  # one core: read in this process, as it should be
        assert handed == [200, 200, 50]


@given(
    st.lists(DELIVERY, min_size=1, max_size=12),
    st.integers(min_value=1, max_value=5),
)
def test_receiving_in_batches_changes_nothing(deliveries, batch_size):
    """Any deliveries, in batches of any size on a real SQLite file: the same outcomes and the
    same versions as receiving them one at a time."""
    import tempfile

    from surveykit_email.intake import Arrival

    consultation = load_spec(SPEC).reopened_until(dt.date(2099, 12, 31))
    secret = Secret.generate()
    people = {
        "ada": Respondent("taking-stock", "Kent", "county", "leader", email="a@k.example"),
        "brian": Respondent("taking-stock", "Kent", "county", "other", email="b@k.example"),
    }
    raws = {
        key: reply(reference=reference_for(secret, people[who].id), lines=lines, message_id=mid)
        for key, (who, lines, mid) in VARIANTS.items()
    }
    arrivals = [
        Arrival(raws[key], f"test {key}", T0 + dt.timedelta(minutes=m)) for key, m in deliveries
    ]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name, batched in (("one", False), ("many", True)):
            with open_store(f"sqlite:///{folder}/{name}.db?synchronous=normal") as store:
                store.grant([Grant(p, f"h-{n}", T0) for n, p in people.items()])
                intake = Intake(consultation, store, secret, clock=lambda: NOW)
                if batched:
                    outcomes = list(intake.receive_many(arrivals, batch_size=batch_size))
                else:
                    outcomes = [
                        intake.receive(a.raw, source=a.source, received_at=a.received_at)
                        for a in arrivals
                    ]
                histories = {
                    who: [(s.answers["q13"], s.received_at) for s in store.history(p.id)]
                    for who, p in people.items()
                }
                results.append(([(o.status, o.reason, o.version) for o in outcomes], histories))
                assert store.pending_messages("taking-stock") == []
    assert results[0] == results[1]
