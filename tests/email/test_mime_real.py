"""Reading messages as real mail clients, gateways and attackers write them, byte by byte.

Not the project's own generator: each message here is written out as the bytes that arrive, with
the charsets, encoded-words, nesting and headers that the standard says nothing against, or that
only a broken or hostile sender would write.  Issue 13: text that cannot be decoded with
certainty goes to review (``undecodable``); text is found at any depth of nesting and in a
multipart without a boundary; a broken structure is refused with a reason, never a crash or a
silent "empty"; two senders are never chosen between (``conflicting_sender``).
"""

from __future__ import annotations

import base64
import contextlib
import email
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import load_spec
from surveykit_email import mime
from surveykit_email.mime import extract
from surveykit_email.parse import IDENTITY_CODES, PROBLEM_CODES, read_reply

ROOT = Path(__file__).resolve().parents[2]
TAKING_STOCK = load_spec(ROOT / "specs" / "taking_stock.toml")
COUNCIL = "Ynys M\u00f4n County Council"  # Anglesey: one letter outside ASCII
ANSWERS = {
    "role": "leader",
    "authority_type": "county",
    "authority": COUNCIL,
    "q1": "dont_know",
    "q13": "yes",
    "q14": "no",
    "consent": "no_quote",
}
LINES = (
    "A1: Leader",
    "A2: County council",
    f"A3: {COUNCIL}",
    "Q1: Don't know",
    "Q13: Yes",
    "Q14: No",
    "B1: Do not quote my response; count it only in totals",
)
HEAD = (
    b"From: Ada Lovelace <ada@kent.example>\r\n"
    b"To: consult@lga.example\r\n"
    b"Subject: Re: Taking stock\r\n"
    b"Message-ID: <m1@kent.example>\r\n"
    b"Date: Thu, 12 Mar 2015 16:30:00 +0000\r\n"
    b"MIME-Version: 1.0\r\n"
)


def body(charset: str = "utf-8", nl: str = "\r\n") -> bytes:
    return nl.join([*LINES, ""]).encode(charset)


def message(headers: bytes, payload: bytes) -> bytes:
    return HEAD + headers + b"\r\n" + payload


def plain(payload: bytes, charset: bytes | None = None, cte: bytes = b"8bit") -> bytes:
    kind = b"Content-Type: text/plain" + (b"; charset=" + charset if charset else b"") + b"\r\n"
    return message(kind + b"Content-Transfer-Encoding: " + cte + b"\r\n", payload)


def problem(reading, code: str) -> str:
    return next(p.message for p in reading.problems if p.code == code)


# 4. Charsets: what is certain, what is a best guess --------------------------------------------


CERTAIN = {
    "no charset, 8-bit UTF-8": plain(body("utf-8")),
    "UTF-8 declared": plain(body("utf-8"), b"utf-8"),
    "UTF-8 declared, quoted": plain(body("utf-8"), b'"UTF-8"'),
    "UTF-8 in base64": plain(base64.encodebytes(body("utf-8")), b"utf-8", b"base64"),
    "Latin-1 declared": plain(body("latin-1"), b"iso-8859-1"),
    "Windows-1252 declared": plain(body("cp1252"), b"windows-1252"),
    "us-ascii declared over UTF-8 (what no charset means)": plain(body("utf-8"), b"us-ascii"),
    "an unknown charset over UTF-8": plain(body("utf-8"), b"x-unheard-of"),
    "quoted-printable UTF-8": plain(
        body().replace("ô".encode(), b"=C3=B4"), b"utf-8", b"quoted-printable"
    ),
}

UNCERTAIN = {
    "no charset, 8-bit Latin-1": plain(body("latin-1")),
    "Latin-1 declared as UTF-8": plain(body("latin-1"), b"utf-8"),
    "Latin-1 declared as UTF-8, base64": plain(
        base64.encodebytes(body("latin-1")), b"utf-8", b"base64"
    ),
    "Latin-1 declared as UTF-8, quoted-printable": plain(
        body("latin-1").replace(b"\xf4", b"=F4"), b"utf-8", b"quoted-printable"
    ),
    "us-ascii declared over Latin-1": plain(body("latin-1"), b"us-ascii"),
    "an unknown charset over Latin-1": plain(body("latin-1"), b"x-unheard-of"),
    "UTF-8 declared as Latin-1 (mojibake if believed)": plain(body("utf-8"), b"iso-8859-1"),
    "UTF-8 declared as Windows-1252": plain(body("utf-8"), b"windows-1252"),
    "UTF-8 declared as KOI8-R, quoted-printable": plain(
        body().replace("ô".encode(), b"=C3=B4"), b"koi8-r", b"quoted-printable"
    ),
}


