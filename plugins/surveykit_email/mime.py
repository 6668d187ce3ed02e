"""A raw message as headers and readable text, whatever its structure, charset or encoding.

The standard library's lenient ``compat32`` parser splits the message (it never refuses bytes,
and it is several times faster than ``policy.default``); headers are decoded from RFC 2047, the
body is the first ``text/plain`` part that is not an attachment, else the first ``text/html``
part turned into text.  Unknown or wrong charsets fall back to UTF-8 with replacement, so the
text is always a ``str``.  Nothing here raises: what cannot be read is reported in ``trouble``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email
import email.header
import email.parser
import email.utils
import itertools
import re
from email.message import Message

from attrs import frozen

from .htmltext import html_to_text

__all__ = ["Extracted", "extract", "unflow"]

_WS = re.compile(r"\s+")
_HEADERS = email.parser.BytesParser()
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
#: A part deeper than this is not looked into: real mail nests a few levels, not hundreds.
MAX_DEPTH = 20
MAX_PARTS = 200


@frozen
class Extracted:
    """What was found in a raw message.  ``text`` is ``None`` when no readable text part exists."""

    sender: str | None
    sender_name: str | None
    subject: str | None
    message_id: str | None
    sent_at: dt.datetime | None
    text: str | None
    attachments: tuple[str, ...]
    trouble: str | None = None


def _header(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
        if value is None:
            return None
        if isinstance(value, email.header.Header):
            value = str(value)
        parts = email.header.decode_header(str(value))
        text = "".join(
            chunk.decode(_charset(charset), "replace") if isinstance(chunk, bytes) else chunk
            for chunk, charset in parts
        )
        return _WS.sub(" ", text).strip()
    except Exception:  # a malformed header is read as absent, never as a crash
        return None


def _charset(name: str | None) -> str:
    """A codec for the declared charset, or UTF-8 when it is missing or unknown."""
    if not name:
        return "utf-8"
    name = name.strip().strip('"').lower()
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):
        return "utf-8"
    # Mail that says latin-1 or ascii usually means windows-1252 (curly quotes, en dashes).
    return "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name


def _sent_at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    params = {str(k).lower(): v for k, v in part.get_params() or []}
    charset = _charset(
        email.utils.collapse_rfc2231_value(params["charset"]) if "charset" in params else None
    )
    try:
        text = payload.decode(charset, "replace")
    except (LookupError, UnicodeError, ValueError):
        text = payload.decode("utf-8", "replace")
    if part.get_content_subtype() == "plain" and str(params.get("format", "")).lower() == "flowed":
        text = unflow(text, str(params.get("delsp", "")).lower() == "yes")
    return text


def unflow(text: str, delsp: bool = False) -> str:
    """RFC 3676 ``format=flowed`` text with its soft line breaks joined back up."""
    out: list[str] = []
    pending: str | None = None
    pending_depth = -1
    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if pending is not None and depth != pending_depth:
            out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
            pending = None
        joined = content if pending is None else pending + content
        if content.endswith(" ") and content != "-- ":
            pending = joined[:-1] if delsp else joined
            pending_depth = depth
            continue
        pending = None
        out.append(">" * depth + (" " if depth and joined else "") + joined)
    if pending is not None:
        out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
    return "\n".join(out)


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
    return disposition == "attachment" or (
        disposition != "inline" and part.get_filename() is not None
    )


def _walk(msg: Message, depth: int = 0):
    """Leaf parts in order, nested message/rfc822 parts (forwarded mail) left out."""
    if depth > MAX_DEPTH:
        return
    if msg.is_multipart():
        payload = msg.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    if sub.get_content_type() == "message/rfc822":
                        yield sub
                    else:
                        yield from _walk(sub, depth + 1)
        return
    yield msg


def _message(raw: bytes, depth: int = 0) -> Message:
    """The parsed message, its bodies attached without the standard parser's line-by-line pass.

    The parser reads every body line by line, which is most of the cost of a long reply; here
    the headers are parsed by it, each body is attached as one string, and multipart bodies are
    split at their boundaries, which gives the same payloads.  Anything unusual (a header
    defect, a missing closing boundary, a digest, deep nesting) gets the full parse instead.
    """
    return _quick(raw, depth) or email.message_from_bytes(raw)


def _quick(raw: bytes, depth: int) -> Message | None:
    split = _BLANK_LINE.search(raw)
    if split is None or depth > MAX_DEPTH:
        return None
    msg = _HEADERS.parsebytes(raw[: split.end()], headersonly=True)
    if msg.defects or msg.get_payload():
        return None
    body = raw[split.end() :]
    maintype = msg.get_content_maintype()
    if maintype == "message":
        return None  # the standard parser nests the enclosed message
    if maintype != "multipart":
        msg.set_payload(body.decode("ascii", "surrogateescape"))
        return msg
    boundary = msg.get_boundary()
    if not boundary or msg.get_content_subtype() == "digest":
        return None
    marks = _delimiters(body, b"--" + boundary.encode("ascii", "surrogateescape"))
    if not marks or not marks[-1][2] or any(closing for _, _, closing in marks[:-1]):
        return None
    parts: list[Message] = []
    for (_, opened, _), (start, _, _) in itertools.pairwise(marks):
        chunk = body[opened:start]
        part = _quick(chunk, depth + 1) if not chunk.startswith((b"\r\n", b"\n")) else None
        if part is None:
            return None
        parts.append(part)
    msg.set_payload(parts)
    return msg


def _delimiters(body: bytes, dash_boundary: bytes) -> list[tuple[int, int, bool]]:
    """Each boundary line: where it starts (with the line break before it), where the part
    after it starts, and whether it is the closing one."""
    marks = []
    at = body.find(dash_boundary)
    while at != -1:
        end = at + len(dash_boundary)
        if at == 0 or body[at - 1 : at] == b"\n":
            start = 0 if at == 0 else at - (2 if body[at - 2 : at] == b"\r\n" else 1)
            closing = body[end : end + 2] == b"--"
            line_end = body.find(b"\n", end)
            rest = body[end + (2 if closing else 0) : len(body) if line_end == -1 else line_end]
            if not rest.strip():
                opened = len(body) if line_end == -1 else line_end + 1
                marks.append((start, opened, closing))
        at = body.find(dash_boundary, end)
    return marks


def extract(raw: bytes) -> Extracted:
    """Headers, text and attachment names of a raw message; never raises."""
    try:
        msg = _message(raw)
    except Exception as exc:  # pragma: no cover - compat32 accepts any bytes
        return Extracted(None, None, None, None, None, None, (), f"not a message: {exc}")
    sender_name = sender = None
    from_header = _header(msg, "From")
    if from_header:
        try:
            name, address = email.utils.parseaddr(from_header)
        except Exception:
            name, address = "", ""
        sender = address.strip().lower() or None
        sender_name = name.strip() or None
    message_id = _header(msg, "Message-ID")
    plain: str | None = None
    html: Message | None = None
    attachments: list[str] = []
    trouble = None
    try:
        for count, part in enumerate(_walk(msg)):
            if count >= MAX_PARTS:
                break
            kind = part.get_content_type()
            if _is_attachment(part) or kind == "message/rfc822":
                attachments.append(_filename(part))
                continue
            if kind == "text/plain" and plain is None:
                plain = _decoded(part)
            elif kind == "text/html" and html is None:
                html = part  # decoded only if there is no plain text
            elif not kind.startswith(("text/", "multipart/")):
                attachments.append(_filename(part))
    except Exception as exc:
        trouble = f"the message structure could not be read ({type(exc).__name__})"
    text = plain if plain is not None and plain.strip() else None
    if text is None and html is not None:
        try:
            text = html_to_text(_decoded(html))
        except Exception as exc:
            trouble = f"the HTML could not be read ({type(exc).__name__})"
    if text is None and plain is not None:
        text = plain
    return Extracted(
        sender=sender,
        sender_name=sender_name,
        subject=_header(msg, "Subject"),
        message_id=message_id or None,
        sent_at=_sent_at(_header(msg, "Date")),
        text=text,
        attachments=tuple(attachments),
        trouble=trouble,
    )


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return _WS.sub(" ", str(name)).strip()[:200] if name else f"({part.get_content_type()})"
