"""Reply and forward headers: the lines a mail program writes above the message it quotes.

A header ends every answer: what follows it is an earlier message (usually the form itself,
read again from its own headings), never more of the answer above it.  Lines are tested one at
a time, with quote marks already taken off, so a header inside quoted text is found too.

Recognised, in English and Welsh, with the wording the programs write:

* **attribution lines**: Gmail, Apple Mail, Thunderbird, Yahoo and Outlook for iOS/Android
  ("On Fri, 20 Feb 2015 at 09:00, LGA Consultations <consultations@local.gov.uk> wrote:"),
  Welsh Gmail, Apple Mail, Thunderbird and Evolution ("Ar ddydd Gwener, 20 Chwefror 2015, ...
  ysgrifennodd:", "Ar 20/02/2015 09:00, ysgrifennodd LGA Consultations:"), Thunderbird's other
  forms ("X wrote on <date>:", "Ysgrifennodd X ar <date>:"), and "X wrote:" / "Ysgrifennodd X:"
  alone when the next line is quoted more deeply; also any line that holds an address in angle
  brackets and a digit and ends with a colon (how Gmail writes its header in other languages);
  each also wrapped over two or three lines, as Gmail and Outlook wrap long ones;
* **header blocks**: Outlook desktop, Outlook on the web, Outlook for Mac and mobile, Yahoo and
  Hotmail ("From:" / "Sent:" / "To:" / "Subject:"; Welsh "Oddi wrth:" / "Anfonwyd:" /
  "Dyddiad:" / "At:" / "Pwnc:"), in bold (``*From:*``) or not: a From line with another header
  line within the next four lines, or a Subject, Date or To line with a From line after it;
* **separator lines**: "-----Original Message-----" (Outlook, Yahoo, Thunderbird), "----------
  Forwarded message ---------" (Gmail), "Begin forwarded message:" (Apple Mail), Welsh
  "-----Neges Wreiddiol-----", and any other phrase between runs of dashes when a header line
  follows it.

The same shapes in French, German, Spanish, Italian, Dutch, Portuguese, Danish, Norwegian,
Swedish and Polish are recognised too.  That wording is borrowed knowledge, not code: the header
field names and "wrote" verbs from mail-parser-reply (``constants.py``), quotequail
(``_patterns.py``) and talon (``quotations.py``), and the Welsh from Thunderbird's Welsh
localisation (``composeMsgs.properties``, ``headerFields.ftl``) and Evolution's Welsh replies.
"""

from __future__ import annotations

import re

__all__ = ["COLONS", "header_span"]

#: Longest line read as (part of) a header: longer lines are prose.
MAX_HEADER = 400

_WROTE = (
    r"wrote|ysgrifennodd|a\s+[e\u00e9]crit|schrieb|escribi[o\u00f3]|schreef|ha\s+scritto"
    r"|escreveu|skrev|napisa[l\u0142](?:\(a\))?|napsal(?:\(a\))?|pisze"
)
#: The first word of an attribution line in each language ("On ...", Welsh "Ar ...").
_OPENERS = frozenset(
    ("on", "ar", "le", "am", "el", "op", "il", "em", "den", "w", "p\u00e5", "dnia", "dne")
)
_OPENER = r"(?:on|ar|le|am|el|op|il|em|den|w\s+dniu|p\u00e5|dnia|dne)"
_ADDRESS = r"<[^<>\s@]{1,254}@[^<>\s]{1,254}>"
#: "On <date>, <name> wrote:", "Ar <date>, <name> ysgrifennodd:", "Am <date> schrieb <name>:".
_ON_WROTE = re.compile(rf"{_OPENER}\s.{{0,300}}?\b(?:{_WROTE})\b.{{0,150}}[:\uff1a]", re.I)
#: Thunderbird's "<name> wrote on <date>:" and Welsh "Ysgrifennodd <name> ar <date>:" (with a
#: digit somewhere, checked apart).
_WROTE_ON = re.compile(
    r".{1,200}\swrote\s+on\s.{1,200}:|ysgrifennodd\s.{1,200}\sar\s.{1,200}:", re.I
)
#: "... <address> wrote:" in any language, or (with a digit in the line) "... <address>:", which
#: is how Gmail writes its header in several languages.
_ADDRESS_WROTE = re.compile(
    rf"{_ADDRESS}[^<>]{{0,80}}?\b(?:{_WROTE})\b[^<>]{{0,80}}[:\uff1a]$", re.I
)
_ADDRESS_END = re.compile(rf"{_ADDRESS}[^<>]{{0,120}}[:\uff1a]$")
_DIGIT = re.compile(r"\d")
#: "LGA Consultations wrote:" / "Ysgrifennodd LGA Consultations:": a header only when quoted
#: text follows, since a person may write such a line.
_BARE = re.compile(r".{1,150}\swrote:|ysgrifennodd\s.{1,150}:", re.IGNORECASE)

