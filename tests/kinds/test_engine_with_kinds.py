"""The new kinds on the engine's hot path: cleaning a record twice changes nothing, and the
generated check agrees with the interpreted one."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from surveykit import Consultation, Engine, Metadata, Option, Plugins, Question, Section
from surveykit.testing_kinds import answers_for, questions_for

KINDS = ["number", "date", "email", "uk_postcode", "phone", "ranking", "text", "single", "multi"]


def _kinds():
    plugins = Plugins()
    plugins.load_entry_points()
    return plugins.kinds


@st.composite
def consultations(draw) -> Consultation:
    """A section of questions of the new kinds (no expanding ones: the engine's parts are
    tested with the engine), with unique ids."""
    questions = []
    for at, kind in enumerate(draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6))):
        question = draw(questions_for(kind))
        options = tuple(o for o in question.options if not o.other) or (Option("a", "A"),)
        questions.append(
            Question(
                id=f"q{at}",
                text=question.text,
                kind=kind,
                number=str(at + 1),
                options=options if question.options else (),
                required=question.required,
                settings=question.settings,
            )
        )
    metadata = Metadata(id="c", title="C", publisher="P", closes=dt.date(2099, 1, 1))
    return Consultation(metadata, (Section("s", "S", questions=tuple(questions)),))


@given(data=st.data())
def test_cleaning_twice_changes_nothing(data):
    kinds = _kinds()
    consultation = data.draw(consultations())
    engine = Engine(consultation, kinds)
    answers = {
        q.id: data.draw(answers_for(q))
        for q in consultation.questions
        if q.required or data.draw(st.booleans())
    }
    first = engine.check(answers)
    assert first.ok, first.problems
    assert engine.check(first.answers) == (first.answers, [])
    assert engine._check_interpreted(answers) == (first.answers, first.problems)
