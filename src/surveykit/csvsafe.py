"""CSV files that are safe to open in a spreadsheet: every CSV surveykit writes goes through here.

Officers open links files and reports in Excel or LibreOffice, and a spreadsheet reads a cell
that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return or U+0000) as a
formula: a roster row or an answer holding ``=HYPERLINK("https://evil.example", "Click")``
would become a live link, or worse.  As OWASP's CSV injection guidance advises, such a text
cell is written with a leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets read as
"this is text" and do not show.  Only text is changed: numbers are written as numbers, so a
count of ``-1`` stays a number.  A program reading the file sees the apostrophe, and can take
it off any cell that starts with ``'`` followed by one of those characters.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "SafeWriter", "safe_cell", "writer"]

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r\0")


def safe_cell(value: Any) -> Any:
    """``value``, with an apostrophe before it if it is text a spreadsheet would run."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


class SafeWriter:
    """A ``csv.writer`` whose every text cell passes through :func:`safe_cell`."""

    def __init__(self, handle: Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: Any, **options: Any) -> SafeWriter:
    """Like :func:`csv.writer`, for a file someone may open in a spreadsheet."""
    return SafeWriter(handle, **options)
