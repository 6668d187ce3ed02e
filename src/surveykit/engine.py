"""The engine: which questions are visible, what a set of answers cleans to, and what is wrong.

One rule for every channel (web, email, terminal, paper): a question is *visible* when its
condition holds on the cleaned answers to the questions before it; ``clean`` keeps answers to
visible questions only, with each answer normalised by its kind (blank means "not answered");
answers to hidden or unknown questions are dropped.  "Not shown" (absent from :meth:`visible`)
and "not answered" (visible but absent from the cleaned answers) stay distinct.

A question's answer is stored as one or more *parts* (see :func:`surveykit.kinds.parts_of`): a
grid's rows (``q7.cost``), a choice and the words of its "other" option (``q5``, ``q5.other``).
Each part is an ordinary question with its own answer key, condition and checker, so checking,
clearing and problems work over parts; showing and walking the form work over questions.

Conditions and kind checkers are compiled once, when the engine is built; the per-record path
is a single pass over the parts with no parsing and no lookups by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ._codegen import CheckFunction, compile_check
from .characters import CONTROL_CODE, first_control, may_hold_control
from .conditions import compile_condition, references
from .errors import AnswerProblem
from .i18n import phrase, title_of
from .kinds import EMPTY, Rejected, checker_of, parts_of
from .model import Consultation, Question
from .plugins import Registry, get_plugins

__all__ = ["Checked", "Engine"]

NOT_A_MAPPING = AnswerProblem(
    None, "not_a_mapping", phrase("answers must be a mapping of question ids to answers")
)


class Checked(NamedTuple):
    """The outcome of :meth:`Engine.check`: the cleaned answers and every problem found."""

    answers: dict[str, Any]
    problems: list[AnswerProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


class Engine:
    """A consultation compiled for answering.  Build once, use for every record.

    ``questions`` are what channels show; ``parts`` (each question's parts, in spec order) are
    what answers are keyed by, checked and stored as.
    """

    def __init__(self, consultation: Consultation, kinds: Registry[Any] | None = None) -> None:
        kinds = kinds if kinds is not None else get_plugins().kinds
        self.consultation = consultation
        self.questions: tuple[Question, ...] = consultation.questions
        self.parts: tuple[Question, ...] = tuple(
            part for q in self.questions for part in parts_of(q, kinds)
        )
        self._ids = frozenset(part.id for part in self.parts)
        self._index = {part.id: i for i, part in enumerate(self.parts)}
        self._positions = {q.id: i for i, q in enumerate(self.questions)}
        compiled: dict[int, Any] = {}  # a question and its own part share one compiled condition

        def compiled_condition(question: Question) -> Any:
            if question.condition is None:
                return None
            key = id(question.condition)
            if key not in compiled:
                compiled[key] = compile_condition(question.condition)
            return compiled[key]

        self._conditions = tuple(compiled_condition(q) for q in self.questions)
        self._part_conditions = tuple(compiled_condition(part) for part in self.parts)
        self._shown = tuple(zip((q.id for q in self.questions), self._conditions, strict=True))
        checkers = [checker_of(part, kinds, consultation) for part in self.parts]
        self._steps = tuple(
            (
                part.id,
                condition,
                check,
                _required_problem(part) if part.required else None,
                None if getattr(check, "controls_checked", False) else _controls_guard(part),
            )
            for part, condition, check in zip(
                self.parts, self._part_conditions, checkers, strict=True
            )
        )
        _require_earlier_references(self.parts)
        # The generated check function is compiled when the first record is checked: loading a
        # spec to validate or show it never pays for compiling (most of building an engine).
        self._generated: CheckFunction | None = None
        self._generation_tried = False

    @property
    def _compiled(self) -> CheckFunction | None:
        """The generated check function (compiled on first use), or ``None`` when Python
        cannot compile one this deep and the steps are walked instead."""
        if not self._generation_tried:
            self._generated = _compile(self._steps, self.parts, self._ids)
            self._generation_tried = True
        return self._generated

    def check(self, answers: Mapping[str, Any]) -> Checked:
        """Clean and validate in one pass: the path every channel's submission takes."""
        if answers.__class__ is not dict and not isinstance(answers, Mapping):
            return Checked({}, [NOT_A_MAPPING])
        generated = self._generated
        if generated is not None or (generated := self._compiled) is not None:
            return Checked(*generated(answers))
        return Checked(*self._check_interpreted(answers))

    def _check_interpreted(
        self, answers: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[AnswerProblem]]:
        """The same pass as the generated function, walking the compiled steps in a loop.

        Used when a spec is too deeply nested for Python to compile its generated function, and
        by the tests as an independent implementation to compare the generated one with.
        """
        clean: dict[str, Any] = {}
        problems: list[AnswerProblem] = []
        get = answers.get
        for qid, condition, check, required, guard in self._steps:
            if condition is not None and not condition(clean):
                continue
            value = get(qid, EMPTY)
            if value is not EMPTY:
                value = check(value)
            if value is EMPTY:
                if required is not None:
                    problems.append(required)
            elif value.__class__ is Rejected:
                problems.append(value.problem(qid))
                clean[qid] = answers[qid]
            elif (
                guard is not None
                and (value.__class__ is not str or may_hold_control(value))
                and (problem := guard(value)) is not None
            ):
                problems.append(problem)
                clean[qid] = answers[qid]
            else:
                clean[qid] = value
        if not answers.keys() <= self._ids:
            problems.extend(_unknown_problem(key) for key in answers if key not in self._ids)
        return clean, problems

    def clean(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Only the answers to visible questions, normalised; what gets stored."""
        return self.check(answers).answers

    def validate(self, answers: Mapping[str, Any]) -> list[AnswerProblem]:
        """Every problem in spec order, then unknown answer keys; none on a hidden part.

        A problem names the part it is about (``AnswerProblem.question`` is ``q7.cost`` for a
        grid's row), and its message the part's title ("Question 7 (Cost of services)").
        """
        return self.check(answers).problems

    def visible(self, answers: Mapping[str, Any]) -> tuple[str, ...]:
        """Ids of the questions shown for these answers, in spec order."""
        return self.shown(self.clean(answers) if isinstance(answers, Mapping) else {})

    def shown(self, clean: Mapping[str, Any]) -> tuple[str, ...]:
        """Ids of the questions shown for answers already cleaned (``check(...).answers``), in
        spec order: what :meth:`visible` gives, without checking the answers a second time."""
        return tuple(
            [qid for qid, condition in self._shown if condition is None or condition(clean)]
        )

    def visible_parts(self, answers: Mapping[str, Any]) -> tuple[str, ...]:
        """Answer keys of the parts asked for these answers, in spec order: a shown question's
        parts, less any whose own condition does not hold (an "other" option not chosen)."""
        clean = self.clean(answers) if isinstance(answers, Mapping) else {}
        return tuple(
            part.id
            for part, condition in zip(self.parts, self._part_conditions, strict=True)
            if condition is None or condition(clean)
        )

    def visible_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        """The questions a renderer must ask for these answers, in spec order."""
        shown = set(self.visible(answers))
        return [q for q in self.questions if q.id in shown]

    def is_visible(self, question_id: str, answers: Mapping[str, Any]) -> bool:
        condition = self._conditions[self._positions[question_id]]
        return condition is None or condition(self.clean(answers))

    def next_question(
        self, answers: Mapping[str, Any], after: str | None = None
    ) -> Question | None:
        """The first visible question after ``after`` (or the first of all), or ``None``."""
        start = 0 if after is None else self._positions[after] + 1
        return self._scan(answers, range(start, len(self.questions)))

    def previous_question(self, answers: Mapping[str, Any], before: str) -> Question | None:
        """The last visible question before ``before``, or ``None`` at the start."""
        return self._scan(answers, range(self._positions[before] - 1, -1, -1))

    def _scan(self, answers: Mapping[str, Any], indexes: range) -> Question | None:
        clean = self.clean(answers)
        for i in indexes:
            condition = self._conditions[i]
            if condition is None or condition(clean):
                return self.questions[i]
        return None


def _require_earlier_references(parts: tuple[Question, ...]) -> None:
    """Refuse a consultation built in code whose conditions read later answer keys.

    The spec loader already rejects these with a located error; this guards consultations built
    directly from model objects, where visibility would otherwise be ill-defined.  A part may
    read an earlier part of its own question (an "other" text reads its choice).
    """
    seen: set[str] = set()
    for part in parts:
        if part.condition is not None:
            later = [ref for ref in references(part.condition) if ref not in seen]
            if later:
                msg = (
                    f"{part.title}: its condition reads {', '.join(later)}, which is not an "
                    "earlier question; a condition may only use earlier questions"
                )
                raise ValueError(msg)
        seen.add(part.id)


def _compile(steps: tuple, parts: tuple[Question, ...], ids: frozenset[str]):
    """The generated check function, or ``None`` if Python cannot compile one this deep."""
    try:
        return compile_check(
            [step[0] for step in steps],
            [part.condition for part in parts],
            [step[2] for step in steps],
            [step[3] for step in steps],
            [step[4] for step in steps],
            ids,
            _unknown_problem,
        )
    except (SyntaxError, RecursionError, MemoryError):
        return None


def _controls_guard(question: Question) -> Callable[[Any], AnswerProblem | None]:
    """The problem with a checked answer holding a control character, if it does.

    Applied to every kind's result, plugins' too, so the rule in :mod:`surveykit.characters`
    holds for every answer on every channel before any store sees it: PostgreSQL cannot keep a
    U+0000 that SQLite would.  The engine calls it only for text that
    :func:`~surveykit.characters.may_hold_control`, and never for a checker marked
    ``controls_checked`` (one that returns option values only, which a spec cannot hold control
    characters in).
    """
    qid, title = question.id, title_of(question)

    def guard(value: Any) -> AnswerProblem | None:
        if value.__class__ is str:
            found = first_control(value)
        elif value.__class__ is list or value.__class__ is tuple:
            found = next(
                (c for item in value if item.__class__ is str and (c := first_control(item))),
                None,
            )
        else:
            return None
        if found is None:
            return None
        return AnswerProblem(
            qid,
            CONTROL_CODE,
            phrase(
                "{title}: the answer contains a control character ({character}), which cannot "
                "be accepted; remove it",
                title=title,
                character=found,
            ),
        )

    return guard


def _required_problem(question: Question) -> AnswerProblem:
    return AnswerProblem(
        question.id,
        "required",
        phrase("{title}: an answer is required", title=title_of(question)),
    )


def _unknown_problem(key: object) -> AnswerProblem:
    return AnswerProblem(
        str(key),
        "unknown_question",
        phrase("{key} is not a question in this consultation", key=repr(str(key)[:80])),
    )
