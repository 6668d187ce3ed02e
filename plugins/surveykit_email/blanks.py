"""What a blank in an emailed reply means, once we know who sent it.

An email cannot ask again, so two blanks are read rather than held for review:

- a question the roster answers (see :mod:`surveykit.known`) left blank by a respondent the
  roster lists takes the roster's value, as it would on the web: the form told them so;
- the consent question left blank is read as **no consent** (the consent question's option that
  permits neither quoting nor naming): the safe reading, under which nothing they wrote is ever
  quoted and their authority is never named.  The form says so under the question.

Every other missing required answer still sends the reply to review.
"""

from __future__ import annotations

from typing import Any

import attrs

from surveykit import Consultation
from surveykit.identity import Respondent
from surveykit.known import is_blank, no_consent_option, roster_answers

from .parse import Reading

__all__ = ["fill_blanks"]


def fill_blanks(
    consultation: Consultation, respondent: Respondent | None, reading: Reading
) -> Reading:
    """``reading`` with the blanks above filled and their ``missing_answer`` problems gone."""
    filled: dict[str, Any] = {}
    for qid, value in roster_answers(consultation, respondent).items():
        if is_blank(reading.answers.get(qid)):
            filled[qid] = value
    safe = no_consent_option(consultation)
    consent = consultation.publication.consent_question
    if safe is not None and consent is not None and is_blank(reading.answers.get(consent)):
        missing = any(
            p.code == "missing_answer" and p.question == consent for p in reading.problems
        )
        if missing:
            filled[consent] = safe.value
    if not filled:
        return reading
    problems = tuple(
        p for p in reading.problems if not (p.code == "missing_answer" and p.question in filled)
    )
    answers = {**reading.answers, **filled}
    # In question order; a part's key (q8.parks, q14.other) stays with its question.
    order = {q.id: i for i, q in enumerate(consultation.questions)}
    ordered = dict(
        sorted(answers.items(), key=lambda item: order.get(item[0].partition(".")[0], len(order)))
    )
    return attrs.evolve(reading, answers=ordered, problems=problems)
