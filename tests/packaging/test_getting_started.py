"""docs/getting-started.md, run as written by a new user: the wheel, built from the clone and
installed with every extra in a new environment outside it, then every command of the page's
walk-through, in order, in an empty folder, each checked against the output the page shows.

The commands come from the page itself (the ``console`` blocks of "Running a consultation, end
to end"), so the page cannot drift from what surveykit does; the deployment file the page has
the reader write (its ``toml title="surveykit.toml"`` block) is written as shown, and the example
files it links are saved beside it when the page changes into the deployment's folder.  Each
command runs in ``bash`` with the new environment first on ``PATH``.  ``serve`` and ``inbox``
run until stopped: they are started in the background, sent what the page describes (Chromium
visiting both consultations and opening a link; a reply by SMTP), and stopped with Ctrl-C.  The
page's ports are swapped for free ones, and its ``...`` (a line of its own: any lines), its
example times and its column padding match any.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import smtplib
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller

from browsertools import chromium
from surveykit import Token
from surveykit.identity import load_secret
from surveykit.storage import open_store

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "getting-started.md"
SECTION = "## Running a consultation, end to end"
DEPLOYMENT_BLOCK = '```toml title="surveykit.toml"'
EXAMPLE = re.compile(r"\]\(examples/([\w.-]+)\)")
#: The officer's path the page must walk, in this order.
PATH_OF_COMMANDS = [
    "surveykit init",
    "cd",
    "write surveykit.toml",
    "surveykit config",
    "surveykit validate",
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
_WILD = re.compile(r"\.\.\.|\d{4}-\d{2}-\d{2} \d{2}:\d{2}| {2,}")
_PORT = re.compile(r"(?<=127\.0\.0\.1:)\d+\b|(?<=--port )\d+\b")


@dataclass
class Step:
    """One command of the page and the output shown under it, or a file it has written."""

    command: str
    expected: list[str]
    line: int

    @property
    def name(self) -> str:
        if self.command.startswith("surveykit"):
            return " ".join(self.command.split()[:2])
        return self.command.split()[0] if self.command.split()[0] != "write" else self.command


def walkthrough(text: str) -> list[Step]:
    """The walk-through's steps: in its ``console`` blocks, ``$ `` lines (with ``\\``
    continuations) are commands and the lines after them their output; the deployment file's
    block is a ``write surveykit.toml`` step whose "output" is the file."""
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    first_line = text[:start].count("\n") + 1
    lines = text[start : end if end != -1 else len(text)].splitlines()
    steps: list[Step] = []
    block = ""
    continued = False
    for number, line in enumerate(lines, first_line):
        if line.startswith("```"):
            block = "" if block else line
            continued = False
            if block == DEPLOYMENT_BLOCK:
                steps.append(Step("write surveykit.toml", [], number))
        elif block == DEPLOYMENT_BLOCK:
            steps[-1].expected.append(line)
        elif block == "```console" and line.startswith("$ "):
            steps.append(Step(line[2:], [], number))
            continued = line.endswith("\\")
        elif block == "```console" and continued:
            steps[-1].command += "\n" + line
            continued = line.endswith("\\")
        elif block == "```console":
            steps[-1].expected.append(line)
    return steps


def pattern(expected: list[str]) -> re.Pattern[str]:
    """Documented output as one pattern: ``...`` matches anything (a line of its own, any
    number of lines), a time any time, and column padding any padding."""
    lines = []
    for line in expected:
        if line == "...":
            lines.append(r"(?:[^\n]*\n)*?[^\n]*")
            continue
        parts, at = [], 0
        for wild in _WILD.finditer(line):
            parts.append(re.escape(line[at : wild.start()]))
            text = wild.group()
            parts.append(".*" if text == "..." else " {2,}" if text.isspace() else r"[\d: -]{16}")
            at = wild.end()
        parts.append(re.escape(line[at:]))
        lines.append("".join(parts))
    return re.compile("\n".join(lines))


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

    def __init__(self, folder: Path, bin_folder: Path, relay: Relay) -> None:
        self.folder = folder
        self.examples = sorted(set(EXAMPLE.findall(PAGE.read_text(encoding="utf-8"))))
        self.ports = {"8000": str(free_port()), "2525": str(free_port()), "25": str(relay.port)}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYKIT_")}
        self.env.update(
            PATH=f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
            SURVEYKIT_PROGRESS="0",
            VIRTUAL_ENV=str(bin_folder.parent),
        )

    def local(self, text: str) -> str:
        """``text`` with the page's ports swapped for this run's."""
        return _PORT.sub(lambda m: self.ports.get(m.group(), m.group()), text)

    def cd(self, command: str) -> None:
        """``cd DIR``, then the example files the page links saved there, as it asks."""
        self.folder = self.folder / command.split()[1]
        assert self.folder.is_dir(), command
        for name in self.examples:
            (self.folder / name).write_bytes((ROOT / "docs" / "examples" / name).read_bytes())

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

    def links(self) -> list[str]:
        with (self.folder / "links.csv").open(encoding="utf-8", newline="") as handle:
            return [row["link"] for row in csv.DictReader(handle)]


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


def _listening(port: int, server: Background, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert server.process.poll() is None, "\n".join(server.lines)
            assert time.monotonic() < deadline, f"nothing listening on {port}"
            time.sleep(0.1)


def browse(walk: Walk, server: Background) -> None:
    """Step 4's visit, in Chromium: the finder lists both consultations; each has its own
    pages, with the styles and scripts the wheel carries, and only Taking Stock the
    demonstration banner; the first link opens Kent's leader's form, and only under Taking
    Stock's path."""
    server.until("Serving ")
    port = int(walk.ports["8000"])
    _listening(port, server)
    base = f"http://127.0.0.1:{port}"
    with chromium() as browser:
        page = browser.new_page()
        failed: list[str] = []
        page.on("response", lambda r: r.status < 400 or failed.append(f"{r.status} {r.url}"))
        page.goto(base + "/")
        assert page.get_by_role("heading", name="Find a consultation").is_visible()
        page.get_by_role("link", name="Library opening hours").click()
        assert page.url == f"{base}/library-hours/"
        assert page.get_by_role("heading", name="Library opening hours").is_visible()
        assert page.locator("#demonstration-banner").count() == 0
        rules = "[...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)"
        assert page.evaluate(rules) > 100  # govuk-frontend's compiled styles
        # surveykit.mjs ran, and with it govuk-frontend's scripts (imported from the wheel).
        supported = "document.body.classList.contains('govuk-frontend-supported')"
        page.wait_for_function(supported)
        page.goto(base + "/")
        page.get_by_role("link", name="Taking stock").click()
        assert page.url == f"{base}/taking-stock/"
        assert page.locator("#demonstration-banner").is_visible()
        kent = walk.links()[0]
        assert kent.startswith(f"{base}/taking-stock/r/")
        page.goto(kent.replace("/taking-stock/", "/library-hours/"))
        assert "Kent County Council" not in page.content()
        failed.clear()  # the link refused under the other consultation's path, as it should be
        page.goto(kent)
        assert page.url == f"{base}/taking-stock/your-response"
        assert "Kent County Council" in page.content()
        assert failed == []


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
    shown = "\n".join(line.rstrip() for line in lines)
    if all_lines:
        wanted = pattern([walk.local(line) for line in step.expected])
        assert wanted.fullmatch(shown), f"{where} printed:\n{shown}\nnot:\n{wanted.pattern}"
        return
    rest = iter(lines)
    for line in step.expected:
        want = pattern([walk.local(line)])
        assert any(want.fullmatch(got.rstrip()) for got in rest), f"{where} printed:\n{shown}"


