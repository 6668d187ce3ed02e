"""Where things are in a TOML file: a key path to the line it was written on.

``tomllib`` decodes values but forgets positions, and good spec errors need them.  This scanner
walks TOML text and records the line of every table header, key and array element, keyed by path,
e.g. ``("sections", 0, "questions", 2, "shown_if")``.  It is written for text ``tomllib`` has
accepted; on text it rejected it stops quietly, keeping what it found, and also notes a key given
twice and where an unclosed string or bracket began, which ``tomllib`` does not always say.
:func:`explain_syntax_error` uses that to put ``tomllib``'s complaints in plain words.
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import re
import tomllib
from collections.abc import Sequence

__all__ = ["Locator", "explain_syntax_error", "too_deep"]

Path = tuple[str | int, ...]
_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Stop(Exception):
    """The text is not TOML the scanner understands; keep what was found so far."""


class Locator:
    """Line numbers (1-based) for the key paths of one TOML document.

    ``lines`` maps each path to the line it first appears on; a dotted key or header also
    locates its implied parent tables.  ``duplicates`` lists ``(path, first line, repeat line)``
    for each key or ``[table]`` written twice; ``unclosed`` is the line on which a string, array
    or inline table that never ends was opened.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._scanned = False

    def _scan(self) -> None:
        """Scan the document once, when a position is first asked for: a spec that loads
        without a problem or warning never needs one, so it never pays for the scan."""
        if self._scanned:
            return
        self._scanned = True
        text = self.text
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self._lines: dict[Path, int] = {}
        self._duplicates: list[tuple[Path, int, int]] = []
        self._unclosed: int | None = None
        self._explicit: set[Path] = set()
        self._aot: dict[Path, int] = {}
        self._i = 0
        with contextlib.suppress(IndexError, _Stop):  # text tomllib rejected: keep what we have
            self._document()

    @property
    def lines(self) -> dict[Path, int]:
        self._scan()
        return self._lines

    @property
    def duplicates(self) -> list[tuple[Path, int, int]]:
        self._scan()
        return self._duplicates

    @property
    def unclosed(self) -> int | None:
        self._scan()
        return self._unclosed

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest located ancestor."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def _line_at(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def _mark(self, path: Path, pos: int, implied: int = 0) -> None:
        """Record ``path`` at ``pos``, and the ``implied`` parent tables a dotted name creates."""
        line = self._line_at(pos)
        for cut in range(len(path) - implied, len(path)):
            self._lines.setdefault(path[:cut], line)
        if path in self._explicit:
            self._duplicates.append((path, self._lines[path], line))
        self._explicit.add(path)
        self._lines.setdefault(path, line)

    def _opened(self, pos: int) -> None:
        """Note where an unfinished construct began; the innermost one is the useful one."""
        if self._unclosed is None:
            self._unclosed = self._line_at(pos)

    # scanning -----------------------------------------------------------------------------

    def _peek(self, n: int = 1) -> str:
        return self.text[self._i : self._i + n]

    def _skip(self, newlines: bool) -> None:
        text = self.text
        while self._i < len(text):
            ch = text[self._i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self._i += 1
            elif ch == "#":
                end = text.find("\n", self._i)
                self._i = len(text) if end < 0 else end
            else:
                return

    def _document(self) -> None:
        table: Path = ()
        while True:
            self._skip(newlines=True)
            if self._i >= len(self.text):
                return
            start = self._i
            if self._peek(2) == "[[":
                self._i += 2
                table = self._header(self._key("]"), start, array=True)
                self._i += 2
            elif self._peek() == "[":
                self._i += 1
                table = self._header(self._key("]"), start, array=False)
                self._i += 1
            else:
                self._key_value(table)

    def _header(self, keys: list[str], pos: int, array: bool) -> Path:
        """Resolve a ``[a.b]`` or ``[[a.b]]`` header to a path, indexing arrays of tables."""
        path: Path = ()
        for n, key in enumerate(keys):
            path = (*path, key)
            if array and n == len(keys) - 1:
                index = self._aot.get(path, 0)
                self._aot[path] = index + 1
                path = (*path, index)
            elif path in self._aot:
                path = (*path, self._aot[path] - 1)
        self._mark(path, pos, implied=len(path) - 1)
        return path

    def _key_value(self, table: Path) -> None:
        start = self._i
        keys = self._key("=")
        path = table + tuple(keys)
        self._mark(path, start, implied=len(keys) - 1)
        self._i += 1
        self._value(path)

    def _key(self, terminator: str) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip(newlines=False)
            ch = self._peek()
            if ch in "\"'" and ch:
                keys.append(_decode_key(self._string()))
            else:
                start = self._i
                while self._i < len(self.text) and self.text[self._i] in _BARE:
                    self._i += 1
                if self._i == start:
                    raise _Stop
                keys.append(self.text[start : self._i])
            self._skip(newlines=False)
            if self._peek() == ".":
                self._i += 1
                continue
            if self._peek() == terminator:
                return keys
            raise _Stop

    def _value(self, path: Path) -> None:
        self._skip(newlines=False)
        ch = self._peek()
        start = self._i
        try:
            if ch == "[":
                self._array(path)
            elif ch == "{":
                self._inline_table(path)
            elif ch in "\"'" and ch:
                self._string()
            else:
                while self._i < len(self.text) and self.text[self._i] not in ",]}\n#":
                    self._i += 1
        except IndexError:
            if ch and ch in "[{":
                self._opened(start)
            raise

    def _array(self, path: Path) -> None:
        self._i += 1
        index = 0
        while True:
            self._skip(newlines=True)
            if self._peek() == "]":
                self._i += 1
                return
            if self._i >= len(self.text):
                raise IndexError("unclosed array")
            before = self._i
            self._mark((*path, index), self._i)
            self._value((*path, index))
            index += 1
            self._skip(newlines=True)
            if self._peek() == ",":
                self._i += 1
            elif self._i == before:
                raise _Stop

    def _inline_table(self, path: Path) -> None:
        self._i += 1
        while True:
            # TOML 1.0 keeps inline tables on one line; allowing newlines costs nothing (1.1).
            self._skip(newlines=True)
            if self._peek() == "}":
                self._i += 1
                return
            if self._i >= len(self.text):
                raise IndexError("unclosed inline table")
            self._key_value(path)
            self._skip(newlines=True)
            if self._peek() == ",":
                self._i += 1

    def _string(self) -> str:
        text, start = self.text, self._i
        quote = text[start]
        try:
            if text.startswith(quote * 3, start):
                end = self._multiline_end(start + 3, quote)
            else:
                end = start + 1
                while text[end] != quote:
                    if text[end] == "\n":
                        raise IndexError("string runs past the end of its line")
                    end += 2 if quote == '"' and text[end] == "\\" else 1
                end += 1
        except IndexError:
            self._opened(start)
            raise
        self._i = end
        return text[start:end]

    def _multiline_end(self, end: int, quote: str) -> int:
        text = self.text
        while True:
            if end >= len(text):
                raise IndexError("unterminated multi-line string")
            if quote == '"' and text[end] == "\\":
                end += 2
                continue
            if text.startswith(quote * 3, end):
                end += 3
                while end < len(text) and text[end] == quote:  # up to two quotes may close it
                    end += 1
                return end
            end += 1


# nesting ------------------------------------------------------------------------------------

#: Strings and comments (whose brackets do not count), brackets, and line ends.
_NESTING_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}\n]',
    re.DOTALL,
)


