"""Replies written the way people write them: for tests, the benchmark and demonstrations.

:func:`write_reply` turns a set of answers into the raw bytes of a reply to the email form,
following a :class:`Style`: answers ticked or typed inside the quoted form, or written at the top
as "13. Yes", "Q13: yes" or "Question 13 - Yes"; the form quoted with ``>`` (Gmail, Thunderbird,
Apple Mail) or below an Outlook header block without quote marks; greetings and signatures; and
the message as plain text (quoted-printable, base64 or 8-bit, in UTF-8, windows-1252 or
latin-1), ``format=flowed``, plain and HTML alternatives, HTML only, or with an attachment.
Every choice is an explicit field, so Hypothesis can draw and shrink them.
"""

from __future__ import annotations

import base64
import html
import quopri
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from surveykit import Consultation, Question

from .form import ANSWER_MARK, write_form
from .wording import key

__all__ = [
    "CHARSETS",
    "CLOSINGS",
    "CONTAINERS",
    "ENCODINGS",
    "FORMS",
    "GREETINGS",
    "LABEL_STYLES",
    "REPLY_HEADERS",
    "TICKS",
    "Style",
    "typed_variants",
    "write_reply",
]

#: How the form comes back: not at all, quoted with ``>``, quoted twice, or Outlook-style.
FORMS = ("none", "quoted", "nested", "outlook")
CONTAINERS = ("plain", "alternative", "html", "flowed", "attachment")
ENCODINGS = ("quoted-printable", "base64", "8bit")
CHARSETS = ("utf-8", "windows-1252", "iso-8859-1")
TICKS = ("[x]", "[X]", "[ x ]", "[*]", "[\u2713]", "x [ ]", "[ ] <--")
#: ``(prefix, separator)`` of a label written at the top: "13. ", "Q13: ", "Question 13 - ".
LABEL_STYLES = (
    ("", ". "),
    ("", ": "),
    ("", ") "),
    ("", " - "),
    ("Q", ": "),
    ("Q", ". "),
    ("Q", " "),
    ("Question ", " - "),
    ("Question ", ": "),
)
GREETINGS = ("", "Hi Kate,", "Dear consultation team,\n\nPlease find my answers below.", "Hello")
CLOSINGS = (
    "",
    "Thanks,\nJane",
    "Kind regards,\nJane Smith\nChief Executive",
    "-- \nJane Smith\n1 High Street\n2 Council Offices\n01234 567890",
    "Sent from my iPhone",
    "Best wishes\n\nAlex",
)
REPLY_HEADERS = (
    "On Thu, 12 Mar 2015 at 09:00, Kate Cooper <kate.cooper@local.gov.uk> wrote:",
    "On Thu, 12 Mar 2015 at 09:00, Kate Cooper <\nkate.cooper@local.gov.uk> wrote:",
    "On 12/03/2015 09:00, Kate Cooper wrote:",
    "On 12 Mar 2015, at 09:00, Kate Cooper <kate.cooper@local.gov.uk> wrote:",
)
_OUTLOOK_HEADERS = (
    "-----Original Message-----\nFrom: Kate Cooper [mailto:kate.cooper@local.gov.uk]\n"
    "Sent: 12 March 2015 09:00\nTo: Jane Smith\nSubject: Taking stock",
    "________________________________\nFrom: Kate Cooper <kate.cooper@local.gov.uk>\n"
    "Sent: Thursday, March 12, 2015 9:00 AM\nTo: Jane Smith\nSubject: Taking stock",
)


def typed_variants(question: Question, value: str) -> tuple[str, ...]:
    """Ways a person types an option: its label as shown, in lower or upper case, with a stop."""
    option = question.option(value)
    label = option.label if option else value
    return (label, label.lower(), label.upper(), label + ".")


@frozen
class Style:
    """How one reply is written.  Per-question choices are keyed by question id.

    ``inline``: the questions answered inside the form (the rest are written at the top);
    ``typed``: choice questions answered by typing the option rather than ticking a box, with
    ``variant`` indexing :func:`typed_variants`; ``same_line``: free-text answers started on
    the "Your answer:" line itself.  For hostile tests: ``comments`` adds a line of comment
    after a choice answer, ``typos`` puts one wrong character into a typed option (question,
    position, character), ``unclear`` ticks boxes with "[?]".  ``intros``: the form quoted is
    the long one, with each section's introduction.
    """

    form: str = "quoted"
    inline: frozenset[str] = frozenset()
    typed: frozenset[str] = frozenset()
    same_line: frozenset[str] = frozenset()
    tick: int = 0
    variant: int = 0
    label_style: int = 0
    greeting: int = 0
    closing: int = 0
    reply_header: int = 0
    quote_prefix: str = "> "
    container: str = "plain"
    encoding: str = "quoted-printable"
    charset: str = "utf-8"
    subject_reference: bool = False
    order: tuple[str, ...] = field(default=())
    comments: tuple[tuple[str, str], ...] = ()
    typos: tuple[tuple[str, int, str], ...] = ()
    unclear: frozenset[str] = frozenset()
    intros: bool = False


