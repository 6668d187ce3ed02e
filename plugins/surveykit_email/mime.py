"""A raw message as headers and readable text, whatever its structure, charset or encoding.

The standard library's lenient ``compat32`` parser splits the message (it never refuses bytes,
and it is several times faster than ``policy.default``); headers are decoded from RFC 2047, the
body is the first ``text/plain`` part that is not an attachment and not blank (a ``multipart``
part whose parts could not be told apart, having no boundary, is text too), else the first
``text/html`` part turned into text.  Nothing here raises: what cannot be read is reported in
``trouble``.

**Certainty.**  Text is decoded only as far as it can be with certainty; everything else is
still decoded as a best guess, so the text is always a ``str`` an officer can read, and what was
guessed is named in ``undecodable``:

- a part that declares a charset is decoded strictly in it (Latin-1 as Windows-1252, which is
  what such mail almost always is): a byte that is not valid in it (a Windows-1252 byte that
  means nothing, say) makes the text uncertain, and so does 8-bit text declared in a charset of
  one byte a character (Latin-1, KOI8-R) that is also valid UTF-8: that is UTF-8 mislabelled
  (every byte is valid Latin-1, so it would otherwise be read as mojibake with certainty), and
  its best guess is UTF-8;
- a part with no charset, ``us-ascii`` (what a missing charset means, RFC 2045), or a charset
  unknown here is ASCII if it is all 7-bit, else UTF-8 if it is valid UTF-8 (other 8-bit text is
  almost never valid UTF-8); anything else is uncertain;
- headers: 8-bit bytes in a header are UTF-8 (RFC 6532) when valid, and RFC 2047 encoded-words
  are decoded by the same rules; a broken encoded-word (bad base64, a bad ``=XX``) in the
  ``Subject`` or ``From`` makes them uncertain;
- the best guess for uncertain text is UTF-8 with replacement characters when most of its 8-bit
  bytes are valid UTF-8, else the declared charset (when it is one), else Windows-1252.

**Structure.**  The parts are found without recursion, so any depth of nesting is read, in one
pass whose work grows with the size of the message.  A structure the fast reader cannot follow
(a missing closing boundary, a forwarded message) is handed to the standard parser, whose work
grows with lines times nesting depth and which recurses: such a message is refused with a
reason, never a crash, when that work would pass :data:`STANDARD_WORK` or the parser runs out of
stack.
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import email
import email.parser
import email.utils
import functools
import re
from email.message import Message

from attrs import frozen

from .htmltext import html_to_text

__all__ = ["Extracted", "extract", "unflow"]

_WS = re.compile(r"\s+")
_HEADERS = email.parser.BytesParser()
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
#: A CR that does not start a CRLF (one at the very end ends nothing that matters here).
_LONE_CR = re.compile(rb"\r[^\n]")
#: At most this many attachment names are listed (the text is looked for in every part).
MAX_PARTS = 200
#: The standard parser's work on a message the fast reader cannot follow: lines times the
#: multipart levels that may be open around them.  Real mail is far below it (a 10 MB base64
#: attachment under five levels is about 700,000); past it the message is refused.
STANDARD_WORK = 4_000_000
#: RFC 2047 encoded-words, as the standard library finds them (possessive: linear on any input).
_ENCODED_WORD = re.compile(r"=\?([^?]*+)\?([qQbB])\?([^?]*+)\?=")
_BAD_QP = re.compile(rb"=(?![0-9A-Fa-f]{2})")
#: A ``boundary`` parameter (also RFC 2231's ``boundary*0*=``): one more level the standard
#: parser may open.
_BOUNDARY_PARAMETER = re.compile(rb"(?i)boundary[\s*0-9]*+=")
_CHARSET_NAME = re.compile(r"[^A-Za-z0-9._:+-]")


@frozen
class Extracted:
    """What was found in a raw message.  ``text`` is ``None`` when no readable text part exists.

    ``senders`` holds every distinct address in the ``From`` header(s); when there are several,
    ``sender`` and ``sender_name`` are ``None``.  ``undecodable`` says what was decoded only as a
    best guess (plain words, never the text itself).
    """

    sender: str | None
    sender_name: str | None
    subject: str | None
    message_id: str | None
    sent_at: dt.datetime | None
    text: str | None
    attachments: tuple[str, ...]
    trouble: str | None = None
    senders: tuple[str, ...] = ()
    undecodable: tuple[str, ...] = ()
    automatic: str | None = None


class _Unreadable(Exception):
    """The message cannot be read; the text says why."""


# Decoding ---------------------------------------------------------------------------------------


def _codec(declared: str | None) -> str | None:
    """The codec of a declared charset; ``None`` when missing, ASCII, unknown or not text."""
    if not declared:
        return None
    name = declared.strip().strip("\"'").split("*", 1)[0].strip().lower()
    try:
        info = codecs.lookup(name)
    except Exception:  # LookupError, or a name codecs cannot even look at
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name == "ascii":
        return None
    # Mail that says Latin-1 means Windows-1252 (curly quotes, en dashes), as browsers read it.
    return "cp1252" if info.name == "iso8859-1" else info.name


def _label(declared: str | None) -> str:
    name = _CHARSET_NAME.sub("", (declared or "").split("*", 1)[0])[:40]
    return name or "no charset"


def _decode(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """``data`` as text, and ``None`` when decoded with certainty, else why not (see above)."""
    codec = _codec(declared)
    if codec is None:
        if data.isascii():
            return data.decode("ascii"), None
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            why = f"8-bit bytes that are not UTF-8 ({_label(declared)})"
    else:
        try:
            text = data.decode(codec)
        except Exception:  # UnicodeError, or a codec that cannot decode at all
            why = f"bytes that are not valid {_label(declared)}"
        else:
            if not (_single_byte(codec) and _is_utf8(data)):
                return text, None
            # Every byte means something in Latin-1, so UTF-8 read as Latin-1 (mojibake) decodes
            # "validly"; but real Latin-1 text is almost never also valid UTF-8.
            return data.decode("utf-8"), f"UTF-8 bytes declared as {_label(declared)}"
    return _guess(data, codec), why


@functools.cache
def _single_byte(codec: str) -> bool:
    """Whether every byte is one character in ``codec`` (Latin-1, KOI8-R; not Shift-JIS)."""
    try:
        every = bytes(range(256)) + b"\xc3\xb4"  # the last two: UTF-8's single "ô"
        return len(every.decode(codec, "replace")) == len(every)
    except Exception:  # a codec that cannot decode at all
        return False


def _is_utf8(data: bytes) -> bool:
    """Whether 8-bit ``data`` is valid UTF-8 (so it holds at least one multi-byte character)."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes, codec: str | None) -> str:
    """A best-guess reading of bytes that could not be decoded with certainty."""
    text = data.decode("utf-8", "replace")
    replaced = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if valid >= replaced:
        return text
    for guess in (codec, "cp1252"):
        if guess and guess != "utf-8":
            try:
                return data.decode(guess, "replace")
            except Exception:
                continue
    return text