def too_deep(text: str, limit: int) -> int | None:
    """The line on which arrays and inline tables first nest more than ``limit`` deep, if any.

    ``tomllib`` (and the :class:`Locator`) read nested values by recursion, so a value nested a
    few hundred deep exhausts Python's stack before either can say where it is.  This counts
    brackets outside strings and comments without recursing, and is meant to run first.  A
    ``[table]`` header counts as one level, a ``[[table]]`` header as two, while it is open.
    """
    depth = 0
    line = 1
    for token in _NESTING_TOKENS.finditer(text):
        found = token.group()
        first = found[0]
        if first in "[{":
            depth += 1
            if depth > limit:
                return line
        elif first in "]}":
            depth = max(depth - 1, 0)
        elif first == "\n":
            line += 1
        elif first in "\"'":
            line += found.count("\n")
    return None


# syntax errors ------------------------------------------------------------------------------

#: tomllib's messages (as regular expressions) and plainer words to show instead.  ``{0}`` is
#: the first group of the match, made readable by :func:`_readable`.
_TOML_MESSAGES = (
    (r"Invalid value", 'a value is missing or not valid; text must be in quotes, e.g. "yes"'),
    (r"Unterminated string", "a string is not closed; check its closing quotes"),
    (
        r"Illegal character '\\n'|Found invalid character '\\n'",
        "a string or quoted key runs past the end of its line; close its quotes, or use "
        'triple quotes (""") for text over several lines',
    ),
    (r"(?:Illegal|Found invalid) character (.*)", "{0} is not allowed here"),
    (
        r"Invalid date or datetime",
        "not a real date or time; write dates as 2015-03-13 and times as 2015-03-13T17:00:00",
    ),
    (
        r"Expected newline or end of document after a statement",
        "unexpected text after a value; put each key = value on a line of its own",
    ),
    (r"Invalid statement", "this line is neither key = value nor a [table] header"),
    (r"Unclosed array", "an array [ ... ] is not closed with ]"),
    (r"Unclosed inline table", "an inline table { ... } is not closed with }"),
    (
        r"Invalid initial character for a key part",
        "a key was expected here; note that an inline table { ... } must stay on one line",
    ),
    (
        r"Expected '=' after a key in a key/value pair",
        "expected '=' after a key; a key with spaces in it must be in quotes",
    ),
    (r"Expected '\]\]' at the end of an array declaration", "a [[table]] header is not closed"),
    (r"Expected '\]' at the end of a table declaration", "a [table] header is not closed"),
    (r"Cannot declare (\(.*\)) twice", "the table [{0}] is declared twice"),
    (r"Cannot (?:mutate immutable|redefine) namespace (.*)", "the table [{0}] is already defined"),
    (r"Duplicate inline table key (.*)", "the key {0} is given twice in one inline table"),
    (
        r"Unescaped '\\' in a string",
        r"a \ in a string must be written \\, or the string put in single quotes",
    ),
    (
        r"Invalid hex value|Escaped character is not a Unicode scalar value",
        r"a \u escape in a string is not valid",
    ),
    (r"Expected (.*)", "expected {0} here"),
)

