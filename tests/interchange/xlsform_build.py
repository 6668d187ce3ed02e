"""Small XLSForm spreadsheets written with openpyxl, for the importer's tests.

``xlsx(tmp_path, survey=[header, *rows], choices=..., settings=...)`` writes a workbook with
those sheets (in that order, or as ``sheets`` gives them) and returns its path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

Rows = Sequence[Sequence[Any]]


def xlsx(
    folder: Path,
    *,
    survey: Rows | None = None,
    choices: Rows | None = None,
    settings: Rows | None = None,
    sheets: Sequence[tuple[str, Rows]] = (),
    name: str = "form.xlsx",
) -> Path:
    """A workbook holding the sheets given; ``sheets`` (name, rows) come first, in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    named = [*sheets]
    for sheet_name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is not None:
            named.append((sheet_name, rows))
    for sheet_name, rows in named:
        sheet = book.create_sheet(sheet_name)
        for row in rows:
            sheet.append(list(row))
    path = folder / name
    book.save(path)
    return path
