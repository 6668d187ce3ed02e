"""Where a respondent goes next: one question per page, with the engine deciding what is shown.

Every decision here asks the engine, so the web form asks exactly the visible questions in spec
order, like every other channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from surveykit import Engine, Question, Section
from surveykit.kinds import answer_type

from .readable import answer_lines
from .widgets import row_id

__all__ = ["Flow", "Row", "SummarySection", "answer_lines"]


@frozen
class Row:
    """One line of "check your answers": a question (or a grid's statement) and its answer.

    ``question`` is the question whose page the Change link opens; ``part`` is the grid row the
    line is about, if it is about one.  ``from_records`` marks an answer the roster gave
    (:mod:`surveykit.known`) rather than one the respondent chose, so the page can say so and
    invite a correction.  ``numbered`` lines are a ranking, read as a numbered list.
    """

    question: Question
    lines: tuple[str, ...]
    from_records: bool = False
    part: Question | None = None
    numbered: bool = False

    @property
    def answered(self) -> bool:
        return bool(self.lines)

    @property
    def id(self) -> str:
        """The row's HTML id (after ``row-``): the question's id, or ``q8-parks`` for a row."""
        return self.question.id if self.part is None else self.part.id.replace(".", "-")

    @property
    def key(self) -> str:
        shown = self.part or self.question
        number = f"{self.question.number}. " if self.question.number else ""
        return f"{number}{shown.text}"

    @property
    def title(self) -> str:
        """What the Change link is for, read out after "your answer to"."""
        return (self.part or self.question).title

    @property
    def fragment(self) -> str:
        """Where the Change link lands on the page: a grid's row, else the top."""
        return "" if self.part is None else f"#{row_id(self.part)}"


@frozen
class SummarySection:
    section: Section
    rows: tuple[Row, ...]


class Flow:
    """Navigation over a consultation's visible questions."""

    def __init__(self, engine: Engine, kinds: Any = None) -> None:
        self.engine = engine
        self.consultation = engine.consultation
        self.kinds = kinds
        #: Each question's answer keys (its parts'): a question is answered if any of them is.
        self.keys: dict[str, tuple[str, ...]] = {q.id: () for q in engine.questions}
        self._parts = {part.id: part for part in engine.parts}
        self._positions = {q.id: i for i, q in enumerate(engine.questions)}
        self._questions = {q.id: q for q in engine.questions}
        for part in engine.parts:
            owner = part.id.partition(".")[0]
            if owner in self.keys:
                self.keys[owner] += (part.id,)
        #: The question before each whose answer cannot hide it (none before the first): the
        #: Back link on every page, found without checking the answers.
        self._asked_before: dict[str, Question | None] = {}
        questions = engine.questions
        for i, question in enumerate(questions):
            if i == 0 or questions[i - 1].condition is None:
                self._asked_before[question.id] = questions[i - 1] if i else None

    def answered(self, answers: Mapping[str, Any], question_id: str) -> bool:
        return any(key in answers for key in self.keys.get(question_id, (question_id,)))

    def resume(self, answers: Mapping[str, Any]) -> Question | None:
        """The question to carry on from: the one after the last visible answered question.

        ``None`` means every question up to the end has been passed: go to check your answers.
        """
        shown = self.engine.visible(answers)
        answered = [qid for qid in shown if self.answered(answers, qid)]
        if not answered:
            return self.engine.next_question(answers)
        return self.engine.next_question(answers, after=answered[-1])

    def after(self, answers: Mapping[str, Any], question_id: str) -> Question | None:
        return self.engine.next_question(answers, after=question_id)

    def after_clean(self, clean: Mapping[str, Any], question_id: str) -> Question | None:
        """:meth:`after` for answers the engine has already cleaned (a draft just stored), so
        the busiest page does not check them a second time."""
        position = self._positions[question_id]
        for qid in self.engine.shown(clean):
            if self._positions[qid] > position:
                return self._questions[qid]
        return None

    def before(self, answers: Mapping[str, Any], question_id: str) -> Question | None:
        """The last visible question before this one: the engine's answer, which needs no
        answers when the question just before is asked whatever they are."""
        asked = self._asked_before
        if question_id in asked:
            return asked[question_id]
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
                and not self.answered(new, question.id)
                and self.engine.questions.index(question) > index
            ):
                return question
        return None

    def summary(
        self, answers: Mapping[str, Any], known: Mapping[str, Any] | None = None
    ) -> list[SummarySection]:
        """The visible questions by section, each with its answer as lines of text, marked
        where it is what ``known`` (the roster's answers) says; a grid has a row per
        statement."""
        shown = set(self.engine.visible(answers))
        known = known or {}
        sections = []
        for section in self.consultation.sections:
            rows = tuple(
                row
                for q in section.questions
                if q.id in shown
                for row in self._rows(q, answers, known)
            )
            if rows:
                sections.append(SummarySection(section, rows))
        return sections

    def _rows(
        self, question: Question, answers: Mapping[str, Any], known: Mapping[str, Any]
    ) -> tuple[Row, ...]:
        keys = self.keys.get(question.id, ())
        if keys and question.id not in keys:  # a grid: each statement is answered on its own
            parts = [self._parts[key] for key in keys]
            return tuple(
                Row(question, self._lines(part, answers.get(part.id)), part=part) for part in parts
            )
        value = answers.get(question.id)
        lines = self._lines(question, value)
        other = next(
            (
                self._parts[key]
                for key in keys
                if self._parts[key].settings.get("other_of") == question.id
            ),
            None,
        )
        words = answers.get(other.id) if other is not None else None
        if other is not None and isinstance(words, str) and words:
            chosen = other.settings.get("option")
            option = question.option(chosen) if isinstance(chosen, str) else None
            if option is not None:
                lines = tuple(
                    f"{line}: {' '.join(words.split())}" if line == option.label else line
                    for line in lines
                )
        numbered = bool(self.kinds is not None and answer_type(question, self.kinds) == "ranking")
        return (
            Row(
                question,
                lines,
                question.id in known and value == known[question.id],
                numbered=numbered and len(lines) > 0,
            ),
        )

    def _lines(self, part: Question, value: Any) -> tuple[str, ...]:
        return answer_lines(part, value, self.kinds, self.consultation.text_language)
