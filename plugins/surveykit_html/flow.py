"""Where a respondent goes next: one question per page, with the engine deciding what is shown.

Every decision here asks the engine, so the web form asks exactly the visible questions in spec
order, like every other channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from surveykit import Engine, Question, Section

__all__ = ["Flow", "Row", "SummarySection"]


@frozen
class Row:
    """One line of "check your answers": the question and how its answer reads.

    ``from_records`` marks an answer the roster gave (:mod:`surveykit.known`) rather than one the
    respondent chose, so the page can say so and invite a correction.
    """

    question: Question
    lines: tuple[str, ...]
    from_records: bool = False

    @property
    def answered(self) -> bool:
        return bool(self.lines)


@frozen
class SummarySection:
    section: Section
    rows: tuple[Row, ...]


class Flow:
    """Navigation over a consultation's visible questions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.consultation = engine.consultation

    def resume(self, answers: Mapping[str, Any]) -> Question | None:
        """The question to carry on from: the one after the last visible answered question.

        ``None`` means every question up to the end has been passed: go to check your answers.
        """
        shown = self.engine.visible(answers)
        answered = [qid for qid in shown if qid in answers]
        if not answered:
            return self.engine.next_question(answers)
        return self.engine.next_question(answers, after=answered[-1])

    def after(self, answers: Mapping[str, Any], question_id: str) -> Question | None:
        return self.engine.next_question(answers, after=question_id)

    def before(self, answers: Mapping[str, Any], question_id: str) -> Question | None:
        return self.engine.previous_question(answers, before=question_id)

    def after_change(
        self, old: Mapping[str, Any], new: Mapping[str, Any], question_id: str
    ) -> Question | None:
        """After changing an answer from check your answers: a question the change revealed.

        The respondent goes back to check your answers (``None``) unless the change showed a
        question after this one that was hidden before and has no answer yet.
        """
        before = set(self.engine.visible(old))
        index = self.engine.questions.index(self.consultation.question(question_id))
        for question in self.engine.visible_questions(new):
            if (
                question.id not in before
                and question.id not in new
                and self.engine.questions.index(question) > index
            ):
                return question
        return None

    def summary(
        self, answers: Mapping[str, Any], known: Mapping[str, Any] | None = None
    ) -> list[SummarySection]:
        """The visible questions by section, each with its answer as lines of text, marked
        where it is what ``known`` (the roster's answers) says."""
        shown = set(self.engine.visible(answers))
        known = known or {}
        sections = []
        for section in self.consultation.sections:
            rows = tuple(
                Row(
                    q,
                    answer_lines(q, answers.get(q.id)),
                    q.id in known and answers.get(q.id) == known[q.id],
                )
                for q in section.questions
                if q.id in shown
            )
            if rows:
                sections.append(SummarySection(section, rows))
        return sections


def answer_lines(question: Question, value: Any) -> tuple[str, ...]:
    """An answer as people read it: option labels, or the text's own lines."""
    if value is None:
        return ()
    if question.options:
        values = value if isinstance(value, list | tuple) else [value]
        return tuple((option.label if (option := question.option(v)) else str(v)) for v in values)
    return tuple(str(value).splitlines()) or (str(value),)
