"""`surveykit invite` against a real SMTP server (aiosmtpd) on 127.0.0.1 and a real SQLite store."""

from __future__ import annotations

import itertools
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailtools import ANSWERS, ROSTER, SmtpSink, body, enrol, open_spec

from surveykit import SubmitService, load_spec
from surveykit.cli import main
from surveykit.identity import load_secret
from surveykit.storage import open_store
from surveykit_email.outbox import MailError, Throttle, parse_rate, parse_server
from surveykit_email.reference import reference_for

LINK = re.compile(r"https://consult\.example\.org/r/([A-Za-z0-9_-]{22,})")
ADDRESSES = ("ada@kent.example", "brian@kent.example", "carol@dover.example")
NAMES = ("Ada Lovelace", "Brian Kernighan", "Carol Shaw", "Dennis Ritchie")


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def deployment(tmp_path):
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    return spec, db, secret


def invite(spec, db, sink, *extra: str) -> int:
    """`surveykit invite` through the sink.  The roster was imported as `tokens issue` does, and
    its links never sent, so new links may replace them (--replace-links)."""
    return main(
        [
            "invite",
            str(spec),
            "--db",
            db,
            "--smtp",
            sink.address,
            "--from",
            "consult@lga.example",
            "--rate",
            "1000/s",
            "--replace-links",
            *extra,
        ]
    )


def links_of(sink) -> dict[str, str]:
    """Each recipient's link token, from the emails collected."""
    found = {}
    for message in sink.messages:
        match = LINK.search(body(message))
        found[message["To"].addresses[0].addr_spec] = match.group(1) if match else None
    return found


def assert_nothing_secret(text: str, tokens) -> None:
    for token in tokens:
        assert token not in text
    for secret_text in (*ADDRESSES, *NAMES):
        assert secret_text not in text


def test_each_roster_respondent_with_an_address_gets_their_own_live_link(
    deployment, sink, capsys, caplog
):
    """Three of the four have an address: each gets one email, its link works for them alone."""
    spec, db, secret = deployment
    caplog.set_level(logging.DEBUG)
    assert invite(spec, db, sink, "--base-url", "https://consult.example.org/r/") == 0
    out = capsys.readouterr()
    assert out.out == "Sent 3 invitations; 1 respondent without an email address.\n"
    assert sorted(m["To"].addresses[0].addr_spec for m in sink.messages) == sorted(ADDRESSES)
    consultation = load_spec(spec)
    tokens = links_of(sink)
    with open_store(db) as store:
        service = SubmitService(consultation, store, secret)
        for message in sink.messages:
            address = message["To"].addresses[0].addr_spec
            respondent = service.authenticate(tokens[address])
            assert respondent.email == address
            assert message["To"].addresses[0].display_name == respondent.name
            assert message["From"] == "consult@lga.example"
            assert message["Subject"] == "Taking stock: your invitation to respond"
            assert message["Message-ID"].endswith("@lga.example>")
            assert message["Date"]
            text = body(message)
            assert f"Reference: {reference_for(secret, respondent.id)}" in text
            assert f"Dear {respondent.name}," in text
            assert "--- End of form ---" in text
            long = [line for line in text.splitlines() if len(line) > 72]
            assert all("https://consult.example.org/r/" in line for line in long)
            [sent] = store.sendings(consultation.metadata.id, respondent.id)
            assert (sent.kind, sent.round, sent.message_id) == (
                "invitation",
                0,
                message["Message-ID"],
            )
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert_nothing_secret(out.out + out.err + ours, tokens.values())


def test_running_again_sends_nothing_twice(deployment, sink, capsys):
    """A second run finds everyone already invited and sends nothing."""
    spec, db, _ = deployment
    assert invite(spec, db, sink) == 0
    capsys.readouterr()
    assert invite(spec, db, sink) == 0
    assert capsys.readouterr().out == (
        "Sent 0 invitations; 3 already had it; 1 respondent without an email address.\n"
    )
    assert len(sink.messages) == 3