def _eight_bit(value: str) -> tuple[str, str | None]:
    """A header value as text: the parser keeps 8-bit bytes as surrogates (RFC 6532: UTF-8)."""
    if value.isascii():
        return value, None
    text, why = _decode(value.encode("utf-8", "surrogateescape"), None)
    return text, why and "8-bit bytes that are not UTF-8"


def _words(text: str) -> tuple[str, list[str]]:
    """``text`` with its RFC 2047 encoded-words decoded, and what was only guessed.

    Adjacent encoded-words in one charset are decoded together (a character may be split
    between them); the space between two encoded-words is not part of the text.
    """
    if "=?" not in text:
        return text, []
    out: list[str] = []
    doubts: list[str] = []
    pending = bytearray()
    charset: str | None = None

    def flush() -> None:
        nonlocal charset
        if charset is not None:
            decoded, why = _decode(bytes(pending), charset)
            out.append(decoded)
            if why:
                doubts.append(f"an encoded-word with {why}")
        pending.clear()
        charset = None

    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        position = match.end()
        if between and not (charset is not None and between.isspace()):
            flush()
            out.append(between)
        word_charset, kind, payload = match.groups()
        data, certain = _word_bytes(kind.lower(), payload)
        if data is None:
            flush()
            out.append(match.group(0))
            doubts.append("a broken encoded-word")
            continue
        if not certain:
            doubts.append("a broken encoded-word")
        word_charset = word_charset.split("*", 1)[0].lower()
        if charset is not None and word_charset != charset:
            flush()
        pending.extend(data)
        charset = word_charset
    flush()
    out.append(text[position:])
    return "".join(out), doubts


