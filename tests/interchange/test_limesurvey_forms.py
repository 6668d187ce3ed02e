"""Every collected LimeSurvey form imports with its source's visibility, or is refused exactly.

A form that imports (whole, or with ``--partial``) is checked question by question: for every
combination of answers (bounded) to the questions its relevance reads, directly or through
their own relevance, LimeSurvey's meaning of the source's own equations (question relevance
AND group relevance, evaluated by the independent ``em_eval``, with hidden questions marked
hidden) must show the question exactly when surveykit's condition does (hidden questions'
answers cleared).  The source's equations are read here with a small reader of its own, not
the importer's.  A refused form lists every (where, feature) pair it must be refused with.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import em_eval
import pytest

from surveykit import Consultation, Question
from surveykit.conditions import evaluate
from surveykit_interchange.api import import_form
from surveykit_interchange.building import Imported, ImportRefused

FORMS = Path(__file__).parent / "forms" / "limesurvey"
CLOSES = dt.date(2030, 1, 1)
#: The most answer combinations tried per question (sampled beyond that, reproducibly).
MOST = 3000


def _lines(first: int, last: int, feature: str) -> list[tuple[str, str]]:
    return [(f"line {n}", feature) for n in range(first, last + 1)]


#: file -> every (where, feature) it is refused with, in order; [] for a form that imports.
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "correlaid_multilingual_en_es.tsv": [],
    "correlaid_complex_survey.tsv": [
        # the form's slip: the answer codes are 'happ'/'unhp', not 'unhappy'
        ("line 26", "relevance"),
        ("line 28", "default"),
    ],
    "correlaid_complex_xpath.tsv": [
        ("line 9", "relevance"),  # consent is a text: compared exactly by LimeSurvey
        ("line 10", "relevance"),
        ("line 13", "attribute em_validation_q"),  # on a text question
        ("line 13", "relevance"),
    ],
    "correlaid_mitwirken_umfrage_de.tsv": [
        # teilhabegruppen has no 'other' item: the equation reads a variable that is not there
        ("line 84", "relevance"),
        ("line 151", "attribute em_validation_q"),  # regexMatch
    ],
    "correlaid_testB_skills_de_en.tsv": [
        ("line 34", "question type *"),
        ("line 35", "question type *"),
        ("line 36", "question type *"),
        *_lines(63, 71, "sub-question relevance"),
        *_lines(96, 105, "sub-question relevance"),
        *_lines(128, 133, "sub-question relevance"),
        ("line 169", "attribute em_validation_q"),
    ],
    "correlaid_validation_relevance.tsv": [
        ("line 7", "attribute em_validation_q"),  # self != '' on a text
        ("line 9", "attribute em_validation_q"),  # self > 0 on a decimal number
        ("line 10", "no options"),  # an L question without answers
        ("line 11", "attribute em_validation_q"),
        ("line 13", "relevance"),  # consent (refused) is no earlier question
        ("line 14", "relevance"),
        ("line 15", "relevance"),
        ("line 16", "attribute em_validation_q"),
        ("line 16", "relevance"),  # strlen()
        ("line 17", "attribute em_validation_q"),  # self >= age * 2
    ],
    "limesurvey_ls2_cascading_array_filter_exclude.lss": [
        ("questions row 1", "attribute max_answers"),
        ("questions row 2", "attribute array_filter_exclude"),
        ("questions row 2", "attribute max_answers"),
        ("questions row 3", "attribute array_filter_exclude"),
        ("questions row 3", "attribute max_answers"),
        ("questions row 4", "attribute array_filter_exclude"),
        ("questions row 4", "attribute max_answers"),
        ("questions row 5", "attribute array_filter_exclude"),
        ("questions row 5", "attribute max_answers"),
        ("", "no questions"),
    ],
    "limesurvey_ls2_group_relevance.lss": [
        ("questions row 5", "tailoring"),
        ("questions row 6", "relevance"),
        ("questions row 6", "tailoring"),
        ("questions row 7", "attribute other_comment_mandatory"),
        ("questions row 7", "relevance"),
        ("questions row 7", "tailoring"),
        ("questions row 8", "conditional text display"),
        ("groups row 3", "group relevance"),
        ("groups row 4", "group relevance"),
        ("groups row 5", "group relevance"),
        ("questions row 25", "tailoring"),
        ("questions row 26", "conditional text display"),
        ("questions row 27", "conditional text display"),
        ("questions row 28", "conditional text display"),
        ("questions row 29", "conditional text display"),
        ("groups row 7", "group relevance"),  # count(..)
    ],
    "limesurvey_ls2_self_and_that.lss": [
        ("questions row 1", "question type :"),
        ("questions row 2", "conditional text display"),
        ("questions row 3", "question type P"),
        ("", "no questions"),
    ],
    "limesurvey_ls2_subquestion_relevance.lss": [
        ("questions row 3", "attribute min_num_value_n"),  # 'min', another question
        ("questions row 4", "question type K"),
        ("questions row 5", "question type K"),
        ("questions row 6", "tailoring"),
    ],
    "stflab_health_lifestyle_en_es_fr_ro.txt": [
        ("line 45", "validation"),
        ("line 46", "validation"),
        ("line 47", "validation"),
        ("line 67", "attribute exclude_all_others"),
        ("line 67", "attribute min_answers"),
        ("line 76", "relevance"),  # exercise was refused
        ("line 81", "question type K"),
        ("line 84", "question type *"),
        ("line 85", "conditional text display"),
        ("line 102", "question type P"),
        ("line 108", "question type K"),
        ("line 114", "question type A"),
        ("line 120", "question type C"),
        ("line 126", "question type E"),
        ("line 131", "question type 1"),
        ("line 145", "sub-questions"),  # a ranking given sub-questions, not answers
        ("line 144", "no options"),
        ("line 153", "attribute exclude_all_others"),
        ("line 160", "attribute array_filter"),
        ("line 160", "relevance"),  # chronic was refused
        ("line 170", "question type Q"),
        ("line 174", "question type O"),
        ("line 181", "question type |"),
        ("line 185", "question type K"),
        ("line 192", "tailoring"),
    ],
}
#: Forms of which --partial keeps nothing (every question is refused).
NOTHING_LEFT = {
    "limesurvey_ls2_cascading_array_filter_exclude.lss",
    "limesurvey_ls2_self_and_that.lss",
}


# the source's own equations, read independently ------------------------------------------------


def source_relevance(path: Path) -> dict[str, tuple[str, str]]:
    """Each base-language question's code -> (its relevance, its group's relevance)."""
    if path.suffix == ".lss":
        root = ET.parse(path).getroot()
        language = root.findtext("surveys/rows/row/language") or ""

        def rows(table: str) -> list[dict[str, str]]:
            return [
                {field.tag: field.text or "" for field in row}
                for row in root.findall(f"{table}/rows/row")
            ]

        groups = {g["gid"]: g.get("grelevance", "") for g in rows("groups")}
        return {
            q["title"]: (q.get("relevance", ""), groups[q["gid"]])
            for q in rows("questions")
            if q.get("parent_qid", "0") == "0" and q.get("language", language) == language
        }
    text = path.read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
    language = next(r["text"] for r in table if r["class"] == "S" and r["name"] == "language")
    found: dict[str, tuple[str, str]] = {}
    group = ""
    for r in table:
        if (r.get("language") or language) != language:
            continue
        if r["class"] == "G":
            group = r.get("relevance") or ""
        elif r["class"] == "Q":
            found[r["name"]] = (r.get("relevance") or "", group)
    return found


# answers, as surveykit holds them and as LimeSurvey does ---------------------------------------


def candidates(question: Question) -> list[Any]:
    """The answers that matter: none, each option (pairs for a multiple choice), numbers near
    the forms' thresholds, a few words."""
    values = [o.value for o in question.options]
    if question.kind == "single":
        return [None, *values]
    if question.kind == "multi":
        pairs = [list(p) for p in itertools.combinations(values, 2)]
        return [None, *([v] for v in values), *pairs[:10]]
    if question.kind == "number":
        return [None, -1, 0, 1, 17, 18, 19, 21, 22, 64, 65, 66, 120]
    if question.kind == "date":
        return [None, "2023-12-31", "2024-01-01"]
    return [None, "x", "yes", "USA", "Canada"]