@pytest.mark.parametrize("raw", CERTAIN.values(), ids=CERTAIN.keys())
def test_text_decoded_with_certainty_is_read_as_it_is(raw):
    """Valid in its declared charset, or undeclared and valid UTF-8: read, and nothing more."""
    reading = read_reply(raw, TAKING_STOCK)
    assert reading.codes == ("no_reference",)
    assert reading.answers == ANSWERS


@pytest.mark.parametrize("raw", UNCERTAIN.values(), ids=UNCERTAIN.keys())
def test_text_that_cannot_be_decoded_with_certainty_goes_to_review(raw):
    """Issue 13.4: Latin-1 with no charset, or declared as UTF-8, was decoded with U+FFFD and
    submitted.  Now it is `undecodable`, and the officer still gets a best guess to read."""
    reading = read_reply(raw, TAKING_STOCK)
    assert "undecodable" in reading.codes
    assert not reading.answers_clean
    assert "best guess" in problem(reading, "undecodable")
    assert COUNCIL in reading.text  # the best guess: Windows-1252, not replacement characters
    assert "\ufffd" not in reading.text


@pytest.mark.parametrize(
    ("charset", "byte"),
    [(b"iso-8859-1", b"\x81"), (b"windows-1252", b"\x9d"), (b"iso-8859-1", b"\x8f")],
)
def test_bytes_that_mean_nothing_in_windows_1252_are_not_certain(charset, byte):
    """Latin-1 is read as Windows-1252 (0x93 is a curly quote), but 0x81, 0x8D, 0x8F, 0x90
    and 0x9D mean nothing there: not certain."""
    quoted = plain(body("cp1252").replace(b"Leader", b"\x93Leader\x94"), charset)
    assert "\u201cLeader\u201d" in read_reply(quoted, TAKING_STOCK).text
    assert "undecodable" not in read_reply(quoted, TAKING_STOCK).codes
    reading = read_reply(plain(body("cp1252") + b"P.S. " + byte + b"\r\n", charset), TAKING_STOCK)
    assert "undecodable" in reading.codes
    assert reading.text.endswith("P.S. \ufffd\r\n")


def test_mostly_utf8_text_with_a_stray_byte_is_guessed_as_utf8():
    """One stray Latin-1 byte in UTF-8 text: the guess keeps the UTF-8 and marks the stray."""
    raw = plain(body("utf-8") + b"Stra\xdfe\r\n", b"utf-8")
    reading = read_reply(raw, TAKING_STOCK)
    assert "undecodable" in reading.codes
    assert COUNCIL in reading.text
    assert "Stra\ufffde" in reading.text


def test_an_html_only_reply_in_the_wrong_charset_is_not_certain():
    html = "<p>" + "</p><p>".join(LINES) + "</p>"
    raw = message(
        b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        html.encode("latin-1"),
    )
    reading = read_reply(raw, TAKING_STOCK)
    assert "undecodable" in reading.codes
    assert COUNCIL in reading.text


@pytest.mark.parametrize(
    "disposition",
    [
        b"attachment; filename=Ynys_M\xf4n.pdf",
        b"attachment; filename=Ynys_M\xc3\xb4n.pdf",
        b"attachment; filename*=utf-8''Ynys_M%C3%B4n.pdf",
        b"attachment; filename*=iso-8859-1''Ynys_M%F4n.pdf",
        b'attachment; filename="=?utf-8?q?Ynys=5FM=C3=B4n=2Epdf?="',
    ],
)
def test_an_attachment_named_in_8_bit_bytes_leaves_the_reply_readable(disposition):
    """Old clients write file names in raw 8-bit bytes: the name is read, the reply is too."""
    raw = message(
        b'Content-Type: multipart/mixed; boundary="b"\r\n',
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + body()
        + b"\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: "
        + disposition
        + b"\r\n\r\n%PDF\r\n--b--\r\n",
    )
    reading = read_reply(raw, TAKING_STOCK)
    assert reading.codes == ("no_reference",)
    assert reading.attachments == ("Ynys_M\u00f4n.pdf",)