def _word_bytes(kind: str, payload: str) -> tuple[bytes | None, bool]:
    """The bytes of an encoded-word's payload, and whether they were decoded with certainty."""
    try:
        data = payload.encode("ascii")
    except UnicodeEncodeError:
        return None, False
    if kind == "q":
        return binascii.a2b_qp(data, header=True), _BAD_QP.search(data) is None
    data = data.strip()
    if len(data) % 4 == 1:
        return None, False
    padded = data + b"=" * (-len(data) % 4)  # missing padding is common, and harmless
    try:
        return binascii.a2b_base64(padded, strict_mode=True), True
    except binascii.Error:
        pass
    try:
        guess = binascii.a2b_base64(padded)
    except binascii.Error:
        return None, False
    return (guess or None), False  # nothing decodable: the word is kept as it is


def _raw_headers(msg: Message, name: str) -> list[str]:
    name = name.lower()
    try:
        return [str(v) for k, v in msg.raw_items() if str(k).lower() == name]
    except Exception:
        return []


def _header(msg: Message, name: str, doubts: list[str] | None = None) -> str | None:
    """The first ``name`` header as text; what was only guessed is added to ``doubts``."""
    values = _raw_headers(msg, name)
    if not values:
        return None
    text, why = _eight_bit(values[0])
    text, guessed = _words(_WS.sub(" ", text))
    if doubts is not None:
        doubts.extend(f"the {name} has {d}" for d in ([why] if why else []) + guessed)
    return _WS.sub(" ", text).strip()


