"""The engine promises (DESIGN.md), checked over generated specs and answers.

Each test compares the engine with a slow reference written here from the definitions alone:
visibility as the fixed point of "a question is shown when its condition holds on the cleaned
answers to the shown questions", evaluated with the reference interpreter, and each kind's rules
restated from its documentation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from attrs import frozen
from hypothesis import given
from hypothesis import strategies as st

from strategies import (
    DEFAULT_TEXT_LIMIT,
    ReversedMapping,
    answers,
    raw_answers,
    spec_plans,
    specs,
)
from surveykit import EMPTY, Consultation, Engine, Question, Rejected, get_plugins, loads_spec
from surveykit.conditions import evaluate

ABSENT = object()

# the reference ----------------------------------------------------------------------------


def expected_outcome(question: Question, raw: Any) -> tuple[Any, str | None]:
    """What one answer cleans to (``ABSENT`` when not answered) and the problem code, if any.

    A rejected answer is kept as it was given, so the form can show it again with the error.
    """
    options = [o.value for o in question.options]
    if raw is None:
        return ABSENT, None
    if question.kind == "single":
        if type(raw) is not str:
            return raw, "wrong_type"
        if raw in options:
            return raw, None
        return (ABSENT, None) if not raw.strip() else (raw, "unknown_option")
    if question.kind == "multi":
        if type(raw) not in (list, tuple):
            return raw, "wrong_type"
        if not raw:
            return ABSENT, None
        if any(type(item) is not str for item in raw):
            return raw, "wrong_type"
        if not set(raw) <= set(options):
            return raw, "unknown_option"
        return [o for o in options if o in raw], None
    assert question.kind == "text"
    if type(raw) is not str:
        return raw, "wrong_type"
    text = raw.strip()
    if not text:
        return ABSENT, None
    if len(text) > (question.max_length or DEFAULT_TEXT_LIMIT):
        return raw, "too_long"
    return text, None


@frozen
class Expected:
    visible: tuple[str, ...]
    clean: dict[str, Any]
    problems: list[tuple[str, str]]


def reference(consultation: Consultation, answers: Mapping[Any, Any]) -> Expected:
    """The engine's results computed straight from the definitions, slowly."""
    questions = consultation.questions
    outcomes = {
        q.id: expected_outcome(q, answers[q.id]) if q.id in answers else (ABSENT, None)
        for q in questions
    }
    shown = {q.id for q in questions}
    # Start from "everything shown" and re-evaluate every condition on the answers to the
    # shown questions until nothing changes; with conditions on earlier questions only, this
    # settles within one round per question.
    for _ in range(len(questions) + 1):
        cleaned = {qid: outcomes[qid][0] for qid in shown if outcomes[qid][0] is not ABSENT}
        again = {q.id for q in questions if q.condition is None or evaluate(q.condition, cleaned)}
        if again == shown:
            break
        shown = again
    else:  # pragma: no cover
        raise AssertionError("visibility did not settle")
    visible = tuple(q.id for q in questions if q.id in shown)
    clean = {qid: outcomes[qid][0] for qid in visible if outcomes[qid][0] is not ABSENT}
    problems = []
    for q in questions:
        value, code = outcomes[q.id]
        if q.id not in shown:
            continue
        if code is not None:
            problems.append((q.id, code))
        elif value is ABSENT and q.required:
            problems.append((q.id, "required"))
    ids = {q.id for q in questions}
    problems += [(str(key), "unknown_question") for key in answers if key not in ids]
    return Expected(visible, clean, problems)


def pairs(problems) -> list[tuple[str | None, str]]:
    return [(p.question, p.code) for p in problems]


@st.composite
def consultations_with_answers(draw):
    consultation = draw(specs())
    return consultation, draw(answers(consultation))


# the loader and the parser ------------------------------------------------------------------


