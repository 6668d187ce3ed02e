"""`surveykit ingest` and the intake behind it, on real SQLite files (and memory for properties)."""

from __future__ import annotations

import datetime as dt
import mailbox
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailtools import (
    OTHER_LINES,
    SPEC,
    T0,
    attachment_only,
    enrol,
    open_spec,
    received,
    reply,
    respondent_by_email,
)

from surveykit import Secret, load_spec
from surveykit.cli import main
from surveykit.identity import Respondent
from surveykit.storage import Grant, open_store
from surveykit_email.intake import Intake
from surveykit_email.reference import reference_for

NAMES_AND_ADDRESSES = ("Ada Lovelace", "ada@kent.example", "brian@kent.example", "Carol Shaw")


@pytest.fixture
def deployment(tmp_path):
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    return spec, db, secret


def ingest(spec, db, *paths, received_at: str | None = None) -> int:
    extra = ["--received-at", received_at] if received_at else []
    return main(["ingest", str(spec), "--db", db, *map(str, paths), *extra])


def write(path, raw: bytes):
    path.write_bytes(raw)
    return path


def test_a_clean_reply_with_its_reference_is_submitted(deployment, tmp_path, capsys):
    """The reference finds Ada: her answers are stored, channel email, received at ingest."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    raw = reply(reference=reference_for(secret, ada.id))
    assert ingest(spec, db, write(tmp_path / "ada.eml", raw)) == 0
    out = capsys.readouterr().out
    assert out == "Read 1 message: 1 submitted, 0 sent to review.\n"
    with open_store(db) as store:
        [submission] = store.history(ada.id)
        assert submission.channel == "email"
        assert submission.answers["q13"] == "yes"
        [message] = [store.message(1)]
        assert received(store, 1, secret) == raw
        assert (message.status, message.respondent_id, message.version) == ("submitted", ada.id, 1)
        assert message.source == f"file {tmp_path / 'ada.eml'}"
        # The instant that counts is ours, not the sender's Date header (12 March 2015).
        assert submission.received_at == message.received_at
        assert submission.received_at.year != 2015
    for text in NAMES_AND_ADDRESSES:
        assert text not in out


def test_without_a_reference_the_roster_address_finds_the_sender(deployment, tmp_path):
    """No reference line, but exactly one respondent has the sender's address: submitted."""
    spec, db, _ = deployment
    brian = respondent_by_email(db, "brian@kent.example")
    raw = reply(sender="B. Kernighan <Brian@Kent.Example>")
    assert ingest(spec, db, write(tmp_path / "b.eml", raw)) == 0
    with open_store(db) as store:
        assert store.response(brian.id).answers["role"] == "leader"


def test_what_cannot_be_read_with_certainty_goes_to_review(deployment, tmp_path, capsys):
    """An unknown option, an unknown sender, a PDF alone, a bad reference: each queued, why."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    unclear = [*reply(reference=reference_for(secret, ada.id)).decode().splitlines()]
    unclear = "\r\n".join(line.replace("Q13: Yes", "Q13: Perhaps") for line in unclear)
    files = [
        write(tmp_path / "1.eml", unclear.encode()),
        write(tmp_path / "2.eml", reply(sender="x@elsewhere.example", message_id="<2@x>")),
        write(tmp_path / "3.eml", attachment_only()),
        write(tmp_path / "4.eml", reply(reference="SK-0000-0000-0001", message_id="<4@x>")),
        write(tmp_path / "5.eml", b"\x00\x01 not an email at all \xff"),
    ]
    assert ingest(spec, db, *files) == 0
    out = capsys.readouterr().out
    assert out.startswith("Read 5 messages: 0 submitted, 5 sent to review (")
    with open_store(db) as store:
        items = store.review_items("taking-stock")
        reasons = {item.message: (item.reason, item.respondent_id) for item in items}
        assert reasons[1] == ("not_clean", ada.id)
        assert reasons[2] == ("unknown_sender", None)
        assert reasons[3][0] == "attachments_only"
        assert reasons[4][0] in {"bad_reference", "unknown_reference"}
        assert reasons[5][0] in {"unparseable", "undecodable", "no_answers"}
        assert "Question 13: 'Perhaps' is not one of the options" in items[0].detail
        assert received(store, 5, secret) == b"\x00\x01 not an email at all \xff"
        assert store.response(ada.id) is None


def test_a_message_stored_twice_is_never_submitted_twice(deployment, tmp_path):
    """Ingesting the same file again records a duplicate for review; one version only."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    path = write(tmp_path / "ada.eml", reply(reference=reference_for(secret, ada.id)))
    assert ingest(spec, db, path) == 0
    assert ingest(spec, db, path) == 0
    resent = write(
        tmp_path / "again.eml", reply(reference=reference_for(secret, ada.id), lines=OTHER_LINES)
    )
    assert ingest(spec, db, resent) == 0
    with open_store(db) as store:
        assert len(store.history(ada.id)) == 1
        items = store.review_items("taking-stock")
        assert [(i.message, i.reason) for i in items] == [(2, "duplicate"), (3, "duplicate")]
        assert {i.respondent_id for i in items} == {ada.id}
        assert store.message(2).duplicate_of == store.message(3).duplicate_of == 1


