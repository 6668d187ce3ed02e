"""The engine's promises over generated consultations that use every built-in kind, with typed
conditions on earlier parts (numbers and dates compared, counts, grid rows, "other" words, text).

The reference here is written from the definitions alone: each answer part is checked by its
kind's own checker (the kinds are tested on their own in tests/kinds), a part is shown when its
condition holds on the cleaned answers to the shown parts (the reference interpreter,
``surveykit.conditions.evaluate``, iterated to its fixed point), only shown parts are kept and
only they have problems.  The engine, compiled and interpreted, must agree with it; and clearing
is idempotent and blind to the order in which answers were given.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import unicodedata
from collections.abc import Mapping
from typing import Any

from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindspecs import BUILT_IN_KINDS
from surveykit import EMPTY, Consultation, Engine, Question, Rejected, get_plugins
from surveykit.conditions import Operand, bind, evaluate, parse_condition, render
from surveykit.kinds import answer_type, checker_of, parts_of
from surveykit.model import Metadata, Section
from surveykit.testing_kinds import (
    invalid_answers_for,
    json_values,
    part_answers_for,
    questions_for,
)

KINDS = get_plugins().kinds
OPERATORS = ("<", "<=", ">", ">=", "==", "!=")
ABSENT = object()


def _quoted(value: str) -> str:
    """A string literal of the condition language (which reads ``\\`` and ``\\"`` escapes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _leaf(draw: st.DrawFn, part: Question) -> str:
    """A comparison an author could write on ``part``, of the kind its answers allow."""
    key = part.id
    values = [o.value for o in part.options]
    kind = answer_type(part, KINDS)
    if draw(st.integers(0, 5)) == 0:
        return f"answered({key})"
    if kind == "option":
        chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
        if len(chosen) == 1:
            return f"{key} {draw(st.sampled_from(['==', '!=']))} {_quoted(chosen[0])}"
        return f"{key} in [{', '.join(_quoted(v) for v in chosen)}]"
    if kind in ("options", "ranking"):
        if draw(st.booleans()):
            return f"{_quoted(draw(st.sampled_from(values)))} in {key}"
        return f"count({key}) {draw(st.sampled_from(OPERATORS))} {draw(st.integers(0, 4))}"
    if kind == "number":
        low = part.settings.get("min", min(-1000, part.settings.get("max", 0)))
        high = part.settings.get("max", max(1000, low))
        # Near the answers' range, kept within a million; the two ends cross when the range
        # lies wholly beyond a million, so take them in order.
        ends = sorted((int(max(low, -(10**6))) - 1, int(min(high, 10**6)) + 1))
        number = draw(st.integers(*ends))
        return f"{key} {draw(st.sampled_from(OPERATORS))} {number}"
    if kind in ("date", "month"):
        day = draw(st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 31)))
        literal = day.isoformat() if kind == "date" else day.isoformat()[:7]
        return f"{key} {draw(st.sampled_from(OPERATORS))} {literal}"
    word = draw(st.sampled_from(["yes", "Kent", "  north  yorkshire ", "SW1A 1AA"]))
    return f"{key} {draw(st.sampled_from(['==', '!=']))} {_quoted(word)}"


def _condition(draw: st.DrawFn, earlier: list[Question], depth: int = 0) -> str:
    shape = draw(st.integers(0, 5 if depth < 2 else 0))
    if shape <= 2:
        return _leaf(draw, draw(st.sampled_from(earlier)))
    if shape == 3:
        return f"not ({_condition(draw, earlier, depth + 1)})"
    joiner = " and " if shape == 4 else " or "
    first, second = (_condition(draw, earlier, depth + 1) for _ in range(2))
    return f"({first}){joiner}({second})"


def _operand(part: Question) -> Operand:
    return Operand(answer_type(part, KINDS), tuple(o.value for o in part.options))


@st.composite
def consultations(draw: st.DrawFn) -> Consultation:
    """A consultation of 2 to 7 questions of any built-in kinds, most after the first shown
    only under a condition on earlier parts, bound exactly as the spec loader binds them."""
    kinds = draw(st.lists(st.sampled_from(BUILT_IN_KINDS), min_size=2, max_size=7))
    questions: list[Question] = []
    parts: list[Question] = []
    for i, kind in enumerate(kinds):
        question = evolve(draw(questions_for(kind)), id=f"q{i}", number=str(i + 1), section="s")
        if parts and draw(st.integers(0, 3)):
            source = _condition(draw, parts)
            known = {part.id: _operand(part) for part in parts}
            condition, problems = bind(parse_condition(source), known.get)
            assert problems == [], (source, problems)
            question = evolve(question, condition=condition, shown_if=render(condition))
        questions.append(question)
        parts.extend(parts_of(question, KINDS))
    metadata = Metadata(id="gen", title="Generated", publisher="Tests", closes=dt.date(2099, 1, 1))
    return Consultation(metadata, (Section("s", "S", questions=tuple(questions)),))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Consultation, dict[str, Any]]:
    """A consultation and answers as channels send them: most parts answered well, some wrongly
    or with any JSON value at all, some left out, and now and then a key nobody asked."""
    consultation = draw(consultations())
    answers: dict[str, Any] = {}
    for question in consultation.questions:
        answers.update(draw(part_answers_for(question, KINDS)))
        for part in parts_of(question, KINDS):
            roll = draw(st.integers(0, 9))
            if roll == 0:
                answers[part.id] = draw(invalid_answers_for(part))
            elif roll == 1:
                answers[part.id] = draw(json_values())
            elif roll == 2:
                answers.pop(part.id, None)
            elif roll == 3:  # text holding a control character, which no store may keep
                answers[part.id] = draw(st.sampled_from(["bell\x07", "nul\x00x", "a\x1bb"]))
    if draw(st.integers(0, 9)) == 0:
        answers["nobody.asked"] = "x"
    return consultation, answers


