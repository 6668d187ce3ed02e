"""Every real XLSForm form in forms/xlsform/ imports with its source's visibility, or is refused
with exactly the problems listed here.

Visibility is checked against the source itself: the ``relevant`` cells of each question and of
the groups around it are evaluated by the independent XPath evaluator (``xpath_eval``) and
compared with surveykit's own evaluation of the imported condition, on every combination of
answers to the questions they read (bounded).  Forms that are refused are also imported with
``--partial``: the spec must load, list what was left out, and keep the same visibility for
what it holds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xpath_eval

from surveykit import Question
from surveykit.conditions import evaluate, references
from surveykit.spec import loads_spec
from surveykit_interchange.api import Imported, ImportRefused, import_form

FORMS = Path(__file__).parent / "forms" / "xlsform"
FILES = sorted(p.name for p in FORMS.glob("*.xlsx"))
CLOSES = dt.date(2099, 12, 31)

#: The forms that import whole.
IMPORTED = {
    "odkdocs_conditional_complex_medical_issues.xlsx",
    "odkdocs_conditional_simple_watch_sports.xlsx",
    "pyxform_text_and_integer.xlsx",
    "pyxform_yes_or_no_legacy_syntax.xlsx",
}

_METADATA = ["question type start", "question type end"]

#: The forms refused, with every (where, feature) problem, in the form's order.
REFUSED: dict[str, list[tuple[str, str]]] = {
    "correlaid_all_types_workshop_feedback_de.xlsx": [
        ("survey sheet, row 2", "question type start"),
        ("survey sheet, row 3", "question type end"),
        ("survey sheet, row 4", "question type today"),
        ("survey sheet, row 5", "question type deviceid"),
        ("survey sheet, row 6", "question type username"),
        ("survey sheet, row 7", "calculation"),
        ("survey sheet, row 8", "question type hidden"),
        ("survey sheet, row 9", "question type audit"),
        ("survey sheet, row 18", "question type time"),
        ("survey sheet, row 19", "question type datetime"),
        ("survey sheet, row 42", "or_other"),  # rank ... or_other
        ("survey sheet, row 48", "default"),
        ("survey sheet, row 50", "default"),
    ],
    "correlaid_mitwirken_umfrage_de.xlsx": [
        ("survey sheet, row 28", "expression"),  # 'other' is not in the list it reads
        ("survey sheet, row 54", "constraint"),  # regex()
    ],
    "correlaid_testA_range_relevance_de.xlsx": [
        ("survey sheet, row 22", "expression"),  # compares two questions
        ("survey sheet, row 22", "parameters"),  # a range in steps of 5
    ],
    "correlaid_testB_skills_de_en.xlsx": [
        ("survey sheet, row 2", "question type start"),
        ("survey sheet, row 3", "question type end"),
        ("survey sheet, row 12", "calculation"),
        ("survey sheet, row 13", "calculation"),
        ("survey sheet, row 14", "calculation"),
        ("survey sheet, row 61", "constraint"),  # regex()
    ],
    "pyxform_cascading_choice_filter.xlsx": [
        ("survey sheet, row 3", "choice filter"),
        ("survey sheet, row 3", "duplicate choice"),
        ("survey sheet, row 4", "choice filter"),
    ],
    "pyxform_flat_all_types_constraints.xlsx": [
        ("survey sheet, row 3", "note condition"),
        ("survey sheet, row 7", "label reference"),
        *[("survey sheet, row 9", "media")] * 5,
        ("survey sheet, row 14", "constraint"),
        ("survey sheet, row 18", "constraint"),
        *[("survey sheet, row 27", "media")] * 2,
        *[("survey sheet, row 28", "media")] * 2,
        ("survey sheet, row 30", "question type acknowledge"),
        ("survey sheet, row 32", "question type time"),
        ("survey sheet, row 33", "question type datetime"),
        ("survey sheet, row 34", "question type geopoint"),
        ("survey sheet, row 35", "question type barcode"),
        ("survey sheet, row 36", "question type image"),
        ("survey sheet, row 37", "question type audio"),
        ("survey sheet, row 38", "question type video"),
        ("survey sheet, row 40", "calculation"),
        ("survey sheet, row 41", "label reference"),
        ("survey sheet, row 42", "question type start"),
        ("survey sheet, row 43", "label reference"),
        ("survey sheet, row 44", "question type end"),
        ("survey sheet, row 45", "label reference"),
        ("survey sheet, row 46", "question type today"),
        ("survey sheet, row 47", "label reference"),
        ("survey sheet, row 48", "question type deviceid"),
        ("survey sheet, row 49", "label reference"),
        ("survey sheet, row 50", "question type uri:deviceid"),
        ("survey sheet, row 51", "label reference"),
        ("survey sheet, row 52", "question type simserial"),
        ("survey sheet, row 53", "label reference"),
        ("survey sheet, row 54", "question type phonenumber"),
        ("survey sheet, row 55", "label reference"),
    ],
    "pyxform_group_labelled_language.xlsx": [
        ("survey sheet, row 4", "question type phone_number"),
    ],
    "pyxform_loop_over_choices.xlsx": [
        ("survey sheet, rows 3-5", "repeat"),
    ],
    "pyxform_or_other_choice_filter.xlsx": [
        ("survey sheet, row 3", "choice filter"),
    ],
    "pyxform_ucl_biomass_plot_sw_en.xlsx": [
        ("survey sheet, row 10", "constraint"),  # regex()
        ("survey sheet, row 11", "question type start"),
        ("survey sheet, row 12", "question type end"),
        ("survey sheet, row 16", "question type select_one_from_file"),
        ("survey sheet, row 17", "choice filter"),
        ("survey sheet, row 17", "question type select_one_from_file"),
        ("survey sheet, row 18", "choice filter"),
        ("survey sheet, row 18", "question type select_one_from_file"),
        ("survey sheet, row 20", "choice filter"),
        ("survey sheet, row 20", "question type select_one_from_file"),
        ("survey sheet, row 22", "question type geopoint"),
        ("survey sheet, row 23", "question type image"),
        ("survey sheet, row 26", "calculation"),
        ("survey sheet, row 27", "calculation"),
        ("survey sheet, row 28", "label reference"),  # in Swahili
        ("survey sheet, row 28", "label reference"),  # and in English
        ("survey sheet, rows 32-53", "repeat"),
        ("survey sheet, rows 56-69", "repeat"),
        ("survey sheet, rows 72-78", "repeat"),
        ("survey sheet, rows 80-86", "repeat"),
        ("survey sheet, row 91", "question type deviceid"),
    ],
}

_FROM_ROW = re.compile(
    r'^# From survey sheet, row (\d+)\.\n(?:#.*\n)*\[\[sections\.questions\]\]\nid = "([^"]+)"',
    re.MULTILINE,
)


def test_every_form_is_listed_once() -> None:
    assert set(FILES) == IMPORTED | set(REFUSED)
    assert not IMPORTED & set(REFUSED)


# the source's own relevant cells, read independently of the importer --------------------------


def source_relevants(path: Path) -> dict[int, tuple[str, list[str]]]:
    """Each survey row's name and the relevant cells that decide whether it is shown: its
    groups' (outermost first) and its own."""
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = next(book[n] for n in book.sheetnames if n.strip().lower() == "survey")
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]

    def cell(row: tuple[Any, ...], column: str) -> str:
        at = header.index(column) if column in header else None
        value = row[at] if at is not None and at < len(row) else None
        return "" if value is None else str(value).strip()

    found: dict[int, tuple[str, list[str]]] = {}
    groups: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        kind = " ".join(cell(row, "type").split()).lower()
        if kind.startswith(("begin_", "begin ")):
            groups.append(cell(row, "relevant"))
        elif kind.startswith(("end_", "end ")):
            groups.pop()
        else:
            own = cell(row, "relevant")
            found[number] = (cell(row, "name"), [g for g in [*groups, own] if g])
    return found


