"""The public API for question kinds: how an answer of each kind is normalised and checked.

A kind plugin registers :class:`QuestionKind` objects through the
``surveykit_register_question_kinds`` hook.  The engine asks each kind, once per question, for a
*checker*: a function from a raw answer to either the normalised answer, :data:`EMPTY` (no answer
given) or a :class:`Rejected` explaining what is wrong.  Checkers sit on the hot path, so they
should do their lookups when they are built, not when they are called.  A kind whose checker
depends on the consultation (a date's ``"today"`` is today in the consultation's time zone)
builds it with the optional ``checker_in(question, consultation)``, which the engine prefers;
:func:`checker_of` makes that choice for every caller.

Whatever a checker returns, the engine refuses text holding a control character (see
:mod:`surveykit.characters`).  A checker that only ever returns option values (which a spec
cannot hold control characters in) may say so with ``check.controls_checked = True``, and the
engine then spares that check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from attrs import field

from ._classes import frozen
from .errors import AnswerProblem, from_phrase

if TYPE_CHECKING:
    from .model import Consultation, Question

__all__ = [
    "EMPTY",
    "Checker",
    "QuestionKind",
    "Rejected",
    "answer_type",
    "checker_of",
    "parts_of",
]


class _Empty:
    """The answer is absent or blank: "not answered", which is different from "not shown"."""

    _instance: _Empty | None = None

    def __new__(cls) -> _Empty:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "EMPTY"

    def __reduce__(self) -> str:
        return "EMPTY"


EMPTY = _Empty()


@frozen
class Rejected:
    """A checker's verdict that an answer is unacceptable, with a stable ``code``.

    ``message`` is the English; give a :class:`~surveykit.i18n.Phrase` (``phrase("{title}:
    enter a number", title=title_of(question), domain="my_kinds")``) and ``template``,
    ``params`` and ``domain`` are filled in from it, so every channel can say the refusal in
    the respondent's language.  A plain string works as before, in English only.
    """

    code: str
    message: str
    template: str | None = field(default=None, eq=False)
    params: Mapping[str, Any] | None = field(default=None, eq=False)
    domain: str | None = field(default=None, eq=False)
    #: The English plural of ``template`` for a message with plural forms (its count is
    #: ``params["count"]``), else ``None``.
    plural: str | None = field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        from_phrase(self)

    def problem(self, question_id: str) -> AnswerProblem:
        """This refusal as the problem with the answer to ``question_id``."""
        return AnswerProblem(
            question_id,
            self.code,
            self.message,
            self.template,
            self.params,
            self.domain,
            self.plural,
        )


Checker = Callable[[Any], Any]


class QuestionKind(Protocol):
    """What a kind plugin provides.

    ``has_options``: questions of this kind must list options (and conditions may compare them).
    ``multiple``: answers are lists of option values (conditions use ``"v" in q``).
    ``has_max_length``: questions of this kind accept a ``max_length``.

    Optional, looked up with ``getattr`` so that older kinds keep working:

    ``checker_in(question, consultation)``: the checker for a question of that consultation,
    preferred to ``checker(question)`` wherever surveykit builds one (see :func:`checker_of`),
    for a kind whose verdicts depend on the consultation, such as its ``timezone``.  A kind
    without it is built with ``checker(question)``, as before.
    ``settings``: a mapping of the spec keys this kind takes beyond the common ones (``min``,
    ``rows``) to a one-line description; the loader moves them into ``Question.settings``.
    ``check_settings(question)``: ``(key, message)`` for each thing wrong with those settings,
    reported at the key's ``FILE:LINE`` as ``bad_setting``.
    ``expand(question)``: the *parts* the question's answer is stored as, each an ordinary
    :class:`~surveykit.model.Question` with its own answer key (``q7.cost``), kind, condition
    and required flag; see :func:`parts_of`.
    ``answer_type`` (or ``answer_type_of(question)`` when it depends on the settings): what
    conditions may do with an answer, one of ``option``, ``options``, ``ranking``, ``number``,
    ``date``, ``month`` and ``text``; see :func:`answer_type`.
    ``identifying``: ``True`` when an answer points to one person (an email address, a phone
    number, a postcode, a membership number): reports never publish such answers in any form,
    whatever the spec says (:func:`surveykit.tally.identifying`).  Default ``False``.
    ``translatable``: the settings that are texts respondents read, so are translated (see
    :mod:`surveykit.translations`): setting keys, ``*`` standing for each table of an array,
    named by its ``id`` (``("unit",)``, ``("rows.*.text", "rows.*.hint")``).  Default none.
    """

    name: str
    description: str
    has_options: bool
    multiple: bool
    has_max_length: bool

    def checker(self, question: Question) -> Checker:
        """Build the checker for one question."""
        ...


def checker_of(question: Question, kinds: Mapping[str, Any], consultation: Consultation) -> Checker:
    """The checker for ``question`` of ``consultation``: its kind's ``checker_in(question,
    consultation)`` if the kind has one, else ``checker(question)``.

    Every place that checks answers builds its checkers here, so a kind that needs to know the
    consultation sees it on every channel, and a kind written before ``checker_in`` existed
    works unchanged.  An unknown kind raises ``KeyError``, as ``kinds[question.kind]`` does.
    """
    kind = kinds[question.kind]
    checker_in = getattr(kind, "checker_in", None)
    if checker_in is not None:
        return checker_in(question, consultation)
    return kind.checker(question)


def parts_of(question: Question, kinds: Mapping[str, Any]) -> tuple[Question, ...]:
    """The parts ``question``'s answer is stored as: the question itself, unless its kind
    expands it (a grid into one single-choice part per row, a choice with an "other" option
    into the choice and a text part for the respondent's own words).

    The engine checks, clears and stores parts; channels show the question and fill in its
    parts.  A part's id is its answer key, ``QID.NAME``, which no question id can equal.
    """
    kind = kinds.get(question.kind)
    expand = getattr(kind, "expand", None)
    return (question,) if expand is None else tuple(expand(question))


def answer_type(question: Question, kinds: Mapping[str, Any]) -> str:
    """What conditions may do with ``question``'s answer: one of
    :data:`surveykit.conditions.ANSWER_TYPES`.

    A kind says so with the optional method ``answer_type_of(question)`` (when it depends on
    the question's settings, as a date's precision does) or attribute ``answer_type``; without
    either, a kind whose answers are lists of options is ``"options"``, one with options is
    ``"option"`` and any other is ``"text"``.
    """
    kind = kinds.get(question.kind)
    answer_type_of = getattr(kind, "answer_type_of", None)
    if answer_type_of is not None:
        return answer_type_of(question)
    declared = getattr(kind, "answer_type", None)
    if declared is not None:
        return declared
    if getattr(kind, "multiple", False):
        return "options"
    return "option" if getattr(kind, "has_options", False) else "text"
