"""``surveykit inbox``: a small SMTP server (aiosmtpd) that receives replies directly.

Point the consultation's reply address at it (an MX record, or your mail server forwarding to
it).  Each message is stored before the server says it has it: if storing fails the server answers
``451`` (a temporary failure), so the sending server keeps the message and tries again later.
Nothing received is ever dropped.  The instant the message was stored is the one the closing
date is judged by.

Lines of a message may end in CRLF or in a bare LF (:class:`InboxSMTP`); the message itself ends
only at CRLF.CRLF, as RFC 5321 requires, so one message can never smuggle in another.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import threading
from pathlib import Path

import click
from aiosmtpd.smtp import SMTP, Envelope, Session

from surveykit import load_spec
from surveykit.cli.deployment import (
    DB_OPTION,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    closed_note,
    deployment,
    open_window,
)
from surveykit.cli.ports import check_port, listen_error
from surveykit.wording import counted

from .ingest import summary
from .intake import Intake, Outcome

__all__ = ["InboxHandler", "InboxSMTP", "inbox_command", "serve"]

log = logging.getLogger(__name__)

#: Replies are text; anything bigger than this is refused at the door (552) before it is stored.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
TEMPORARY_FAILURE = "451 4.3.0 The message could not be stored; please try again later"
ACCEPTED = "250 2.0.0 Message received"


TOO_LONG = "500 Line too long (see RFC5321 4.5.3.1.6)"
TOO_MUCH = "552 Error: Too much mail data"


class InboxSMTP(SMTP):
    """aiosmtpd's SMTP server, reading the lines of a message as ended by CRLF *or* a bare LF.

    Since 1.4.5 (the fix for SMTP smuggling, CVE-2024-27305) aiosmtpd splits DATA at CRLF only,
    so a message whose lines end in a bare LF (as some scripts and older clients send) reads as
    one line and, past 1,001 bytes, is refused with ``500 Line too long``, however short its
    lines.  Here every LF ends a line, for the line-length limit and the transparency dot (as
    aiosmtpd did before 1.4.5), while the data still ends only at CRLF.CRLF: RFC 5321 4.1.1.4
    says LF.LF must not end it, and LF.CRLF or CRLF.LF ending it is what smuggling exploits.  A
    lone dot on a line that is not that end is kept as it came.  The bytes are handed on as sent:
    bare LFs are not rewritten.  The content is always bytes (``decode_data`` is not supported).
    """

    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("DATA"):
            return
        if self.envelope is None or not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        content, refusal = await self._read_data()
        if content is None:
            return  # the connection went away
        if refusal is not None:
            self._set_post_data_state()
            await self.push(refusal)
            return
        self.envelope.content = self.envelope.original_content = content
        status = await self.event_handler.handle_DATA(self, self.session, self.envelope)
        self._set_post_data_state()
        await self.push(status)

    async def _read_data(self) -> tuple[bytes | None, str | None]:
        """The message up to CRLF.CRLF, unstuffed, or why it is refused (read to its end all
        the same, as RFC 5321 4.2.5 implies); ``(None, None)`` if the connection went away."""
        data: list[bytes] = []
        pieces: list[bytes] = []  # of the line being read, while the message may be kept
        in_line = size = 0
        tail = b"\r\n"  # the last two bytes read: the data begins as if after a CRLF
        refusal: str | None = None
        limit = self.data_size_limit
        while self.transport is not None:
            try:
                piece = await self._reader.readuntil(b"\n")
            except asyncio.LimitOverrunError as exc:
                # A line longer than the reader's limit: take it in parts.
                piece = await self._reader.read(exc.consumed)
            except asyncio.CancelledError:
                self._writer.close()
                raise
            if not in_line and tail == b"\r\n" and piece == b".\r\n":
                return b"".join(data), refusal
            size += len(piece)
            in_line += len(piece)
            tail = (tail + piece)[-2:]
            if refusal is None:
                if limit and size > limit:
                    refusal = TOO_MUCH
                elif in_line > self.line_length_limit:
                    refusal = TOO_LONG
                if refusal is None:
                    pieces.append(piece)
                else:
                    data.clear()  # refused: keep nothing more in memory
                    pieces.clear()
            if piece.endswith(b"\n"):
                if refusal is None:
                    line = b"".join(pieces)
                    if line.startswith(b".") and line not in (b".\r\n", b".\n"):
                        line = line[1:]
                    data.append(line)
                pieces.clear()
                in_line = 0
        return None, None


class InboxHandler:
    """The aiosmtpd handler: store first, then submit or queue, then (and only then) 250."""

    def __init__(self, intake: Intake, *, echo=None) -> None:
        self.intake = intake
        self.outcomes: list[Outcome] = []
        self._echo = echo
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        raw = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
        loop = asyncio.get_running_loop()
        try:
            stored = await loop.run_in_executor(
                None, lambda: self.intake.store_raw(raw, source=f"smtp {peer}")
            )
        except Exception as exc:
            log.error("a message of %d bytes could not be stored (%s); sent 451", len(raw), exc)
            self._say(f"A message could not be stored ({type(exc).__name__}); asked to retry.")
            return TEMPORARY_FAILURE
        try:
            outcome = await loop.run_in_executor(None, self.intake.process, stored)
        except Exception:
            # Stored safely: it stays pending and the next run of inbox or ingest deals with it.
            log.exception("message %d is stored but could not be dealt with", stored.id)
            self._say(f"Message {stored.id} stored; it could not be dealt with yet.")
            return ACCEPTED
        with self._lock:
            self.outcomes.append(outcome)
        self._say(_line(outcome))
        return ACCEPTED

    def _say(self, text: str) -> None:
        if self._echo is not None:
            self._echo(text)


def _line(outcome: Outcome) -> str:
    if outcome.status == "submitted":
        return f"Message {outcome.message}: submitted as version {outcome.version}."
    return f"Message {outcome.message}: sent to review ({outcome.reason})."


async def serve(
    handler: InboxHandler,
    host: str,
    port: int,
    stop: asyncio.Event,
    *,
    ready=None,
) -> None:
    """Serve SMTP on ``host:port`` until ``stop`` is set."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: InboxSMTP(
            handler,
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            hostname="surveykit-inbox",
            loop=loop,
        ),
        host=host,
        port=port,
    )
    if ready is not None:
        ready()
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()


