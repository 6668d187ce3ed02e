"""Every relevance cell of the real LimeSurvey forms is translated exactly, or refused plainly.

Group, question and sub-question relevance of the collected forms (``.tsv``/``.txt`` tab
exports and ``.lss`` XML) are read by a small local reader (the importer proper is written
elsewhere).  A translated cell must mean what LimeSurvey means (by the independent evaluator)
on every combination of answers to the questions it reads, with each of them hidden or not
unless it is always shown; a refused one must say why.  The refusals are listed so that a
change in what the translator accepts shows up here, cell by cell.
"""

from __future__ import annotations

import csv
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_limesurvey_expressions import agree

from surveykit.conditions import references
from surveykit_interchange.limesurvey_expressions import (
    QuestionInfo,
    UnsupportedExpression,
    is_always,
    to_condition,
)

FORMS = Path(__file__).parent / "forms" / "limesurvey"
SINGLE = {"L", "!", "O"}
FIXED = {"5": ("1", "2", "3", "4", "5"), "Y": ("Y", "N"), "G": ("F", "M")}
TEXT = {"S", "T", "U"}

_TEXT_CELL = "text is compared only with ''"
_NAOK = "without .NAOK makes LimeSurvey's whole equation false"
#: (file, level, name, relevance, the questions before it, which of them are always shown)
Cell = tuple[str, str, str, str, dict[str, QuestionInfo], frozenset[str]]

#: (file, level, name) -> what the refusal must say.  Every other cell must translate.
REFUSED = {
    # The form's own slip: satisfactionlevel's codes are happ and unhp.
    ("correlaid_complex_survey.tsv", "Q", "othercomments"): (
        "a choice 'unhappy' that `satisfactionlevel` does not list"
    ),
    # consent, country are short texts here.
    ("correlaid_complex_xpath.tsv", "Q", "adultconsent"): _TEXT_CELL,
    ("correlaid_complex_xpath.tsv", "Q", "eligibleparticipant"): _TEXT_CELL,
    ("correlaid_complex_xpath.tsv", "Q", "complexvalidation"): _TEXT_CELL,
    # The list question consent has no answer options in this export.
    ("correlaid_validation_relevance.tsv", "Q", "consentrequiredinfo"): (
        "a choice 'yes' that `consent` does not list"
    ),
    ("correlaid_validation_relevance.tsv", "Q", "complexrelevance"): (
        "a choice 'yes' that `consent` does not list"
    ),
    ("correlaid_validation_relevance.tsv", "Q", "orrelevance"): (
        "a choice 'no' that `consent` does not list"
    ),
    ("correlaid_validation_relevance.tsv", "Q", "stringfunctions"): "`strlen(..)` is not supported",
    ("limesurvey_ls2_self_and_that.lss", "Q", "q2"): "`count(..)` is not supported",
    # The form's own slip: its teilhabegruppen list has no item 'other' (only 'ander').
    ("correlaid_mitwirken_umfrage_de.tsv", "Q", "teilhabegruppenother"): (
        "an item 'other' that `teilhabegruppen` does not list"
    ),
    ("limesurvey_ls2_group_relevance.lss", "G", "111"): "`count(..)` is not supported",
}


def _info(kind: str, answers: list[str], items: list[str]) -> QuestionInfo | None:
    """The surveykit question an importer makes of a LimeSurvey question, if any."""
    if kind in SINGLE:
        return QuestionInfo("select_one", tuple(answers))
    if kind in FIXED:
        return QuestionInfo("select_one", FIXED[kind])
    if kind in ("M", "P"):
        return QuestionInfo("select_multiple", tuple(items))
    if kind == "N":
        return QuestionInfo("decimal")
    if kind == "D":
        return QuestionInfo("date")
    if kind in TEXT:
        return QuestionInfo("text")
    return None