#: Header field names, by what they mean, in each language (English, Welsh, then the others).
_FROM = (
    "from|oddi wrth|von|de|da|van|fra|fr\u00e5n|od|"
    "\u043e\u0442|\u043e\u0442 \u043a\u043e\u0433\u043e"
)
_OTHER_FIELDS = (
    "sent|date|to|cc|bcc|subject|reply-to|"
    "anfonwyd|dyddiad|at|pwnc|ateb i|"
    "gesendet|datum|an|betreff|"
    "envoy\u00e9|envoy\u00e9 le|\u00e0|objet|"
    "enviado|enviado el|enviada|fecha|para|asunto|assunto|data|"
    "inviato|oggetto|verzonden|aan|onderwerp|sendt|dato|til|emne|skickat|till|kopia|\u00e4mne|"
    "wys\u0142ano|do|temat|dw"
)
_FIELD = re.compile(
    rf"\*{{0,2}}(?:(?P<from>{_FROM})|{_OTHER_FIELDS})\*{{0,2}}\s?:(?:\*{{1,2}})?(?:\s|$)",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"-{2,}\s*(?:original message|forwarded message|reply message|neges wreiddiol"
    r"|urspr\u00fcngliche nachricht|original-nachricht|weitergeleitete nachricht"
    r"|message d['\u2019]origine|message original|message transf\u00e9r\u00e9"
    r"|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato"
    r"|oorspronkelijk bericht|doorgestuurd bericht|mensagem original|mensagem encaminhada"
    r"|oprindelig meddelelse|videresendt meddelelse|opprinnelig melding"
    r"|ursprungligt meddelande|vidarebefordrat meddelande|oryginalna wiadomo\u015b\u0107)"
    r"\s*-{2,}"
    r"|(?:begin forwarded message|anfang der weitergeleiteten (?:e-mail|nachricht)"
    r"|d\u00e9but du message r\u00e9exp\u00e9di\u00e9|inicio del mensaje reenviado):",
    re.IGNORECASE,
)
#: Any other short phrase between dashes (a forwarded-message line in a language or wording not
#: listed above): a separator when a header line follows within two lines.
_DASHED = re.compile(r"-{3,}\s*[^\s-][^-]{0,60}?\s*-{3,}")
_QUOTE_MARKS = re.compile(r"^(?:[ \t]*>)+")
#: What a header line ends with (Gmail writes a full-width colon in Chinese and Japanese).
COLONS = (":", "\uff1a")


def _attribution(line: str) -> bool:
    """Whether a whole line (ending with a colon) is an attribution line."""
    if _ON_WROTE.fullmatch(line):
        return True
    if "@" in line and (
        _ADDRESS_WROTE.search(line) or (_ADDRESS_END.search(line) and _DIGIT.search(line))
    ):
        return True
    return bool(_WROTE_ON.fullmatch(line) and _DIGIT.search(line))


def _field(line: str) -> re.Match[str] | None:
    if ":" not in line[:16]:
        return None
    return _FIELD.match(line)


def _header_block(stripped: list[str], index: int, first: re.Match[str]) -> bool:
    """A From line with another header line after it, or a header line with a From line after."""
    ahead = [_field(line) for line in stripped[index + 1 : index + 5]]
    found = [match for match in ahead if match is not None]
    if not found:
        return False
    if first["from"]:
        return True
    return any(match["from"] for match in found)


def _depth(raw: str) -> int:
    if ">" not in raw[:80]:
        return 0
    marks = _QUOTE_MARKS.match(raw)
    return marks.group().count(">") if marks else 0


def header_span(stripped: list[str], raw: list[str], index: int) -> int | None:
    """How many lines the reply header starting at ``index`` takes, or ``None`` if none does.

    ``stripped`` holds each line without quote marks or surrounding space, ``raw`` the lines as
    written (for their quote depth).
    """
    line = stripped[index]
    if len(line) > MAX_HEADER:
        return None
    last = line[-1]
    if last in COLONS:
        if _attribution(line) or _SEPARATOR.fullmatch(line):
            return 1
        if _BARE.fullmatch(line) and _quoted_after(stripped, raw, index):
            return 1
    elif line[0] == "-":
        if _SEPARATOR.fullmatch(line):
            return 1
        if _DASHED.fullmatch(line) and any(_field(s) for s in stripped[index + 1 : index + 3]):
            return 1
    if ":" in line[:16]:
        first = _FIELD.match(line)
        if first is not None and _header_block(stripped, index, first):
            return 1
    # A wrapped attribution: only when one of the next two lines ends with a colon.
    count = len(stripped)
    if (index + 1 < count and stripped[index + 1][-1:] in COLONS) or (
        index + 2 < count and stripped[index + 2][-1:] in COLONS
    ):
        return _wrapped(stripped, index)
    return None


def _quoted_after(stripped: list[str], raw: list[str], index: int) -> bool:
    """Whether the next line with text is quoted more deeply than this one."""
    depth = _depth(raw[index])
    for at in range(index + 1, min(index + 3, len(stripped))):
        if stripped[at]:
            return _depth(raw[at]) > depth
    return False


def _wrapped(stripped: list[str], index: int) -> int | None:
    """An attribution wrapped over two or three lines ("... LGA Consultations <" /
    "consultations@local.gov.uk> wrote:"): the number of lines it takes."""
    line = stripped[index]
    space = line.find(" ")
    opener = line[: space if space > 0 else 0].casefold()
    if opener not in _OPENERS and not line.endswith("<"):
        return None
    joined = line
    for extra in (1, 2):
        at = index + extra
        if at >= len(stripped) or not stripped[at] or len(joined) > MAX_HEADER:
            return None
        following = stripped[at]
        joined = joined + ("" if joined.endswith("<") else " ") + following
        if following[-1] in COLONS and _attribution(joined):
            return extra + 1
    return None
