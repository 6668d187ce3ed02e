"""``surveykit ingest``: read replies from .eml files, mbox files and maildirs.

Each message is stored raw before it is read (see :mod:`surveykit_email.intake`), received at the
instant the ingest run stored it, unless the officer says otherwise: ``--received-at`` states when
a batch actually arrived, and ``--trust-received-header`` takes each message's arrival from its
topmost ``Received:`` line, which *our own* mail server wrote when it took the message in (every
line below it, and the ``Date`` header, came from the sender and can say anything).
"""

from __future__ import annotations

import datetime as dt
import functools
import mailbox
import re
from collections import Counter
from collections.abc import Callable, Iterator
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO

import click
from attrs import frozen

from surveykit import SurveykitError, load_spec
from surveykit.cli.deployment import (
    DB_OPTION,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    closed_note,
    deployment,
    open_window,
    parse_instant,
)
from surveykit.cli.progress import track
from surveykit.mailbox import header_block
from surveykit.storage import utc
from surveykit.wording import counted

from .intake import Arrival, Intake, Outcome
from .readers import parallel_reader

__all__ = ["Source", "arrival_time", "ingest_command", "sources", "summary"]

_WEEKDAYS = frozenset((b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"))
_TIME = re.compile(rb"\d{1,2}:\d{2}(?::\d{2})?")
_YEAR = re.compile(rb"\d{4}")


@frozen
class Source:
    """One message to ingest: where it is (for the record) and how to read its bytes."""

    where: str
    read: Callable[[], bytes]


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _is_mbox(handle: BinaryIO) -> bool:
    """Whether a file is an mbox: its first line is a ``From `` line.  This is decided by the
    content alone, so a file has one reading however it is named: directly, in a folder of .eml
    files, or in a maildir."""
    handle.seek(0)
    return handle.read(5) == b"From "


def _is_separator(line: bytes) -> bool:
    """Whether a ``From `` line is an mbox separator: ``From SENDER`` and a date that starts with
    a weekday and has a time and a year (``From ada@kent.example Thu Mar 12 16:30:00 2015``, as
    every mbox writer puts it).  "From our perspective, ..." in a message's text is not one."""
    fields = line.split()
    if len(fields) < 5 or fields[0] != b"From":
        return False
    rest = fields[3:]
    return (
        fields[2].rstrip(b",").lower() in _WEEKDAYS
        and any(_TIME.fullmatch(field) for field in rest)
        and any(_YEAR.fullmatch(field) for field in rest)
    )


def _mbox_spans(handle: BinaryIO) -> list[tuple[int, int]]:
    """Where each message of an mbox is: from after its ``From `` line to before the next.

    As the standard library's ``mailbox.mbox`` reads it (the same bytes, so an mbox read before
    is recognised as a duplicate), except that only a line shaped like a separator (see
    :func:`_is_separator`) starts a message; the first line always does.
    """
    starts: list[int] = []
    stops: list[int] = []
    last_was_empty = False
    handle.seek(0)
    while True:
        line_at = handle.tell()
        line = handle.readline()
        if line.startswith(b"From ") and (not starts or _is_separator(line)):
            if len(stops) < len(starts):
                stops.append(line_at - 1 if last_was_empty else line_at)
            starts.append(handle.tell())
            last_was_empty = False
        elif not line:
            stops.append(line_at - 1 if last_was_empty else line_at)
            break
        else:
            last_was_empty = line == b"\n"
    return list(zip(starts, stops, strict=True))


def _span(opener: Callable[[], BinaryIO], start: int, stop: int) -> Callable[[], bytes]:
    def read() -> bytes:
        with opener() as handle:
            handle.seek(start)
            return handle.read(max(0, stop - start))

    return read


def _mbox(where: str, opener: Callable[[], BinaryIO]) -> list[Source] | None:
    """Each message of the file that ``opener`` opens (``WHERE #N``), or ``None`` when the
    file is not an mbox."""
    with opener() as handle:
        if not _is_mbox(handle):
            return None
        spans = _mbox_spans(handle)
    return [
        Source(f"{where} #{n}", _span(opener, start, stop))
        for n, (start, stop) in enumerate(spans, 1)
    ]


def sources(paths: list[Path]) -> list[Source]:
    """Every message under ``paths``: a maildir, a folder of .eml files, an mbox or one .eml."""
    found: list[Source] = []
    for path in paths:
        try:
            if path.is_dir():
                found.extend(_folder(path))
            else:
                found.extend(_one_file(path))
        except OSError as exc:
            raise SurveykitError(f"cannot read {path}: {exc.strerror or exc}") from None
    return found


def _one_file(path: Path) -> list[Source]:
    """A file named directly or found in a folder: ``file PATH``, or ``mbox PATH #N``."""
    messages = _mbox(f"mbox {path}", functools.partial(path.open, "rb"))
    return messages or [Source(f"file {path}", path.read_bytes)]


def _folder(path: Path) -> Iterator[Source]:
    if _is_maildir(path):
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.iterkeys()):
            where = f"maildir {path} {key}"
            messages = _mbox(where, functools.partial(box.get_file, key))
            if messages is None:
                yield Source(where, functools.partial(box.get_bytes, key))
            elif len(messages) == 1:  # one message, as a maildir file should be
                yield Source(where, messages[0].read)
            else:
                yield from messages
        return
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml" and p.is_file())
    if not files:
        raise SurveykitError(f"{path} is neither a maildir (cur/, new/) nor a folder of .eml files")
    for file in files:
        yield from _one_file(file)


def arrival_time(raw: bytes) -> dt.datetime | None:
    """The instant in the topmost ``Received:`` line of ``raw``, or ``None`` if it has none."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw))
        first = headers.get("Received")
    except Exception:
        return None
    if not isinstance(first, str):
        return None
    _, sep, stamp = " ".join(first.split()).rpartition(";")
    if not sep:
        return None
    try:
        when = parsedate_to_datetime(stamp.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else None


def summary(outcomes: list[Outcome]) -> str:
    """``3 submitted, 2 sent to review (1 duplicate, 1 unknown_sender)``."""
    submitted = sum(1 for o in outcomes if o.status == "submitted")
    reasons = Counter(o.reason for o in outcomes if o.status == "review")
    text = f"{submitted} submitted, {sum(reasons.values())} sent to review"
    if reasons:
        text += " (" + ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items())) + ")"
    return text


@click.command("ingest")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--received-at",
    metavar="TIME",
    help="When these messages reached your mailbox, if not now (2015-03-12T16:30; the "
    "consultation's time zone unless an offset is given); the closing date is judged by it.",
)
@click.option(
    "--trust-received-header",
    is_flag=True,
    help="Take each message's arrival from its topmost Received: line, written by your own mail "
    "server (only for files straight from it); messages without one use --received-at or now.",
)
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def ingest_command(
    spec: Path,
    db_url: str,
    paths: tuple[Path, ...],
    received_at: str | None,
    trust_received_header: bool,
    open_until: dt.date | None,
    secret_file: Path | None,
) -> None:
    """Read emailed replies from .eml files, mbox files or maildirs, and submit or queue them.

    Every message is stored as it is before it is read.  A clean reply from a known respondent
    (by its reference line, or its sender's address on the roster) is submitted, judged against
    the closing date by when it was received; anything else waits for `surveykit review`.
    A message already stored is recorded as a duplicate and never submitted twice.

    \b
    Examples:
      surveykit ingest specs/taking_stock.toml --db sqlite:///responses.db replies.mbox
      surveykit ingest specs/taking_stock.toml --db sqlite:///responses.db ~/Maildir \\
          --trust-received-header
    """
    consultation = open_window(load_spec(spec), open_until)
    when: dt.datetime | None = None
    if received_at is not None:
        when = utc(parse_instant(received_at, consultation))
        if when > dt.datetime.now(dt.UTC):
            raise SurveykitError(f"--received-at {received_at} is in the future")
    found = sources(list(paths))

    def arrivals() -> Iterator[Arrival]:
        for source in track(found, "Reading replies"):
            raw = source.read()
            arrived = arrival_time(raw) if trust_received_header else None
            if arrived is not None:
                arrived = min(utc(arrived), dt.datetime.now(dt.UTC))
            yield Arrival(raw, source.where, arrived or when)

    # The readers start before the store opens: no connection is copied into them.
    with (
        parallel_reader(spec, len(found)) as read_many,
        deployment(db_url, secret_file) as (store, secret),
    ):
        intake = Intake(consultation, store, secret)
        earlier = intake.process_pending()
        outcomes = list(intake.receive_many(arrivals(), read_many=read_many))
    count = len(outcomes)
    line = f"Read {counted(count, 'message')}: {summary(outcomes)}."
    if earlier:
        line += f" Also dealt with {len(earlier)} left by an earlier run: {summary(earlier)}."
    if any(o.status == "review" for o in (*outcomes, *earlier)):
        line += " See them with `surveykit review list`."
    if any(o.reason == "closed" for o in (*outcomes, *earlier)):
        note = closed_note(consultation, dt.datetime.now(dt.UTC))
        line += f" {note}." if note else ""
    click.echo(line)


COMMANDS = (ingest_command,)