def _senders(msg: Message, doubts: list[str]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The sender's address and name, and every distinct address in the ``From`` header(s)."""
    pairs: list[tuple[str, str]] = []
    for value in _raw_headers(msg, "From"):
        text, why = _eight_bit(value)
        if why:
            doubts.append(f"the From header has {why}")
        try:
            pairs.extend(email.utils.getaddresses([_WS.sub(" ", text)]))
        except Exception:
            continue
    found = [(name, address.strip().lower()) for name, address in pairs]
    addresses = tuple(dict.fromkeys(a for _, a in found if "@" in a))
    if len(addresses) > 1:
        return None, None, addresses
    address = addresses[0] if addresses else next((a for _, a in found if a), None)
    name = next((n for n, a in found if a == address and n.strip()), "")
    name, guessed = _words(name)
    doubts.extend(f"the From header has {d}" for d in guessed)
    return address or None, _WS.sub(" ", name).strip() or None, addresses


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


def _decoded(part: Message) -> tuple[str, str | None]:
    """The text of a part, and why it is only a best guess (``None`` when certain)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return "", None
    params = {str(k).lower(): v for k, v in part.get_params() or []}
    declared = (
        email.utils.collapse_rfc2231_value(params["charset"]) if "charset" in params else None
    )
    text, why = _decode(payload, str(declared) if declared is not None else None)
    if part.get_content_subtype() == "plain" and str(params.get("format", "")).lower() == "flowed":
        text = unflow(text, str(params.get("delsp", "")).lower() == "yes")
    return text, why


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
    # With 8-bit bytes in it the header is a Header object, not a str.
    disposition = str(part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
    return disposition == "attachment" or (
        disposition != "inline" and part.get_filename() is not None
    )


def _leaves(msg: Message):
    """Leaf parts in order, at any depth, nested message/rfc822 parts (forwarded mail) left out
    (given as leaves).  A multipart whose parts could not be told apart is a leaf."""
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop()
        if part is not msg and part.get_content_type() == "message/rfc822":
            yield part
        elif part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(sub for sub in reversed(payload) if isinstance(sub, Message))
        else:
            yield part


# Parsing ----------------------------------------------------------------------------------------


def _message(raw: bytes) -> Message:
    """The parsed message, its bodies attached without the standard parser's line-by-line pass.

    The parser reads every body line by line, which is most of the cost of a long reply; here
    the headers are parsed by it, each body is attached as one string, and multipart bodies are
    split at their boundaries, which gives the same payloads.  Anything unusual (a header
    defect, a missing closing boundary, a digest, a forwarded message) gets the full parse.
    """
    return _quick(raw) or _standard(raw)


def _standard(raw: bytes) -> Message:
    """The standard parser's reading, unless it would take too long or recurse too deep."""
    levels = len(_BOUNDARY_PARAMETER.findall(raw))
    lines = raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n") + 1
    if levels * lines > STANDARD_WORK:
        raise _Unreadable(
            f"the message's MIME structure is broken, with up to {levels:,} nested parts over "
            f"{lines:,} lines: too many to read safely"
        )
    try:
        return email.message_from_bytes(raw)
    except RecursionError:
        raise _Unreadable(
            "the message's MIME structure is broken and nested too deeply to read"
        ) from None


class _Frame:
    """A multipart being read: its message, boundary, parts so far, and the open leaf part."""

    __slots__ = ("boundary", "keep_break", "leaf", "leaf_start", "msg", "opened", "parts")

    def __init__(self, msg: Message, boundary: bytes) -> None:
        self.msg = msg
        self.boundary = boundary
        self.parts: list[Message] = []
        self.opened = False
        self.leaf: Message | None = None
        self.leaf_start = 0
        self.keep_break = False


def _quick(raw: bytes) -> Message | None:
    """The message read in one pass over its boundary lines, or ``None`` to use the standard
    parser.  Every line that starts with ``--`` is looked up among the open boundaries, so the
    work grows with the size of the message, however deep its parts are nested."""
    split = _BLANK_LINE.search(raw)
    if split is None:
        return None
    root = _headers(raw[: split.end()])
    if root is None:
        return None
    if root.get_content_maintype() == "multipart" and _LONE_CR.search(raw, split.end()):
        return None  # a lone CR ends a line for the standard parser: a boundary may follow it
    frames: list[_Frame] = []
    active: dict[bytes, list[int]] = {}
    part, body = root, split.end()
    while True:
        # ``part`` starts at ``body``: a leaf is read to the next boundary, a multipart opens.
        maintype = part.get_content_maintype()
        if maintype == "message":
            return None  # the standard parser nests the enclosed message
        boundary = part.get_boundary() if maintype == "multipart" else None
        if boundary is None:
            if not frames:
                part.set_payload(raw[body:].decode("ascii", "surrogateescape"))
                return part
            frame = frames[-1]
            frame.leaf, frame.leaf_start = part, body
            frame.keep_break = maintype == "multipart"  # as the standard parser keeps it
        else:
            if not boundary or part.get_content_subtype() == "digest":
                return None
            try:
                key = boundary.encode("ascii", "surrogateescape")
            except UnicodeEncodeError:
                return None
            active.setdefault(key, []).append(len(frames))
            frames.append(_Frame(part, key))
        found = _next_part(raw, body, frames, active)
        if found is None:
            return None
        if not frames:
            return root
        part, body = found


def _next_part(
    raw: bytes, start: int, frames: list[_Frame], active: dict[bytes, list[int]]
) -> tuple[Message, int] | tuple[()] | None:
    """Read on from ``start`` to the next part (its headers and where its body starts), closing
    multiparts on the way; ``()`` when the outermost one is closed, ``None`` to give up."""
    at = raw.find(b"\n--", max(start - 1, 0))
    while at != -1:
        eol = raw.find(b"\n", at + 3)
        end = len(raw) if eol == -1 else eol + 1
        token = raw[at + 3 : end].removesuffix(b"\n").removesuffix(b"\r")
        if b"\r" in token:
            return None  # a lone CR: the standard parser ends the line there
        token = token.rstrip(b" \t")
        opens = active.get(token)
        closes = active.get(token[:-2]) if token.endswith(b"--") else None
        if not opens and not closes:
            at = -1 if eol == -1 else raw.find(b"\n--", eol)
            continue
        # As the standard parser reads it, the outermost multipart with this boundary has it.
        level = min(opens[0] if opens else len(frames), closes[0] if closes else len(frames))
        if level != len(frames) - 1:
            return None  # an outer boundary inside an unclosed part
        frame = frames[-1]
        closing = not (opens and opens[0] == level)
        if frame.leaf is not None:
            cut = at + 1 if frame.keep_break else (at - 1 if raw[at - 1 : at] == b"\r" else at)
            frame.leaf.set_payload(raw[frame.leaf_start : cut].decode("ascii", "surrogateescape"))
            frame.leaf = None
        if closing:
            if not frame.opened:
                return None
            frame.msg.set_payload(frame.parts)
            frames.pop()
            active[frame.boundary].pop()
            if not active[frame.boundary]:
                del active[frame.boundary]
            if not frames:
                return ()
            at = -1 if eol == -1 else raw.find(b"\n--", eol)
            continue
        frame.opened = True
        head = _part_head(raw, end)
        if head is None:
            return None
        frame.parts.append(head[0])
        return head
    return None


def _part_head(raw: bytes, start: int) -> tuple[Message, int] | None:
    """The headers of the part starting at ``start``, and where its body starts."""
    if raw.startswith(b"\n", start):
        return Message(), start + 1
    if raw.startswith(b"\r\n", start):
        return Message(), start + 2
    split = _BLANK_LINE.search(raw, start)
    # A line that starts with "--" among the headers may be a boundary: the standard parser
    # would end the part there.  (A failed search costs one pass, and the reading stops.)
    if split is None or raw.startswith(b"--", start) or raw.find(b"\n--", start, split.end()) != -1:
        return None
    part = _headers(raw[start : split.end()])
    return None if part is None else (part, split.end())


def _headers(block: bytes) -> Message | None:
    """A block of headers (with the blank line after it) as the standard parser reads it, or
    ``None`` when it reads it differently in place: a defect, a line of body, a lone CR."""
    if b"\r" in block and _LONE_CR.search(block):
        return None
    msg = _HEADERS.parsebytes(block, headersonly=True)
    return None if msg.defects or msg.get_payload() else msg


# Extracting -------------------------------------------------------------------------------------


def extract(raw: bytes) -> Extracted:
    """Headers, text and attachment names of a raw message; never raises."""
    trouble = None
    try:
        msg = _message(raw)
    except Exception as exc:  # _Unreadable; anything else is a bug: compat32 accepts any bytes
        trouble = str(exc) if isinstance(exc, _Unreadable) else f"not a message: {exc}"
        msg = _headers_only(raw)
    doubts: list[str] = []
    sender, sender_name, senders = _senders(msg, doubts)
    subject = _header(msg, "Subject", doubts)
    plain: tuple[str, str | None] | None = None
    html: Message | None = None
    attachments: list[str] = []
    try:
        for part in () if trouble else _leaves(msg):
            kind = part.get_content_type()
            if _is_attachment(part) or kind == "message/rfc822":
                if len(attachments) < MAX_PARTS:
                    attachments.append(_filename(part))
                continue
            if kind == "text/plain" or kind.startswith("multipart/"):
                if plain is None or not plain[0].strip():
                    decoded = _decoded(part)
                    plain = decoded if plain is None or decoded[0].strip() else plain
            elif kind == "text/html" and html is None:
                html = part  # decoded only if there is no plain text
            elif not kind.startswith("text/") and len(attachments) < MAX_PARTS:
                attachments.append(_filename(part))
    except Exception as exc:
        trouble = f"the message structure could not be read ({type(exc).__name__})"
    text: str | None = None
    doubt: str | None = None
    if plain is not None and plain[0].strip():
        text, doubt = plain
    elif html is not None:
        try:
            decoded, doubt = _decoded(html)
            text = html_to_text(decoded)
        except Exception as exc:
            trouble = f"the HTML could not be read ({type(exc).__name__})"
    if text is None and plain is not None:
        text, doubt = plain
    if doubt:
        doubts.insert(0, f"the text has {doubt}")
    return Extracted(
        sender=sender,
        sender_name=sender_name,
        subject=subject,
        message_id=_header(msg, "Message-ID") or None,
        sent_at=_sent_at(_header(msg, "Date")),
        text=text,
        attachments=tuple(attachments),
        trouble=trouble,
        senders=senders,
        undecodable=tuple(dict.fromkeys(doubts)),
        automatic=machine_written(msg),
    )


def machine_written(headers: Message) -> str | None:
    """What kind of machine-written message these headers head (RFC 3834, RFC 3464), or
    ``None`` for a person's.

    Out-of-office replies and delivery failures come back to the reply address too; they are
    never answers, and a bounce tells the officer an invitation did not arrive.
    """
    try:
        auto = str(headers.get("Auto-Submitted", "no")).strip().lower()
        kind = str(headers.get("Content-Type", "")).lower()
        precedence = str(headers.get("Precedence", "")).strip().lower()
        sender = str(headers.get("From", "")).lower()
        flagged = any(headers.get(h) for h in ("X-Autoreply", "X-Autorespond"))
    except Exception:
        return None
    if "multipart/report" in kind and "delivery-status" in kind:
        return "a delivery failure report (bounce): an email we sent did not arrive"
    if "mailer-daemon" in sender or "postmaster@" in sender:
        return "a message from a mail server, probably about an email that did not arrive"
    if (auto and auto != "no") or flagged or precedence in {"auto_reply", "bulk", "junk"}:
        return "an automatic reply (out of office, say), not a response"
    return None


def automatic(raw: bytes) -> str | None:
    """:func:`machine_written` of a raw message's headers, for a message :func:`extract` could
    not be asked about (it reads them on its way)."""
    return machine_written(_headers_only(raw))


def _headers_only(raw: bytes) -> Message:
    """The top-level headers of a message whose structure cannot be read (for the officer)."""
    split = _BLANK_LINE.search(raw)
    try:
        return _HEADERS.parsebytes(raw[: split.end()] if split else raw, headersonly=True)
    except Exception:  # pragma: no cover - compat32 accepts any bytes
        return Message()


def _filename(part: Message) -> str:
    """An attachment's name: raw 8-bit bytes read as UTF-8 (or guessed), RFC 2231 and RFC 2047
    (which clients use, though it is not meant for names) decoded."""
    shadow = Message()
    for header in ("Content-Disposition", "Content-Type"):
        values = _raw_headers(part, header)
        if values:
            shadow[header] = _eight_bit(values[0])[0]
    try:
        name = shadow.get_filename()
    except Exception:
        name = None
    if not name:
        return f"({part.get_content_type()})"
    return _WS.sub(" ", _words(str(name))[0]).strip()[:200]
