"""Every ``relevant`` cell of the real XLSForm forms is translated exactly, or refused plainly.

A translated cell must mean what the XPath means (by the independent evaluator) on every
combination of answers to the fields it reads; a refused one must say why.  The refusals are
listed so that a change in what the translator accepts shows up here, cell by cell.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xpath_eval

from surveykit.conditions import evaluate, references
from surveykit_interchange.xlsform_expressions import (
    QuestionInfo,
    UnsupportedExpression,
    to_condition,
)

FORMS = Path(__file__).parent / "forms" / "xlsform"
SELECT = re.compile(
    r"(select_one|select one|select_multiple|select all that apply)(?: from)?\s+(\S+)"
    r"(\s+or_other|\s+or specify other)?$"
)
SIMPLE = {"integer": "integer", "int": "integer", "decimal": "decimal", "text": "text"}
SIMPLE |= {"string": "text", "date": "date"}

#: (file, field) -> what the refusal must say.  Every other relevant cell must translate.
REFUSED = {
    ("correlaid_testA_range_relevance_de.xlsx", "attribution_beruf"): "comparing two questions",
    ("pyxform_flat_all_types_constraints.xlsx", "email_note"): "`regex(..)` is not supported",
    # The form's own slip: its teilhabe_gruppen list has no 'other', so the cell is never true.
    ("correlaid_mitwirken_umfrage_de.xlsx", "teilhabe_gruppen_other"): (
        "a choice 'other' that select_multiple `${teilhabe_gruppen}` does not list"
    ),
    # select_one_from_file (choices in a CSV surveykit does not have) is no question here.
    **{
        ("pyxform_ucl_biomass_plot_sw_en.xlsx", field): "is not an earlier question"
        for field in (
            "latin_name_other",
            "stump_latin_name_other",
            "latin_name_other_sp1",
            "latin_name_other_sp2",
        )
    },
}


def _header(row: tuple[Any, ...]) -> list[str]:
    return [str(cell).strip().lower() if cell is not None else "" for cell in row]


def _choices(book: openpyxl.Workbook) -> dict[str, list[str]]:
    if "choices" not in book.sheetnames:
        return {}
    rows = list(book["choices"].iter_rows(values_only=True))
    if not rows:
        return {}
    header = _header(rows[0])
    list_column = header.index("list_name") if "list_name" in header else header.index("list name")
    name_column = header.index("name")
    found: dict[str, list[str]] = {}
    for row in rows[1:]:
        if len(row) > name_column and row[list_column] and row[name_column] is not None:
            found.setdefault(str(row[list_column]).strip(), []).append(str(row[name_column]))
    return found


def _info(kind: str, choices: dict[str, list[str]]) -> QuestionInfo | None:
    kind = " ".join(kind.split())
    if kind in SIMPLE:
        return QuestionInfo(SIMPLE[kind])
    match = SELECT.match(kind)
    if match is None:
        return None
    listed = list(choices.get(match.group(2), []))
    if match.group(3):
        listed.append("other")
    multiple = match.group(1) in ("select_multiple", "select all that apply")
    return QuestionInfo("select_multiple" if multiple else "select_one", tuple(listed))


def relevant_cells() -> list[tuple[str, str, str, dict[str, QuestionInfo]]]:
    """(file, field, expression, the fields before it) for every relevant cell."""
    cells = []
    for path in sorted(FORMS.glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        rows = list(book["survey"].iter_rows(values_only=True))
        header = _header(rows[0])
        if "relevant" not in header:
            continue
        type_at, name_at, relevant_at = (header.index(c) for c in ("type", "name", "relevant"))
        choices = _choices(book)
        earlier: dict[str, QuestionInfo] = {}
        for row in rows[1:]:
            cell = row[relevant_at] if len(row) > relevant_at else None
            name = str(row[name_at]) if row[name_at] else ""
            if cell is not None and str(cell).strip():
                cells.append((path.name, name, str(cell), dict(earlier)))
            info = _info(str(row[type_at] or ""), choices)
            if info is not None and name:
                earlier[name] = info
    return cells


CELLS = relevant_cells()


def _candidates(info: QuestionInfo) -> list[Any]:
    """Every answer that matters: none, each choice, pairs; numbers and dates near the edges."""
    if info.type == "select_one":
        return [None, *info.choices]
    if info.type == "select_multiple":
        singles = [[c] for c in info.choices]
        return [None, *singles, *(list(p) for p in itertools.combinations(info.choices, 2))]
    if info.type in ("integer", "decimal"):
        return [None, -1, 0, 1, 18, 199, 200, 201, 219.5, 220, 221]
    if info.type == "date":
        return [None, "2023-12-31", "2024-01-01", "2024-01-02"]
    return [None, "x", "ja", "Ja"]


def test_the_forms_hold_relevant_cells() -> None:
    assert len(CELLS) >= 40
    assert {(file, field) for file, field, *_ in CELLS} >= set(REFUSED)


@pytest.mark.parametrize(
    ("file", "field", "expression", "earlier"),
    CELLS,
    ids=[f"{file}:{field}" for file, field, *_ in CELLS],
)
def test_each_real_relevant_cell(
    file: str, field: str, expression: str, earlier: dict[str, QuestionInfo]
) -> None:
    if (file, field) in REFUSED:
        with pytest.raises(UnsupportedExpression) as refused:
            to_condition(expression, earlier)
        assert REFUSED[file, field] in refused.value.message
        return
    condition = to_condition(expression, earlier)
    names = references(condition)
    for values in itertools.product(*(_candidates(earlier[n]) for n in names)):
        answers = {n: v for n, v in zip(names, values, strict=True) if v is not None}
        assert xpath_eval.evaluate(expression, answers) == evaluate(condition, answers), answers
