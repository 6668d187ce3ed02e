"""`surveykit inbox`: a real SMTP server receiving replies, storing each before saying 250."""

from __future__ import annotations

import smtplib
import threading

import pytest
from aiosmtpd.controller import Controller
from mailtools import (
    ANSWERS,
    SPEC,
    Inbox,
    enrol,
    free_port,
    open_spec,
    received,
    reply,
    respondent_by_email,
    send,
)

from surveykit import load_spec
from surveykit.storage import open_store
from surveykit_email.inbox import InboxHandler
from surveykit_email.intake import Intake
from surveykit_email.reference import reference_for


@pytest.fixture
def deployment(tmp_path):
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    return spec, db, secret


def test_replies_over_smtp_are_stored_then_submitted_or_queued(deployment, tmp_path):
    """A clean reply is submitted at once; a stranger's waits for review; each said in a line."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    port = free_port()
    inbox = Inbox(spec, db, port)
    ready = inbox.until("Receiving replies")
    assert ready == f"Receiving replies to Taking stock on 127.0.0.1:{port}; press Ctrl-C to stop."
    raw = reply(reference=reference_for(secret, ada.id))
    send(port, raw)
    assert inbox.until("Message 1") == "Message 1: submitted as version 1."
    send(port, reply(sender="who@elsewhere.example", message_id="<w@x>"), "who@elsewhere.example")
    assert inbox.until("Message 2") == "Message 2: sent to review (unknown_sender)."
    send(port, raw)
    assert inbox.until("Message 3") == "Message 3: sent to review (duplicate)."
    out = inbox.stop()
    assert out.strip() == (
        "Stopped after 3 messages: 1 submitted, 2 sent to review (1 duplicate, 1 unknown_sender)."
    )
    text = "\n".join(inbox.lines)
    for secret_text in ("ada@kent.example", "Ada Lovelace", "elsewhere"):
        assert secret_text not in text
    with open_store(db) as store:
        message = store.message(1)
        kept = received(store, 1, secret)
        assert kept.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
        assert message.source == "smtp 127.0.0.1"
        submission = store.response(ada.id)
        assert (submission.channel, submission.received_at) == ("email", message.received_at)
        assert len(store.history(ada.id)) == 1


def test_messages_left_pending_are_dealt_with_at_start(deployment):
    """A message stored by a run that stopped before reading it is read when the inbox starts."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    with open_store(db) as store:
        Intake(load_spec(spec), store, secret).store_raw(
            reply(reference=reference_for(secret, ada.id)), source="smtp 127.0.0.1"
        )
    inbox = Inbox(spec, db, free_port())
    assert inbox.until("Dealt with") == (
        "Dealt with 1 left by an earlier run: 1 submitted, 0 sent to review."
    )
    inbox.until("Receiving replies")
    inbox.stop()
    with open_store(db) as store:
        assert store.response(ada.id).version == 1


def test_a_message_that_cannot_be_stored_is_refused_with_451_and_retried(deployment):
    """The store fails: the sender hears 451 and keeps the message; the retry is stored."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    consultation = load_spec(spec)
    raw = reply(reference=reference_for(secret, ada.id))
    port = free_port()
    broken = open_store(db)
    intake = Intake(consultation, broken, secret)
    broken.close()  # a real store that can no longer write: every add_message raises
    controller = Controller(InboxHandler(intake), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send(port, raw)
        assert refused.value.smtp_code == 451
    finally:
        controller.stop()
    with open_store(db) as store:
        assert store.pending_messages("taking-stock") == []
        assert store.message(1) is None
        handler = InboxHandler(Intake(consultation, store, secret))
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            send(port, raw)
        finally:
            controller.stop()
        assert [o.status for o in handler.outcomes] == ["submitted"]
        assert store.response(ada.id).channel == "email"


def test_concurrent_senders_are_all_kept(deployment):
    """Six servers deliver at once, two of them the same message: all stored, none lost."""
    spec, db, secret = deployment
    people = [
        respondent_by_email(db, a)
        for a in ("ada@kent.example", "brian@kent.example", "carol@dover.example")
    ]
    consultation = load_spec(spec)
    port = free_port()
    with open_store(db) as store:
        handler = InboxHandler(Intake(consultation, store, secret))
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        raws = [
            reply(reference=reference_for(secret, p.id), message_id=f"<{p.id}@x>") for p in people
        ]
        deliveries = [*raws, raws[0], reply(sender="z@z.example", message_id="<z@z>"), raws[1]]
        try:
            threads = [threading.Thread(target=send, args=(port, raw)) for raw in deliveries]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            controller.stop()
        outcomes = handler.outcomes
        assert len(outcomes) == len(deliveries)
        assert sorted(o.status for o in outcomes).count("submitted") == 3
        for person in people:
            assert len(store.history(person.id)) == 1
        reasons = sorted(o.reason for o in outcomes if o.status == "review")
        assert reasons == ["duplicate", "duplicate", "unknown_sender"]


def test_an_oversized_message_is_refused_at_the_door(deployment):
    """Over 10 MB: the server refuses it before taking the data, and stores nothing."""
    import asyncio

    from surveykit_email.inbox import MAX_MESSAGE_BYTES, serve

    spec, db, secret = deployment
    port = free_port()
    with open_store(db) as store:
        handler = InboxHandler(Intake(load_spec(spec), store, secret))
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(serve(handler, "127.0.0.1", port, stop, ready=started.set))

        thread = threading.Thread(target=run)
        thread.start()
        try:
            assert started.wait(30)
            big = reply(lines=("x" * 998,) * (MAX_MESSAGE_BYTES // 1000 + 10))
            with pytest.raises(smtplib.SMTPException) as refused:
                send(port, big)
            assert "552" in str(refused.value)
            send(port, reply(sender="who@elsewhere.example"))
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(30)
            loop.close()
        assert [o.reason for o in handler.outcomes] == ["unknown_sender"]
        assert store.message(2) is None


def test_a_port_in_use_is_one_clear_error(deployment, capsys):
    """Another program holds the port: the command says so in one line and exits 1."""
    import socket

    from surveykit.cli import main

    spec, db, _ = deployment
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["inbox", str(spec), "--db", db, "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: port {port} is in use on 127.0.0.1: ")
    assert err.count("\n") == 1


def _speak(port: int, data: bytes, mail_from: bytes = b"ada@kent.example") -> list[bytes]:
    """One message over a plain socket, its data sent exactly as given (no smtplib, which would
    rewrite bare LFs): the server's reply to each command and to the data."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        replies = sock.makefile("rb")
        said = [replies.readline()]
        for command in (b"HELO client.example", b"MAIL FROM:<" + mail_from + b">"):
            sock.sendall(command + b"\r\n")
            said.append(replies.readline())
        for command in (b"RCPT TO:<consult@lga.example>", b"DATA"):
            sock.sendall(command + b"\r\n")
            said.append(replies.readline())
        sock.sendall(data)
        said.append(replies.readline())
        sock.sendall(b"QUIT\r\n")
        said.append(replies.readline())
    return said


