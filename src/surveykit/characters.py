"""Which characters stored text may hold: the one rule every channel and every store shares.

Control characters (Unicode category Cc: U+0000 to U+001F, U+007F to U+009F) and lone UTF-16
surrogates are refused wherever text enters: answers, a roster's or a self-service form's
details, and a spec's strings.  Nobody types them on purpose, some stores cannot keep them
(PostgreSQL refuses U+0000 outright, SQLite keeps it), and a surrogate cannot be written as
UTF-8 at all.  Refusing them up front, with a message naming the field, means every store keeps
the same text and nothing fails half-way through a write.

Free text keeps its layout: tab, line feed and carriage return are allowed where text may run
over several lines (a text answer, a spec's intro), and refused in one-line fields (a name).
"""

from __future__ import annotations

import functools
import re

__all__ = ["CONTROL_CODE", "MARK", "SHORT", "first_control", "may_hold_control"]

#: The problem code for text holding a character it may not, in every family of problems.
CONTROL_CODE = "control_character"

_IN_TEXT = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
_IN_LINE = "[\x00-\x1f\x7f-\x9f\ud800-\udfff]"
#: The one-byte characters text may not hold (layout allowed), as UTF-8 bytes.
_REFUSED_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
#: A ``bytes.translate`` table turning each of those bytes into 0 and every other byte into 1.
MARK = bytes(0 if b in _REFUSED_BYTES else 1 for b in range(256))
#: Up to this length ``str.isprintable`` is the quicker first test; beyond it, the bytes are.
SHORT = 32


def may_hold_control(text: str) -> bool:
    """``False`` when ``text`` certainly holds nothing refused (tab and line breaks allowed);
    ``True`` means "look closer" with :func:`first_control`.

    Decided in C, several times quicker than a regular expression or ``str.isprintable``: every
    answer on every channel comes here.  In UTF-8, U+0080 to U+009F start with byte C2 and a lone
    surrogate (written with ``surrogatepass``) with ED, so either sends the text to the closer
    look, as do the ordinary characters that share those lead bytes.  The engine writes this test
    into its generated check; keep the two alike.
    """
    data = text.encode("utf-8", "surrogatepass")
    return 0xC2 in data or 0xED in data or 0 in data.translate(MARK)


def first_control(text: str, *, multiline: bool = True) -> str | None:
    """The first character ``text`` may not hold, written ``U+0000``; ``None`` when it is clean.

    ``multiline`` allows tab, line feed and carriage return.  The character is named by its
    code, never shown, so a message quoting it cannot carry it on into a log or a store.
    """
    if not (may_hold_control(text) if multiline else not text.isprintable()):
        return None
    found = _refused(multiline).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


@functools.cache
def _refused(multiline: bool) -> re.Pattern[str]:
    """The characters text may not hold, compiled when first needed: nearly every text is
    cleared by :func:`may_hold_control` alone, and compiling costs every start (issue 20)."""
    return re.compile(_IN_TEXT if multiline else _IN_LINE)
