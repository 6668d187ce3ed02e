"""Where a person's own words end: sign-offs, signatures, disclaimers, "Sent from my ...".

The scanner asks two things of each line that is not the form's own:

* :func:`sign_off`: is it, by its words alone, the start of a signature?  The delimiter
  ``-- ``; a closing on a line of its own ("Kind regards,", "Thanks", Welsh "Cofion", "Diolch",
  "Yn gywir", also bilingual "Diolch / Thanks"); a closing with a name ("Regards, David",
  "Thanks Jo"); a mail program's line ("Sent from my iPhone", "Sent from Outlook for
  Android", "Get Outlook for iOS"); or the first line of a disclaimer ("This email and any
  attachments are confidential ...", "Rydym yn croesawu gohebiaeth yn Gymraeg").
* :meth:`Signer.named`: is it the sender's own name ("Tom Towers", "Cllr Sam Patel",
  "Towers, Tom", or just "Tom"), taken from the From header's display name or, failing that,
  from an address such as ``tom.towers@...``?

Whether a line that passes either test really ends an answer is the scanner's decision (a line
naming one of the question's options is an answer, a name never replaces an answer, ...): see
:mod:`surveykit_email.scan` and docs/email-replies.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["SIGN_OFF_STARTS", "Signer", "may_sign_off", "sign_off"]

# Closings, as whole phrases (casefolded, without their trailing punctuation).  English, then
# Welsh.  "Best" alone is a closing, but "Best <Name>" only with the sender's own name.
_CLOSING = (
    r"(?:(?:with\s+)?(?:kind|kindest|best|warm|warmest|many|fond|good)\s+)?"
    r"(?:regards|wishes|thanks)"
    r"|with\s+(?:regards|thanks|best\s+wishes|many\s+thanks|kind\s+regards|love)"
    r"|thanks\s+(?:again|very\s+much|so\s+much|a\s+lot|in\s+advance|and\s+regards)"
    r"|thank\s+you(?:\s+(?:again|very\s+much|so\s+much))?"
    r"|all\s+the\s+best|best|cheers|regards|rgds|kr|bw|sincerely|respectfully|take\s+care"
    r"|yours(?:\s+(?:sincerely|faithfully|truly|ever|aye))?"
    r"|cofion(?:\s+(?:gorau|cynnes|caredig|cu|fil))?|diolch(?:\s+(?:yn\s+fawr(?:\s+iawn)?"
    r"|o\s+galon|eto))?|gyda\s+(?:diolch|dymuniadau\s+gorau|chofion|cofion)"
    r"|yn\s+gywir|yr\s+eiddoch(?:\s+yn\s+(?:gywir|ddiffuant))?|yn\s+ddiffuant"
    r"|dymuniadau\s+gorau|pob\s+dymuniad\s+da|pob\s+hwyl|hwyl(?:\s+fawr)?"
)
_PUNCT = r"[\s,.!:;\-\u2013\u2014]*"
_SIGN_OFF = re.compile(
    r"(?P<delimiter>--|__)\s*$"
    # "Kind regards," / "Diolch / Thanks" / "Thanks, Jo" / "Regards David Okafor"
    rf"|(?P<closing>{_CLOSING})(?:{_PUNCT}/{_PUNCT}(?:{_CLOSING}))?"
    r"(?:[\s,.!:;\-\u2013\u2014]*$|[,.!\-\u2013\u2014]?\s+(?P<name>[^\W\d_][\w'\u2019.\-]*"
    r"(?:\s+[^\W\d_][\w'\u2019.\-]*){0,3})[.!]?\s*(?:x{1,3})?$)"
    # what phones and mail programs add (checked for a device or program's name below)
    r"|(?P<device>sent\s+from\s+my\s*\S.{0,70}|(?:(?:sent|anfonwyd)\s+(?:from|with|via|using|o|gyda"
    r"|drwy)|get)\s+\S.{0,70})$"
    # the first line of a disclaimer, confirmed by a keyword in its paragraph
    r"|(?P<disclaimer>\W{0,6}(?:(?:this|the\s+information\s+(?:contained\s+)?in\s+this"
    r"|the\s+contents?\s+of\s+this)\s+(?:e-?mail|message|communication|transmission)\b"
    r"|(?:important\s+|legal\s+|confidentiality\s+)?(?:notice|disclaimer|confidentiality"
    r"|caution|warning)\s*:"
    r"|if\s+you\s+(?:have\s+received|are\s+not\s+the\s+intended)"
    r"|any\s+views\s+or\s+opinions\s+(?:expressed|presented)"
    r"|mae['\u2019]r\s+(?:neges\s+(?:e-?bost\s+)?|e-?bost\s+)(?:hwn|hon)\b"
    r"|os\s+(?:ydych\s+(?:chi\s+)?)?(?:nad\s+chi|wedi\s+derbyn)))"
    # lines that say what they are
    r"|(?P<notice>\W{0,6}(?:please\s+consider\s+the\s+environment\s+before\s+printing"
    r"|(?:please\s+)?think\s+before\s+you\s+print"
    r"|(?:rydym\s+yn\s+|mae\s+.{1,60}\s+yn\s+)?croesawu\s+gohebiaeth"
    r"|we\s+welcome\s+(?:correspondence|calls|communications?)\s+(?:in|through\s+the\s+medium"
    r"\s+of)\s+welsh))",
    re.IGNORECASE,
)
_DISCLAIMER_WORDS = re.compile(
    r"confidential|intended\s+(?:solely|only|for|recipient)|addressee|privileged"
    r"|in\s+error|virus|unauthori[sz]ed|originated\s+(?:from\s+)?outside"
    r"|gyfrinachol|derbynnydd|mewn\s+camgymeriad",
    re.IGNORECASE,
)
_DEVICE_WORDS = re.compile(
    r"i(?:phone|pad|pod|os)|android|outlook|mail|yahoo|samsung|galaxy|blackberry|huawei|xiaomi"
    r"|pixel|nokia|motorola|oneplus|mobile|phone|tablet|windows|proton|spark|app\b|device",
    re.IGNORECASE,
)
#: Closings so common in prose ("Best Value ...") that a name after them must be the sender's.
_WEAK = frozenset(("best",))
#: Words around a name in a signature: titles before it, letters after it.
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "cllr", "councillor", "cyng"}
    | {"cynghorydd", "sir", "dame", "lord", "lady", "rev", "revd", "hon", "rt"}
)
_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019\-]*\w)?")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


#: How every sign-off above starts, in lower case.  Only a fast gate (most lines are turned
#: away by their first two letters): the pattern decides.
_STARTS = (
    *("kind ", "kindest ", "best", "warm ", "warmest ", "many ", "fond ", "good ", "with "),
    *("regards", "wishes", "thanks", "thank you", "all the best", "cheers", "rgds", "kr", "bw"),
    *("sincerely", "respectfully", "take care", "yours", "cofion", "diolch", "gyda ", "yn gywir"),
    *("yn ddiffuant", "yr eiddoch", "dymuniadau gorau", "pob dymuniad", "pob hwyl", "hwyl"),
    *("sent ", "anfonwyd ", "get ", "this email", "this e-mail", "this message"),
    *("this communication", "this transmission", "the information", "the content"),
    *("important ", "legal ", "confidentiality", "notice", "disclaimer", "caution", "warning"),
    *("if you", "any views", "mae'r", "mae\u2019r", "os ", "please consider", "please think"),
    *("think before", "mae ", "croesawu", "rydym", "we welcome"),
)
_LEADING = "*#=~-_>[](){}!.:;'\"\u2022 \t"
#: Those beginnings by their first two letters: a line ``line`` may be a sign-off only if
#: ``line[:24].casefold()`` starts with one of ``SIGN_OFF_STARTS[its first two letters]`` (or
#: it does not start with a letter).
SIGN_OFF_STARTS: dict[str, tuple[str, ...]] = {}
for _start in _STARTS:
    SIGN_OFF_STARTS[_start[:2]] = (*SIGN_OFF_STARTS.get(_start[:2], ()), _start)


def may_sign_off(line: str) -> bool:
    """Whether a line starts like a sign-off at all (one dictionary lookup for most lines)."""
    if line == "--" or line == "__":
        return True
    if not line[0].isalpha():
        line = line.lstrip(_LEADING)  # "*** Disclaimer: ...", "** CONFIDENTIALITY NOTICE **"
        if not line or not line[0].isalpha():
            return False
    low = line[:24].casefold()
    starts = SIGN_OFF_STARTS.get(low[:2])
    return starts is not None and low.startswith(starts)


def sign_off(lines: Sequence[str], index: int, signer: Signer | None = None) -> str | None:
    """What kind of signature start ``lines[index]`` is, by its words, or ``None``.

    Returns ``"delimiter"``, ``"closing"``, ``"device"`` or ``"disclaimer"``.  A closing with a
    name ("Regards, David") is one when the name is written like one (capitalised) and the
    closing is not one that prose starts with ("Best Value ..."), or when the name is the
    ``signer``'s ("Best, Tom", "thanks jo").  ``lines`` are stripped of quote marks and space;
    the next two may hold the rest of a disclaimer's first sentence.
    """
    stripped = lines[index]
    if len(stripped) > 300 or not may_sign_off(stripped):
        return None
    match = _SIGN_OFF.match(stripped)
    if match is None:
        return None
    if match["delimiter"]:
        return "delimiter"
    if match["device"]:
        device = len(stripped) <= 80 and (
            stripped[:12].casefold() == "sent from my" or _DEVICE_WORDS.search(stripped)
        )
        return "device" if device else None
    if match["notice"]:
        return "disclaimer"
    if match["disclaimer"]:
        paragraph = " ".join(lines[index : index + 3])
        return "disclaimer" if _DISCLAIMER_WORDS.search(paragraph) else None
    if len(stripped) > 80:
        return None
    name = match["name"]
    if name is None:
        return "closing"
    words = [w for w in name.split() if w.casefold() not in ("x", "xx", "xxx")]
    if signer is not None and words and signer.is_name(" ".join(words)):
        return "closing"
    if match["closing"].casefold().split()[0] in _WEAK:
        return None
    if words and all(w[0].isupper() or w.casefold().strip(".") in HONORIFICS for w in words):
        return "closing"
    return None


def _plain(text: str) -> str:
    """Case and accents folded: "Siân" and "SIAN" are both "sian"."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_plain(_PARENTHESES.sub(" ", text)))


