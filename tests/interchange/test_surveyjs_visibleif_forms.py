"""Every ``visibleIf``, ``enableIf`` of the real SurveyJS forms translates exactly, or is refused.

A translated expression must mean what SurveyJS means (by the independent evaluator) on every
combination of answers to the questions it reads; a refused one must say why.  The refusals
are listed so that a change in what the translator accepts shows up here, one by one.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import surveyjs_eval

from surveykit.conditions import evaluate, references
from surveykit_interchange.surveyjs_expressions import (
    QuestionInfo,
    UnsupportedExpression,
    to_condition,
)

FORMS = Path(__file__).parent / "forms" / "surveyjs"
KEYS = ("visibleIf", "enableIf", "requiredIf")
SINGLE = ("radiogroup", "dropdown", "imagepicker")
MULTIPLE = ("checkbox", "tagbox")

#: (file, element, key) -> what the refusal must say.  Every other expression must translate.
REFUSED = {
    ("surveyjs_e2e_paneldynamic_relatives.json", element, "visibleIf"): (
        "dynamic panel, matrix row"
    )
    for element in ("liveage", "deceasedage", "causeofdeathknown", "causeofdeath")
}


def _value(choice: Any) -> Any:
    return choice["value"] if isinstance(choice, dict) else choice


def _info(element: dict[str, Any]) -> tuple[QuestionInfo, dict[str, Any]] | None:
    """The surveykit question an importer makes of an element, and its choices' JSON values."""
    kind = element.get("type")
    if kind in SINGLE or kind in MULTIPLE:
        values = {str(_value(c)): _value(c) for c in element.get("choices", [])}
        surveykit = "select_one" if kind in SINGLE else "select_multiple"
        return QuestionInfo(surveykit, tuple(values)), values
    if kind == "rating":
        return QuestionInfo("integer"), {}
    if kind == "text":
        input_type = element.get("inputType", "text")
        if input_type == "number":
            return QuestionInfo("decimal"), {}
        if input_type == "date":
            return QuestionInfo("date"), {}
        return QuestionInfo("text"), {}
    if kind == "comment":
        return QuestionInfo("text"), {}
    return None


def _elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every page and element of a form in order, through panels and dynamic panels."""
    if isinstance(node, dict):
        if ("name" in node and "type" in node) or "elements" in node:
            yield node
        for key in ("pages", "elements", "questions", "templateElements"):
            yield from _elements(node.get(key))
    elif isinstance(node, list):
        for item in node:
            yield from _elements(item)


def _expressions() -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
    """(file, element, key, expression, questions before it with their JSON choice values)."""
    for path in sorted(FORMS.glob("*.json")):
        form = json.loads(path.read_text(encoding="utf-8"))
        earlier: dict[str, tuple[QuestionInfo, dict[str, Any]]] = {}
        for number, element in enumerate(_elements(form)):
            label = element.get("name", f"element {number}")
            for key in KEYS:
                if isinstance(element.get(key), str):
                    yield path.name, label, key, element[key], dict(earlier)
            made = _info(element)
            if made is not None and "name" in element:
                earlier[element["name"]] = made


CASES = list(_expressions())


def test_the_forms_hold_expressions() -> None:
    assert len(CASES) >= 19
    assert {(f, e, k) for f, e, k, _, _ in CASES} >= set(REFUSED)


def _answers(info: QuestionInfo) -> list[Any]:
    match info.type:
        case "select_one":
            return [None, *info.choices]
        case "select_multiple":
            return [
                None,
                *(list(c) for n in (1, 2) for c in itertools.combinations(info.choices, n)),
            ]
        case "integer" | "decimal":
            return [None, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 2.5]
        case "date":
            return [None, "2023-12-31", "2024-01-01", "2024-06-30"]
    return [None, "Yes", "york"]


@pytest.mark.parametrize(
    ("file", "element", "key", "expression", "earlier"),
    CASES,
    ids=[f"{f}:{e}:{k}" for f, e, k, _, _ in CASES],
)
def test_each_expression_translates_exactly_or_is_refused(
    file: str, element: str, key: str, expression: str, earlier: dict[str, Any]
) -> None:
    questions = {name: info for name, (info, _) in earlier.items()}
    reason = REFUSED.get((file, element, key))
    if reason is not None:
        with pytest.raises(UnsupportedExpression) as refused:
            to_condition(expression, questions)
        assert reason in refused.value.message
        return
    condition = to_condition(expression, questions)
    read = sorted(set(references(condition)))
    for combination in itertools.product(*(_answers(questions[q]) for q in read)):
        answers = {q: a for q, a in zip(read, combination, strict=True) if a is not None}
        # SurveyJS holds a choice as the form wrote it (a number stays a number).
        surveyjs = {
            q: [earlier[q][1].get(v, v) for v in a]
            if isinstance(a, list)
            else earlier[q][1].get(a, a)
            if isinstance(a, str)
            else a
            for q, a in answers.items()
        }
        assert surveyjs_eval.evaluate(expression, surveyjs) == evaluate(condition, answers), (
            expression,
            answers,
        )
