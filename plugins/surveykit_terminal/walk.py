"""Where a person is in the form: the answers so far and the question on screen.

No I/O here.  Every move asks the engine, so the terminal form asks exactly the visible questions
in spec order, and a change that hides a question clears its answer at once (the answers are
always ``engine.clean(...)`` of themselves).

A question is one "page" of the walk, answered as one or more *parts* (a grid's rows, a choice
and the words for its "Other" option; see :func:`surveykit.kinds.parts_of`): the form asks the
parts that are shown, given the answers so far and those given on the page, and records them
together with :meth:`Walk.answer_parts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveykit import EMPTY, Engine, Question

from .words import Words, english

__all__ = ["Walk"]


class Walk:
    """A person's way through one consultation's questions.

    ``current`` is the question being asked, or ``None`` at the check-your-answers summary.
    Before the summary is first reached every visible question is asked in turn; afterwards
    (``reviewing``) answering a question goes on only to questions not asked yet, which a change
    may have revealed, and then back to the summary.
    """

    def __init__(
        self,
        engine: Engine,
        answers: Mapping[str, Any] | None = None,
        *,
        from_first: bool = False,
        words: Words | None = None,
    ) -> None:
        self.engine = engine
        #: The language the engine's problems are said in (the engine's own consultation may
        #: be a localised one, so its labels are read in that language too).
        self.words = words or english()
        self.answers: dict[str, Any] = engine.clean(dict(answers or {}))
        self.seen: set[str] = set()
        self.reviewing = False
        self.current: Question | None = None
        # A part's key is its question's id, or QID.NAME (question ids hold no dot); the
        # engine lists parts in question order, so a key of another form stays with the last.
        self._parts: dict[str, list[Question]] = {q.id: [] for q in engine.questions}
        self._owners: dict[str, Question] = {}
        by_id = engine.consultation.by_id
        owner: Question | None = None
        for part in engine.parts:
            owner = by_id.get(part.id.partition(".")[0], owner)
            if owner is not None:
                self._parts[owner.id].append(part)
                self._owners[part.id] = owner
        self._start(from_first)

    def _start(self, from_first: bool = False) -> None:
        """Begin at the first question, or just after the last answer of a resumed draft.

        ``from_first`` begins at the first question whatever is answered: answers offered
        rather than given (the roster's) are to be seen.
        """
        visible = self.engine.visible(self.answers)
        answered = [qid for qid in visible if self.answered(qid)]
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

    def value(self, key: str) -> Any:
        """The answer stored under a question's or part's key, or :data:`~surveykit.EMPTY`."""
        return self.answers.get(key, EMPTY)

    def answered(self, question_id: str) -> bool:
        """Whether any part of the question has an answer."""
        return any(part.id in self.answers for part in self._parts[question_id])

    def owner(self, key: str) -> Question:
        """The question a part's key belongs to (``q7.cost`` to ``q7``)."""
        return self._owners[key]

    def parts(self, question_id: str | None = None) -> list[Question]:
        """Every part of a question (by default the current one), shown or not, in order."""
        return list(self._parts[question_id or self._require_current().id])

    def shown_parts(self, pending: Mapping[str, Any] | None = None) -> list[Question]:
        """The current question's parts that are asked, given the answers so far and
        ``pending`` (answers given on this page, by part key): an "Other" option's words only
        while the option is chosen."""
        question = self._require_current()
        shown = set(self.engine.visible_parts(self._trial(pending or {})))
        return [part for part in self._parts[question.id] if part.id in shown]

    def _trial(self, pending: Mapping[str, Any]) -> dict[str, Any]:
        trial = dict(self.answers)
        for key, value in pending.items():
            if value is EMPTY:
                trial.pop(key, None)
            else:
                trial[key] = value
        return trial

    def check(
        self, part: Question, value: Any, pending: Mapping[str, Any] | None = None
    ) -> tuple[Any, list[str]]:
        """``value`` as the answer to one part of the current question, with the page's other
        ``pending`` answers: the answer as it would be stored, and what the engine finds
        wrong with it, in the walk's language (when something is, the answer is not to be
        used)."""
        checked = self.engine.check(self._trial({**(pending or {}), part.id: value}))
        problems = [self.words.said(p) for p in checked.problems if p.question == part.id]
        return checked.answers.get(part.id, EMPTY), problems

    def problems(self, value: Any) -> list[str]:
        """What the engine finds wrong with ``value`` as the answer to the current question."""
        return self.check(self._require_current(), value)[1]

    def answer(self, value: Any) -> list[Question]:
        """Record ``value`` for the current question and move on; returns questions it hid.

        The hidden questions' answers are cleared (they no longer apply).
        """
        return self.answer_parts({self._require_current().id: value})

    def answer_parts(self, values: Mapping[str, Any]) -> list[Question]:
        """Record the current question's answers, by part key, and move on; returns the other
        questions whose answers this cleared because they no longer apply."""
        question = self._require_current()
        before = self.answers
        self.answers = self.engine.clean(self._trial(values))
        self.seen.add(question.id)
        cleared: dict[str, Question] = {}
        for key in before:
            owner = self._owners.get(key)
            if owner is not None and owner.id != question.id and key not in self.answers:
                cleared.setdefault(owner.id, owner)
        self._arrive(self._after(question.id))
        return list(cleared.values())

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

    def go_to(self, key: str) -> None:
        """Ask a visible question again (a "change" from the summary); a part's key asks its
        question (a grid's row asks the grid)."""
        question = self.engine.consultation.by_id.get(key) or self._owners.get(key)
        if question is None or question.id not in self.engine.visible(self.answers):
            raise ValueError(f"{key!r} is not a visible question")
        self.current = question

    def to_summary(self) -> None:
        self._arrive(None)

    def rows(self) -> list[tuple[Question, Any]]:
        """Each visible question with its own answer (or EMPTY), in spec order."""
        return [(q, self.value(q.id)) for q in self.engine.visible_questions(self.answers)]

    def pages(self) -> list[tuple[Question, list[tuple[Question, Any]]]]:
        """Each visible question with its shown parts and their answers: the summary."""
        shown = set(self.engine.visible_parts(self.answers))
        return [
            (q, [(part, self.value(part.id)) for part in self._parts[q.id] if part.id in shown])
            for q in self.engine.visible_questions(self.answers)
        ]

    def position(self) -> tuple[int, int]:
        """The current question's place among the visible questions: (1-based index, count)."""
        question = self._require_current()
        visible = self.engine.visible(self.answers)
        return visible.index(question.id) + 1, len(visible)

    def _require_current(self) -> Question:
        if self.current is None:
            raise ValueError("no question is being asked: the walk is at the summary")
        return self.current