@click.command("inbox")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option("--port", type=click.IntRange(1, 65535), required=True, help="The port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on (0.0.0.0 for every interface).",
)
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def inbox_command(
    spec: Path,
    db_url: str,
    port: int,
    host: str,
    open_until: dt.date | None,
    secret_file: Path | None,
) -> None:
    """Receive emailed replies over SMTP, storing each before accepting it.

    A clean reply from a known respondent is submitted at once; anything else waits for
    `surveykit review`.  If a message cannot be stored the server answers 451, so the sender
    retries.  Messages left unread by an earlier run are dealt with first.  Ctrl-C stops.

    \b
    Example:
      surveykit inbox specs/taking_stock.toml --db sqlite:///responses.db --port 2525
    """
    consultation = open_window(load_spec(spec), open_until)
    note = closed_note(consultation, dt.datetime.now(dt.UTC))
    if note is not None:
        click.echo(f"Note: {note}; until then every reply goes to review as closed.")
    check_port(host, port)
    with deployment(db_url, secret_file) as (store, secret):
        intake = Intake(consultation, store, secret)
        earlier = intake.process_pending()
        if earlier:
            click.echo(f"Dealt with {len(earlier)} left by an earlier run: {summary(earlier)}.")
        handler = InboxHandler(intake, echo=click.echo)
        asyncio.run(_run(handler, host, port, consultation.metadata.title))
    stopped = counted(len(handler.outcomes), "message")
    click.echo(f"Stopped after {stopped}: {summary(handler.outcomes)}.")


async def _run(handler: InboxHandler, host: str, port: int, title: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)

    def ready() -> None:
        click.echo(f"Receiving replies to {title} on {host}:{port}; press Ctrl-C to stop.")

    try:
        await serve(handler, host, port, stop, ready=ready)
    except OSError as exc:
        raise listen_error(host, port, exc) from None


COMMANDS = (inbox_command,)