def _long_reply(secret, respondent) -> bytes:
    """A real reply (the quoted form, answers at the top), several kilobytes, CRLF line ends."""
    from surveykit_email.samples import Style, write_reply

    raw = write_reply(
        load_spec(SPEC),
        ANSWERS,
        Style(encoding="8bit"),
        reference=reference_for(secret, respondent.id),
        sender="Ada Lovelace <ada@kent.example>",
    )
    assert len(raw) > 4 * 1001
    assert max(len(line) for line in raw.split(b"\n")) < 200
    return raw


def test_a_message_with_bare_lf_line_ends_is_accepted_as_sent(deployment):
    """A client ending every line with LF alone (short lines, kilobytes in all) is answered 250,
    not ``500 Line too long``; the bytes are stored as sent and the reply is read and submitted.
    Dot-stuffed LF lines are unstuffed, as CRLF lines are."""
    spec, db, secret = deployment
    ada = respondent_by_email(db, "ada@kent.example")
    body = _long_reply(secret, ada).replace(b"\r\n", b"\n")
    stuffed = body + b"..a line that began with a dot\n"
    port = free_port()
    inbox = Inbox(spec, db, port)
    inbox.until("Receiving replies")
    said = _speak(port, stuffed + b"\r\n.\r\n")
    assert said[4].startswith(b"354")
    assert said[5] == b"250 2.0.0 Message received\r\n", said
    assert inbox.until("Message 1") == "Message 1: submitted as version 1."
    inbox.stop()
    with open_store(db) as store:
        kept = received(store, 1, secret)
        assert kept == body + b".a line that began with a dot\n\r\n"
        assert b"\r" not in kept[:-2]
        assert store.response(ada.id).answers["q13"] == "yes"


def test_a_bare_lf_dot_does_not_end_the_message(deployment):
    """LF.CRLF, LF.LF and CRLF.LF are not the end of the data (RFC 5321 4.1.1.4): what follows
    them, even SMTP commands, is part of the one message, so nothing can be smuggled in."""
    spec, db, secret = deployment
    smuggled = (
        b"From: Ada Lovelace <ada@kent.example>\r\nSubject: Re: Taking stock\r\n\r\nHello\r\n"
        b"one\n.\r\nMAIL FROM:<mallory@evil.example>\r\nRCPT TO:<consult@lga.example>\r\nDATA\r\n"
        b"From: Brian Kernighan <brian@kent.example>\r\n\r\nQ13: No\r\n"
        b"two\n.\nthree\r\n.\nfour\r\n"
    )
    port = free_port()
    inbox = Inbox(spec, db, port)
    inbox.until("Receiving replies")
    said = _speak(port, smuggled + b".\r\n")
    assert said[5] == b"250 2.0.0 Message received\r\n", said
    assert said[6].startswith(b"221")
    inbox.until("Message 1")
    out = inbox.stop()
    assert "Stopped after 1 message: " in out
    with open_store(db) as store:
        assert received(store, 1, secret) == smuggled
        assert store.message(2) is None


def test_a_bare_lf_line_over_the_limit_is_still_too_long(deployment):
    """Lines ended by LF alone are held to the same limit as CRLF lines: 1,000 octets and a dot."""
    spec, db, _ = deployment
    port = free_port()
    inbox = Inbox(spec, db, port)
    inbox.until("Receiving replies")
    data = b"Subject: long\n\n" + b"x" * 1001 + b"\nshort\n\r\n.\r\n"
    said = _speak(port, data)
    assert said[5].startswith(b"500 Line too long"), said
    out = inbox.stop()
    assert "Stopped after 0 messages" in out
    with open_store(db) as store:
        assert store.message(1) is None
