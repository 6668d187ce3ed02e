"""Writing a built :class:`~surveykit_reports.model.Report` to files: JSON, CSV and HTML.

Exporters write exactly what the report holds: disclosure control has already happened in
:func:`~surveykit_reports.build.build_report`.  What they add is presentation, the suppression
marker, and the INTERNAL marking on internal reports, which every format carries.  Each writes
to a temporary name beside the target and renames it into place, so an interrupted run never
leaves half a report where a finished one was expected.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from surveykit import SurveykitError

from ..model import Report

__all__ = [
    "FORMATS",
    "INTERNAL_MARK",
    "SUPPRESSED_MARKER",
    "ExportError",
    "check_target",
    "suppression_note",
    "write_report",
]

#: Printed on every internal report, in every format.
INTERNAL_MARK = "INTERNAL — contains identities, do not publish"
#: What a suppressed count shows in the HTML page and the notes of every format ("c" for
#: confidential, as in the UK Government Statistical Service's guidance on symbols in tables).
SUPPRESSED_MARKER = "[c]"


class ExportError(SurveykitError):
    """A report could not be written (the target exists, or the file system refused)."""


def suppression_note(threshold: int) -> str:
    """The sentence explaining the marker, with the threshold used."""
    return (
        f"{SUPPRESSED_MARKER} marks a count that is not published: either fewer than "
        f"{threshold} respondents or authorities, or a figure hidden as well so that such a "
        "small count cannot be worked out by subtracting from the totals."
    )


def _json(report: Report, path: Path) -> None:
    from .as_json import write_json

    write_json(report, path)


def _csv(report: Report, path: Path) -> None:
    from .as_csv import write_csv

    write_csv(report, path)


def _html(report: Report, path: Path) -> None:
    from .as_html import write_html

    write_html(report, path)


#: Format name -> writer.  ``csv`` writes a folder of CSV files; the others one file.
FORMATS: dict[str, Callable[[Report, Path], None]] = {"json": _json, "csv": _csv, "html": _html}


def check_target(out: Path, *, force: bool = False) -> Path:
    """The folder ``out`` will be written in, or :class:`ExportError` if it cannot be.

    Commands call this before the slow part, so a mistake is reported at once.
    """
    if out.exists() and not force:
        raise ExportError(f"{out} already exists; choose another --out or add --force")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"cannot write {out}: the folder {parent} does not exist")
    return parent


def write_report(report: Report, fmt: str, out: Path, *, force: bool = False) -> Path:
    """Write ``report`` as ``fmt`` to ``out``; an existing ``out`` is replaced only with ``force``.

    The report is written beside ``out`` under a temporary name and moved into place at the end.
    """
    if fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ExportError(f"unknown report format {fmt!r}; choose one of {known}")
    out = Path(out)
    parent = check_target(out, force=force)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise ExportError(f"cannot write in {parent}: {exc.strerror}") from None
    try:
        staged = scratch / out.name
        FORMATS[fmt](report, staged)
        _replace(staged, out)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def _replace(staged: Path, out: Path) -> None:
    """Move ``staged`` to ``out``, replacing a file or a folder that was there."""
    if out.is_dir() and not out.is_symlink():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        staged.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        if staged.is_dir() and out.exists():
            out.unlink()
        os.replace(staged, out)