def _head(subject: bytes = b"Re: Taking stock", sender: bytes = b"Ada <ada@kent.example>"):
    return (
        b"From: " + sender + b"\r\nSubject: " + subject + b"\r\nMessage-ID: <h@kent.example>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body()
    )


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data)


HEADERS_CERTAIN = {
    "raw UTF-8 subject (RFC 6532)": (_head(subject="Re: Ynys Môn".encode()), "Re: Ynys Môn", "Ada"),
    "Latin-1 encoded-word": (_head(subject=b"=?iso-8859-1?q?Ynys_M=F4n?="), "Ynys Môn", "Ada"),
    "a character split between two encoded-words": (
        _head(
            subject=b"=?utf-8?b?" + _b64(b"Ynys M\xc3") + b"?= =?UTF-8?B?" + _b64(b"\xb4n") + b"?="
        ),
        "Ynys Môn",
        "Ada",
    ),
    "base64 without its padding": (_head(subject=b"=?utf-8?b?WW55cyBNw7Ru?="), "Ynys Môn", "Ada"),
    "raw UTF-8 display name": (
        _head(sender="Ynys Môn <ada@kent.example>".encode()),
        "Re: Taking stock",
        "Ynys Môn",
    ),
    "an encoded display name holding a comma": (
        _head(sender=b"=?utf-8?q?Lovelace=2C_Ada?= <ada@kent.example>"),
        "Re: Taking stock",
        "Lovelace, Ada",
    ),
    "a quoted encoded display name": (
        _head(sender=b'"=?utf-8?q?M=C3=B4n?=" <ada@kent.example>'),
        "Re: Taking stock",
        "Môn",
    ),
}


@pytest.mark.parametrize(
    ("raw", "subject", "name"), HEADERS_CERTAIN.values(), ids=HEADERS_CERTAIN.keys()
)
def test_headers_decoded_with_certainty(raw, subject, name):
    """8-bit UTF-8 headers (RFC 6532) and RFC 2047 encoded-words, however clients split them."""
    reading = read_reply(raw, TAKING_STOCK)
    assert (reading.subject, reading.sender_name, reading.sender) == (
        subject,
        name,
        "ada@kent.example",
    )
    assert reading.codes == ("no_reference",)


HEADERS_UNCERTAIN = {
    "a subject in broken base64": (_head(subject=b"=?utf-8?b?!!!?="), "the Subject"),
    "a subject with a bad =XX": (_head(subject=b"=?utf-8?q?Ynys_M=G4n?="), "the Subject"),
    "Latin-1 in a UTF-8 encoded-word": (_head(subject=b"=?utf-8?q?Ynys_M=F4n?="), "the Subject"),
    "a raw Latin-1 subject": (_head(subject="Re: Ynys Môn".encode("latin-1")), "the Subject"),
    "a raw Latin-1 display name": (
        _head(sender="Ynys Môn <ada@kent.example>".encode("latin-1")),
        "the From header",
    ),
    "a display name in broken base64": (
        _head(sender=b"=?utf-8?b?!!!?= <ada@kent.example>"),
        "the From header",
    ),
    "a display name in an unknown charset, not UTF-8": (
        _head(sender=b"=?x-unheard-of?q?M=F4n?= <ada@kent.example>"),
        "the From header",
    ),
}


@pytest.mark.parametrize(("raw", "where"), HEADERS_UNCERTAIN.values(), ids=HEADERS_UNCERTAIN.keys())
def test_headers_that_cannot_be_decoded_with_certainty_go_to_review(raw, where):
    """A broken encoded-word or 8-bit bytes that are not UTF-8 in the Subject (which may hold
    the reference) or From: `undecodable`, never a crash, and the address is still read."""
    reading = read_reply(raw, TAKING_STOCK)
    assert "undecodable" in reading.codes
    assert where in problem(reading, "undecodable")
    assert reading.sender == "ada@kent.example"
    assert reading.answers == ANSWERS
    for text in (reading.subject, reading.sender_name):
        if text is not None:
            text.encode("utf-8")  # raises on a lone surrogate: not printable, not storable


