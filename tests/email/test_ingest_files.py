"""`surveykit ingest` on files as they are found: one file has one reading however it is named.

Issue 13.6: a ``.eml`` file whose first line is an mbox ``From `` line was read as an mbox when
named directly, but as one message (``From `` line and all) inside a folder, so the same mail was
stored twice with different bytes and, without a ``Message-ID``, submitted twice.  Also, through
the real command, what issue 13.4 and 13.7 change: an undecodable reply or two senders go to
review, and no address reaches the terminal or the log.
"""

from __future__ import annotations

import logging
import mailbox
import shutil

import pytest
from mailtools import CLEAN_LINES, enrol, open_spec, received, reply, respondent_by_email

from surveykit.cli import main
from surveykit.storage import open_store
from surveykit_email.reference import reference_for

FROM_LINE = b"From ada@kent.example Thu Mar 12 16:30:00 2015\r\n"


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEYKIT_PROGRESS", "0")
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    return spec, db, secret


def ingest(spec, db, *paths) -> int:
    return main(["ingest", str(spec), "--db", db, *map(str, paths)])


def places(tmp_path, raw: bytes) -> dict:
    """The same file three ways: named directly, in a folder of .eml files, in a maildir."""
    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "ada.eml").write_bytes(raw)
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    shutil.copy(folder / "ada.eml", maildir / "new" / "1426177800.M1P1.inbox")
    return {"file": folder / "ada.eml", "folder": folder, "maildir": maildir}


@pytest.mark.parametrize(
    "order", [("file", "folder", "maildir"), ("folder", "maildir", "file"), ("maildir", "file")]
)
def test_a_file_with_a_from_line_has_one_reading_however_it_is_named(deployment, tmp_path, order):
    """No Message-ID, so only the bytes can tell it is the same mail: stored the same bytes
    every time, submitted once, and each later copy is a `duplicate`."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    raw = reply(reference=reference_for(secret, ada.id), message_id=None)
    where = places(tmp_path, FROM_LINE + raw)
    for name in order:
        assert ingest(spec, db, where[name]) == 0
    with open_store(db) as store:
        assert len(store.history(ada.id)) == 1
        items = store.review_items("taking-stock")
        assert [(i.message, i.reason) for i in items] == [
            (n, "duplicate") for n in range(2, len(order) + 1)
        ]
        for n in range(1, len(order) + 1):
            assert received(store, n, secret) == raw  # the message, without the mbox line
        sources = [store.message(n).source for n in range(1, len(order) + 1)]
    assert sources[order.index("file")] == f"mbox {where['file']} #1"
    if "folder" in order:
        assert sources[order.index("folder")] == f"mbox {where['file']} #1"
    assert sources[order.index("maildir")].startswith(f"maildir {where['maildir']} 1426177800")


def test_a_from_line_in_the_text_does_not_cut_a_message_in_two(deployment, tmp_path, capsys):
    """Written by a program that does not quote "From " at the start of a line: only a line
    shaped like an mbox separator (a sender, then a date: a weekday first, a time and a year)
    starts a new message, so "From our perspective, ..." stays in the answer."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    lines = ("3. We think so.", "", "From our perspective, 12:30 on 1 Mar 2015")
    raw = reply(
        reference=reference_for(secret, ada.id), lines=(*CLEAN_LINES[:4], *lines, *CLEAN_LINES[4:])
    )
    where = places(tmp_path, FROM_LINE + raw)
    assert ingest(spec, db, where["file"]) == 0
    assert capsys.readouterr().out.startswith("Read 1 message: 1 submitted")
    assert ingest(spec, db, where["folder"]) == 0
    assert capsys.readouterr().out.startswith("Read 1 message: 0 submitted, 1 sent to review")
    with open_store(db) as store:
        answer = store.response(ada.id).answers["q3"]
        assert answer == "We think so.\n\nFrom our perspective, 12:30 on 1 Mar 2015"
        assert received(store, 1, secret) == received(store, 2, secret) == raw


