"""Shared helpers for the email channel's storage and I/O tests: an open copy of Taking Stock, a
roster in a real SQLite store, and a real SMTP server (aiosmtpd) on 127.0.0.1 that collects mail.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from surveykit import load_spec
from surveykit.identity import load_secret
from surveykit.roster import parse_roster, plan_links
from surveykit.storage import open_store

SURVEYKIT = str(Path(sys.executable).parent / "surveykit")
ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "taking_stock.toml"
ROSTER = """authority,authority_type,role,name,email
Kent County Council,county,leader,Ada Lovelace,ada@kent.example
Kent County Council,county,chief_executive,Brian Kernighan,brian@kent.example
Dover District Council,district,leader,Carol Shaw,carol@dover.example
Essex Fire and Rescue,fire_and_rescue,other,Dennis Ritchie,
"""
#: A complete, valid response to Taking Stock.
ANSWERS = {
    "role": "leader",
    "authority_type": "county",
    "authority": "Kent County Council",
    "q1": "all_relevant",
    "q13": "yes",
    "q14": "no",
    "consent": "quote_anonymous",
}
T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
#: The About you and consent answers written at the top of a reply, and what they read as.
ABOUT = (
    "A1. Leader\nA2. County council\nA3. Kent\n"
    "B1. Do not quote my response; count it only in totals\n"
)
ABOUT_ANSWERS = {
    "role": "leader",
    "authority_type": "county",
    "authority": "Kent",
    "consent": "no_quote",
}


def open_spec(tmp_path: Path) -> Path:
    """Taking Stock with its closing date moved to 2099, so it is open while the tests run."""
    text = SPEC.read_text(encoding="utf-8").replace("closes = 2015-03-13", "closes = 2099-12-31")
    path = tmp_path / "taking_stock_open.toml"
    path.write_text(text, encoding="utf-8")
    return path


def enrol(db_url: str, spec: Path, roster: str = ROSTER):
    """Import a roster into the store at ``db_url`` (as ``tokens issue`` would); the secret."""
    consultation = load_spec(spec)
    with open_store(db_url) as store:
        secret = load_secret(store.secret_file, ephemeral=not store.persistent)
        entries = parse_roster(roster.splitlines(keepends=True), consultation)
        plan_links(store, secret, consultation, entries, now=T0).commit(store)
    return secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every message it is given (or refuses chosen recipients)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.raw.append(envelope.content)
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on 127.0.0.1 at ``port``, collecting into ``collector``."""

    def __init__(self) -> None:
        self.collector = Collector()
        self.port = free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.collector.messages

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def body(message: EmailMessage) -> str:
    """The decoded plain-text body of a collected message."""
    return message.get_body(preferencelist=("plain",)).get_content()


CLEAN_LINES = (
    "A1: Leader",
    "A2: County council",
    "A3: Kent County Council",
    "Q1: Don't know",
    "Q13: Yes",
    "Q14: No",
    "B1: Do not quote my response; count it only in totals",
)

#: Another complete response: question 13 answered "no", so question 14 is not asked.
OTHER_LINES = tuple(
    line.replace("Q13: Yes", "Q13: No") for line in CLEAN_LINES if not line.startswith("Q14")
)


def reply(
    *,
    reference: str | None = None,
    sender: str = "Ada Lovelace <ada@kent.example>",
    lines: tuple[str, ...] = CLEAN_LINES,
    message_id: str | None = "<r1@kent.example>",
    date: str = "Thu, 12 Mar 2015 16:30:00 +0000",
) -> bytes:
    """The bytes of an emailed reply answering at the top, with CRLF line ends."""
    headers = [f"From: {sender}", "To: consult@lga.example", "Subject: Re: Taking stock"]
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    headers.append(f"Date: {date}")
    text = [f"Reference: {reference}"] if reference else []
    return "\r\n".join([*headers, "", *text, *lines, ""]).encode("utf-8")


def attachment_only(sender: str = "Ada Lovelace <ada@kent.example>") -> bytes:
    """A reply whose only content is a PDF attachment."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "consult@lga.example"
    message["Subject"] = "Our response"
    message["Message-ID"] = "<pdf@kent.example>"
    message.add_attachment(
        b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="response.pdf"
    )
    return message.as_bytes()


def respondent_by_email(db_url: str, address: str):
    with open_store(db_url) as store:
        return next(r for r in store.respondents("taking-stock") if r.email == address)


def send(port: int, raw: bytes, sender: str = "ada@kent.example") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.sendmail(sender, ["consult@lga.example"], raw)


class Inbox:
    """`surveykit inbox` in a child process, read line by line."""

    def __init__(self, spec, db, port: int) -> None:
        env = {**os.environ, "SURVEYKIT_PROGRESS": "0"}
        args = [SURVEYKIT, "inbox", str(spec), "--db", db, "--port", str(port)]
        self.child = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: list[str] = []
        # A hung child must fail the test, not stall the run: it is killed after two minutes.
        self.watchdog = threading.Timer(120, self.child.kill)
        self.watchdog.daemon = True
        self.watchdog.start()

    def until(self, prefix: str) -> str:
        for line in self.child.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith(prefix):
                return line.rstrip("\n")
        raise AssertionError(f"the inbox ended without {prefix!r}: {self.child.stderr.read()}")

    def stop(self) -> str:
        self.child.send_signal(signal.SIGINT)
        out, err = self.child.communicate(timeout=60)
        self.watchdog.cancel()
        assert self.child.returncode == 0, err
        self.lines += out.splitlines()
        return out


def received(store, message_id: int, secret) -> bytes:
    """What stored message ``message_id`` was received as: it is stored sealed."""
    from surveykit_email.sealing import Seal

    message = store.message(message_id)
    return Seal(secret, message.consultation).open(message.raw, message_id=message_id)