def _answer_lines(question: Question, value: Any, style: Style) -> list[str]:
    """An answer as typed lines: option labels, or the text itself."""
    if not question.options:
        return str(value).split("\n")
    variant = style.variant % 4
    typed = [typed_variants(question, v)[variant] for v in _chosen(value)]
    for qid, position, char in style.typos:
        if qid == question.id:
            first = typed[0]
            at = position % len(first)
            typed[0] = first[:at] + char + first[at + 1 :]
    return typed


def _chosen(value: Any) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _comment(question: Question, style: Style) -> list[str]:
    return [text for qid, text in style.comments if qid == question.id]


def _top(consultation: Consultation, answers: Mapping[str, Any], style: Style) -> list[str]:
    prefix, separator = LABEL_STYLES[style.label_style % len(LABEL_STYLES)]
    lines: list[str] = []
    ids = [qid for qid in (style.order or tuple(answers)) if qid in answers]
    ids += [qid for qid in answers if qid not in ids]
    for qid in ids:
        if style.form != "none" and qid in style.inline:
            continue
        question = consultation.by_id[qid]
        typed = _answer_lines(question, answers[qid], style)
        if isinstance(answers[qid], list):
            typed = [", ".join(typed)]
        lines.append(f"{prefix}{key(question)}{separator}{typed[0]}")
        lines.extend(typed[1:])
        lines.extend(_comment(question, style))
    return lines


def _fill(
    consultation: Consultation, form: str, answers: Mapping[str, Any], style: Style
) -> list[tuple[bool, str]]:
    """The form's lines with the inline answers in: ``(typed by the person, line)`` pairs."""
    by_heading = {f"{key(q)}. ": q for q in consultation.questions}
    out: list[tuple[bool, str]] = []
    current: Question | None = None
    tick = TICKS[style.tick % len(TICKS)]
    lines = form.split("\n")
    for index, line in enumerate(lines):
        if line and not line.startswith(" "):
            current = next(
                (
                    q
                    for h, q in by_heading.items()
                    if line.startswith(h) and line[len(h) :].startswith(q.text[:12])
                ),
                current,
            )
        answering = current is not None and current.id in style.inline and current.id in answers
        if not answering or current is None:
            out.append((False, line))
            continue
        value = answers[current.id]
        stripped = line.strip()
        if current.options and (stripped.startswith("[ ] ") or line.startswith(" " * 8)):
            if stripped.startswith("[ ] "):
                line = _ticked(current, line, value, style, tick)
            out.append((False, line))
            following = lines[index + 1] if index + 1 < len(lines) else ""
            more = following.strip().startswith("[ ] ") or following.startswith(" " * 8)
            if not more:
                if current.id in style.typed:
                    out.extend((True, typed) for typed in _answer_lines(current, value, style))
                out.extend((True, comment) for comment in _comment(current, style))
            continue
        if not current.options and stripped == ANSWER_MARK:
            typed = _answer_lines(current, value, style)
            if current.id in style.same_line:
                out.append((False, f"{line} {typed[0]}"))
                out.extend((True, t) for t in typed[1:])
            else:
                out.append((False, line))
                out.extend((True, t) for t in typed)
            continue
        out.append((False, line))
    return out


def _ticked(question: Question, line: str, value: Any, style: Style, tick: str) -> str:
    """A ``[ ] Label`` line of the form, ticked if its option is chosen (and not typed)."""
    stripped = line.strip()
    label = stripped[4:]
    chosen = _chosen(value)
    option = next(
        (
            o
            for o in question.options
            if o.label == label or (len(label) > 40 and o.label.startswith(label + " "))
        ),
        None,
    )
    if option is None or option.value not in chosen or question.id in style.typed:
        return line
    indent = line[: len(line) - len(stripped)]
    if question.id in style.unclear:
        return f"{indent}[?] {label}"
    if tick == "[ ] <--":
        return f"{indent}[ ] {label} <--"
    return f"{indent}{tick} {label}"


def write_body(
    consultation: Consultation,
    answers: Mapping[str, Any],
    style: Style,
    reference: str | None = None,
) -> str:
    """The text of the reply: greeting, answers at the top, closing, then the quoted form."""
    parts: list[str] = []
    greeting = GREETINGS[style.greeting % len(GREETINGS)]
    if greeting:
        parts += [greeting, ""]
    parts += _top(consultation, answers, style)
    closing = CLOSINGS[style.closing % len(CLOSINGS)]
    if closing:
        parts += ["", closing]
    if style.form != "none":
        form = write_form(consultation, reference=reference, intros=style.intros)
        filled = _fill(consultation, form, answers, style)
        parts.append("")
        if style.form == "outlook":
            parts.append(_OUTLOOK_HEADERS[style.reply_header % len(_OUTLOOK_HEADERS)])
            parts.append("")
            parts += [line for _, line in filled]
        else:
            parts.append(REPLY_HEADERS[style.reply_header % len(REPLY_HEADERS)])
            prefix = style.quote_prefix * (2 if style.form == "nested" else 1)
            for typed, line in filled:
                parts.append(
                    line if typed else (prefix + line).rstrip() if line else prefix.strip()
                )
    return "\n".join(parts).strip("\n") + "\n"