def _candidates(question: Question) -> list[Any]:
    values = [o.value for o in question.options]
    if question.kind == "single":
        return [None, *values]
    if question.kind in ("multi", "ranking"):
        return [None, *([v] for v in values), *(list(p) for p in itertools.combinations(values, 2))]
    if question.kind == "number":
        return [None, -1, 0, 1, 17, 18, 40, 41, 200, 399, 400, 2.5]
    if question.kind == "date":
        return [None, "2023-12-31", "2024-01-01"]
    return [None, "x", "ja"]


def check_visibility(path: Path, imported: Imported) -> int:
    """Assert every imported question shows exactly when its source says; how many were
    conditional."""
    source = source_relevants(path)
    row_of = {qid: int(row) for row, qid in _FROM_ROW.findall(imported.text)}
    questions = {q.id: q for q in imported.consultation.questions}
    assert set(row_of) == set(questions)
    name_of = {qid: source[row][0] for qid, row in row_of.items()}
    conditional = 0
    for qid, question in questions.items():
        expressions = source[row_of[qid]][1]
        assert (question.condition is None) == (not expressions), qid
        if question.condition is None:
            continue
        conditional += 1
        read = references(question.condition)
        choices = [_candidates(questions[r]) for r in read]
        for values in itertools.islice(itertools.product(*choices), 3000):
            answers = {r: v for r, v in zip(read, values, strict=True) if v is not None}
            by_name = {name_of[r]: v for r, v in answers.items()}
            xpath = all(xpath_eval.evaluate(e, by_name) for e in expressions)
            assert xpath == evaluate(question.condition, answers), (qid, expressions, answers)
    return conditional


# the forms ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_a_form_surveykit_can_represent_imports_with_its_visibility(name: str) -> None:
    path = FORMS / name
    imported = import_form(path, publisher="Tests", closes=CLOSES)
    assert imported.consultation.questions
    check_visibility(path, imported)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_form_with_what_surveykit_cannot_represent_is_refused_exactly(name: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_form(FORMS / name, publisher="Tests", closes=CLOSES)
    assert [(p.where, p.feature) for p in refused.value.problems] == REFUSED[name]
    assert all(str(p).startswith(f"{name}: {p.where}: ") for p in refused.value.problems)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_partial_import_loads_lists_what_is_left_out_and_keeps_visibility(name: str) -> None:
    path = FORMS / name
    imported = import_form(path, publisher="Tests", closes=CLOSES, partial=True)
    assert [(p.where, p.feature) for p in imported.left_out] == REFUSED[name]
    assert f"# Left out ({len(REFUSED[name])}; surveykit cannot represent them):" in imported.text
    loads_spec(imported.text, source=f"{name}.toml")
    check_visibility(path, imported)


def test_the_forms_hold_conditions_to_check() -> None:
    counted = {
        name: check_visibility(
            FORMS / name,
            import_form(FORMS / name, publisher="Tests", closes=CLOSES, partial=True),
        )
        for name in FILES
    }
    assert counted["correlaid_mitwirken_umfrage_de.xlsx"] >= 10
    assert counted["correlaid_testB_skills_de_en.xlsx"] >= 10
    assert sum(counted.values()) >= 40
