"""Every real SurveyJS form under forms/surveyjs/ imports with its source's visibility, or is
refused with exactly the problems listed here.

An imported form is checked against the source's own expressions: for every combination of
answers to the questions its ``visibleIf`` expressions read, each question's page, panel and
own ``visibleIf`` (AND-ed), evaluated by the independent :mod:`surveyjs_eval`, must agree with
the imported question's condition.  A refused form's ``--partial`` import must still load, with
what was left out in its header.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import surveyjs_eval

from surveykit.conditions import evaluate
from surveykit.spec import loads_spec
from surveykit_interchange.api import import_form
from surveykit_interchange.building import ImportRefused

FORMS = Path(__file__).parent / "forms" / "surveyjs"
CLOSES = dt.date(2027, 3, 31)

#: The forms that import, with how many questions.
IMPORTED = {
    "surveyjs_docs_multipage_score_branches.json": 5,
    "surveyjs_e2e_localization_de_fr.json": 5,
    "surveyjs_e2e_visibleif_kids.json": 7,
}
#: The forms that are refused, with every (JSON path, feature), in the form's order.
REFUSED = {
    "surveyjs_docs_cascading_choices_notempty.json": [
        ("pages[0].elements[1]", "choicesVisibleIf"),
        ("pages[0].elements[1]", "enableIf"),
        ("pages[0].elements[2]", "choicesVisibleIf"),
        ("pages[0].elements[2]", "enableIf"),
    ],
    "surveyjs_docs_nps_visibleif_trigger.json": [("triggers", "triggers")],
    "surveyjs_docs_team_review_panel_matrix.json": [
        ("pages[0].elements[0]", "question type paneldynamic"),
        ("pages[1].elements[0]", "question type matrixdynamic"),
        ("", "no questions"),
    ],
    "surveyjs_e2e_elements_visibility.json": [("pages[0].elements[1]", "defaultValue")],
    "surveyjs_e2e_matrixdynamic.json": [
        ("elements[0]", "question type matrixdynamic"),
        ("", "no questions"),
    ],
    "surveyjs_e2e_paneldynamic_relatives.json": [
        ("pages[0].elements[0]", "question type paneldynamic"),
        ("", "no questions"),
    ],
    "surveyjs_example_american_history_quiz.json": [
        ("completedHtmlOnCondition", "completedHtmlOnCondition"),
        ("timeLimit", "timeLimit"),
        ("pages[1].elements[0]", "correctAnswer"),
        ("pages[1].elements[1]", "duplicate name"),
        ("pages[1].elements[2]", "duplicate name"),
        ("pages[1].elements[3]", "duplicate name"),
        ("pages[2].elements[0]", "correctAnswer"),
        ("pages[3].elements[0]", "correctAnswer"),
    ],
}
_NOT_QUESTIONS = ("panel", "html", "image")


def test_every_form_is_listed_once():
    names = {p.name for p in FORMS.glob("*.json")}
    assert names == set(IMPORTED) | set(REFUSED)
    assert not set(IMPORTED) & set(REFUSED)


def _questions(form: dict[str, Any]) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Each question element, with the visibleIf expressions of its page, panels and own."""

    def walk(elements: list[Any], inherited: list[str]) -> Iterator[tuple[dict, list[str]]]:
        for element in elements:
            own = [*inherited, element["visibleIf"]] if element.get("visibleIf") else inherited
            if element.get("type") == "panel":
                yield from walk(element.get("elements", []), own)
            elif element.get("type") not in _NOT_QUESTIONS:
                yield element, own

    pages = form.get("pages") or [{"elements": form.get("elements", [])}]
    for page in pages:
        yield from walk(
            page.get("elements", []), [page["visibleIf"]] if page.get("visibleIf") else []
        )


def _answers(element: dict[str, Any]) -> list[Any]:
    """SurveyJS answers to try for a question: its choices as the form writes them."""
    choices = [c["value"] if isinstance(c, dict) else c for c in element.get("choices", [])]
    match element["type"]:
        case "radiogroup" | "dropdown":
            return [None, *choices]
        case "checkbox" | "tagbox":
            return [None, *(list(c) for n in (1, 2) for c in itertools.combinations(choices, n))]
        case "rating":
            return [None, *range(element.get("rateMin", 1), element.get("rateMax", 5) + 1)]
    return [None, "Yes", "york"]


def _surveykit(answer: Any, element: dict[str, Any]) -> Any:
    """The surveykit answer: a choice as its value's text (``1`` is ``"1"``), else as given."""
    if isinstance(answer, list):
        return [str(a) for a in answer]
    return str(answer) if "choices" in element else answer


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_an_imported_form_shows_what_its_source_shows(name):
    form = json.loads((FORMS / name).read_text(encoding="utf-8"))
    consultation = import_form(FORMS / name, publisher="Tests", closes=CLOSES).consultation
    sources = list(_questions(form))
    assert len(consultation.questions) == len(sources) == IMPORTED[name]
    ids = {}
    for question, (element, _) in zip(consultation.questions, sources, strict=True):
        assert question.id == re.sub(r"[^A-Za-z0-9_]+", "_", element["name"])
        ids[element["name"]] = (question.id, element)
    checked = 0
    for question, (element, expressions) in zip(consultation.questions, sources, strict=True):
        read = sorted({r for e in expressions for r in re.findall(r"\{([^}]+)\}", e)})
        assert (question.condition is None) == (not expressions)
        domains = [_answers(ids[r][1]) for r in read]
        for combination in itertools.product(*domains):
            surveyjs = {r: a for r, a in zip(read, combination, strict=True) if a is not None}
            answers = {ids[r][0]: _surveykit(a, ids[r][1]) for r, a in surveyjs.items()}
            shown = all(surveyjs_eval.evaluate(e, surveyjs) for e in expressions)
            if question.condition is not None:
                assert evaluate(question.condition, answers) == shown, (element["name"], surveyjs)
                checked += 1
    assert checked > 0 or name == "surveyjs_e2e_localization_de_fr.json"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_form_lists_exactly_what_surveykit_cannot_represent(name):
    with pytest.raises(ImportRefused) as refused:
        import_form(FORMS / name, publisher="Tests", closes=CLOSES)
    assert [(p.where, p.feature) for p in refused.value.problems] == REFUSED[name]
    assert all(p.file == name and p.message for p in refused.value.problems)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_form_imports_in_part_with_what_was_left_out(name):
    if ("", "no questions") in REFUSED[name]:
        with pytest.raises(ImportRefused) as refused:
            import_form(FORMS / name, publisher="Tests", closes=CLOSES, partial=True)
        assert refused.value.problems[-1].feature == "no questions"
        return
    imported = import_form(FORMS / name, publisher="Tests", closes=CLOSES, partial=True)
    assert [(p.where, p.feature) for p in imported.left_out] == REFUSED[name]
    header = imported.text.split("[consultation]")[0]
    assert f"# Left out ({len(REFUSED[name])}; surveykit cannot represent them):" in header
    for problem in imported.left_out:
        assert f"# - {problem.where}: {problem.message}"[:90] in header
    assert loads_spec(imported.text).questions