@given(spec_plans())
def test_generated_specs_load_with_the_conditions_they_were_written_from(plan):
    """Every generated spec loads, and each ``shown_if`` parses to the planned condition."""
    consultation = loads_spec(plan.text)
    assert [q.id for q in consultation.questions] == [p.id for p in plan.questions]
    assert [q.condition for q in consultation.questions] == [p.condition for p in plan.questions]
    assert [q.shown_if for q in consultation.questions] == [p.shown_if for p in plan.questions]


# promise 2: visibility ----------------------------------------------------------------------


@given(consultations_with_answers())
def test_visible_and_clean_follow_the_definition(case):
    """``visible`` and ``clean`` agree with the fixed-point reference, in spec order."""
    consultation, given_answers = case
    engine = Engine(consultation)
    expected = reference(consultation, given_answers)
    assert engine.visible(given_answers) == expected.visible
    clean = engine.clean(given_answers)
    assert clean == expected.clean
    assert list(clean) == list(expected.clean)


@given(st.data())
def test_an_answer_to_a_hidden_question_counts_as_absent(data):
    """Changing or removing answers to hidden questions changes nothing at all."""
    consultation, given_answers = data.draw(consultations_with_answers())
    engine = Engine(consultation)
    shown = engine.visible(given_answers)
    hidden = [q for q in consultation.questions if q.id not in shown]
    changed = dict(given_answers)
    for q in hidden:
        if data.draw(st.booleans()):
            changed[q.id] = data.draw(raw_answers(q))
        else:
            changed.pop(q.id, None)
    assert engine.check(changed) == engine.check(given_answers)
    assert engine.visible(changed) == shown


# promise 3: clean ---------------------------------------------------------------------------


@given(consultations_with_answers())
def test_cleaning_is_idempotent_and_keeps_visibility(case):
    """``clean(clean(a)) == clean(a)`` and ``visible(clean(a)) == visible(a)``."""
    consultation, given_answers = case
    engine = Engine(consultation)
    clean = engine.clean(given_answers)
    assert engine.clean(clean) == clean
    assert engine.visible(clean) == engine.visible(given_answers)


@given(consultations_with_answers())
def test_not_shown_and_not_answered_partition_the_unanswered(case):
    """Each question is exactly one of answered, visible but not answered, or not shown."""
    consultation, given_answers = case
    engine = Engine(consultation)
    shown = engine.visible(given_answers)
    clean = engine.clean(given_answers)
    answered = set(clean)
    not_answered = set(shown) - answered
    not_shown = {q.id for q in consultation.questions} - set(shown)
    assert answered <= set(shown)
    assert answered | not_answered | not_shown == {q.id for q in consultation.questions}
    assert not answered & not_answered
    assert not answered & not_shown
    assert not not_answered & not_shown


@given(consultations_with_answers())
def test_check_is_clean_and_validate_in_one_pass(case):
    """``check`` returns what ``clean`` and ``validate`` return, and is ok iff no problems."""
    consultation, given_answers = case
    engine = Engine(consultation)
    checked = engine.check(given_answers)
    assert checked.answers == engine.clean(given_answers)
    assert checked.problems == engine.validate(given_answers)
    assert checked.ok is (checked.problems == [])


# promise 4: validate ------------------------------------------------------------------------


@given(consultations_with_answers())
def test_validate_reports_exactly_the_expected_problems(case):
    """Required, unknown question, unknown option, too long, wrong type: each once, in order."""
    consultation, given_answers = case
    engine = Engine(consultation)
    problems = engine.validate(given_answers)
    assert pairs(problems) == reference(consultation, given_answers).problems
    shown = set(engine.visible(given_answers))
    for problem in problems:
        if problem.code == "unknown_question":
            assert problem.question not in consultation.by_id
        else:
            assert problem.question in shown
            title = consultation.question(problem.question).title
            assert problem.message.startswith(f"{title}: ")


@given(consultations_with_answers())
def test_clean_answers_have_the_same_problems_less_unknown_ids(case):
    """Cleaning removes unknown ids and hidden answers, and no problem with them."""
    consultation, given_answers = case
    engine = Engine(consultation)
    kept = [p for p in engine.validate(given_answers) if p.code != "unknown_question"]
    assert engine.validate(engine.clean(given_answers)) == kept


