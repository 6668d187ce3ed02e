"""docs/getting-started.md, run as written: every command of its walk-through, in order, on a
fresh SQLite database, each checked against the output the page shows.

The commands come from the page itself (the ``console`` blocks of "Running a consultation, end
to end"), so the page cannot drift from what surveykit does.  Each runs in ``bash`` with the
virtualenv's ``surveykit`` first on ``PATH``, in a folder of its own that sees the clone's
``specs`` and ``docs``.  ``serve`` and ``inbox`` run until stopped: they are started in the
background, sent what the page describes (a browser opening a link; a reply by SMTP), and
stopped with Ctrl-C.  The page's ports are swapped for free ones, and its example times and
``...`` match any.
"""

from __future__ import annotations

import csv
import http.cookiejar
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller

from surveykit import Token
from surveykit.identity import load_secret
from surveykit.storage import open_store

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "getting-started.md"
SECTION = "## Running a consultation, end to end"
BIN = Path(sys.executable).parent
#: The officer's path the page must walk, in this order.
PATH_OF_COMMANDS = [
    "export",
    "export",
    "surveykit validate",
    "surveykit tokens",
    "surveykit serve",
    "surveykit submit",
    "surveykit invite",
    "surveykit invite",
    "surveykit email-form",
    "surveykit ingest",
    "surveykit inbox",
    "surveykit review",
    "surveykit review",
    "surveykit report",
]
_WILD = re.compile(r"\.\.\.|\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_PORT = re.compile(r"(?<=127\.0\.0\.1:)\d+\b|(?<=--port )\d+\b")


@dataclass
class Step:
    """One command of the page, and the output shown under it."""

    command: str
    expected: list[str]
    line: int

    @property
    def name(self) -> str:
        return (
            " ".join(self.command.split()[:2])
            if self.command.startswith("surveykit")
            else (self.command.split()[0])
        )


def walkthrough(text: str) -> list[Step]:
    """The ``console`` blocks of the walk-through: ``$ `` lines (with ``\\`` continuations) are
    commands, the lines after them their output."""
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    first_line = text[:start].count("\n") + 1
    lines = text[start : end if end != -1 else len(text)].splitlines()
    steps: list[Step] = []
    in_block = continued = False
    for number, line in enumerate(lines, first_line):
        if line.startswith("```"):
            in_block = line == "```console"
            continued = False
        elif in_block and line.startswith("$ "):
            steps.append(Step(line[2:], [], number))
            continued = line.endswith("\\")
        elif in_block and continued:
            steps[-1].command += "\n" + line
            continued = line.endswith("\\")
        elif in_block:
            steps[-1].expected.append(line)
    return steps


def pattern(expected: str) -> re.Pattern[str]:
    """A documented output line as a pattern: ``...`` matches anything, a time any time."""
    parts, at = [], 0
    for wild in _WILD.finditer(expected):
        parts.append(re.escape(expected[at : wild.start()]))
        parts.append(".*" if wild.group() == "..." else r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
        at = wild.end()
    parts.append(re.escape(expected[at:]))
    return re.compile("".join(parts))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay:
    """A mail relay for `invite` to send through: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.senders: list[str] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        self.senders.append(envelope.mail_from)
        return "250 Message accepted for delivery"


class Walk:
    """The folder, settings and ports the page's commands run with."""

    def __init__(self, folder: Path, relay: Relay) -> None:
        self.folder = folder
        for name in ("specs", "docs"):
            (folder / name).symlink_to(ROOT / name)
        self.ports = {"8000": str(free_port()), "2525": str(free_port()), "25": str(relay.port)}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYKIT_")}
        self.env.update(PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", SURVEYKIT_PROGRESS="0")

    def local(self, text: str) -> str:
        """``text`` with the page's ports swapped for this run's."""
        return _PORT.sub(lambda m: self.ports.get(m.group(), m.group()), text)

    def export(self, command: str) -> None:
        """``export NAME=VALUE``, kept for the commands after it (VALUE expanded by bash)."""
        name = command.split()[1].split("=")[0]
        done = subprocess.run(
            ["bash", "-c", f'{command}\nprintf %s "${name}"'],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        self.env[name] = done.stdout

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
        )

    def start(self, command: str) -> Background:
        return Background(command, self.folder, self.env)

    def first_link(self) -> str:
        with (self.folder / "links.csv").open(encoding="utf-8", newline="") as handle:
            return next(csv.DictReader(handle))["link"]


class Background:
    """A command that runs until Ctrl-C, its output read line by line as it comes."""

    def __init__(self, command: str, folder: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def until(self, prefix: str, seconds: float = 60) -> None:
        """Wait for a line starting with ``prefix``."""
        deadline = time.monotonic() + seconds
        while not any(line.startswith(prefix) for line in self.lines):
            assert self.process.poll() is None, "\n".join(self.lines)
            assert time.monotonic() < deadline, f"no {prefix!r} in:\n" + "\n".join(self.lines)
            time.sleep(0.05)

    def stop(self) -> int:
        """Ctrl-C, then the exit status once the output is all read."""
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        return status


def _get(opener: urllib.request.OpenerDirector, url: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return opener.open(url, timeout=10)
        except OSError:  # not listening yet
            assert time.monotonic() < deadline, f"nothing answered at {url}"
            time.sleep(0.1)


def browse(walk: Walk, server: Background) -> None:
    """Step 4's visit: the start page has the banner; the first link opens Kent's leader's form."""
    server.until("Serving ")
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with _get(opener, f"http://127.0.0.1:{walk.ports['8000']}/") as page:
        assert 'id="demonstration-banner"' in page.read().decode()
    with _get(opener, walk.first_link()) as page:
        assert page.url.endswith("/your-response")
        assert "Kent County Council" in page.read().decode()


def send_reply(walk: Walk, inbox: Background) -> None:
    """Step 7's reply, sent by SMTP to the inbox, which says what it did with it."""
    inbox.until("Receiving replies")
    raw = (ROOT / "docs" / "examples" / "shared-mailbox-reply.eml").read_bytes()
    with smtplib.SMTP("127.0.0.1", int(walk.ports["2525"]), timeout=30) as smtp:
        smtp.sendmail("consultations@dover.example", ["consult@example.org"], raw)
    inbox.until("Message ")


def check_output(step: Step, walk: Walk, lines: list[str], *, all_lines: bool) -> None:
    """The documented lines, in order: all the output, or (for servers) among their logs."""
    where = f"docs/getting-started.md:{step.line}: {step.command.splitlines()[0]}"
    shown = "\n".join(lines)
    wanted = [pattern(walk.local(line)) for line in step.expected]
    if all_lines:
        assert len(lines) == len(wanted), f"{where} printed:\n{shown}"
        for got, want in zip(lines, wanted, strict=True):
            assert want.fullmatch(got.rstrip()), f"{where}: {got!r} is not {want.pattern!r}"
        return
    rest = iter(lines)
    for want in wanted:
        assert any(want.fullmatch(got.rstrip()) for got in rest), f"{where} printed:\n{shown}"


def test_the_page_walks_the_whole_officer_path():
    """Settings, the spec, links for a mail merge, the web form, a scripted response,
    invitations, emailed replies from files and by SMTP, review, and the report, in that order;
    the example files it uses are in the repository."""
    text = PAGE.read_text(encoding="utf-8")
    assert [step.name for step in walkthrough(text)] == PATH_OF_COMMANDS
    for example in ("roster.csv", "response.json", "reply.eml", "shared-mailbox-reply.eml"):
        assert f"docs/examples/{example}" in text
        assert (ROOT / "docs" / "examples" / example).is_file()
    assert "Open the first link in `links.csv`" in text
    assert "send it [`docs/examples/shared-mailbox-reply.eml`]" in text


def test_getting_started_runs_as_written(tmp_path):
    """Each command prints what the page shows (an ``Error:`` line means it exits 1, as
    documented), and at the end the links sent by mail merge still work."""
    relay = Relay()
    relay.controller.start()
    walk = Walk(tmp_path, relay)
    try:
        for step in walkthrough(PAGE.read_text(encoding="utf-8")):
            command = walk.local(step.command)
            if step.name == "export":
                walk.export(command)
            elif step.name in ("surveykit serve", "surveykit inbox"):
                server = walk.start(command)
                try:
                    (browse if step.name == "surveykit serve" else send_reply)(walk, server)
                finally:
                    status = server.stop()
                assert status == 0, "\n".join(server.lines)
                check_output(step, walk, server.lines, all_lines=False)
            else:
                done = walk.run(command)
                failing = any(line.startswith("Error:") for line in step.expected)
                assert done.returncode == (1 if failing else 0), done.stdout
                check_output(step, walk, done.stdout.splitlines(), all_lines=True)
    finally:
        relay.controller.stop()
    # The invitations went out from the given sender, with the form but no link ...
    assert len(relay.messages) == 4
    assert set(relay.senders) == {"consult@example.org"}
    assert not any(b"/r/" in message for message in relay.messages)
    # ... so every link in links.csv is still live, and three of the four people responded.
    db = tmp_path / "responses.db"
    with open_store(f"sqlite:///{db}") as store:
        secret = load_secret(store.secret_file, ephemeral=False)
        with (tmp_path / "links.csv").open(encoding="utf-8", newline="") as handle:
            links = [row["link"] for row in csv.DictReader(handle)]
        assert len(links) == 4
        for link in links:
            assert store.lookup_token(secret.hash(Token.parse(link))).live
        assert store.count_responses("taking-stock") == 3
    assert (tmp_path / "taking-stock-report.html").is_file()