# the reference ----------------------------------------------------------------------------


def _holds_control(value: Any) -> bool:
    texts = [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else []
    return any(
        isinstance(text, str)
        and any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in text)
        for text in texts
    )


def reference(consultation: Consultation, answers: Mapping[str, Any]):
    """(visible question ids, visible part keys, cleaned answers, [(key, code)]) from the
    definitions."""
    parts = [part for q in consultation.questions for part in parts_of(q, KINDS)]
    outcomes: dict[str, tuple[Any, str | None]] = {}
    for part in parts:
        if part.id not in answers:
            outcomes[part.id] = (ABSENT, None)
            continue
        raw = answers[part.id]
        checked = checker_of(part, KINDS, consultation)(raw)
        if checked is EMPTY:
            outcomes[part.id] = (ABSENT, None)
        elif isinstance(checked, Rejected):
            outcomes[part.id] = (raw, checked.code)
        elif _holds_control(checked):
            outcomes[part.id] = (raw, "control_character")
        else:
            outcomes[part.id] = (checked, None)
    shown = {part.id for part in parts}
    for _ in range(len(parts) + 1):
        cleaned = {k: outcomes[k][0] for k in shown if outcomes[k][0] is not ABSENT}
        again = {p.id for p in parts if p.condition is None or evaluate(p.condition, cleaned)}
        if again == shown:
            break
        shown = again
    clean = {p.id: outcomes[p.id][0] for p in parts if p.id in shown}
    clean = {k: v for k, v in clean.items() if v is not ABSENT}
    problems = []
    for part in parts:
        if part.id not in shown:
            continue
        value, code = outcomes[part.id]
        if code is not None:
            problems.append((part.id, code))
        elif value is ABSENT and part.required:
            problems.append((part.id, "required"))
    keys = {part.id for part in parts}
    problems += [(key, "unknown_question") for key in answers if key not in keys]
    visible = tuple(
        q.id for q in consultation.questions if q.condition is None or evaluate(q.condition, clean)
    )
    return visible, tuple(p.id for p in parts if p.id in shown), clean, problems


def _same(left: dict[str, Any], right: dict[str, Any]) -> bool:
    """Equal answers, compared as JSON so that 1 and 1.0 or a tuple and a list do not differ
    in type alone where the store would not tell them apart either."""
    dump = json.dumps
    return left.keys() == right.keys() and all(
        dump(left[k], sort_keys=True, default=repr) == dump(right[k], sort_keys=True, default=repr)
        for k in left
    )


SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(case=cases())
def test_the_engine_agrees_with_the_definitions_on_every_kind(case):
    """Visible questions, visible parts, cleaned answers and problems, compiled and interpreted,
    as the reference computes them: a hidden part is never kept and never has a problem."""
    consultation, answers = case
    engine = Engine(consultation)
    visible, visible_parts, clean, problems = reference(consultation, answers)
    for checked in (engine.check(answers), engine._check_interpreted(answers)):
        got = checked if isinstance(checked, tuple) else (checked.answers, checked.problems)
        assert _same(got[0], clean)
        assert [(p.question, p.code) for p in got[1]] == problems
    assert engine.visible(answers) == visible
    assert engine.visible_parts(answers) == visible_parts


@SETTINGS
@given(case=cases(), seed=st.integers(0, 2**32 - 1))
def test_clearing_is_idempotent_and_blind_to_the_order_of_the_answers(case, seed):
    """Cleaning the cleaned answers changes nothing and finds nothing wrong that was not
    already wrong; answers given in any order clean alike."""
    consultation, answers = case
    engine = Engine(consultation)
    first = engine.check(answers)
    again = engine.check(first.answers)
    assert _same(again.answers, first.answers)
    assert {(p.question, p.code) for p in again.problems} <= {
        (p.question, p.code) for p in first.problems
    }
    keys = list(answers)
    random.Random(seed).shuffle(keys)
    shuffled = engine.check({key: answers[key] for key in keys})
    assert _same(shuffled.answers, first.answers)
    assert sorted((p.question, p.code) for p in shuffled.problems) == sorted(
        (p.question, p.code) for p in first.problems
    )
