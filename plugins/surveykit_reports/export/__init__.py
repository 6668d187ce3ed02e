"""Writing a built :class:`~surveykit_reports.model.Report` to files: JSON, CSV, HTML, or any
format a plugin registers with ``surveykit_register_exporters``.

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

from attrs import frozen

from surveykit import Plugins, SurveykitError, get_plugins

from ..model import Report
from ..words import Words, english

__all__ = [
    "BUILT_IN",
    "INTERNAL_MARK",
    "SUPPRESSED_MARKER",
    "ExportError",
    "Exporter",
    "check_target",
    "exporter_for",
    "internal_mark",
    "suppression_note",
    "write_report",
]

#: Printed on every internal report, in every format (in its language: :func:`internal_mark`).
INTERNAL_MARK = "INTERNAL — contains identities, do not publish"
#: What a suppressed count shows in the HTML page and the notes of every format ("c" for
#: confidential, as in the UK Government Statistical Service's guidance on symbols in tables).
SUPPRESSED_MARKER = "[c]"


class ExportError(SurveykitError):
    """A report could not be written (the target exists, or the file system refused)."""


def internal_mark(say: Words | None = None) -> str:
    """:data:`INTERNAL_MARK` in the report's language."""
    return (say or english()).gettext("INTERNAL — contains identities, do not publish")


def suppression_note(threshold: int, say: Words | None = None) -> str:
    """The sentence explaining the marker, with the threshold used (in the language of
    ``say``, English by default)."""
    return (
        (say or english())
        .ngettext(
            "{marker} marks a count that is not published.  It may be any number, zero "
            "included: a figure of fewer than {k} respondents or authorities, or one hidden as "
            "well so that no such figure can be worked out from everything published, in this "
            "report or an earlier one.",
            "{marker} marks a count that is not published.  It may be any number, zero "
            "included: a figure of fewer than {k} respondents or authorities, or one hidden as "
            "well so that no such figure can be worked out from everything published, in this "
            "report or an earlier one.",
            threshold,
        )
        .format(marker=SUPPRESSED_MARKER, k=threshold)
    )


@frozen
class Exporter:
    """One report format, as ``surveykit_register_exporters`` registers it.

    ``write(report, path)`` writes the finished :class:`~surveykit_reports.model.Report` to
    ``path`` (a temporary name that :func:`write_report` then moves into place): a file, or with
    ``folder`` a folder of files.  ``description`` finishes "Wrote the report ... as ...".
    ``languages`` says whether one file holds a report in several languages (its
    ``alternates``, ``surveykit report --lang both``); otherwise the command asks for one."""

    name: str
    description: str
    write: Callable[[Report, Path], None]
    folder: bool = False
    languages: bool = False


def _json(report: Report, path: Path) -> None:
    from .as_json import write_json

    write_json(report, path)


def _csv(report: Report, path: Path) -> None:
    from .as_csv import write_csv

    write_csv(report, path)


def _html(report: Report, path: Path) -> None:
    from .as_html import write_html

    write_html(report, path)


#: The built-in formats; they register through the hook like any plugin's.
BUILT_IN = (
    Exporter("json", "JSON", _json, languages=True),
    Exporter("csv", "CSV files", _csv, folder=True),
    Exporter("html", "a self-contained HTML page", _html, languages=True),
)


def exporter_for(fmt: str, plugins: Plugins | None = None) -> Exporter:
    """The registered exporter for format ``fmt``, or :class:`ExportError` naming the known ones."""
    exporters = (plugins or get_plugins()).exporters
    exporter = exporters.get(fmt)
    if exporter is None:
        known = ", ".join(sorted(exporters))
        raise ExportError(f"unknown report format {fmt!r}; choose one of {known}")
    return exporter


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


def write_report(
    report: Report, fmt: str, out: Path, *, force: bool = False, plugins: Plugins | None = None
) -> Path:
    """Write ``report`` as ``fmt`` to ``out``; an existing ``out`` is replaced only with ``force``.

    ``fmt`` names a registered exporter (``json``, ``csv``, ``html`` or a plugin's).  The report
    is written beside ``out`` under a temporary name and moved into place at the end.
    """
    exporter = exporter_for(fmt, plugins)
    out = Path(out)
    parent = check_target(out, force=force)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise ExportError(f"cannot write in {parent}: {exc.strerror}") from None
    try:
        staged = scratch / out.name
        exporter.write(report, staged)
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