def test_mbox_maildir_and_folders_are_read(deployment, tmp_path, capsys):
    """Three kinds of source, each message stored with where it came from."""
    spec, db, secret = deployment
    people = [
        respondent_by_email(db, a)
        for a in ("ada@kent.example", "brian@kent.example", "carol@dover.example")
    ]
    raws = [reply(reference=reference_for(secret, p.id), message_id=f"<{p.id}@x>") for p in people]
    box = mailbox.mbox(tmp_path / "replies.mbox")
    box.add(raws[0])
    box.add(reply(sender="nobody@elsewhere.example", message_id="<n@x>"))
    box.flush()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(raws[1])
    folder = tmp_path / "folder"
    folder.mkdir()
    write(folder / "carol.eml", raws[2])
    write(folder / "notes.txt", b"not a message")
    assert ingest(spec, db, tmp_path / "replies.mbox", tmp_path / "Maildir", folder) == 0
    assert capsys.readouterr().out.startswith(
        "Read 4 messages: 3 submitted, 1 sent to review (1 unknown_sender)."
    )
    with open_store(db) as store:
        for person in people:
            assert store.response(person.id).channel == "email"
        sources = [store.message(n).source for n in range(1, 5)]
    assert sources[0] == f"mbox {tmp_path / 'replies.mbox'} #1"
    assert sources[2].startswith(f"maildir {tmp_path / 'Maildir'} ")
    assert sources[3] == f"file {folder / 'carol.eml'}"


def test_a_folder_without_mail_is_refused(deployment, tmp_path, capsys):
    spec, db, _ = deployment
    (tmp_path / "empty").mkdir()
    assert ingest(spec, db, tmp_path / "empty") == 1
    assert "neither a maildir" in capsys.readouterr().err


def test_the_received_time_decides_against_the_closing_date(tmp_path, capsys):
    """On the real, closed Taking Stock: a reply received on 13 March counts, on 14 not."""
    db = f"sqlite:///{tmp_path}/closed.db"
    secret = enrol(db, SPEC)
    ada = respondent_by_email(db, "ada@kent.example")
    early = write(tmp_path / "early.eml", reply(reference=reference_for(secret, ada.id)))
    late = write(
        tmp_path / "late.eml",
        reply(reference=reference_for(secret, ada.id), message_id="<late@x>", lines=OTHER_LINES),
    )
    assert ingest(SPEC, db, early, received_at="2015-03-13T23:59") == 0
    assert ingest(SPEC, db, late, received_at="2015-03-14T00:00") == 0
    with open_store(db) as store:
        [submission] = store.history(ada.id)
        assert submission.received_at == dt.datetime(2015, 3, 13, 23, 59, tzinfo=dt.UTC)
        [item] = store.review_items("taking-stock")
        assert item.reason == "closed"
        assert "it was received 2015-03-14 00:00" in item.detail
    assert ingest(SPEC, db, early, received_at="2999-01-01") == 1
    assert "is in the future" in capsys.readouterr().err


def test_a_message_left_pending_is_dealt_with_next_time(deployment, tmp_path, capsys):
    """A run stopped after storing: the next run reads the message, once."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    consultation = load_spec(spec)
    with open_store(db) as store:
        Intake(consultation, store, secret).store_raw(
            reply(reference=reference_for(secret, ada.id)), source="smtp 127.0.0.1"
        )
    other = write(tmp_path / "x.eml", reply(sender="who@elsewhere.example", message_id="<w@x>"))
    assert ingest(spec, db, other) == 0
    assert "Also dealt with 1 left by an earlier run: 1 submitted" in capsys.readouterr().out
    with open_store(db) as store:
        assert store.response(ada.id).version == 1
        assert store.pending_messages("taking-stock") == []


def test_a_run_stopped_after_submitting_does_not_submit_again(deployment):
    """A submission from a message settles the message in the same transaction: a run that
    stops right after it leaves nothing pending, and dealing with it again submits nothing."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    consultation = load_spec(spec)
    with open_store(db) as store:
        intake = Intake(consultation, store, secret)
        stored = intake.store_raw(reply(reference=reference_for(secret, ada.id)), source="s")
        from surveykit import KnownRespondent

        intake.service.submit(
            KnownRespondent(ada.id),
            {
                "role": "leader",
                "authority_type": "county",
                "authority": "Kent",
                "consent": "no_quote",
            },
            channel="email",
            received_at=stored.received_at,
            message=stored.id,
        )
        assert intake.process_pending() == []
        outcome = intake.process(store.message(stored.id))
        assert (outcome.status, outcome.version) == ("submitted", 1)
        assert len(store.history(ada.id)) == 1


