"""What the roster already says about a respondent, as answers to the spec's questions.

A council's roster lists each leader's and chief executive's role, authority type and
authority.  A spec's ``[roster]`` table names the questions that ask the same things; for a
respondent the roster lists, those values are their answers unless they give others.  So nobody
is turned away for not repeating what the organisation already knows, and a respondent who sees
a mistake can still correct it: an answer they give always wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .identity import Respondent
from .model import Consultation, Option

__all__ = ["is_blank", "no_consent_option", "roster_answers", "with_roster_answers"]


def is_blank(value: Any) -> bool:
    """Whether an answer says nothing: missing, ``None``, empty or only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    return False


def no_consent_option(consultation: Consultation) -> Option | None:
    """The consent question's option that permits neither quoting nor naming, if it has one:
    what a channel that cannot ask again reads a blank consent as."""
    publication = consultation.publication
    question = consultation.by_id.get(publication.consent_question or "")
    if question is None:
        return None
    permits = set(publication.quote) | set(publication.name_authority)
    return next((o for o in question.options if o.value not in permits), None)


def roster_answers(consultation: Consultation, respondent: Respondent | None) -> dict[str, Any]:
    """The answers the roster gives ``respondent``: empty for anyone it does not list.

    A value the question cannot take (a role no option names) is left out, so the respondent is
    asked instead of being given a wrong answer.
    """
    if respondent is None or respondent.origin != "roster":
        return {}
    known: dict[str, Any] = {}
    for column, qid in consultation.roster.items():
        question = consultation.by_id.get(qid)
        value = " ".join(str(getattr(respondent, column, "")).split())
        if question is None or not value:
            continue
        if question.options and value not in {o.value for o in question.options}:
            continue
        if question.max_length is not None and len(value) > question.max_length:
            continue
        known[qid] = value
    return known


def with_roster_answers(
    consultation: Consultation, respondent: Respondent | None, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """``answers`` with each blank the roster can fill filled; every given answer kept."""
    merged = dict(answers)
    for qid, value in roster_answers(consultation, respondent).items():
        if is_blank(merged.get(qid)):
            merged[qid] = value
    return merged
