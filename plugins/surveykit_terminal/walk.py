"""Where a person is in the form: the answers so far and the question on screen.

No I/O here.  Every move asks the engine, so the terminal form asks exactly the visible questions
in spec order, and a change that hides a question clears its answer at once (the answers are
always ``engine.clean(...)`` of themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveykit import EMPTY, Engine, Question

__all__ = ["Walk"]


class Walk:
    """A person's way through one consultation's questions.

    ``current`` is the question being asked, or ``None`` at the check-your-answers summary.
    Before the summary is first reached every visible question is asked in turn; afterwards
    (``reviewing``) answering a question goes on only to questions not asked yet, which a change
    may have revealed, and then back to the summary.
    """

    def __init__(
        self, engine: Engine, answers: Mapping[str, Any] | None = None, *, from_first: bool = False
    ) -> None:
        self.engine = engine
        self.answers: dict[str, Any] = engine.clean(dict(answers or {}))
        self.seen: set[str] = set()
        self.reviewing = False
        self.current: Question | None = None
        self._start(from_first)

    def _start(self, from_first: bool = False) -> None:
        """Begin at the first question, or just after the last answer of a resumed draft.

        ``from_first`` begins at the first question whatever is answered: answers offered
        rather than given (the roster's) are to be seen.
        """
        visible = self.engine.visible(self.answers)
        answered = [qid for qid in visible if qid in self.answers]
        if not answered or from_first:
            self._arrive(self.engine.next_question(self.answers))
            return
        last = answered[-1]
        self.seen.update(visible[: visible.index(last) + 1])
        self._arrive(self.engine.next_question(self.answers, after=last))

    def _arrive(self, question: Question | None) -> None:
        self.current = question
        if question is None:
            self.reviewing = True

    @property
    def at_summary(self) -> bool:
        return self.current is None

    def value(self, question_id: str) -> Any:
        """The answer to a question, or :data:`~surveykit.EMPTY` if it has none."""
        return self.answers.get(question_id, EMPTY)

    def problems(self, value: Any) -> list[str]:
        """What the engine finds wrong with ``value`` as the answer to the current question."""
        question = self._require_current()
        trial = dict(self.answers)
        if value is EMPTY:
            trial.pop(question.id, None)
        else:
            trial[question.id] = value
        return [p.message for p in self.engine.check(trial).problems if p.question == question.id]

    def answer(self, value: Any) -> list[Question]:
        """Record ``value`` for the current question and move on; returns questions it hid.

        The hidden questions' answers are cleared (they no longer apply).
        """
        question = self._require_current()
        before = self.answers
        changed = dict(before)
        if value is EMPTY:
            changed.pop(question.id, None)
        else:
            changed[question.id] = value
        self.answers = self.engine.clean(changed)
        self.seen.add(question.id)
        cleared = [
            self.engine.consultation.question(qid)
            for qid in before
            if qid != question.id and qid not in self.answers
        ]
        self._arrive(self._after(question.id))
        return cleared

    def _after(self, question_id: str) -> Question | None:
        following = self.engine.next_question(self.answers, after=question_id)
        if not self.reviewing:
            return following
        while following is not None and following.id in self.seen:
            following = self.engine.next_question(self.answers, after=following.id)
        return following

    def back(self) -> bool:
        """Go to the previous visible question (from the summary: the last); False at the start."""
        if self.current is None:
            visible = self.engine.visible_questions(self.answers)
            target = visible[-1] if visible else None
        else:
            target = self.engine.previous_question(self.answers, before=self.current.id)
        if target is None:
            return False
        self.current = target
        return True

    def go_to(self, question_id: str) -> None:
        """Ask a visible question again (a "change" from the summary)."""
        if question_id not in self.engine.visible(self.answers):
            raise ValueError(f"{question_id!r} is not a visible question")
        self.current = self.engine.consultation.question(question_id)

    def to_summary(self) -> None:
        self._arrive(None)

    def rows(self) -> list[tuple[Question, Any]]:
        """Each visible question with its answer (or EMPTY), in spec order: the summary."""
        return [(q, self.value(q.id)) for q in self.engine.visible_questions(self.answers)]

    def position(self) -> tuple[int, int]:
        """The current question's place among the visible questions: (1-based index, count)."""
        question = self._require_current()
        visible = self.engine.visible(self.answers)
        return visible.index(question.id) + 1, len(visible)

    def _require_current(self) -> Question:
        if self.current is None:
            raise ValueError("no question is being asked: the walk is at the summary")
        return self.current
