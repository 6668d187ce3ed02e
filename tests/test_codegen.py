"""The generated check function: equal to the interpreted loop, and immune to spec text."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given

from strategies import consultations_with_answers
from surveykit import Engine, loads_spec
from surveykit.conditions import parse_condition
from surveykit.model import Consultation, Metadata, Question, Section

HOSTILE = '"); import os; os.system("false"); ("'


@given(consultations_with_answers())
def test_generated_check_equals_the_interpreted_loop(case):
    """For any spec and answers, the generated function and the step loop agree exactly."""
    consultation, answers = case
    engine = Engine(consultation)
    assert engine._compiled is not None
    assert engine._compiled(answers) == engine._check_interpreted(answers)


def test_spec_text_never_enters_the_generated_source():
    """Option values and labels that look like Python are data: they match only themselves."""
    spec = loads_spec(
        "[consultation]\nid='x'\ntitle='X'\npublisher='P'\ncloses=2030-01-01\n"
        "[[sections]]\nid='s'\ntitle='S'\n"
        "[[sections.questions]]\nid='q1'\ntext='T'\nkind='single'\n"
        f"options=[{{value='''{HOSTILE}''', label='''{HOSTILE}'''}}, {{value='b', label='B'}}]\n"
        "[[sections.questions]]\nid='q2'\ntext='U'\nkind='text'\n"
        f"shown_if='''q1 == '{HOSTILE.replace(chr(39), chr(92) + chr(39))}' '''\n"
    )
    engine = Engine(spec)
    assert engine.clean({"q1": HOSTILE, "q2": "shown"}) == {"q1": HOSTILE, "q2": "shown"}
    assert engine.clean({"q1": "b", "q2": "hidden"}) == {"q1": "b"}


def test_a_consultation_built_in_code_may_not_read_later_questions():
    """Conditions on later questions are refused when the engine is built, with the reason."""
    later = Question("a", "A?", "text", condition=parse_condition("answered(b)"))
    consultation = Consultation(
        Metadata("x", "X", "P", closes=datetime.date(2030, 1, 1)),
        (Section("s", "S", questions=(later, Question("b", "B?", "text"))),),
    )
    with pytest.raises(ValueError, match=r"^Question a: ") as info:
        Engine(consultation)
    assert str(info.value) == (
        "Question a: its condition reads b, which is not an earlier question; "
        "a condition may only use earlier questions"
    )


def test_values_a_checker_accepts_are_returned_unchanged():
    """A checker's ``accepts`` set is truthful, so the engine may skip calling it for them."""
    consultation = loads_spec(
        "[consultation]\nid='x'\ntitle='X'\npublisher='P'\ncloses=2030-01-01\n"
        "[[sections]]\nid='s'\ntitle='S'\n"
        "[[sections.questions]]\nid='q1'\ntext='T'\nkind='single'\n"
        "options=[{value='a', label='A'}, {value=' b ', label='B'}]\n"
    )
    engine = Engine(consultation)
    checker = engine._steps[0][2]
    assert checker.accepts == {"a", " b "}
    assert [checker(value) for value in sorted(checker.accepts)] == [" b ", "a"]
    assert engine.clean({"q1": " b "}) == {"q1": " b "}