# promise 5: order -----------------------------------------------------------------------------


@given(st.data())
def test_the_order_of_the_answers_does_not_matter(data):
    """Any insertion order, or a mapping that iterates backwards, cleans the same."""
    consultation, given_answers = data.draw(consultations_with_answers())
    engine = Engine(consultation)
    expected = engine.check(given_answers)
    shuffled = dict(data.draw(st.permutations(list(given_answers.items()))))
    for other in (shuffled, ReversedMapping(given_answers)):
        checked = engine.check(other)
        assert checked.answers == expected.answers
        assert engine.visible(other) == engine.visible(given_answers)
        known = [p for p in checked.problems if p.code != "unknown_question"]
        assert known == [p for p in expected.problems if p.code != "unknown_question"]
        assert Counter(checked.problems) == Counter(expected.problems)


@given(st.data())
def test_answering_one_by_one_in_any_order_then_cleaning_is_the_same(data):
    """Answers given one at a time, in any order and with changes of mind, clean the same."""
    consultation, given_answers = data.draw(consultations_with_answers())
    engine = Engine(consultation)
    steps: list[tuple[Any, Any]] = []
    for key in data.draw(st.permutations(list(given_answers))):
        steps.append((key, given_answers[key]))
        if key in consultation.by_id and data.draw(st.booleans()):
            first_thought = data.draw(raw_answers(consultation.question(key)))
            steps.insert(data.draw(st.integers(0, len(steps) - 1)), (key, first_thought))
    sofar: dict[Any, Any] = {}
    for key, value in steps:
        sofar[key] = value
    assert engine.check(sofar).answers == engine.check(given_answers).answers


@given(consultations_with_answers())
def test_cleaning_page_by_page_in_spec_order_gives_the_same_result(case):
    """Cleaning after each answer, question by question in spec order, ends where one clean does."""
    consultation, given_answers = case
    engine = Engine(consultation)
    state: dict[str, Any] = {}
    for q in consultation.questions:
        if q.id in given_answers:
            state = engine.clean({**state, q.id: given_answers[q.id]})
    assert state == engine.clean(given_answers)


# renderer promise 7: walking the form -------------------------------------------------------


@given(consultations_with_answers())
def test_next_and_previous_walk_exactly_the_visible_questions(case):
    """Stepping forwards or backwards from any question meets the visible ones, in spec order."""
    consultation, given_answers = case
    engine = Engine(consultation)
    shown = engine.visible(given_answers)
    walked = []
    question = engine.next_question(given_answers)
    while question is not None:
        walked.append(question.id)
        question = engine.next_question(given_answers, after=question.id)
    assert tuple(walked) == shown
    ids = [q.id for q in consultation.questions]
    for i, qid in enumerate(ids):
        after = next((x for x in ids[i + 1 :] if x in shown), None)
        before = next((x for x in reversed(ids[:i]) if x in shown), None)
        following = engine.next_question(given_answers, after=qid)
        preceding = engine.previous_question(given_answers, before=qid)
        assert (following and following.id, preceding and preceding.id) == (after, before)
        assert engine.is_visible(qid, given_answers) is (qid in shown)
    assert tuple(q.id for q in engine.visible_questions(given_answers)) == shown


# kinds --------------------------------------------------------------------------------------

_anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.binary(max_size=3),
    st.lists(st.text(max_size=3) | st.integers(), max_size=3),
    st.tuples(st.text(max_size=3)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@given(st.data())
def test_each_kind_checker_is_idempotent_on_its_own_output(data):
    """A normalised answer checks to itself; a verdict never depends on asking twice."""
    consultation = data.draw(specs())
    kinds = get_plugins().kinds
    for question in consultation.questions:
        check = kinds[question.kind].checker(question)
        raw = data.draw(raw_answers(question) | _anything)
        first = check(raw)
        if first is EMPTY or isinstance(first, Rejected):
            assert check(raw) == first
            continue
        assert check(first) == first
        assert type(check(first)) is type(first)
