"""Single and multiple choice with an "Other (please specify)" option: the text part."""

from __future__ import annotations

from surveykit import Option, Question
from surveykit.conditions import All, Answered, Contains, Equals, evaluate, render
from surveykit_kinds import MultiChoice, SingleChoice

OPTIONS = (
    Option("bus", "Bus"),
    Option("other", "Something else", other=True, max_length=80),
)


def choice(kind: str, **fields) -> Question:
    return Question(
        id="q5", text="How do you travel?", kind=kind, number="5", options=OPTIONS, **fields
    )


def test_a_single_choice_with_other_expands_into_itself_and_a_text_part():
    question = choice("single", required=True)
    asked, other = SingleChoice().expand(question)
    assert asked == question
    assert (other.id, other.kind, other.required, other.max_length, other.number) == (
        "q5.other",
        "text",
        True,
        80,
        "5",
    )
    # An optional question's "other" words are optional too.
    assert not SingleChoice().expand(choice("single"))[1].required
    assert other.condition == Equals("q5", "other")
    assert other.shown_if == 'q5 == "other"'
    assert dict(other.settings) == {"other_of": "q5", "option": "other"}
    assert other.title == "Question 5 (Something else)"


def test_the_text_part_is_shown_only_while_the_option_is_chosen():
    other = MultiChoice().expand(choice("multi"))[1]
    assert other.condition == Contains("q5", "other")
    assert evaluate(other.condition, {"q5": ["bus", "other"]})
    assert not evaluate(other.condition, {"q5": ["bus"]})
    assert not evaluate(other.condition, {})


def test_the_question_s_own_condition_also_hides_the_text_part():
    question = choice("single", shown_if="answered(q1)", condition=Answered("q1"))
    other = SingleChoice().expand(question)[1]
    assert other.condition == All((Answered("q1"), Equals("q5", "other")))
    assert other.shown_if == render(other.condition)
    assert not evaluate(other.condition, {"q5": "other"})
    assert evaluate(other.condition, {"q1": "x", "q5": "other"})


def test_the_key_is_q_other_whatever_the_option_is_called():
    options = (Option("a", "A"), Option("elsewhere", "Elsewhere", other=True))
    question = Question(id="q5", text="Where?", kind="single", options=options)
    other = SingleChoice().expand(question)[1]
    assert (other.id, other.max_length, other.settings["option"]) == ("q5.other", 500, "elsewhere")


def test_a_choice_without_other_is_its_own_only_part():
    question = Question(id="q2", text="Q", kind="multi", options=(Option("a", "A"),))
    assert MultiChoice().expand(question) == (question,)
    assert SingleChoice().expand(question) == (question,)


def test_choices_say_what_conditions_may_do_with_them():
    assert (SingleChoice().answer_type, MultiChoice().answer_type) == ("option", "options")
