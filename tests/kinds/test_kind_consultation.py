"""A kind may build its checkers knowing the consultation (``checker_in``); a kind written
before that, with only ``checker(question)``, works as it did.  Both are registered through the
public hook, as a third-party plugin's kinds are, and checked through the engine and through
``review --set``, the two places that build checkers."""

from __future__ import annotations

import pytest
from attrs import frozen

from surveykit import EMPTY, Engine, Plugins, Rejected, SurveykitError, hookimpl, loads_spec
from surveykit.kinds import checker_of
from surveykit_email.review import parse_corrections

SPEC = """
[consultation]
id = "{id}"
title = "Membership"
publisher = "Example Borough Council"
closes = 2099-12-31
timezone = "Europe/London"

[[sections]]
id = "s"
title = "You"

[[sections.questions]]
id = "code"
text = "What is your membership code?"
kind = "{kind}"
"""


def _text_checker(title: str, prefix: str = ""):
    """Text, trimmed, that starts with ``prefix``."""

    def check(value):
        if value is None:
            return EMPTY
        if value.__class__ is not str:
            return Rejected("wrong_type", f"{title}: write the code as text")
        text = value.strip()
        if not text:
            return EMPTY
        if not text.startswith(prefix):
            return Rejected("wrong_code", f"{title}: a code here starts with {prefix!r}")
        return text

    return check


@frozen
class OldCode:
    """A kind written before ``checker_in``: it knows only the question."""

    name: str = "old_code"
    description: str = "a membership code"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False

    def checker(self, question):
        return _text_checker(question.title, "M-")


@frozen
class OwnCode:
    """A kind whose codes start with the consultation's id: it needs the consultation."""

    name: str = "own_code"
    description: str = "a membership code of this consultation"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False

    def checker(self, question):
        raise AssertionError("checker_in is preferred wherever surveykit builds a checker")

    def checker_in(self, question, consultation):
        return _text_checker(question.title, f"{consultation.metadata.id}-")


class CodesPlugin:
    @hookimpl
    def surveykit_register_question_kinds(self, register):
        register(OldCode())
        register(OwnCode())


@pytest.fixture(scope="module")
def kinds():
    plugins = Plugins()
    plugins.load_entry_points()
    plugins.register(CodesPlugin(), name="codes")
    return plugins.kinds


def _consultation(kinds, kind: str, consultation_id: str = "members"):
    return loads_spec(SPEC.format(id=consultation_id, kind=kind), kinds=kinds)


def test_a_kind_with_only_checker_question_checks_answers_through_the_engine(kinds):
    engine = Engine(_consultation(kinds, "old_code"), kinds)
    assert engine.check({"code": "  M-123 "}) == ({"code": "M-123"}, [])
    assert engine.check({"code": "   "}).answers == {}
    assert [p.code for p in engine.check({"code": 123}).problems] == ["wrong_type"]
    assert [p.code for p in engine.check({"code": "X-123"}).problems] == ["wrong_code"]


def test_a_kind_with_only_checker_question_checks_review_corrections(kinds):
    consultation = _consultation(kinds, "old_code")
    assert parse_corrections(consultation, ("code=M-123",), kinds) == {"code": "M-123"}
    with pytest.raises(SurveykitError, match="a code here starts with 'M-'"):
        parse_corrections(consultation, ("code=X-123",), kinds)


def test_checker_of_falls_back_to_checker_question(kinds):
    consultation = _consultation(kinds, "old_code")
    check = checker_of(consultation.question("code"), kinds, consultation)
    assert check(" M-1 ") == "M-1"


@pytest.mark.parametrize("consultation_id", ["members", "staff"])
def test_the_engine_builds_a_kind_s_checker_with_its_consultation(kinds, consultation_id):
    engine = Engine(_consultation(kinds, "own_code", consultation_id), kinds)
    own = f"{consultation_id}-7"
    other = "staff-7" if consultation_id == "members" else "members-7"
    assert engine.check({"code": own}) == ({"code": own}, [])
    problems = engine.check({"code": other}).problems
    assert [(p.code, p.message) for p in problems] == [
        (
            "wrong_code",
            f"Question code: a code here starts with '{consultation_id}-'",
        )
    ]


def test_review_corrections_are_checked_with_the_consultation(kinds):
    consultation = _consultation(kinds, "own_code", "members")
    assert parse_corrections(consultation, ("code=members-7",), kinds) == {"code": "members-7"}
    with pytest.raises(SurveykitError, match="a code here starts with 'members-'"):
        parse_corrections(consultation, ("code=staff-7",), kinds)