def test_a_broken_encoded_word_is_kept_as_written():
    """Nothing decodable in it: the officer sees the encoded-word itself, not an empty subject."""
    reading = read_reply(_head(subject=b"Re: =?utf-8?b?!!!?= SK-2TX4"), TAKING_STOCK)
    assert reading.subject == "Re: =?utf-8?b?!!!?= SK-2TX4"


def test_a_reference_in_an_encoded_subject_is_found():
    reading = read_reply(
        _head(subject=b"=?utf-8?q?Re=3A_Taking_stock_=E2=80=93_SK-2TX4-64WF-G91Z?="),
        TAKING_STOCK,
    )
    assert reading.reference == "SK-2TX4-64WF-G91Z"
    assert reading.clean


#: "base64" is a codec, but not one of text: it is read as an unknown charset.
CHARSETS = st.sampled_from(
    [None, "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "x-bad"]
)
CHARSETS |= st.just("base64")


@given(st.binary(max_size=300), CHARSETS)
def test_certain_text_is_exactly_the_bytes_in_their_charset(data, charset):
    """Any bytes in any charset: either decoded strictly in the declared charset (undeclared,
    ASCII or unknown: UTF-8), or `undecodable`; the text is always a printable string."""
    header = b"" if charset is None else b"; charset=" + charset.encode()
    raw = HEAD + b"Content-Type: text/plain" + header + b"\r\n\r\n" + data
    found = extract(raw)
    found.text.encode("utf-8")
    codec = {None: "utf-8", "us-ascii": "utf-8", "x-bad": "utf-8", "base64": "utf-8"}.get(
        charset, charset
    )
    codec = "cp1252" if codec == "iso-8859-1" else codec
    try:
        strict = data.decode(codec)
    except UnicodeDecodeError:
        assert found.undecodable
    else:
        if codec in SINGLE_BYTE and not data.isascii() and _valid_utf8(data):
            assert found.undecodable  # UTF-8 mislabelled: every byte was valid, and wrong
            assert found.text == data.decode("utf-8")
        else:
            assert not found.undecodable
            assert found.text == strict


SINGLE_BYTE = {"cp1252", "windows-1252", "koi8-r"}


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# 5. Text wherever the standard parser finds it; refused only with a reason ---------------------


TEXT_PART = b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body()


def nested(depth: int, *, close: bool = True, nl: bytes = b"\r\n", inner: bytes = TEXT_PART):
    """``inner`` inside ``depth`` multiparts, each one level deeper, written out in full."""
    out = [HEAD.replace(b"\r\n", nl)]
    for level in range(depth):
        out.append(
            b'Content-Type: multipart/mixed; boundary="=_%d"%s%s--=_%d%s'
            % (level, nl, nl, level, nl)
        )
    out.append(inner.replace(b"\r\n", nl))
    if close:
        out.extend(b"%s--=_%d--" % (nl, level) for level in reversed(range(depth)))
    out.append(nl)
    return b"".join(out)


@pytest.mark.parametrize("depth", [1, 20, 21, 50, 2_000, 10_000])
def test_text_is_found_at_any_depth(depth):
    """Issue 13.5: past 20 levels the reply was "empty", at 2,000 a RecursionError."""
    reading = read_reply(nested(depth), TAKING_STOCK)
    assert reading.codes == ("no_reference",)
    assert reading.answers == ANSWERS


def test_a_multipart_without_a_boundary_is_text():
    """The standard parser keeps the body of a multipart it cannot split: it is the text."""
    raw = message(b"Content-Type: multipart/mixed\r\n", body())
    reading = read_reply(raw, TAKING_STOCK)
    assert reading.answers == ANSWERS
    inner = b"Content-Type: multipart/alternative; charset=utf-8\r\n\r\n" + body()
    reading = read_reply(nested(30, inner=inner), TAKING_STOCK)
    assert reading.answers == ANSWERS


def test_a_multipart_whose_boundary_never_comes_is_text():
    raw = message(b'Content-Type: multipart/mixed; boundary="never"\r\n', body())
    assert read_reply(raw, TAKING_STOCK).answers == ANSWERS


@pytest.mark.parametrize("depth", [3, 30, 300])
def test_a_broken_structure_is_read_as_the_standard_parser_reads_it(depth):
    """No closing boundaries at all: the standard parser still finds the text, and so do we."""
    raw = nested(depth, close=False)
    assert email.message_from_bytes(raw) is not None
    reading = read_reply(raw, TAKING_STOCK)
    assert reading.codes == ("no_reference",)
    assert reading.answers == ANSWERS


@pytest.mark.parametrize("depth", [2_000, 10_000])
def test_a_broken_structure_too_deep_to_read_is_refused_with_a_reason(depth):
    """Where the standard parser itself fails (it recurses), the reply is refused: unparseable,
    with why, never a RecursionError and never "the reply is empty"."""
    reading = read_reply(nested(depth, close=False), TAKING_STOCK)
    assert "no_answers" not in reading.codes
    assert "MIME structure is broken" in problem(reading, "unparseable")
    assert reading.sender == "ada@kent.example"  # the headers are still shown to the officer


def test_the_standard_parser_running_out_of_stack_is_a_reason_not_a_crash(monkeypatch):
    def recurse(raw):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(mime.email, "message_from_bytes", recurse)
    found = extract(nested(5, close=False))
    assert found.trouble == "the message's MIME structure is broken and nested too deeply to read"
    assert found.text is None


BOUNDARIES = st.text("abcXYZ0123456789'()+_,-./:=? ", min_size=1, max_size=40).filter(
    lambda b: not b.endswith(" ")
)


@given(
    st.integers(1, 3_000),
    BOUNDARIES,
    st.sampled_from([b"\r\n", b"\n"]),
    st.sampled_from([b"mixed", b"alternative", b"related", b"signed"]),
    st.booleans(),
)
def test_any_depth_of_nesting_around_a_text_part_finds_the_text(depth, boundary, nl, kind, pdf):
    """1 to 3,000 levels, any legal boundary, CRLF or LF, an attachment before the text."""
    mark = boundary.encode()
    out = [b"From: a@kent.example" + nl]
    for level in range(depth):
        out.append(
            b'Content-Type: multipart/%s; boundary="%s%d"%s%sPreamble.%s--%s%d%s'
            % (kind, mark, level, nl, nl, nl, mark, level, nl)
        )
    if pdf:
        out.append(b"Content-Type: application/pdf" + nl + nl + b"%PDF" + nl)
        out.append(b"--%s%d%s" % (mark, depth - 1, nl))
    out.append(b"Content-Type: text/plain; charset=utf-8" + nl + nl + body(nl=nl.decode()))
    out.extend(b"%s--%s%d--%sEpilogue." % (nl, mark, level, nl) for level in reversed(range(depth)))
    found = extract(b"".join(out))
    assert found.text == body(nl=nl.decode()).decode()
    assert found.attachments == (("(application/pdf)",) if pdf else ())
    assert (found.trouble, found.undecodable) == (None, ())


BITS = st.sampled_from(
    [
        b"\r\n",
        b"\n",
        b"\r",
        b"--=_1\r\n",
        b"--=_1--\r\n",
        b"--=_2\n",
        b"\r\n--=_2--",
        b"--\r\n",
        b'Content-Type: multipart/mixed; boundary="=_2"\r\n\r\n',
        b"Content-Type: multipart/alternative\r\n\r\n",
        b"Content-Type: message/rfc822\r\n\r\n",
        b"Content-Type: text/plain; charset=latin-1\r\n\r\nM\xf4n\r\n",
        b"Content-Type: text/html\r\n\r\n<p>x</p>\r\n",
        b"Content-Disposition: attachment; filename=\xe9.pdf\r\n",
        b"From x Thu Mar 12 16:30:00 2015\r\n",
        b"X: y\r\n",
        b" folded\r\n",
        b"text\r\n",
    ]
)


@contextlib.contextmanager
def standard_parser_only():
    quick = mime._message
    mime._message = email.message_from_bytes
    try:
        yield
    finally:
        mime._message = quick


@given(st.lists(BITS, max_size=30))
def test_the_one_pass_reader_reads_what_the_standard_parser_reads(bits):
    """Any jumble of boundaries, headers, blank lines and bare CRs under a multipart: the
    one-pass reader gives exactly the standard parser's reading (or hands it over)."""
    raw = (
        b'From: a@kent.example\r\nContent-Type: multipart/mixed; boundary="=_1"\r\n\r\n'
        + b"".join(bits)
    )
    quick = extract(raw)
    with standard_parser_only():
        full = extract(raw)
    assert quick == full


@st.composite
def mime_part(draw, nl: bytes, depth: int = 0) -> bytes:
    """One part as a sender might write it: nested multiparts (boundaries that repeat an outer
    one or end in "--"), a preamble, an epilogue, a missing closing boundary, white space after
    a boundary, a multipart without a boundary, a part without headers, a forwarded message."""
    kinds = ["leaf", "no boundary", "no headers", "forwarded"] + (
        ["multipart"] * 2 if depth < 5 else []
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "multipart":
        mark = draw(st.sampled_from([b"=_1", b"=_2", b"=_3", b"b", b"b--"]))
        head = b'Content-Type: multipart/mixed; boundary="%s"%s%s' % (mark, nl, nl)
        out = [head, draw(st.sampled_from([b"", b"Preamble." + nl]))]
        for sub in draw(st.lists(mime_part(nl, depth + 1), max_size=3)):
            out.append(b"--" + mark + draw(st.sampled_from([b"", b" ", b" \t"])) + nl + sub + nl)
        if draw(st.booleans()) or draw(st.booleans()):
            out.append(b"--" + mark + b"--" + nl + draw(st.sampled_from([b"", b"Epilogue." + nl])))
        return b"".join(out)
    if kind == "no boundary":
        return b"Content-Type: multipart/alternative" + nl + nl + b"Q13: Yes" + nl + b"Q14: No"
    if kind == "no headers":
        return nl + b"Q13: Yes"
    if kind == "forwarded":
        return b"Content-Type: message/rfc822" + nl + nl + b"From: b@x" + nl + nl + b"inner"
    kind = draw(st.sampled_from([b"text/plain", b"text/html", b"application/pdf"]))
    text = draw(st.sampled_from([b"", b"Q13: Yes", b"-- " + nl + b"Ada", b"--=_1x", b"M\xf4n"]))
    return b"Content-Type: " + kind + nl + nl + text


def parts_of(msg) -> list:
    return [
        (p.get_content_type(), tuple(p.items()), None if p.is_multipart() else p.get_payload())
        for p in mime._leaves(msg)
    ]


@given(st.data())
def test_the_one_pass_reader_splits_parts_as_the_standard_parser_does(data):
    """Whenever the one-pass reader reads a message itself, it finds exactly the parts, headers
    and bodies the standard parser finds (a repeated boundary belongs to the outer multipart)."""
    nl = data.draw(st.sampled_from([b"\r\n", b"\n"]))
    raw = b"From: a@kent.example" + nl + data.draw(mime_part(nl))
    bits = st.sampled_from([b"\r", nl, b"--=_1" + nl, b"--b--" + nl, b"x"])
    for at, bit in data.draw(st.lists(st.tuples(st.integers(0, 10_000), bits), max_size=2)):
        at %= len(raw) + 1
        raw = raw[:at] + bit + raw[at:]
    quick = mime._quick(raw)
    if quick is not None:
        assert parts_of(quick) == parts_of(email.message_from_bytes(raw))


def test_a_boundary_that_repeats_an_outer_one_belongs_to_the_outer_one():
    """As the standard parser reads it: the inner multipart never opens, its text is not lost."""
    raw = message(
        b'Content-Type: multipart/mixed; boundary="b"\r\n',
        b'--b\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\n" + body() + b"\r\n--b--\r\n",
    )
    found = extract(raw)
    with standard_parser_only():
        assert extract(raw) == found
    assert found.text == body().decode()
    assert read_reply(raw, TAKING_STOCK).answers == ANSWERS


@given(st.binary(max_size=3000))
def test_any_bytes_give_printable_fields_and_never_raise(raw):
    found = extract(raw)
    fields = (found.sender, found.sender_name, found.subject, found.message_id, found.text)
    for value in (*fields, *found.attachments, *found.senders, found.trouble):
        if value is not None:
            value.encode("utf-8")  # raises on a lone surrogate: not printable, not storable


def calls(raw: bytes) -> int:
    """The Python and C function calls ``extract`` makes: a measure of its work, not of time."""
    count = 0

    def counter(frame, event, arg):
        nonlocal count
        count += 1

    sys.setprofile(counter)
    try:
        extract(raw)
    finally:
        sys.setprofile(None)
    return count


HOSTILE = {
    "deep nesting": lambda n: nested(n),
    "deep nesting, never closed": lambda n: nested(4 * n, close=False),
    # The standard parser's work is lines times depth: both grow here.
    "broken nesting over many lines": lambda n: nested(
        n // 20, close=False, inner=b"x\r\n" * (20 * n)
    ),
    "many parts": lambda n: message(
        b'Content-Type: multipart/mixed; boundary="b"\r\n',
        b"".join(b"--b\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n" for _ in range(n))
        + b"--b--\r\n",
    ),
    "many lines that look like boundaries": lambda n: message(
        b'Content-Type: multipart/mixed; boundary="b"\r\n',
        b"--b\r\n\r\n" + b"--b \t-\r\n--bb\r\n-- \r\n" * n + b"--b--\r\n",
    ),
    "encoded-words that never end": lambda n: _head(subject=b"=?a?q?" * n + b"=?utf-8?b?" * n),
    "many senders": lambda n: _head(sender=b"a@b.example, " * n),
}


@pytest.mark.parametrize("shape", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_shapes_cost_work_in_proportion_to_their_size(shape):
    """Four times the input, at most about four times the work (quadratic would be 16)."""
    calls(shape(10))  # warm up
    small, large = calls(shape(500)), calls(shape(2_000))
    assert large < 5 * small + 2_000, (small, large)


# 7. Who sent it -----------------------------------------------------------------------------


def from_headers(*values: bytes, extra: bytes = b"") -> bytes:
    head = b"".join(b"From: " + value + b"\r\n" for value in values)
    return head + extra + b"Subject: Re: Taking stock\r\nMessage-ID: <f@x>\r\n\r\n" + body()


CONFLICTING = {
    "two From headers": from_headers(b"Ada <ada@kent.example>", b"Mallory <mallory@evil.example>"),
    "two addresses in one From": from_headers(b"ada@kent.example, mallory@evil.example"),
    "two addresses, one glued on": from_headers(b"ada@kent.example)<mallory@evil.example>"),
    "a group of two": from_headers(b"Us: ada@kent.example, mallory@evil.example;"),
}


@pytest.mark.parametrize("raw", CONFLICTING.values(), ids=CONFLICTING.keys())
def test_two_senders_are_never_chosen_between(raw):
    """Issue 13.7: the first From was used and the reply submitted.  Now: no sender, and a
    `conflicting_sender` problem about who sent it that names no address."""
    reading = read_reply(raw, TAKING_STOCK)
    assert "conflicting_sender" in reading.codes
    assert "conflicting_sender" in IDENTITY_CODES
    assert "conflicting_sender" in PROBLEM_CODES
    assert (reading.sender, reading.sender_name) == (None, None)
    assert reading.answers == ANSWERS  # the answers are not in doubt, only who sent them
    message_text = problem(reading, "conflicting_sender")
    assert "2 different senders" in message_text
    assert "@" not in message_text


NOT_CONFLICTING = {
    "the same From twice": from_headers(b"Ada <ada@kent.example>", b"ADA@Kent.Example"),
    "Sender and Reply-To": from_headers(
        b"Ada <ada@kent.example>",
        extra=b"Sender: pa@kent.example\r\nReply-To: team@kent.example\r\n",
    ),
    "an unquoted comma in the name": from_headers(b"Lovelace, Ada <ada@kent.example>"),
    "a comment": from_headers(b"ada@kent.example (Ada Lovelace)"),
}


@pytest.mark.parametrize("raw", NOT_CONFLICTING.values(), ids=NOT_CONFLICTING.keys())
def test_one_sender_written_oddly_is_one_sender(raw):
    reading = read_reply(raw, TAKING_STOCK)
    assert reading.sender == "ada@kent.example"
    assert reading.codes == ("no_reference",)