def test_a_shared_address_without_a_reference_is_not_guessed(tmp_path):
    """Two respondents share an address: the reply waits for an officer."""
    consultation = load_spec(open_spec(tmp_path))
    with open_store("memory://") as store:
        secret = Secret.generate()
        people = [
            Respondent(
                "taking-stock", "Kent County Council", "county", role, email="x@kent.example"
            )
            for role in ("leader", "other")
        ]
        store.grant([Grant(p, f"h{n}", T0) for n, p in enumerate(people)])
        outcome = Intake(consultation, store, secret).receive(
            reply(sender="x@kent.example"), source="test"
        )
        assert (outcome.status, outcome.reason) == ("review", "ambiguous_sender")


REPLIES = st.sampled_from(["ada", "brian", "stranger", "ada-again"])


@given(st.lists(REPLIES, min_size=1, max_size=8))
def test_every_delivery_is_kept_and_no_reply_is_submitted_twice(deliveries):
    """Whatever arrives, in any order and however often: every delivery is stored and either
    submitted or queued, and each distinct message is submitted at most once."""
    consultation = load_spec(SPEC).reopened_until(dt.date(2099, 12, 31))
    secret = Secret.generate()
    with open_store("memory://") as store:
        ada = Respondent("taking-stock", "Kent", "county", "leader", email="ada@kent.example")
        brian = Respondent(
            "taking-stock", "Kent", "county", "chief_executive", email="brian@kent.example"
        )
        store.grant([Grant(ada, "ha", T0), Grant(brian, "hb", T0)])
        raws = {
            "ada": reply(reference=reference_for(secret, ada.id)),
            "ada-again": reply(
                reference=reference_for(secret, ada.id), message_id="<r9@x>", lines=OTHER_LINES
            ),
            "brian": reply(sender="brian@kent.example", message_id="<b@x>"),
            "stranger": reply(sender="s@else.example", message_id="<s@x>"),
        }
        intake = Intake(consultation, store, secret)
        outcomes = [intake.receive(raws[name], source="test") for name in deliveries]
        submitted = [o for o in outcomes if o.status == "submitted"]
        assert len(outcomes) == len(deliveries)
        assert all(o.status in {"submitted", "review"} for o in outcomes)
        assert len({o.message for o in outcomes}) == len(deliveries)
        assert len(submitted) == len({n for n in deliveries if n != "stranger"})
        assert len(store.review_items("taking-stock")) == len(deliveries) - len(submitted)
        for name in set(deliveries) - {"stranger"}:
            first = deliveries.index(name)
            assert outcomes[first].status == "submitted"
        assert store.pending_messages("taking-stock") == []
        versions = len(store.history(ada.id)) + len(store.history(brian.id))
        assert versions == len(submitted)


def test_ingest_and_review_on_postgresql(postgres_url, tmp_path, monkeypatch, capsys):
    """The same flow on the real PostgreSQL server: submit, duplicate, review and accept."""
    monkeypatch.setenv("SURVEYKIT_SECRET", "a test secret that is long enough to use")
    spec = open_spec(tmp_path)
    secret = enrol(postgres_url, spec)
    ada = respondent_by_email(postgres_url, "ada@kent.example")
    brian = respondent_by_email(postgres_url, "brian@kent.example")
    clean = write(tmp_path / "ada.eml", reply(reference=reference_for(secret, ada.id)))
    unclear = reply(
        reference=reference_for(secret, brian.id),
        message_id="<b@x>",
        lines=tuple(line.replace("Q1: Don't know", "Q1: Sort of") for line in OTHER_LINES),
    )
    assert ingest(spec, postgres_url, clean, clean, write(tmp_path / "b.eml", unclear)) == 0
    assert capsys.readouterr().out.startswith(
        "Read 3 messages: 1 submitted, 2 sent to review (1 duplicate, 1 not_clean)."
    )
    with open_store(postgres_url) as store:
        [unclear_item] = [i for i in store.review_items("taking-stock") if i.reason == "not_clean"]
    item = str(unclear_item.id)
    accept = ["review", "accept", str(spec), "--db", postgres_url, item, "--set", "1=Don't know"]
    assert main(accept) == 0
    with open_store(postgres_url) as store:
        assert store.response(ada.id).version == 1
        assert store.response(brian.id).answers["q1"] == "dont_know"
        assert [i.reason for i in store.review_items("taking-stock")] == ["duplicate"]
        assert store.review_item(unclear_item.id).version == 1


