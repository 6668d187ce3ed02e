"""Import a form file as a spec, and export a spec as a form file: the entry points the
``surveykit import`` and ``surveykit export`` commands (and embedding code) call.

Each format has a reader, ``read(data, file=..., plugins=...) -> Reading``, which fills a
:class:`~.building.SpecBuilder`, and (XLSForm and SurveyJS) a writer,
``write(consultation, plugins=...) -> bytes``, which raises :class:`ExportRefused`.  Readers
and writers are imported only when their format is used, so importing a SurveyJS form never
loads openpyxl.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import zipfile
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from attrs import frozen

from surveykit import Consultation
from surveykit.errors import SurveykitError
from surveykit.interchange import Localised

from .building import Imported, ImportProblem, ImportRefused, SpecBuilder

__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_NAMES",
    "IMPORT_FORMATS",
    "ExportRefused",
    "Reading",
    "UnknownFormat",
    "detect",
    "export_spec",
    "import_form",
]

FORMAT_NAMES = {"xlsform": "XLSForm", "surveyjs": "SurveyJS", "limesurvey": "LimeSurvey"}
#: The module reading each format, and writing it (LimeSurvey is read only).
IMPORT_FORMATS = {
    "xlsform": "surveykit_interchange.xlsform_read",
    "surveyjs": "surveykit_interchange.surveyjs_read",
    "limesurvey": "surveykit_interchange.limesurvey_read",
}
EXPORT_FORMATS = {
    "xlsform": "surveykit_interchange.xlsform_write",
    "surveyjs": "surveykit_interchange.surveyjs_write",
}


@frozen
class Reading:
    """What a reader found: the filled builder and the form's own id, title and introduction."""

    builder: SpecBuilder
    id: str
    title: Localised
    introduction: Localised | None = None


class UnknownFormat(SurveykitError):
    """The file is none of the formats surveykit reads, or not the one named."""


class ExportRefused(SurveykitError):
    """The spec holds what the format cannot say: every problem, in spec order, as
    ``question q3: ...`` lines."""

    def __init__(self, file: str, format: str, problems: Sequence[str]) -> None:
        self.file = file
        self.format = format
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        name = FORMAT_NAMES.get(self.format, self.format)
        return "\n".join(f"{self.file}: {p} (cannot be written as {name})" for p in self.problems)


def detect(path: Path, data: bytes) -> str:
    """The format of a form file, from its content (its name only breaks ties)."""
    if data.startswith(b"PK") and zipfile.is_zipfile(BytesIO(data)):
        names = zipfile.ZipFile(BytesIO(data)).namelist()
        if any(n.startswith("xl/") for n in names):
            return "xlsform"
        raise UnknownFormat(f"{path.name}: a zip file that is not an .xlsx spreadsheet")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnknownFormat(
            f"{path.name}: an old Excel .xls file; save it as .xlsx (Excel 2007 or later) first"
        )
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:4096]
    if head.startswith((b"{", b"[")):
        try:
            json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise UnknownFormat(f"{path.name}: looks like JSON but does not parse: {exc}") from None
        return "surveyjs"
    if head.startswith(b"<") and b"LimeSurveyDocType" in data[:20000]:
        return "limesurvey"
    first_line = head.split(b"\n", 1)[0]
    if b"\t" in first_line and b"class" in first_line.split(b"\t"):
        return "limesurvey"
    raise UnknownFormat(
        f"{path.name}: not a form surveykit can read; give an XLSForm (.xlsx), a SurveyJS "
        "form (.json) or a LimeSurvey survey structure (.txt/.tsv tab-separated, or .lss), "
        "or name the format with --from"
    )


def import_form(
    path: str | Path,
    *,
    format: str | None = None,
    partial: bool = False,
    publisher: str = "",
    closes: dt.date | None = None,
    source: str = "<import>",
    plugins: Any = None,
) -> Imported:
    """Read the form at ``path`` as a spec: :class:`~.building.Imported`, or
    :class:`~.building.ImportRefused` listing everything surveykit cannot represent.

    ``closes`` defaults to twelve weeks from today (a form file has no closing date); the
    header comment says so.  ``source`` names the spec being written, for messages.
    """
    path = Path(path)
    data = path.read_bytes()
    format = format or detect(path, data)
    if format not in IMPORT_FORMATS:
        raise UnknownFormat(f"cannot import {format!r}: choose one of {sorted(IMPORT_FORMATS)}")
    reader = importlib.import_module(IMPORT_FORMATS[format])
    reading: Reading = reader.read(data, file=path.name, plugins=plugins)
    builder = reading.builder
    if closes is None:
        closes = dt.date.today() + dt.timedelta(weeks=12)
        builder.adapt(
            f"closes: the form gives no closing date, so {closes.isoformat()} (twelve weeks "
            "from the import) was written; set the real one"
        )
    if not publisher:
        builder.adapt("publisher: the form does not say who runs it; fill it in")
    return builder.build(
        id=reading.id,
        title=reading.title,
        publisher=publisher,
        closes=closes,
        partial=partial,
        introduction=reading.introduction,
        source=source,
    )


def export_spec(
    consultation: Consultation, to: str, *, file: str = "<export>", plugins: Any = None
) -> bytes:
    """``consultation`` written as a ``to`` form file, or :class:`ExportRefused`."""
    if to not in EXPORT_FORMATS:
        raise UnknownFormat(f"cannot export to {to!r}: choose one of {sorted(EXPORT_FORMATS)}")
    writer = importlib.import_module(EXPORT_FORMATS[to])
    return writer.write(consultation, file=file, plugins=plugins)


__all__ += ["ImportProblem", "ImportRefused", "Imported"]
