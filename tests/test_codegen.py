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


@given(consultations_with_answers())
def test_every_placeholder_is_bound_and_nothing_else_is_reachable(case):
    """The generated code holds no placeholder number, however the compiler folded it (a tuple
    of placeholders becomes one constant), and runs without builtins."""
    consultation, _answers = case
    check = Engine(consultation)._compiled

    def constants(code):
        for constant in code.co_consts:
            if hasattr(constant, "co_consts"):
                yield from constants(constant)
            elif isinstance(constant, tuple):
                yield from constant
            else:
                yield constant

    assert not [c for c in constants(check.__code__) if c.__class__ is int and c >= 1 << 62]
    assert check.__globals__ == {"__builtins__": {}, "check": check}


def test_locals_are_reused_once_no_later_condition_reads_them():
    """A chain of 300 questions, each shown by the two before it, needs a handful of locals:
    one per question would make a frame too big for the processor's cache."""
    lines = ["[consultation]\nid='x'\ntitle='X'\npublisher='P'\ncloses=2030-01-01"]
    lines.append("[[sections]]\nid='s'\ntitle='S'")
    for i in range(300):
        lines.append(f"[[sections.questions]]\nid='q{i}'\ntext='T'\nkind='single'")
        lines.append("options=[{value='yes', label='Yes'}, {value='no', label='No'}]")
        if i >= 2:
            lines.append(f'shown_if=\'q{i - 1} == "yes" or q{i - 2} != "no"\'')
    engine = Engine(loads_spec("\n".join(lines) + "\n"))
    assert engine._compiled.__code__.co_nlocals < 10
    answers = {f"q{i}": "no" if i % 3 == 0 else "yes" for i in range(300)}
    assert engine._compiled(answers) == engine._check_interpreted(answers)
