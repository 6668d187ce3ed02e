"""Benchmark: importing and exporting forms, against merely reading the same files.

For Taking Stock and for a generated 1,000-question chained spec, each exported to XLSForm and
SurveyJS by ``surveykit export``'s own code, it times:

* export (spec to file) and import (file to a spec that loads), in forms/s and ms per question;
* the baselines, in the same run: reading the same workbook with openpyxl (``load_workbook`` and
  every cell, which the importer needs at least) and decoding the same JSON with ``json.loads``;

and imports every collected real form (``tests/interchange/forms``), imported or refused, as a
whole, in forms/s.  Peak memory is the process's.

Run: ``python benchmarks/interchange.py`` (about a minute) or ``--smoke`` (seconds).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import surveykit
from _common import best_time, parser, peak_rss_mb, report
from engine import chained_spec
from surveykit_interchange.api import detect, export_spec, import_form
from surveykit_interchange.building import ImportRefused

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "interchange" / "forms"


def read_workbook(data: bytes) -> int:
    """The least an XLSForm import does: open the workbook and read every cell."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    return cells


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    repeats = 1 if args.smoke else 5
    specs = {"Taking Stock": (ROOT / "specs" / "taking_stock.toml").read_text()}
    size = 100 if args.smoke else 1_000
    specs[f"{size}-question chained spec"] = chained_spec(size)
    closes = dt.date(2099, 12, 31)
    with tempfile.TemporaryDirectory() as folder:
        for name, text in specs.items():
            consultation = surveykit.loads_spec(text)
            count = len(consultation.questions)
            for format, suffix in (("xlsform", ".xlsx"), ("surveyjs", ".json")):
                form = Path(folder) / f"{name}{suffix}"
                data = export_spec(consultation, format)
                form.write_bytes(data)
                wrote = best_time(lambda c=consultation, f=format: export_spec(c, f), repeats)
                read = best_time(lambda f=form: import_form(f, closes=closes), repeats)
                if format == "xlsform":
                    baseline = best_time(lambda d=data: read_workbook(d), repeats)
                    what = "openpyxl reading every cell"
                else:
                    baseline = best_time(lambda d=data: json.loads(d), repeats)
                    what = "json.loads"
                label = f"{name}, {format}"
                report(f"{label}: export", wrote * 1000, "ms", f"{wrote * 1e6 / count:,.0f} us/q")
                report(f"{label}: import", read * 1000, "ms", f"{read * 1e6 / count:,.0f} us/q")
                report(f"{label}: baseline {what}", baseline * 1000, "ms")
                report(f"{label}: import / baseline", read / baseline, "ratio")
    forms = sorted(p for p in FORMS.rglob("*") if p.is_file() and p.suffix != ".md")
    forms = [p for p in forms if p.parent.name != "licences"]
    for path in forms:
        detect(path, path.read_bytes())

    def every_form() -> None:
        for path in forms:
            with contextlib.suppress(ImportRefused):
                import_form(path, closes=closes)

    took = best_time(every_form, repeats)
    report(
        f"the {len(forms)} collected real forms, imported or refused", len(forms) / took, "forms/s"
    )
    report("peak resident memory of the benchmark process", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
