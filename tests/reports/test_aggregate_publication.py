"""The spec's [publication] table: what reports may publish, checked where it is written."""

from __future__ import annotations

import pytest

from surveykit.errors import SpecError
from surveykit.model import Publication
from surveykit.spec import loads_spec

HEAD = """
[consultation]
id = "c"
title = "C"
publisher = "P"
closes = 2030-01-01
"""
QUESTIONS = """
[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "views"
text = "Your views?"
kind = "text"

[[sections.questions]]
id = "consent"
text = "Quote you?"
kind = "single"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]
"""


def _messages(publication: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        loads_spec(HEAD + publication + QUESTIONS, source="c.toml")
    return [str(p) for p in caught.value.problems]


def test_a_spec_without_publication_quotes_nothing():
    """No [publication] table: no consent question, so reports quote and name nobody."""
    consultation = loads_spec(HEAD + QUESTIONS)
    assert consultation.publication == Publication()


def test_publication_is_loaded():
    """Every key of [publication] reaches the model."""
    consultation = loads_spec(
        HEAD
        + '[publication]\nconsent_question = "consent"\nquote = ["yes"]\n'
        + 'name_authority = ["yes"]\nidentifying = ["views"]\nthreshold = 3\n'
        + QUESTIONS
    )
    assert consultation.publication == Publication("consent", ("yes",), ("yes",), ("views",), 3)


def test_a_consent_question_must_have_options():
    """A free-text consent question cannot say what each answer permits."""
    assert _messages('[publication]\nconsent_question = "views"\n') == [
        "c.toml:8: [publication]: consent_question 'views' has no options; it must be a choice "
        "question whose options say what each answer permits"
    ]


def test_consent_values_need_a_consent_question():
    """quote without consent_question is refused, with the line of quote."""
    assert _messages('[publication]\nquote = ["yes"]\n') == [
        "c.toml:8: [publication]: quote lists consent options but there is no consent_question; "
        "name the question they belong to"
    ]


def test_wrong_types_are_located():
    """A string where an array belongs is a wrong_type problem in [publication]."""
    assert _messages('[publication]\nquote = "yes"\nconsent_question = "consent"\n') == [
        "c.toml:8: [publication]: 'quote' must be an array of strings such as "
        "[\"quote_named\"], not the string 'yes'"
    ]
