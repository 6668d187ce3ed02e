"""The worked kind example in docs/hooks.md passes the kind conformance suite, as the page says."""

from __future__ import annotations

from hypothesis import strategies as st

from doctools import module_from_docs
from surveykit import Question
from surveykit.testing_kinds import KindConformance

stars = module_from_docs("hooks.md", "# my_stars.py")


class TestStarsFromTheDocs(KindConformance):
    kind = stars.Stars()

    def questions(self):
        settings = st.fixed_dictionaries({}, optional={"stars": st.integers(3, 10)})
        return st.builds(
            Question,
            id=st.just("q3"),
            text=st.just("How was it?"),
            kind=st.just("stars"),
            number=st.just("3"),
            settings=settings,
        )

    def answers(self, question):
        top = question.settings.get("stars", 5)
        places = st.integers(1, top)
        return places | places.map(lambda n: f" {n} stars") | places.map(lambda n: "\u2605" * n)

    def invalid_answers(self, question):
        top = question.settings.get("stars", 5)
        return st.sampled_from([0, top + 1, True, "lots", [4], "\u2605" * (top + 1), 3.5])


def test_the_setting_is_checked():
    kind = stars.Stars()
    question = Question("q3", "How was it?", "stars", settings={"stars": 11})
    assert kind.check_settings(question) == [
        ("stars", "stars must be a whole number from 3 to 10, not 11")
    ]
