"""The walk through the form: branching, going back, reviewing and resuming, without a terminal."""

from __future__ import annotations

import pytest
from termtools import SPEC

from surveykit import EMPTY, Engine, get_plugins, load_spec
from surveykit_terminal import TerminalRenderer, Walk


@pytest.fixture(scope="module")
def engine():
    return Engine(load_spec(SPEC))


def _ids(questions):
    return [q.id for q in questions]


def test_a_change_that_hides_a_question_clears_its_answer(engine):
    """Answering q13 "no" after q14 was answered removes q14's answer and says so."""
    walk = Walk(engine, {"role": "leader", "q13": "yes", "q14": "no"})
    walk.go_to("q13")
    assert _ids(walk.answer("no")) == ["q14"]
    assert (walk.answers, walk.current.id) == ({"role": "leader", "q13": "no"}, "q15")


def test_going_back_skips_hidden_questions(engine):
    """Back from q3 goes to q1 when q2 is hidden, and to q2 when it is shown."""
    walk = Walk(engine, {"q1": "all_relevant"})
    assert (walk.current.id, walk.back(), walk.current.id) == ("q3", True, "q1")
    walk.answer("some_changes")
    assert walk.current.id == "q2"


def test_back_from_the_first_question_stays_put(engine):
    """There is nothing before question A1."""
    walk = Walk(engine)
    assert (walk.back(), walk.current.id, walk.position()) == (False, "role", (1, 22))


def test_after_the_summary_a_change_leads_only_to_new_questions(engine):
    """From the summary, answering q13 "yes" asks the revealed q14, then returns to the summary."""
    walk = Walk(engine, {"q13": "no", "consent": "no_quote"})
    assert (walk.at_summary, walk.reviewing) == (True, True)
    walk.go_to("q13")
    walk.answer("yes")
    assert walk.current.id == "q14"
    walk.answer(EMPTY)
    assert (walk.at_summary, walk.value("q14"), walk.value("q13")) == (True, EMPTY, "yes")


def test_a_resumed_draft_starts_after_its_last_answer(engine):
    """A draft answered up to q8 carries on at q9."""
    walk = Walk(engine, {"role": "other", "q8": "yes"})
    assert (walk.current.id, walk.at_summary) == ("q9", False)


def test_problems_come_from_the_engine(engine):
    """An empty required answer and an over-long text get the engine's own messages."""
    walk = Walk(engine)
    walk.answer("leader")
    walk.answer("county")
    assert walk.problems(EMPTY) == ["Question A3: an answer is required"]
    assert walk.problems("x" * 201) == [
        "Question A3: the answer is 201 characters long; the limit is 200"
    ]


def test_the_summary_lists_the_visible_questions_in_spec_order(engine):
    """Rows hold every visible question, answered or not, and no hidden one."""
    rows = Walk(engine, {"q1": "dont_know", "q15": "yes"}).rows()
    ids = [q.id for q, _value in rows]
    assert (ids[:5], "q2" in ids, "q16" in ids, len(ids)) == (
        ["role", "authority_type", "authority", "q1", "q3"],
        False,
        True,
        23,
    )


def test_the_cli_renderer_is_registered():
    """The terminal plugin registers the `cli` renderer."""
    renderers = get_plugins().renderers
    assert (renderers["cli"], renderers.owners["cli"]) == (TerminalRenderer(), "terminal")
