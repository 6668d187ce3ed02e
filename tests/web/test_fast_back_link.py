"""The Back link's question without checking answers (``Flow.before``, issue 20).

``Flow.before`` answers from a table when the question just before is unconditional, and asks
the engine (``Engine.previous_question``, what it always called) otherwise; either way it must
be the engine's answer, for every question and any answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from webtools import SPEC

from kindspecs import RESIDENTS
from strategies import answers as raw_answers
from surveykit import Consultation, Engine, load_spec
from surveykit.conditions import walk
from surveykit.plugins import get_plugins
from surveykit.testing_kinds import _date_range, answers_for
from surveykit_html.flow import Flow

SPECS = {"taking_stock": SPEC, "residents_survey": RESIDENTS}


def _flow(path: Any) -> Flow:
    """A flow built as the web app builds it."""
    plugins = get_plugins()
    return Flow(Engine(load_spec(path), plugins.kinds), plugins.kinds)


FLOWS = {name: _flow(path) for name, path in SPECS.items()}


def _literals(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """The values each answer key is compared with in a condition, so generated answers meet
    the conditions as often as they miss them ("Northbridge" is not a likely random town)."""
    found: dict[str, list[Any]] = {}
    for question in (*engine.questions, *engine.parts):
        if question.condition is None:
            continue
        for node in walk(question.condition):
            values = getattr(node, "values", None) or (getattr(node, "value", None),)
            key = getattr(node, "question", None)
            for value in values:
                if key is not None and isinstance(value, str):
                    found.setdefault(key, []).append(value)
    return {key: tuple(values) for key, values in found.items()}


def _good(part: Any) -> st.SearchStrategy[Any]:
    """``answers_for(part)``, or any text where it has none (a date range that starts after
    today, as the residents' survey's event date does while the survey is a plan)."""
    if part.kind == "date":
        low, high = _date_range(part)
        if high < low:
            return st.dates().map(dt.date.isoformat)
    return answers_for(part)


@st.composite
def answer_sets(draw: st.DrawFn, engine: Engine) -> dict[str, Any]:
    """Answers as a respondent's draft holds them: some parts answered well, some with what a
    condition compares them with, and some with anything at all (blank, wrong, unknown)."""
    consultation: Consultation = engine.consultation
    literals = _literals(engine)
    out: dict[str, Any] = draw(raw_answers(consultation)) if draw(st.booleans()) else {}
    for part in engine.parts:
        how = draw(st.integers(0, 3))
        if how == 0:
            continue
        choices = [_good(part)]
        if part.id in literals:
            choices.append(st.sampled_from(literals[part.id]))
        if part.kind != "grid":
            out[part.id] = draw(st.one_of(choices))
    return out


def _check(flow: Flow, answers: Mapping[str, Any]) -> None:
    for question in flow.engine.questions:
        expected = flow.engine.previous_question(answers, before=question.id)
        assert flow.before(answers, question.id) is expected, question.id


@given(data=st.data())
def test_taking_stock_back_links_are_the_engines(data):
    flow = FLOWS["taking_stock"]
    _check(flow, data.draw(answer_sets(flow.engine)))


@given(data=st.data())
def test_residents_survey_back_links_are_the_engines(data):
    flow = FLOWS["residents_survey"]
    _check(flow, data.draw(answer_sets(flow.engine)))


@pytest.mark.parametrize("name", SPECS)
def test_no_answers_and_odd_mappings(name):
    flow = FLOWS[name]
    for answers in ({}, {"unknown": "x"}, {q.id: None for q in flow.engine.questions}):
        _check(flow, answers)


@pytest.mark.parametrize("name", SPECS)
def test_both_ways_of_finding_the_question_before_are_exercised(name):
    """Each spec has questions after an unconditional one (found without the answers) and
    after a conditional one (found by the engine), so the tests above check both."""
    questions = FLOWS[name].engine.questions
    before = [questions[i - 1].condition for i in range(1, len(questions))]
    assert any(condition is None for condition in before)
    assert any(condition is not None for condition in before)


def test_a_hidden_question_before_is_skipped():
    """In the residents' survey a conditional question hidden by no answers is skipped, and
    the Back link after the Northbridge centre question leads to it only for Northbridge."""
    flow = FLOWS["residents_survey"]
    ids = [q.id for q in flow.engine.questions]
    hidden = [
        ids[i]
        for i in range(1, len(ids))
        if flow.engine.questions[i - 1].condition is not None
        and flow.before({}, ids[i]) is not flow.engine.questions[i - 1]
    ]
    assert hidden, "some conditional question is hidden with no answers"
    town = {"town": "Northbridge"}
    after_centre = ids[ids.index("northbridge_centre") + 1]
    assert flow.before(town, after_centre).id == "northbridge_centre"
    assert flow.before({"town": "Elsewhere"}, after_centre).id != "northbridge_centre"