def _html(text: str) -> str:
    """A plain reply as webmail would send it: one ``div`` per line, quotes in blockquotes."""
    out = ['<html><head><style>p{margin:0}</style></head><body><div dir="ltr">']
    depth = 0
    for line in text.split("\n"):
        level = 0
        rest = line
        while rest.startswith(">"):
            level += 1
            rest = rest[1:]
            rest = rest[1:] if rest.startswith(" ") else rest
        while depth < level:
            out.append('<blockquote class="gmail_quote" type="cite">')
            depth += 1
        while depth > level:
            out.append("</blockquote>")
            depth -= 1
        body = html.escape(rest).replace("  ", "&nbsp; ")
        out.append(f"<div>{body}</div>" if body.strip() else "<div><br></div>")
    out.append("</blockquote>" * depth + "</div></body></html>")
    return "\n".join(out)


def _flowed(text: str) -> str:
    """``format=flowed`` text: long lines broken at spaces with soft (trailing-space) breaks."""
    out = []
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        marks, content = line[:depth], line[depth:]
        if content.startswith(" ") and depth:
            content = content[1:]
        lead = marks + (" " if depth else "")
        pieces = []
        while len(content) > 50 and " " in content[20:50]:
            cut = content.rfind(" ", 20, 50)
            pieces.append(content[: cut + 1])
            content = content[cut + 1 :]
        pieces.append(content)
        for piece in pieces:
            stuffed = " " + piece if piece.startswith((" ", "From ")) and not depth else piece
            out.append(lead + stuffed if depth else stuffed)
    return "\n".join(out)


def _encode(text: str, style: Style) -> tuple[bytes, str]:
    charset = style.charset
    try:
        data = text.encode(charset)
    except UnicodeEncodeError:
        charset, data = "utf-8", text.encode("utf-8")
    data = data.replace(b"\r\n", b"\n")
    if style.encoding == "base64":
        crlf = data.replace(b"\n", b"\r\n")
        return base64.encodebytes(crlf).replace(b"\n", b"\r\n"), charset
    if style.encoding == "8bit":
        return data.replace(b"\n", b"\r\n"), charset
    return quopri.encodestring(data).replace(b"\n", b"\r\n"), charset


def _part(content_type: str, text: str, style: Style, extra: str = "") -> bytes:
    payload, charset = _encode(text, style)
    head = (
        f'Content-Type: {content_type}; charset="{charset}"{extra}\r\n'
        f"Content-Transfer-Encoding: {style.encoding}\r\n\r\n"
    )
    return head.encode("ascii") + payload


def write_reply(
    consultation: Consultation,
    answers: Mapping[str, Any],
    style: Style,
    *,
    reference: str | None = None,
    sender: str = "Jane Smith <jane.smith@council.example>",
    number: int = 1,
) -> bytes:
    """The raw bytes of one reply holding ``answers``, written in ``style``."""
    body = write_body(consultation, answers, style, reference)
    subject = f"Re: {consultation.metadata.title}"
    if style.subject_reference and reference:
        subject += f" [{reference}]"
    headers = (
        f"From: {sender}\r\nTo: Kate Cooper <kate.cooper@local.gov.uk>\r\n"
        f"Subject: {subject}\r\nDate: Thu, 12 Mar 2015 10:{number % 60:02d}:00 +0000\r\n"
        f"Message-ID: <reply-{number}@council.example>\r\nMIME-Version: 1.0\r\n"
    ).encode()
    boundary = f"----=_Part_{number}_reply"
    if style.container == "html":
        return headers + _part("text/html", _html(body), style)
    if style.container == "flowed":
        return headers + _part("text/plain", _flowed(body), style, "; format=flowed")
    if style.container == "alternative":
        kind = f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
        return (
            headers
            + kind.encode()
            + f"--{boundary}\r\n".encode()
            + _part("text/plain", body, style)
            + f"\r\n--{boundary}\r\n".encode()
            + _part("text/html", _html(body), style)
            + f"\r\n--{boundary}--\r\n".encode()
        )
    if style.container == "attachment":
        kind = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        card = base64.encodebytes(b"BEGIN:VCARD\r\nFN:Jane Smith\r\nEND:VCARD\r\n")
        return (
            headers
            + kind.encode()
            + f"--{boundary}\r\n".encode()
            + _part("text/plain", body, style)
            + f"\r\n--{boundary}\r\n".encode()
            + b'Content-Type: text/vcard; name="jane.vcf"\r\n'
            + b'Content-Disposition: attachment; filename="jane.vcf"\r\n'
            + b"Content-Transfer-Encoding: base64\r\n\r\n"
            + card.replace(b"\n", b"\r\n")
            + f"\r\n--{boundary}--\r\n".encode()
        )
    return headers + _part("text/plain", body, style)
