"""The engine on a small hand-written consultation: exact visibility, cleaning and problems."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from strategies import ReversedMapping
from surveykit import AnswerProblem, Checked, Engine, loads_spec

SPEC = """
[consultation]
id = "pets"
title = "Pets and their people"
publisher = "Department for Pets"
closes = 2030-03-13

[[sections]]
id = "about"
title = "About you"

[[sections.questions]]
id = "has_pet"
number = "1"
text = "Do you have a pet?"
kind = "single"
required = true
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[sections.questions]]
id = "pets"
number = "2"
text = "Which pets do you have?"
kind = "multi"
required = true
shown_if = 'has_pet == "yes"'
options = [
    { value = "cat", label = "Cat" },
    { value = "dog", label = "Dog" },
    { value = "fish", label = "Fish" },
]

[[sections.questions]]
id = "walks"
number = "3"
text = "How often do you walk your dog?"
kind = "single"
shown_if = '"dog" in pets'
options = [{ value = "daily", label = "Daily" }, { value = "weekly", label = "Weekly" }]

[[sections]]
id = "views"
title = "Your views"

[[sections.questions]]
id = "why_not"
number = "4"
text = "Why do you not have a pet?"
kind = "text"
max_length = 20
shown_if = 'has_pet != "yes"'

[[sections.questions]]
id = "comments"
text = "Anything else?"
kind = "text"
required = true
shown_if = 'answered(has_pet) and not (walks in ["daily"])'
"""


@pytest.fixture(scope="module")
def engine():
    return Engine(loads_spec(SPEC, source="pets.toml"))


def test_the_spec_loads_without_warnings(engine):
    """The example spec is valid and every question can be shown."""
    assert [q.id for q in engine.questions] == ["has_pet", "pets", "walks", "why_not", "comments"]
    assert engine.consultation.warnings == ()


# visibility -------------------------------------------------------------------------------


def test_with_no_answers_only_unconditional_and_negative_conditions_show(engine):
    """Before anything is answered, ``!=`` holds, so "why not" shows alongside question 1."""
    assert engine.visible({}) == ("has_pet", "why_not")


@pytest.mark.parametrize(
    ("answers", "visible"),
    [
        ({"has_pet": "no"}, ("has_pet", "why_not", "comments")),
        ({"has_pet": "yes"}, ("has_pet", "pets", "comments")),
        ({"has_pet": "yes", "pets": ["cat"]}, ("has_pet", "pets", "comments")),
        ({"has_pet": "yes", "pets": ["dog"]}, ("has_pet", "pets", "walks", "comments")),
        ({"has_pet": "yes", "pets": ["dog"], "walks": "daily"}, ("has_pet", "pets", "walks")),
        (
            {"has_pet": "yes", "pets": ["dog"], "walks": "weekly"},
            ("has_pet", "pets", "walks", "comments"),
        ),
    ],
)
def test_each_answer_opens_or_closes_the_next_branch(engine, answers, visible):
    """Visibility follows the conditions, question by question."""
    assert engine.visible(answers) == visible


def test_a_hidden_answer_counts_as_absent_further_down(engine):
    """An answer to hidden "walks" is ignored, so it cannot hide "comments"."""
    answers = {"has_pet": "yes", "pets": ["cat"], "walks": "daily"}
    assert engine.visible(answers) == ("has_pet", "pets", "comments")
    assert engine.clean(answers) == {"has_pet": "yes", "pets": ["cat"]}


def test_changing_an_early_answer_hides_the_branch_it_opened(engine):
    """Saying "no" after choosing pets drops the pets, the walks and their effects."""
    answers = {"has_pet": "no", "pets": ["dog"], "walks": "daily", "why_not": "allergies"}
    assert engine.visible(answers) == ("has_pet", "why_not", "comments")
    assert engine.clean(answers) == {"has_pet": "no", "why_not": "allergies"}


def test_is_visible_and_visible_questions_agree_with_visible(engine):
    """The single-question and question-object forms give the same answer as ``visible``."""
    answers = {"has_pet": "yes", "pets": ["dog"]}
    assert [q.id for q in engine.visible_questions(answers)] == [
        "has_pet",
        "pets",
        "walks",
        "comments",
    ]
    assert engine.is_visible("walks", answers) is True
    assert engine.is_visible("why_not", answers) is False


# cleaning ---------------------------------------------------------------------------------


def test_clean_normalises_each_kind(engine):
    """Multi answers come back deduplicated in option order; text is trimmed."""
    answers = {
        "has_pet": "yes",
        "pets": ("fish", "dog", "fish"),
        "walks": "weekly",
        "comments": "  fine \n",
    }
    assert engine.clean(answers) == {
        "has_pet": "yes",
        "pets": ["dog", "fish"],
        "walks": "weekly",
        "comments": "fine",
    }


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", None])
def test_blank_answers_are_not_answered(engine, blank):
    """A blank answer to a visible question is "not answered": dropped, and required if so."""
    answers = {"has_pet": blank, "why_not": blank}
    checked = engine.check(answers)
    assert checked.answers == {}
    assert [(p.question, p.code) for p in checked.problems] == [("has_pet", "required")]


def test_an_empty_choice_list_is_not_answered(engine):
    """Choosing no pets at all leaves the question unanswered."""
    checked = engine.check({"has_pet": "yes", "pets": [], "comments": "x"})
    assert checked.answers == {"has_pet": "yes", "comments": "x"}
    assert checked.problems == [
        AnswerProblem("pets", "required", "Question 2: an answer is required")
    ]


def test_not_shown_and_not_answered_stay_distinct(engine):
    """Not shown: missing from ``visible``.  Not answered: visible, but missing from ``clean``."""
    answers = {"has_pet": "no"}
    assert "pets" not in engine.visible(answers)
    assert "why_not" in engine.visible(answers)
    assert "why_not" not in engine.clean(answers)


def test_unknown_ids_are_dropped(engine):
    """An answer to a question that does not exist never reaches the cleaned answers."""
    assert engine.clean({"has_pet": "no", "favourite_pet": "cat"}) == {"has_pet": "no"}


def test_a_rejected_answer_is_kept_to_show_again(engine):
    """An answer that fails its check stays in the cleaned answers, so the form can show it."""
    checked = engine.check({"has_pet": "maybe"})
    assert checked.answers == {"has_pet": "maybe"}
    assert not checked.ok


def test_any_mapping_will_do(engine):
    """Read-only and oddly ordered mappings clean like a dict."""
    answers = {"why_not": " busy ", "has_pet": "no"}
    expected = {"has_pet": "no", "why_not": "busy"}
    assert engine.clean(MappingProxyType(answers)) == expected
    assert engine.clean(ReversedMapping(answers)) == expected


# validation -------------------------------------------------------------------------------


def test_a_complete_set_of_answers_is_ok(engine):
    """Answering every visible question correctly gives no problems."""
    checked = engine.check({"has_pet": "yes", "pets": ["dog"], "walks": "daily"})
    assert checked == Checked({"has_pet": "yes", "pets": ["dog"], "walks": "daily"}, [])
    assert checked.ok


def test_required_questions_are_reported_in_spec_order(engine):
    """Each visible required question without an answer has its own problem."""
    assert engine.validate({"has_pet": "yes"}) == [
        AnswerProblem("pets", "required", "Question 2: an answer is required"),
        AnswerProblem("comments", "required", "Question comments: an answer is required"),
    ]


def test_problems_name_the_question_and_what_is_wrong(engine):
    """Unknown options, wrong types and long text each get a plain message."""
    answers = {
        "has_pet": "yes",
        "pets": ["cat", "hamster", "gerbil"],
        "comments": "x" * 10_001,
    }
    assert engine.validate(answers) == [
        AnswerProblem(
            "pets",
            "unknown_option",
            "Question 2: 'hamster', 'gerbil' are not among the options ('cat', 'dog', 'fish')",
        ),
        AnswerProblem(
            "comments",
            "too_long",
            "Question comments: the answer is 10,001 characters long; the limit is 10,000",
        ),
    ]


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        (
            {"has_pet": "maybe"},
            AnswerProblem(
                "has_pet",
                "unknown_option",
                "Question 1: 'maybe' is not one of the options ('yes', 'no')",
            ),
        ),
        (
            {"has_pet": " yes"},
            AnswerProblem(
                "has_pet",
                "unknown_option",
                "Question 1: ' yes' is not one of the options ('yes', 'no')",
            ),
        ),
        (
            {"has_pet": ["yes"]},
            AnswerProblem("has_pet", "wrong_type", "Question 1: choose one option, not a list"),
        ),
        (
            {"has_pet": True},
            AnswerProblem(
                "has_pet", "wrong_type", "Question 1: choose one option, not a yes/no value"
            ),
        ),
        (
            {"has_pet": "no", "why_not": "I travel far too much"},
            AnswerProblem(
                "why_not",
                "too_long",
                "Question 4: the answer is 21 characters long; the limit is 20",
            ),
        ),
        (
            {"has_pet": "no", "why_not": 42},
            AnswerProblem("why_not", "wrong_type", "Question 4: write text, not a number"),
        ),
        (
            {"has_pet": "yes", "pets": "dog"},
            AnswerProblem(
                "pets", "wrong_type", "Question 2: give a list of options, not a piece of text"
            ),
        ),
        (
            {"has_pet": "yes", "pets": ["dog", 3]},
            AnswerProblem(
                "pets", "wrong_type", "Question 2: each choice must be an option value, in quotes"
            ),
        ),
        (
            {"has_pet": "yes", "pets": ["hamster"]},
            AnswerProblem(
                "pets",
                "unknown_option",
                "Question 2: 'hamster' is not among the options ('cat', 'dog', 'fish')",
            ),
        ),
    ],
)
def test_each_bad_answer_has_one_exact_problem(engine, answers, problem):
    """A bad answer to a visible question is reported once, with its code and message."""
    found = [p for p in engine.validate(answers) if p.code != "required"]
    assert found == [problem]


def test_text_length_is_counted_after_trimming(engine):
    """Spaces around a text answer do not count towards its limit."""
    padded = "   " + "x" * 20 + "\n  "
    checked = engine.check({"has_pet": "no", "why_not": padded, "comments": "ok"})
    assert checked == Checked({"has_pet": "no", "why_not": "x" * 20, "comments": "ok"}, [])


def test_text_one_over_the_limit_is_too_long(engine):
    """One character over the limit is rejected."""
    assert engine.validate({"has_pet": "no", "why_not": "x" * 21, "comments": "ok"}) == [
        AnswerProblem(
            "why_not", "too_long", "Question 4: the answer is 21 characters long; the limit is 20"
        )
    ]


def test_unknown_ids_are_reported_after_the_questions(engine):
    """Unknown question ids come last, in the order given, named in the message."""
    answers = {"colour": "red", "has_pet": "maybe", "7": "x", "comments": "-"}
    assert engine.validate(answers) == [
        AnswerProblem(
            "has_pet",
            "unknown_option",
            "Question 1: 'maybe' is not one of the options ('yes', 'no')",
        ),
        AnswerProblem(
            "colour", "unknown_question", "'colour' is not a question in this consultation"
        ),
        AnswerProblem("7", "unknown_question", "'7' is not a question in this consultation"),
    ]


def test_hidden_questions_are_never_reported(engine):
    """Nonsense in answers to hidden questions raises no problem."""
    answers = {"has_pet": "no", "pets": 17, "walks": ["?"], "why_not": "cost", "comments": "none"}
    assert engine.validate(answers) == []


def test_answers_must_be_a_mapping(engine):
    """Something that is not a mapping is one problem, and cleans to nothing."""
    checked = engine.check(["has_pet", "yes"])
    assert checked == Checked(
        {},
        [
            AnswerProblem(
                None, "not_a_mapping", "answers must be a mapping of question ids to answers"
            )
        ],
    )
    assert engine.visible(["has_pet", "yes"]) == ("has_pet", "why_not")


# walking the form ---------------------------------------------------------------------------


def test_next_question_skips_hidden_questions(engine):
    """Going forwards from each question lands on the next visible one."""
    answers = {"has_pet": "yes", "pets": ["cat"]}
    assert engine.next_question(answers).id == "has_pet"
    assert engine.next_question(answers, after="has_pet").id == "pets"
    assert engine.next_question(answers, after="pets").id == "comments"
    assert engine.next_question(answers, after="walks").id == "comments"
    assert engine.next_question(answers, after="comments") is None


def test_previous_question_skips_hidden_questions(engine):
    """Going back from each question lands on the previous visible one."""
    answers = {"has_pet": "no"}
    assert engine.previous_question(answers, before="comments").id == "why_not"
    assert engine.previous_question(answers, before="why_not").id == "has_pet"
    assert engine.previous_question(answers, before="walks").id == "has_pet"
    assert engine.previous_question(answers, before="has_pet") is None