class Signer:
    """The sender of one reply, as a signature would name them."""

    def __init__(self, display_name: str | None, address: str | None = None) -> None:
        names: list[tuple[frozenset[str], str]] = []
        if display_name and "@" not in display_name:
            words = [w for w in _words(display_name) if w not in HONORIFICS]
            if words:
                # "Towers, Tom" is Outlook's way of writing Tom Towers.
                comma = display_name.split("(")[0].count(",") == 1
                first = words[1] if comma and len(words) >= 2 else words[0]
                names.append((frozenset(words), first))
        if not names and address and "@" in address:
            parts = re.split(r"[._\-]+", address.split("@", 1)[0].casefold())
            if 2 <= len(parts) <= 3 and all(len(p) >= 2 and p.isalpha() for p in parts):
                names.append((frozenset(parts), parts[0]))
        self.names = tuple(names)
        self.words = frozenset(w for name, _ in names for w in name)
        casefolded = (display_name or "").casefold().replace(",", " ").split()
        #: What a line naming the sender starts with (in lower case): a fast gate for named().
        self.starts = self.words | HONORIFICS | frozenset(casefolded)

    def __bool__(self) -> bool:
        return bool(self.names)

    def named(self, stripped: str) -> bool:
        """Whether the line is the sender's name ("Tom Towers", "Cllr Tom Towers OBE", "Tom")."""
        if len(stripped) > 60 or not stripped[0].isalpha() or stripped.count(" ") > 6:
            return False
        space = stripped.find(" ")
        head = (stripped if space < 0 else stripped[:space]).casefold().strip(",.:;")
        if head not in self.starts and (head.isascii() or _plain(head) not in self.starts):
            return False
        return self.is_name(stripped)

    def is_name(self, text: str) -> bool:
        """Whether ``text`` is the sender's name, part of it naming them, or their first name."""
        original = _PARENTHESES.sub(" ", text).split()
        # Letters after a name ("OBE", "CEO") are written in capitals; so may be a name itself.
        while len(original) > 1 and original[-1].strip(",.").isupper():
            if _plain(original[-1].strip(",.")) in self.words:
                break
            original.pop()
        words = [w for w in _words(" ".join(original)) if w not in HONORIFICS]
        if not words or len(words) > 4:
            return False
        present = set(words)
        for name, first in self.names:
            if present <= name and (first in present or len(present) >= 2 or present == name):
                return True
        return False