def em_variables(question: Question) -> list[str]:
    if question.kind == "multi":
        return [f"{question.id}_{o.value}" for o in question.options]
    return [question.id]


def em_values(questions: Sequence[Question], answers: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for q in questions:
        answer = answers.get(q.id)
        if q.kind == "multi":
            values |= {
                f"{q.id}_{o.value}": "Y" if o.value in (answer or ()) else "" for o in q.options
            }
        elif answer is None:
            values[q.id] = ""
        elif q.kind == "date":
            values[q.id] = f"{answer} 00:00:00"
        else:
            values[q.id] = str(answer)
    return values


def names_in(expression: str, known: Mapping[str, Question]) -> set[str]:
    """The questions an equation reads (``q``, ``q.NAOK``, ``q_SQ001`` of a multiple choice)."""
    found = set()
    for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*", expression):
        if word in known:
            found.add(word)
        else:
            found |= {name for name in known if word.startswith(f"{name}_")}
    return found


def check_visibility(consultation: Consultation, source: Mapping[str, tuple[str, str]]) -> int:
    """Assert the visibility rule (module docstring); the number of questions checked."""
    questions = list(consultation.questions)
    known = {q.id: q for q in questions}
    order = {q.id: i for i, q in enumerate(questions)}

    def reads(name: str) -> set[str]:
        relevance, group = source[name]
        return names_in(relevance, known) | names_in(group, known)

    checked = 0
    for question in questions:
        relevance, group = source[question.id]
        if (
            em_eval.relevance(relevance, {})
            and em_eval.relevance(group, {})
            and not (reads(question.id))
        ):
            assert question.condition is None, question.id
            continue
        closure: set[str] = set()
        todo = list(reads(question.id))
        while todo:
            name = todo.pop()
            if name not in closure:
                closure.add(name)
                todo += reads(name)
        assert all(order[n] < order[question.id] for n in closure), question.id
        chain = sorted(closure, key=order.__getitem__)
        pools = [candidates(known[n]) for n in chain]
        total = 1
        for pool in pools:
            total *= len(pool)
        if total <= MOST:
            combinations = list(itertools.product(*pools))
        else:
            rng = random.Random(question.id)
            combinations = [tuple(rng.choice(p) for p in pools) for _ in range(MOST)]
        for combination in combinations:
            answers = {n: v for n, v in zip(chain, combination, strict=True) if v is not None}
            assert _limesurvey_shows(question, chain, answers, known, source) == (
                _surveykit_shows(question, chain, answers, known)
            ), (question.id, answers)
        checked += 1
    return checked


def _limesurvey_shows(
    question: Question,
    chain: Sequence[str],
    answers: Mapping[str, Any],
    known: Mapping[str, Question],
    source: Mapping[str, tuple[str, str]],
) -> bool:
    hidden: set[str] = set()
    values = em_values([known[n] for n in chain], answers)
    for name in [*chain, question.id]:
        relevance, group = source[name]
        shown = em_eval.relevance(group, values, hidden) and em_eval.relevance(
            relevance, values, hidden
        )
        if name == question.id:
            return shown
        if not shown:
            hidden |= set(em_variables(known[name]))
    raise AssertionError("unreachable")


def _surveykit_shows(
    question: Question,
    chain: Sequence[str],
    answers: Mapping[str, Any],
    known: Mapping[str, Question],
) -> bool:
    kept: dict[str, Any] = {}
    for name in [*chain, question.id]:
        condition = known[name].condition
        shown = condition is None or evaluate(condition, kept)
        if name == question.id:
            return shown
        if shown and name in answers:
            kept[name] = answers[name]
    raise AssertionError("unreachable")


# the tests ---------------------------------------------------------------------------------------


def _import(path: Path, partial: bool = False) -> Imported:
    return import_form(path, closes=CLOSES, publisher="Tests", partial=partial)


def test_every_collected_form_is_listed() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in FORMS.iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_form_imports_with_its_visibility_or_is_refused_exactly(name: str) -> None:
    path = FORMS / name
    source = source_relevance(path)
    if not EXPECTED[name]:
        imported = _import(path)
        check_visibility(imported.consultation, source)
        return
    with pytest.raises(ImportRefused) as refused:
        _import(path)
    assert [(p.where, p.feature) for p in refused.value.problems] == EXPECTED[name]
    if name in NOTHING_LEFT:
        with pytest.raises(ImportRefused) as nothing:
            _import(path, partial=True)
        assert nothing.value.problems[-1].feature == "no questions"
        return
    partial = _import(path, partial=True)
    assert [(p.where, p.feature) for p in partial.left_out] == EXPECTED[name]
    assert partial.consultation.questions
    check_visibility(partial.consultation, source)


def test_the_forms_conditions_are_checked() -> None:
    """The visibility check is not vacuous: the importable forms hold conditions."""
    checked = 0
    for name, expected in EXPECTED.items():
        if name in NOTHING_LEFT:
            continue
        imported = _import(FORMS / name, partial=bool(expected))
        checked += check_visibility(imported.consultation, source_relevance(FORMS / name))
    assert checked >= 20


def test_the_multilingual_forms_keep_every_language() -> None:
    multilingual = _import(FORMS / "correlaid_multilingual_en_es.tsv").consultation
    assert multilingual.metadata.languages == ("en", "es")
    assert multilingual.translations["es"]["gender.options.femal"].text == "Femenino"
    health = _import(FORMS / "stflab_health_lifestyle_en_es_fr_ro.txt", partial=True).consultation
    assert health.metadata.languages == ("en", "es", "fr", "ro")
    assert health.translations["ro"]["gender.text"].text.startswith("Care este")