#: tomllib reports an unclosed construct where it gave up; the Locator knows where it began.
_UNCLOSED = {
    "Unterminated string": "a string that starts on this line is not closed; check its quotes",
    "Unclosed array": "an array [ ... ] that starts on this line is not closed with ]",
    "Unclosed inline table": "an inline table { ... } that starts on this line is not closed",
}


def explain_syntax_error(
    exc: tomllib.TOMLDecodeError, text: str
) -> tuple[str, int | None, int | None]:
    """tomllib's complaint in plain words, with the line (and column) that it is about.

    tomllib's words are written for programmers, and for an unclosed string or a repeated key
    it points at the end of the file; a spec author needs the line where the trouble starts.
    """
    message = str(exc)
    line = column = None
    if match := re.search(r"\s*\(at line (\d+), column (\d+)\)", message):
        line, column = int(match[1]), int(match[2])
        message = message[: match.start()]
    elif match := re.search(r"\s*\(at end of document\)", message):
        message = message[: match.start()]
    locator = Locator(text)
    if message == "Cannot overwrite a value" and locator.duplicates:
        path, first, again = locator.duplicates[0]
        earlier = f" (first on line {first})" if first != again else ""
        message = f"the key {path[-1]!r} is set twice in one table{earlier}"
        line, column = again, None
    elif message in _UNCLOSED and locator.unclosed is not None:
        message = _UNCLOSED[message]
        line, column = locator.unclosed, None
    else:
        message = _plain_toml_message(message)
        if line is None:
            line = locator.unclosed or text.rstrip().count("\n") + 1
    return message, line, column


def _plain_toml_message(message: str) -> str:
    for pattern, plain in _TOML_MESSAGES:
        if match := re.fullmatch(pattern, message):
            # Not str.format: the plain words hold braces, as in "an inline table { ... }".
            return plain.replace("{0}", _readable(match[1])) if match.groups() else plain
    return message[:1].lower() + message[1:]


def _readable(literal: str) -> str:
    """A Python literal from tomllib's message as words: "('a', 'b')" is "a.b", "'\\t'" a tab."""
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return literal
    if isinstance(value, tuple):
        return ".".join(map(str, value))
    if isinstance(value, str) and len(value) == 1 and not value.isprintable():
        return "a tab" if value == "\t" else f"the invisible character U+{ord(value):04X}"
    return repr(value)


def _decode_key(quoted: str) -> str:
    """The key a quoted key stands for; basic strings may hold escapes such as ``\\"``."""
    if quoted[0] == "'" or "\\" not in quoted:
        return quoted[1:-1]
    try:
        return tomllib.loads(f"k = {quoted}")["k"]
    except tomllib.TOMLDecodeError:
        raise _Stop from None