def received_by_us(raw: bytes, stamp: str) -> bytes:
    """``raw`` as our mail server stores it: its own Received line on top, over a forged one."""
    forged = b"Received: from forged.example by forged.example; Mon, 2 Mar 2015 09:00:00 +0000\r\n"
    ours = (
        "Received: from mx.kent.example by inbox.lga.example\r\n"
        f"\tfor <consult@lga.example>; {stamp}\r\n"
    )
    return ours.encode() + forged + raw


def test_the_top_received_line_can_be_trusted_for_the_arrival(tmp_path, capsys):
    """--trust-received-header: our server's 23:58 counts, its 00:05 does not, Date aside."""
    db = f"sqlite:///{tmp_path}/closed.db"
    secret = enrol(db, SPEC)
    ada = respondent_by_email(db, "ada@kent.example")
    brian = respondent_by_email(db, "brian@kent.example")
    on_time = received_by_us(
        reply(reference=reference_for(secret, ada.id)), "Fri, 13 Mar 2015 23:58:00 +0000"
    )
    late = received_by_us(
        reply(reference=reference_for(secret, brian.id), message_id="<late@x>"),
        "Sat, 14 Mar 2015 00:05:00 +0000",
    )
    files = [write(tmp_path / "a.eml", on_time), write(tmp_path / "b.eml", late)]
    args = ["ingest", str(SPEC), "--db", db, *map(str, files), "--trust-received-header"]
    assert main(args) == 0
    assert "1 submitted, 1 sent to review (1 closed)" in capsys.readouterr().out
    with open_store(db) as store:
        received = store.response(ada.id).received_at
        assert received == dt.datetime(2015, 3, 13, 23, 58, tzinfo=dt.UTC)
        assert store.message(2).received_at == dt.datetime(2015, 3, 14, 0, 5, tzinfo=dt.UTC)


def test_arrival_times_are_read_leniently():
    """A missing or mangled Received line gives no time, never an error."""
    from surveykit_email.ingest import arrival_time

    stamped = received_by_us(b"Subject: x\r\n\r\nbody", "Fri, 13 Mar 2015 23:58:00 +0100")
    assert arrival_time(stamped) == dt.datetime(2015, 3, 13, 22, 58, tzinfo=dt.UTC)
    assert arrival_time(b"Subject: x\r\n\r\nbody") is None
    assert arrival_time(b"Received: from a by b\r\n\r\n") is None
    assert arrival_time(b"Received: from a by b; not a date\r\n\r\n") is None
    assert arrival_time(b"\xff\x00") is None


def bounce_of(original: bytes) -> bytes:
    """A delivery failure report (RFC 3464) returning ``original``."""
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.lga.example>"
    report["To"] = "consult@lga.example"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce@mx>"
    report.set_content("This is the mail system. Your message could not be delivered.")
    report.add_attachment(original, maintype="message", subtype="rfc822")
    report.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    return report.as_bytes()


def test_automatic_replies_and_bounces_are_never_taken_for_answers(deployment, tmp_path, capsys):
    """An out-of-office reply, even one quoting a whole answer, and a bounce: both to review."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    answered = reply(reference=reference_for(secret, ada.id))
    out_of_office = b"Auto-Submitted: auto-replied\r\n" + answered.replace(b"<r1@", b"<ooo@")
    files = [
        write(tmp_path / "ooo.eml", out_of_office),
        write(tmp_path / "bounce.eml", bounce_of(reply(message_id="<inv@lga.example>"))),
    ]
    assert ingest(spec, db, *files) == 0
    assert "0 submitted, 2 sent to review (2 automatic)" in capsys.readouterr().out
    with open_store(db) as store:
        ooo, bounce = store.review_items("taking-stock")
        assert ooo.respondent_id == ada.id
        assert "automatic reply" in ooo.detail
        assert "bounce" in bounce.detail
        assert store.response(ada.id) is None
    assert main(["review", "reject", str(spec), "--db", db, "--automatic", "--why", "auto"]) == 0
    assert capsys.readouterr().out == "Rejected 2 review items.\n"