def test_a_dry_run_sends_and_stores_nothing(deployment, sink, capsys):
    """--dry-run says what would happen; no email, no sending, no new link, no connection."""
    spec, db, _ = deployment

    def tokens() -> list[tuple]:
        with open_store(db) as store:
            return store._connection().execute("SELECT * FROM tokens ORDER BY hash").fetchall()

    before = tokens()
    assert invite(spec, db, sink, "--dry-run", "--base-url", "https://consult.example.org/r/") == 0
    assert capsys.readouterr().out == (
        "Dry run: would send 3 invitations; 1 respondent without an email address. "
        "Nothing was sent or stored.\n"
    )
    assert sink.messages == []
    assert tokens() == before
    with open_store(db) as store:
        assert store.sendings("taking-stock") == []
    nowhere = ["invite", str(spec), "--db", db, "--smtp", "127.0.0.1:1", "--dry-run"]
    assert main([*nowhere, "--from", "c@lga.example"]) == 0


def test_without_a_base_url_no_link_is_issued(deployment, sink):
    """The email then carries the form and reference only, and earlier links stay live."""
    spec, db, _ = deployment
    assert invite(spec, db, sink) == 0
    assert len(sink.messages) == 3
    for message in sink.messages:
        text = body(message)
        assert "Please reply to this email with the form below filled in." in text
        assert "/r/" not in text
        assert "Reference: SK-" in text


def test_reminders_skip_those_who_responded_and_replace_the_link(deployment, sink, capsys):
    """Ada responds; the reminder goes to the other two, with new links that revoke the old."""
    spec, db, secret = deployment
    base = ("--base-url", "https://consult.example.org/r/")
    assert invite(spec, db, sink, *base) == 0
    first_links = links_of(sink)
    consultation = load_spec(spec)
    with open_store(db) as store:
        SubmitService(consultation, store, secret).submit(first_links["ada@kent.example"], ANSWERS)
    sink.messages.clear()
    capsys.readouterr()
    assert invite(spec, db, sink, *base, "--reminder") == 0
    assert capsys.readouterr().out == (
        "Sent 2 reminders (round 1); 1 already responded; 1 respondent without an email address.\n"
    )
    reminded = links_of(sink)
    assert sorted(reminded) == ["brian@kent.example", "carol@dover.example"]
    with open_store(db) as store:
        service = SubmitService(consultation, store, secret)
        for address, token in reminded.items():
            assert service.authenticate(token).email == address
            with pytest.raises(Exception, match="replaced by a newer one"):
                service.authenticate(first_links[address])
    for message in sink.messages:
        assert message["Subject"].startswith("Reminder: Taking stock closes")
        said = " ".join(body(message).split())
        assert "It replaces the link in our earlier email, which no longer works." in said
    sink.messages.clear()
    assert invite(spec, db, sink, *base, "--reminder") == 0
    assert sink.messages == []
    assert capsys.readouterr().out == (
        "Sent 0 reminders (round 1); 2 already had reminder 1; 1 already responded; "
        "1 respondent without an email address; to send another reminder, use --round 2.\n"
    )
    assert invite(spec, db, sink, *base, "--reminder", "--round", "2") == 0
    assert len(sink.messages) == 2


def test_a_refused_address_is_retried_by_the_next_run(deployment, sink, capsys):
    """The server refuses one recipient: the others are sent, and exit status 1 says so."""
    spec, db, _ = deployment
    sink.collector.refuse.add("carol@dover.example")
    assert invite(spec, db, sink) == 1
    assert "the mail server refused 1 address" in capsys.readouterr().out
    assert len(sink.messages) == 2
    sink.collector.refuse.clear()
    assert invite(spec, db, sink) == 0
    assert sorted(m["To"].addresses[0].addr_spec for m in sink.messages) == sorted(ADDRESSES)