def test_an_mbox_is_split_into_its_messages_wherever_it_is(deployment, tmp_path, capsys):
    """An mbox written by Python's mailbox: the same messages, byte for byte, as the standard
    library reads them, named directly or found in a folder as a .eml."""
    spec, db, secret = deployment
    people = [respondent_by_email(db, a) for a in ("ada@kent.example", "brian@kent.example")]
    raws = [
        reply(reference=reference_for(secret, p.id), message_id=None, lines=(*CLEAN_LINES, line))
        for p, line in zip(people, ("Kind regards,\r\nFrom the council", "Thanks"), strict=True)
    ]
    box = mailbox.mbox(tmp_path / "replies.mbox")
    for raw in raws:
        box.add(raw)
    box.close()
    box = mailbox.mbox(tmp_path / "replies.mbox")
    expected = [box.get_bytes(key) for key in box.iterkeys()]
    box.close()
    assert len(expected) == 2
    assert b"\n>From the council" in expected[0]  # quoted by the writer, kept by the reader
    assert ingest(spec, db, tmp_path / "replies.mbox") == 0
    assert capsys.readouterr().out.startswith("Read 2 messages: 2 submitted")
    (tmp_path / "folder").mkdir()
    shutil.copy(tmp_path / "replies.mbox", tmp_path / "folder" / "replies.eml")
    assert ingest(spec, db, tmp_path / "folder") == 0
    assert "0 submitted, 2 sent to review (2 duplicate)" in capsys.readouterr().out
    with open_store(db) as store:
        stored = [received(store, n, secret) for n in range(1, 5)]
    assert stored == expected + expected


def test_a_file_without_a_from_line_is_one_message_as_before(deployment, tmp_path):
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    raw = reply(reference=reference_for(secret, ada.id))
    where = places(tmp_path, raw)
    assert ingest(spec, db, where["file"], where["folder"], where["maildir"]) == 0
    with open_store(db) as store:
        assert [store.message(n).source for n in (1, 2)] == [f"file {where['file']}"] * 2
        assert [received(store, n, secret) for n in (1, 2, 3)] == [raw] * 3


def test_an_undecodable_reply_goes_to_review_and_can_be_shown(deployment, tmp_path, capsys):
    """Issue 13.4 through the command: Latin-1 text declared as UTF-8, with a From display name
    in raw Latin-1 and a broken encoded-word: sent to review (not submitted), and
    `review show` prints it without a crash."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    text = "\r\n".join([f"Reference: {reference_for(secret, ada.id)}", *CLEAN_LINES, "Môn", ""])
    raw = (
        b"From: Ynys M\xf4n =?utf-8?b?!!!?= <ada@kent.example>\r\n"
        b"Subject: Re: Taking stock\r\nMessage-ID: <u@kent.example>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ) + text.encode("latin-1")
    (tmp_path / "u.eml").write_bytes(raw)
    assert ingest(spec, db, tmp_path / "u.eml") == 0
    assert capsys.readouterr().out.startswith("Read 1 message: 0 submitted, 1 sent to review")
    with open_store(db) as store:
        [item] = store.review_items("taking-stock")
        assert item.reason == "undecodable"
        assert "could not be decoded with certainty" in item.detail
        assert item.respondent_id == ada.id
        assert store.response(ada.id) is None
    assert main(["review", "show", str(spec), "--db", db, str(item.id)]) == 0
    out = capsys.readouterr().out
    assert "Sender: Ynys Môn =?utf-8?b?!!!?= <ada@kent.example>" in out
    assert "  | Môn" in out


@pytest.mark.parametrize("with_reference", [False, True])
def test_two_senders_are_not_submitted_and_no_address_is_printed_or_logged(
    deployment, tmp_path, capsys, caplog, with_reference
):
    """Issue 13.7 through the command: two From headers.  Before, the first was taken and the
    reply submitted as Ada's; now it waits for an officer, even with Ada's reference."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    reference = reference_for(secret, ada.id) if with_reference else None
    raw = b"From: Brian <brian@kent.example>\r\n" + reply(
        reference=reference, message_id="<two@kent.example>"
    )
    (tmp_path / "two.eml").write_bytes(raw)
    with caplog.at_level(logging.DEBUG):
        assert ingest(spec, db, tmp_path / "two.eml") == 0
    out = capsys.readouterr().out
    assert out.startswith("Read 1 message: 0 submitted, 1 sent to review (1 ambiguous_sender)")
    with open_store(db) as store:
        assert store.response(ada.id) is None
        [item] = store.review_items("taking-stock")
    assert "2 different senders" in item.detail
    assert main(["review", "list", str(spec), "--db", db]) == 0
    out += capsys.readouterr().out
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for address in ("ada@kent.example", "brian@kent.example"):
        assert address not in out
        assert address not in logged
        assert address not in item.detail
