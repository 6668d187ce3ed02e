"""The engine promises (DESIGN.md), checked over generated specs and answers.

Each test compares the engine with a slow reference written here from the definitions alone:
visibility as the fixed point of "a question is shown when its condition holds on the cleaned
answers to the shown questions", evaluated with the reference interpreter, and each kind's rules
restated from its documentation.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from typing import Any

from attrs import frozen
from hypothesis import given
from hypothesis import strategies as st

from strategies import (
    DEFAULT_TEXT_LIMIT,
    ReversedMapping,
    consultations_with_answers,
    raw_answers,
    spec_plans,
    specs,
)
from surveykit import EMPTY, Consultation, Engine, Question, Rejected, get_plugins, loads_spec
from surveykit.conditions import evaluate

ABSENT = object()

# the reference ----------------------------------------------------------------------------


def expected_outcome(question: Question, raw: Any, engine: bool = True) -> tuple[Any, str | None]:
    """What one answer cleans to (``ABSENT`` when not answered) and the problem code, if any.

    A rejected answer is kept as it was given, so the form can show it again with the error.
    ``engine`` adds the rule the engine applies to every kind's result: no control characters.
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
    if engine and any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in text):
        return raw, "control_character"
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


# the loader and the parser ------------------------------------------------------------------


@given(spec_plans())
def test_generated_specs_load_with_the_conditions_they_were_written_from(plan):
    """Every generated spec loads, and each ``shown_if`` parses to the planned condition."""
    consultation = loads_spec(plan.text)
    assert [q.id for q in consultation.questions] == [p.id for p in plan.questions]
    assert [q.condition for q in consultation.questions] == [p.condition for p in plan.questions]
    assert [q.shown_if for q in consultation.questions] == [p.shown_if for p in plan.questions]


# promises 2, 3 and 4: visible, clean, validate ----------------------------------------------


@given(consultations_with_answers())
def test_visible_clean_and_validate_follow_the_definitions(case):
    """The engine agrees with the slow reference on what is shown, kept and wrong."""
    consultation, given_answers = case
    engine = Engine(consultation)
    expected = reference(consultation, given_answers)
    checked = engine.check(given_answers)
    assert engine.visible(given_answers) == expected.visible
    assert checked.answers == expected.clean
    assert list(checked.answers) == list(expected.clean)
    assert pairs(checked.problems) == expected.problems
    assert engine.clean(given_answers) == checked.answers
    assert engine.validate(given_answers) == checked.problems
    assert checked.ok is (checked.problems == [])


@given(consultations_with_answers())
def test_problems_are_only_about_visible_questions_and_name_them(case):
    """No problem concerns a hidden question; each message starts with the question's title."""
    consultation, given_answers = case
    engine = Engine(consultation)
    shown = set(engine.visible(given_answers))
    for problem in engine.validate(given_answers):
        if problem.code == "unknown_question":
            assert problem.question not in consultation.by_id
        else:
            assert problem.question in shown
            title = consultation.question(problem.question).title
            assert problem.message.startswith(f"{title}: ")


@given(st.data())
def test_an_answer_to_a_hidden_question_counts_as_absent(data):
    """Changing or removing answers to hidden questions changes nothing at all."""
    consultation, given_answers = data.draw(consultations_with_answers())
    engine = Engine(consultation)
    shown = engine.visible(given_answers)
    changed = dict(given_answers)
    for q in consultation.questions:
        if q.id in shown:
            continue
        if data.draw(st.booleans()):
            changed[q.id] = data.draw(raw_answers(q))
        else:
            changed.pop(q.id, None)
    assert engine.check(changed) == engine.check(given_answers)
    assert engine.visible(changed) == shown


@given(consultations_with_answers())
def test_cleaned_answers_are_a_fixed_point(case):
    """``clean(clean(a)) == clean(a)``, ``visible(clean(a)) == visible(a)``, same problems."""
    consultation, given_answers = case
    engine = Engine(consultation)
    clean = engine.clean(given_answers)
    assert engine.clean(clean) == clean
    assert engine.visible(clean) == engine.visible(given_answers)
    kept = [p for p in engine.validate(given_answers) if p.code != "unknown_question"]
    assert engine.validate(clean) == kept


@given(consultations_with_answers())
def test_not_shown_and_not_answered_partition_the_unanswered(case):
    """Each question is exactly one of: answered, visible but not answered, not shown."""
    consultation, given_answers = case
    engine = Engine(consultation)
    shown = set(engine.visible(given_answers))
    answered = set(engine.clean(given_answers))
    not_answered = shown - answered
    not_shown = set(consultation.by_id) - shown
    assert answered <= shown
    assert answered | not_answered | not_shown == set(consultation.by_id)
    assert len(answered) + len(not_answered) + len(not_shown) == len(consultation.questions)


# promise 5: order -------------------------------------------------------------------------


@given(st.data())
def test_the_order_of_the_answers_does_not_matter(data):
    """Any insertion order, a mapping that iterates backwards, or answers given one at a time
    with changes of mind along the way, all clean the same."""
    consultation, given_answers = data.draw(consultations_with_answers())
    engine = Engine(consultation)
    expected = engine.check(given_answers)
    steps: list[tuple[Any, Any]] = []
    for key in data.draw(st.permutations(list(given_answers))):
        steps.append((key, given_answers[key]))
        if key in consultation.by_id and data.draw(st.booleans()):
            first_thought = data.draw(raw_answers(consultation.question(key)))
            steps.insert(data.draw(st.integers(0, len(steps) - 1)), (key, first_thought))
    one_by_one: dict[Any, Any] = {}
    for key, value in steps:
        one_by_one[key] = value
    shuffled = dict(data.draw(st.permutations(list(given_answers.items()))))
    for other in (shuffled, ReversedMapping(given_answers), one_by_one):
        checked = engine.check(other)
        assert checked.answers == expected.answers
        assert engine.visible(other) == engine.visible(given_answers)
        known = [p for p in checked.problems if p.code != "unknown_question"]
        assert known == [p for p in expected.problems if p.code != "unknown_question"]
        assert Counter(checked.problems) == Counter(expected.problems)


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
def test_each_kind_checker_follows_its_rules_and_is_idempotent(data):
    """Each kind keeps, normalises, empties or rejects an answer as documented, never raises,
    and a normalised answer checks to itself."""
    consultation = data.draw(specs())
    kinds = get_plugins().kinds
    for question in consultation.questions:
        check = kinds[question.kind].checker(question)
        raw = data.draw(raw_answers(question))
        verdict = check(raw)
        value, code = expected_outcome(question, raw, engine=False)
        if code is not None:
            assert isinstance(verdict, Rejected)
            assert verdict.code == code
        elif value is ABSENT:
            assert verdict is EMPTY
        else:
            assert verdict == value
            assert check(verdict) == verdict
            assert type(check(verdict)) is type(verdict)
        odd = data.draw(_anything)
        verdict = check(odd)
        if verdict is not EMPTY and not isinstance(verdict, Rejected):
            assert check(verdict) == verdict