class _Form:
    """Questions in order, collecting (level, name, relevance, earlier, always shown)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.questions: dict[str, QuestionInfo] = {}
        self.always: set[str] = set()
        self.cells: list[Cell] = []
        self.group_always = True

    def group(self, name: str, relevance: str) -> None:
        self.cell("G", name, relevance)
        self.group_always = is_always(relevance)

    def cell(self, level: str, name: str, relevance: str) -> None:
        if not is_always(relevance):
            known = dict(self.questions)
            self.cells.append(
                (self.file, level, name, relevance, known, frozenset(self.always & set(known)))
            )

    def question(
        self, kind: str, name: str, relevance: str, other: str,
        answers: list[str], items: list[tuple[str, str]],
    ) -> None:  # fmt: skip
        """Items (sub-questions) are read with the questions before their question."""
        self.cell("Q", name, relevance)
        for item, item_relevance in items:
            self.cell("SQ", f"{name}_{item}", item_relevance)
        shown = self.group_always and is_always(relevance)
        made = _info(kind, answers, [i for i, _ in items])
        if made is not None:
            self.add(name, made, shown)
        if kind in ("K", "Q"):
            part = "decimal" if kind == "K" else "text"
            for item, _ in items:
                self.add(f"{name}_{item}", QuestionInfo(part, key=f"{name}.{item}"), shown)
        if other == "Y" and kind in ("L", "!", "M", "P"):
            self.add(f"{name}_other", QuestionInfo("text", key=f"{name}.other"), shown)

    def add(self, name: str, info: QuestionInfo, shown: bool) -> None:
        self.questions[name] = info
        if shown:
            self.always.add(name)


def _read_tab(path: Path) -> _Form:
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig"), delimiter="\t"))
    languages = [r["language"] for r in rows if r["class"] in ("G", "Q") and r["language"]]
    base = languages[0] if languages else ""
    form = _Form(path.name)
    pending: dict[str, Any] | None = None

    def finish() -> None:
        if pending is not None:
            form.question(**pending)

    for row in rows:
        if row.get("language", "") not in ("", base) or row["class"] in ("S", "SL"):
            continue
        relevance = row.get("relevance") or ""
        if row["class"] in ("G", "Q"):
            finish()
            pending = None
        if row["class"] == "G":
            form.group(row["name"], relevance)
        elif row["class"] == "Q":
            pending = {
                "kind": row["type/scale"], "name": row["name"], "relevance": relevance,
                "other": row.get("other") or "", "answers": [], "items": [],
            }  # fmt: skip
        elif row["class"] == "SQ" and pending is not None:
            pending["items"].append((row["name"], relevance))
        elif row["class"] == "A" and pending is not None and (row["type/scale"] or "0") == "0":
            pending["answers"].append(row["name"])
    finish()
    return form


def _rows(root: ET.Element, section: str) -> list[dict[str, str]]:
    found = root.find(section)
    if found is None:
        return []
    return [{c.tag: c.text or "" for c in row} for row in found.iter("row")]


def _read_lss(path: Path) -> _Form:
    root = ET.parse(path).getroot()
    base = (root.findtext("languages/language") or "").strip()

    def mine(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [r for r in rows if r.get("language", base) == base]

    groups = sorted(mine(_rows(root, "groups")), key=lambda g: int(g["group_order"]))
    questions = mine(_rows(root, "questions"))
    items = mine(_rows(root, "subquestions"))
    answers = mine(_rows(root, "answers"))
    form = _Form(path.name)
    for group in groups:
        form.group(group["gid"], group.get("grelevance", ""))
        mine_here = [q for q in questions if q["gid"] == group["gid"]]
        for q in sorted(mine_here, key=lambda q: int(q["question_order"])):
            own = [i for i in items if i["parent_qid"] == q["qid"] and i["scale_id"] == "0"]
            codes = [a for a in answers if a["qid"] == q["qid"] and a["scale_id"] == "0"]
            form.question(
                kind=q["type"],
                name=q["title"],
                relevance=q.get("relevance", ""),
                other=q.get("other", ""),
                answers=[a["code"] for a in sorted(codes, key=lambda a: int(a["sortorder"]))],
                items=[
                    (i["title"], i.get("relevance", ""))
                    for i in sorted(own, key=lambda i: int(i["question_order"]))
                ],
            )
    return form


def relevance_cells() -> Iterator[Cell]:
    for path in sorted(FORMS.iterdir()):
        if path.suffix in (".tsv", ".txt"):
            yield from _read_tab(path).cells
        elif path.suffix == ".lss":
            yield from _read_lss(path).cells


CELLS = list(relevance_cells())


def test_the_forms_hold_relevance_cells() -> None:
    assert len(CELLS) >= 60
    assert {(file, level, name) for file, level, name, *_ in CELLS} >= set(REFUSED)


def _candidates(info: QuestionInfo) -> list[Any]:
    """Every answer that matters: none, each choice, pairs; numbers near the edges."""
    if info.type == "select_one":
        return [None, *info.choices]
    if info.type == "select_multiple":
        singles = [[c] for c in info.choices]
        return [None, *singles, *(list(p) for p in itertools.combinations(info.choices, 2))]
    if info.type in ("integer", "decimal"):
        return [None, -1, 0, 1, 2, 3, 4, 17, 18, 64, 65, 2.5]
    if info.type == "date":
        return [None, "2024-01-01"]
    return [None, "x", "0", "Y"]


@pytest.mark.parametrize(
    ("file", "level", "name", "relevance", "earlier", "always"),
    CELLS,
    ids=[f"{file}:{level}:{name}" for file, level, name, *_ in CELLS],
)
def test_each_real_relevance_cell(
    file: str, level: str, name: str, relevance: str,
    earlier: dict[str, QuestionInfo], always: frozenset[str],
) -> None:  # fmt: skip
    if (file, level, name) in REFUSED:
        with pytest.raises(UnsupportedExpression) as refused:
            to_condition(relevance, earlier, always)
        assert REFUSED[file, level, name] in refused.value.message
        return
    condition = to_condition(relevance, earlier, always)
    by_key = {info.key or q: q for q, info in earlier.items()}
    read = [by_key[k] for k in references(condition)]
    may_hide = [q for q in read if q not in always]
    hidings = [h for n in range(len(may_hide) + 1) for h in itertools.combinations(may_hide, n)]
    for values in itertools.product(*(_candidates(earlier[q]) for q in read)):
        answers = {
            earlier[q].key or q: v for q, v in zip(read, values, strict=True) if v is not None
        }
        for hidden in hidings:
            agree(relevance, condition, answers, hidden, earlier)
