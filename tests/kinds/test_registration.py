"""The built-in kinds register through the public hook, as a third-party plugin's would, and
answer the strategies of surveykit.testing_kinds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import EMPTY, Plugins, Question, Rejected
from surveykit.kinds import parts_of
from surveykit.testing_kinds import answers_for, part_answers_for, questions_for

BUILT_IN = [
    "single", "multi", "text", "number", "date", "email", "uk_postcode", "phone", "grid", "ranking",
]  # fmt: skip


@pytest.fixture(scope="module")
def kinds():
    plugins = Plugins()
    plugins.load_entry_points()
    return plugins.kinds


def test_every_built_in_kind_is_registered_by_the_kinds_plugin(kinds):
    assert [name for name in kinds if kinds.owners[name] == "kinds"] == BUILT_IN


def test_every_kind_describes_itself_and_its_settings(kinds):
    for name in BUILT_IN:
        kind = kinds[name]
        assert kind.name == name
        assert kind.description
        assert all(isinstance(text, str) and text for text in kind.settings.values())


@given(data=st.data())
def test_a_question_s_part_answers_are_accepted_part_by_part(kinds, data):
    """Every part of every kind's questions accepts what the strategies give it, grids' rows
    and "other" texts included."""
    question = data.draw(st.sampled_from(BUILT_IN).flatmap(questions_for))
    answers = data.draw(part_answers_for(question, kinds))
    parts = {part.id: part for part in parts_of(question, kinds)}
    assert answers.keys() <= parts.keys()
    for key, value in answers.items():
        result = kinds[parts[key].kind].checker(parts[key])(value)
        assert result is not EMPTY
        assert result.__class__ is not Rejected


def test_a_kind_without_strategies_says_what_to_write():
    with pytest.raises(ValueError, match="give your KindConformance subclass a questions"):
        questions_for("shout")
    with pytest.raises(ValueError, match="an answers\\(\\) method"):
        answers_for(Question("q1", "Shout", "shout"))