def test_an_unreachable_server_stops_the_run_with_one_line(deployment, capsys):
    """No server listening: the error says so and nothing is recorded."""
    spec, db, _ = deployment
    code = main(
        ["invite", str(spec), "--db", db, "--smtp", "127.0.0.1:1", "--from", "c@lga.example"]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: cannot reach the mail server at 127.0.0.1:1")
    assert "0 emails had been sent and recorded: run the same command again" in err
    with open_store(db) as store:
        assert store.sendings("taking-stock") == []


def test_a_closed_consultation_sends_nothing(tmp_path, sink, capsys):
    """The real Taking Stock closed in 2015: invite refuses, and sends nothing."""
    from mailtools import SPEC

    db = f"sqlite:///{tmp_path}/closed.db"
    enrol(db, SPEC)
    assert invite(SPEC, db, sink) == 1
    assert capsys.readouterr().err == (
        "Error: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); no email "
        "was sent; to reopen it for a demonstration, set SURVEYKIT_OPEN_UNTIL or pass "
        "--open-until\n"
    )
    assert sink.messages == []


def test_a_killed_run_resumes_without_sending_anyone_twice(deployment, sink, tmp_path):
    """We kill -9 a real `surveykit invite` mid-run, then run it again: each email once."""
    spec, db, _ = deployment
    collector = sink.collector
    arrived = []
    import threading

    second = threading.Event()
    killed = threading.Event()
    original = collector.handle_DATA

    async def handle(server, session, envelope):
        arrived.append(envelope.rcpt_tos[0])
        if len(arrived) == 2:
            # The second message reaches the server: the client is killed before it is accepted.
            second.set()
            killed.wait(10)
            return "451 4.3.0 try again later"
        return await original(server, session, envelope)

    collector.handle_DATA = handle
    env = {**os.environ, "SURVEYKIT_PROGRESS": "0"}
    args = [
        str(Path(sys.executable).parent / "surveykit"),
        "invite",
        str(spec),
        "--db",
        db,
        "--smtp",
        sink.address,
        "--from",
        "consult@lga.example",
        "--rate",
        "1000/s",
        "--base-url",
        "https://consult.example.org/r/",
        "--replace-links",
    ]
    child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert second.wait(60)
    child.send_signal(signal.SIGKILL)
    child.wait()
    killed.set()
    assert child.returncode == -signal.SIGKILL
    assert len(sink.messages) == 1
    with open_store(db) as store:
        assert len(store.sendings("taking-stock")) == 1
    collector.handle_DATA = original
    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith("Sent 2 invitations; 1 already had it")
    delivered = [m["To"].addresses[0].addr_spec for m in sink.messages]
    assert sorted(delivered) == sorted(ADDRESSES)
    with open_store(db) as store:
        assert len(store.sendings("taking-stock")) == 3


@pytest.mark.parametrize(
    ("text", "per_second"), [("5/s", 5.0), ("120/min", 2.0), ("3600/h", 1.0), ("0.5 / s", 0.5)]
)
def test_rates(text, per_second):
    """--rate takes a count per second, minute or hour."""
    assert parse_rate(text) == per_second


@pytest.mark.parametrize("text", ["5", "0/s", "fast", "5/day"])
def test_bad_rates_are_refused(text):
    with pytest.raises(MailError, match="--rate must be like 5/s"):
        parse_rate(text)


def test_servers():
    """--smtp is HOST:PORT, with brackets for IPv6."""
    assert parse_server("127.0.0.1:2525") == ("127.0.0.1", 2525)
    assert parse_server("[::1]:25") == ("::1", 25)
    for bad in ("localhost", ":25", "host:0", "host:x"):
        with pytest.raises(MailError, match="--smtp must be HOST:PORT"):
            parse_server(bad)


@given(st.floats(0.5, 50), st.lists(st.floats(0, 2), max_size=30))
def test_the_throttle_spaces_sends_by_the_rate(rate, gaps):
    """Whatever the pace of the caller, consecutive sends are at least 1/rate seconds apart."""
    now = [0.0]
    sends = []

    def sleep(seconds: float) -> None:
        assert seconds > 0
        now[0] += seconds

    throttle = Throttle(rate, clock=lambda: now[0], sleep=sleep)
    for gap in gaps:
        now[0] += gap
        throttle.wait()
        sends.append(now[0])
    for earlier, later in itertools.pairwise(sends):
        assert later - earlier >= 1 / rate - 1e-9


def test_the_roster_fixture_has_one_person_without_an_address():
    """The test roster is what these tests assume."""
    assert ROSTER.count("\n") == 5
    assert load_secret is not None


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_mail_server_login_comes_from_the_environment(deployment, monkeypatch, capsys):
    """A server that requires AUTH: the right login sends, a wrong one is one clear error."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
    from mailtools import Collector, free_port

    spec, db, _ = deployment

    def authenticator(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"lga",
            b"s3cret-relay",
        )
        return AuthResult(success=ok, handled=False)

    collector = Collector()
    port = free_port()
    controller = Controller(
        collector,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        args = ["invite", str(spec), "--db", db, "--smtp", f"127.0.0.1:{port}"]
        args += ["--from", "consult@lga.example", "--rate", "1000/s"]
        monkeypatch.setenv("SURVEYKIT_SMTP_USER", "lga")
        monkeypatch.setenv("SURVEYKIT_SMTP_PASSWORD", "wrong")
        assert main(args) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"Error: the mail server at 127.0.0.1:{port} refused the login")
        assert "wrong" not in err
        monkeypatch.setenv("SURVEYKIT_SMTP_PASSWORD", "s3cret-relay")
        assert main(args) == 0
    finally:
        controller.stop()
    assert len(collector.messages) == 3


def test_starttls_verifies_the_server_certificate(deployment, tmp_path, monkeypatch, capsys):
    """--starttls: a server whose certificate we trust gets the mail; an untrusted one nothing."""
    import ssl

    from aiosmtpd.controller import Controller
    from mailtools import Collector, free_port

    spec, db, _ = deployment
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    collector = Collector()
    port = free_port()
    controller = Controller(
        collector, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        args = ["invite", str(spec), "--db", db, "--smtp", f"127.0.0.1:{port}", "--starttls"]
        args += ["--from", "consult@lga.example", "--rate", "1000/s"]
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
        assert main(args) == 1
        assert "certificate verify failed" in capsys.readouterr().err
        assert collector.messages == []
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        assert main(args) == 0
    finally:
        controller.stop()
    assert len(collector.messages) == 3


def test_a_respondent_who_responds_during_a_reminder_run_is_not_reminded(deployment, sink):
    """The plan is made, then Brian responds: his reminder is skipped, Carol's is sent."""
    from surveykit_email.invite import plan_invitations, send_invitations
    from surveykit_email.outbox import Mailer

    spec, db, secret = deployment
    consultation = load_spec(spec)
    with open_store(db) as store:
        plan = plan_invitations(store, consultation, reminder_round=1)
        assert len(plan.recipients) == 3
        brian = next(r for r in plan.recipients if r.email == "brian@kent.example")
        from surveykit import KnownRespondent, SubmitService

        SubmitService(consultation, store, secret).submit(KnownRespondent(brian.id), ANSWERS)
        with Mailer("127.0.0.1", sink.port) as mailer:
            report = send_invitations(
                store,
                secret,
                consultation,
                plan,
                mailer,
                sender="consult@lga.example",
                base_url=None,
                throttle=Throttle(None),
            )
    assert (report.sent, report.skipped, report.refused) == (2, 1, 0)
    assert "brian@kent.example" not in [m["To"].addresses[0].addr_spec for m in sink.messages]