def test_the_page_walks_the_whole_officer_path():
    """Install, a deployment of two consultations, the specs, links for a mail merge, the web
    form, a scripted response, invitations, emailed replies from files and by SMTP, review, and
    the report, in that order; the example files it links are in the repository."""
    text = PAGE.read_text(encoding="utf-8")
    assert [step.name for step in walkthrough(text)] == PATH_OF_COMMANDS
    assert "pip install 'surveykit-0.1.0-py3-none-any.whl[all]'" in text
    assert text.index("pip install") < text.index(SECTION)
    linked = sorted(set(EXAMPLE.findall(text)))
    assert linked == ["reply.eml", "response.json", "roster.csv", "shared-mailbox-reply.eml"]
    for example in linked:
        assert (ROOT / "docs" / "examples" / example).is_file()
    prose = " ".join(text.split())
    assert "Open the first link in `links.csv`" in prose
    assert "send it `shared-mailbox-reply.eml`" in prose


def test_getting_started_runs_as_written_from_the_installed_wheel(venv_for, tmp_path):
    """Each command prints what the page shows (an ``Error:`` line means it exits 1, as
    documented), and at the end the links sent by mail merge still work."""
    relay = Relay()
    relay.controller.start()
    walk = Walk(tmp_path, venv_for("all"), relay)
    try:
        for step in walkthrough(PAGE.read_text(encoding="utf-8")):
            command = walk.local(step.command)
            if step.name == "cd":
                walk.cd(command)
            elif step.name == "write surveykit.toml":
                text = "\n".join(walk.local(line) for line in step.expected) + "\n"
                (walk.folder / "surveykit.toml").write_text(text, encoding="utf-8")
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
    # Everything the deployment made is in its folder, none of it in the clone ...
    assert walk.folder == tmp_path / "lga"
    assert not (ROOT / "lga").exists()
    # ... the invitations went out from the given sender, with the form but no link ...
    assert len(relay.messages) == 4
    assert set(relay.senders) == {"consult@example.org"}
    assert not any(b"/r/" in message for message in relay.messages)
    # ... so every link in links.csv is still live, and three of the four people responded.
    with open_store(f"sqlite:///{walk.folder / 'responses.db'}") as store:
        secret = load_secret(store.secret_file, ephemeral=False)
        links = walk.links()
        assert len(links) == 4
        for link in links:
            assert store.lookup_token(secret.hash(Token.parse(link))).live
        assert store.count_responses("taking-stock") == 3
    assert (walk.folder / "taking-stock-report.html").is_file()
