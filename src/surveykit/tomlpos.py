"""Where things are in a TOML file: a key path to the line it was written on.

``tomllib`` decodes values but forgets positions, and good spec errors need them.  This scanner
walks text that ``tomllib`` has already accepted and records the line of every table header,
key and array element, keyed by path, e.g. ``("sections", 0, "questions", 2, "shown_if")``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

__all__ = ["Locator"]

Path = tuple[str | int, ...]
_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class Locator:
    """Line numbers (1-based) for the key paths of one TOML document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self.lines: dict[Path, int] = {}
        self._aot: dict[Path, int] = {}
        self._i = 0
        try:
            self._document()
        except IndexError:  # truncated input: keep what was found
            pass

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

    def _mark(self, path: Path, pos: int) -> None:
        self.lines.setdefault(path, self._line_at(pos))

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
                table = self._resolve(self._key("]"), start, array=True)
                self._i += 2
            elif self._peek() == "[":
                self._i += 1
                table = self._resolve(self._key("]"), start, array=False)
                self._i += 1
            else:
                keys = self._key("=")
                self._mark(table + tuple(keys), start)
                self._i += 1
                self._value(table + tuple(keys))

    def _resolve(self, keys: list[str], pos: int, array: bool) -> Path:
        path: Path = ()
        for n, key in enumerate(keys):
            path = (*path, key)
            last = n == len(keys) - 1
            if array and last:
                index = self._aot.get(path, 0)
                self._aot[path] = index + 1
                path = (*path, index)
            elif path in self._aot:
                path = (*path, self._aot[path] - 1)
        self._mark(path, pos)
        return path

    def _key(self, terminator: str) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip(newlines=False)
            ch = self._peek()
            if ch in "\"'":
                keys.append(self._string()[1:-1])
            else:
                start = self._i
                while self._i < len(self.text) and self.text[self._i] in _BARE:
                    self._i += 1
                keys.append(self.text[start : self._i])
            self._skip(newlines=False)
            if self._peek() == ".":
                self._i += 1
                continue
            if self._peek() == terminator:
                return keys
            raise IndexError("unexpected key syntax")

    def _value(self, path: Path) -> None:
        self._skip(newlines=False)
        ch = self._peek()
        if ch == "[":
            self._i += 1
            index = 0
            while True:
                self._skip(newlines=True)
                if self._peek() == "]":
                    self._i += 1
                    return
                self._mark((*path, index), self._i)
                self._value((*path, index))
                index += 1
                self._skip(newlines=True)
                if self._peek() == ",":
                    self._i += 1
        elif ch == "{":
            self._i += 1
            while True:
                self._skip(newlines=False)
                if self._peek() == "}":
                    self._i += 1
                    return
                start = self._i
                keys = self._key("=")
                self._mark(path + tuple(keys), start)
                self._i += 1
                self._value(path + tuple(keys))
                self._skip(newlines=False)
                if self._peek() == ",":
                    self._i += 1
        elif ch in "\"'":
            self._string()
        else:
            while self._i < len(self.text) and self.text[self._i] not in ",]}\n#":
                self._i += 1

    def _string(self) -> str:
        text, start = self.text, self._i
        quote = text[start]
        if text.startswith(quote * 3, start):
            end = start + 3
            while True:
                if quote == '"' and text[end] == "\\":
                    end += 2
                    continue
                if text.startswith(quote * 3, end):
                    end += 3
                    while end < len(text) and text[end] == quote:  # up to two quotes may close it
                        end += 1
                    break
                end += 1
        else:
            end = start + 1
            while text[end] != quote:
                end += 2 if quote == '"' and text[end] == "\\" else 1
            end += 1
        self._i = end
        return text[start:end]
