"""The report as one JSON document: tidy, with one record per table cell.

Shape (documented with an example in docs/reports.md): top-level facts about the report, then
``tables``, ``coverage`` and ``timeline`` as tables whose ``cells`` are a flat list of
``{row, column, count, suppressed, percent}`` records, then ``digests`` of quotable free text.
A suppressed count is ``null`` with ``"suppressed": true``; public files never say whether a
cell was suppressed for being small or to protect another, since that would point at the small
ones.  An internal report carries ``"marking"`` and its ``identities``.

``language`` says which language its words are in.  Only words change from one language to
another: every ``title``, ``text``, ``label``, ``row_label``, ``column_label``, ``notes``,
``marking``, ``suppressed_note`` and a quartile's range (``value`` of the ``range`` column);
every id, ``value``, ``row``, ``column``, ``aggregator``, ``unit``, figure and quote is the same.
A report in several languages is the first one's document with ``translations``: the same
document in each other language, by tag.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import Cell, Digest, Report, Summary, Table
from . import SUPPRESSED_MARKER, internal_mark, suppression_note

__all__ = ["FORMAT", "FORMAT_VERSION", "to_json", "write_json"]

FORMAT = "surveykit-report"
FORMAT_VERSION = 2
#: The row or column value of a total in the flat cell lists.
TOTAL = "_total"


def cell_record(cell: Cell) -> dict[str, Any]:
    return {"count": cell.count, "suppressed": not cell.shown, "percent": cell.percent}


def table_record(table: Table) -> dict[str, Any]:
    """A table as plain data: headings, then one record per cell including the totals."""
    cells = []
    for row, values in zip(table.rows, table.cells, strict=True):
        for column, cell in zip(table.columns, values, strict=True):
            cells.append({"row": row.value, "column": column.value, **cell_record(cell)})
    for row, cell in zip(table.rows, table.row_totals, strict=True):
        cells.append({"row": row.value, "column": TOTAL, **cell_record(cell)})
    for column, cell in zip(table.columns, table.column_totals, strict=True):
        cells.append({"row": TOTAL, "column": column.value, **cell_record(cell)})
    cells.append({"row": TOTAL, "column": TOTAL, **cell_record(table.grand_total)})
    return {
        "id": table.id,
        "title": table.title,
        "aggregator": table.aggregator,
        "question": table.question,
        "unit": table.unit,
        "row_label": table.row_label,
        "column_label": table.column_label,
        "rows": [{"value": h.value, "label": h.label} for h in table.rows],
        "columns": [
            {"value": h.value, "label": h.label, "members": list(h.members)} for h in table.columns
        ],
        "cells": cells,
        "notes": list(table.notes),
    }


def summary_record(summary: Summary) -> dict[str, Any]:
    """Figures that are not counts: one record per figure, ``null`` where not published."""
    return {
        "id": summary.id,
        "title": summary.title,
        "aggregator": summary.aggregator,
        "question": summary.question,
        "row_label": summary.row_label,
        "rows": [{"value": h.value, "label": h.label} for h in summary.rows],
        "columns": [{"value": h.value, "label": h.label} for h in summary.columns],
        "values": [
            {"row": row.value, "column": column.value, "value": value}
            for row, line in zip(summary.rows, summary.values, strict=True)
            for column, value in zip(summary.columns, line, strict=True)
        ],
        "notes": list(summary.notes),
    }


def digest_record(digest: Digest) -> dict[str, Any]:
    return {
        "question": digest.question,
        "title": digest.title,
        "text": digest.text,
        "quotes": [{"text": q.text, "attribution": q.attribution} for q in digest.quotes],
        "withheld_count": digest.withheld_count,
        "notes": list(digest.notes),
    }


def to_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (with its ``alternates`` as ``translations``)."""
    data = _document(report)
    if report.alternates:
        data["translations"] = {r.language: _document(r) for r in report.alternates}
    return data


def _document(report: Report) -> dict[str, Any]:
    say = report.say()
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "language": report.language,
        "marking": internal_mark(say) if report.internal else None,
        "public": not report.internal,
        "consultation": report.consultation,
        "title": report.title,
        "generated_on": report.generated_on.isoformat(),
        "threshold": report.threshold,
        "protection": report.protection,
        "release": report.release,
        "suppressed_marker": SUPPRESSED_MARKER,
        "suppressed_note": suppression_note(report.threshold, say),
        "responses": cell_record(report.responses),
        "notes": list(report.notes),
        "tables": [table_record(t) for t in report.tables],
        "coverage": [table_record(t) for t in report.coverage],
        "timeline": None if report.timeline is None else table_record(report.timeline),
        "digests": [digest_record(d) for d in report.digests],
    }
    if report.summaries:  # only where there are any: reports without them keep their shape
        data["summaries"] = [summary_record(s) for s in report.summaries]
    if report.internal:
        data["identities"] = [
            {
                "authority": i.authority,
                "authority_type": i.authority_type,
                "role": i.role,
                "name": i.name,
                "consent": i.consent,
                "channel": i.channel,
                "received_on": i.received_on.isoformat(),
            }
            for i in report.identities
        ]
    return data


def write_json(report: Report, path: Path) -> None:
    """Write the report as UTF-8 JSON, indented for people who open it."""
    text = json.dumps(to_json(report), ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", encoding="utf-8")
