"""Errors that reach people, and the structured problems they carry.

Every class here is *shown to the user*: its ``str()`` is a complete, plain sentence (or list of
them) with no traceback needed.  Each problem carries a stable ``code`` slug, listed in
``docs/errors.md``, so tools can react to it without parsing the message.

What a respondent may read (an :class:`AnswerProblem`, a refusal from the submit service) also
carries the message's ``template``, ``params`` and catalogue ``domain``, so each channel can say
it in the respondent's language with :func:`surveykit.i18n.problem_text`; the ``message`` (and
``str()``) stays the English.  Build one from a :class:`~surveykit.i18n.Phrase` and these are
filled in from it.  Problems with a spec are for the officers who write specs, and stay English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field

from ._classes import frozen
from .i18n import Phrase

__all__ = [
    "AnswerProblem",
    "AnswersRejected",
    "ClosedError",
    "ConditionSyntaxError",
    "ConditionTooDeep",
    "DetailsError",
    "LinkError",
    "PluginError",
    "RosterError",
    "RosterProblem",
    "SecretError",
    "SpecError",
    "SpecProblem",
    "StorageError",
    "SubmissionError",
    "SurveykitError",
]


class SurveykitError(Exception):
    """Base class for errors shown to the user: the message is the whole story.

    Raised with a :class:`~surveykit.i18n.Phrase` as its message, it keeps the phrase's
    ``template``, ``params`` and ``domain`` (``None`` otherwise), so a channel can say it in
    the respondent's language; ``str()`` is the English either way.
    """

    template: str | None = None
    params: Mapping[str, Any] | None = None
    domain: str | None = None
    plural: str | None = None

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], Phrase):
            said = args[0]
            self.template, self.params, self.domain = said.template, said.params, said.domain
            self.plural = said.plural
            args = (str(said),)
        super().__init__(*args)


class PluginError(SurveykitError):
    """A plugin misbehaved: a name clash, a bad registration or a misspelled hook."""


@frozen
class SpecProblem:
    """One thing wrong (or suspicious) in a spec, located as precisely as we can."""

    code: str
    message: str
    file: str = "<spec>"
    line: int | None = None
    question: str | None = None
    path: str | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        about = f"question {self.question}: " if self.question else ""
        return f"{where}: {about}{self.message}"


class SpecError(SurveykitError):
    """A spec could not be loaded; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[SpecProblem] | tuple[SpecProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ConditionSyntaxError(SurveykitError):
    """A ``shown_if`` expression does not parse; ``column`` is 1-based within the expression."""

    def __init__(self, message: str, source: str, column: int) -> None:
        self.message = message
        self.source = source
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        pointer = " " * (self.column - 1) + "^"
        return f"{self.message} at column {self.column}\n    {self.source}\n    {pointer}"


class ConditionTooDeep(ConditionSyntaxError):
    """A ``shown_if`` expression nests ``not`` and brackets deeper than conditions may."""


def from_phrase(problem: Any) -> None:
    """Fill a problem's ``template``, ``params`` and ``domain`` from a phrase given as its
    message, keeping the English as a plain ``str`` (shared by the problem classes)."""
    message = problem.message
    if message.__class__ is Phrase:
        object.__setattr__(problem, "message", str(message))
        if problem.template is None:
            object.__setattr__(problem, "template", message.template)
            object.__setattr__(problem, "params", message.params)
            object.__setattr__(problem, "domain", message.domain)
            object.__setattr__(problem, "plural", message.plural)


@frozen
class AnswerProblem:
    """One reason a set of answers cannot be accepted as it stands.

    ``message`` is the English; ``template`` (a catalogue msgid with ``{placeholders}``),
    ``params`` and ``domain`` say it in another language (:func:`surveykit.i18n.problem_text`),
    with ``plural`` for a message with plural forms; all are ``None`` for a problem made from a
    plain string.  A
    :class:`~surveykit.i18n.Phrase` given as ``message`` fills them in.
    """

    question: str | None
    code: str
    message: str
    # Not compared: two problems saying the same thing in English are the same problem.
    template: str | None = field(default=None, eq=False)
    params: Mapping[str, Any] | None = field(default=None, eq=False)
    domain: str | None = field(default=None, eq=False)
    #: The English plural of ``template`` for a message with plural forms (its count is
    #: ``params["count"]``), else ``None``.
    plural: str | None = field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        from_phrase(self)

    def __str__(self) -> str:
        return self.message


class StorageError(SurveykitError):
    """A store could not be opened, or refused what was asked of it."""


class SecretError(SurveykitError):
    """The deployment secret is missing, unsafe, or not the one the store was set up with."""


class LinkError(SurveykitError):
    """A unique link is unknown, was replaced by a newer one, or is for another consultation."""


class SubmissionError(SurveykitError):
    """A submission or draft was refused, so nothing was stored."""


class ClosedError(SubmissionError):
    """The consultation is not open at the instant that counts, so nothing was stored.

    ``not_yet`` tells a consultation that has not opened from one that has closed: only a
    closed one can be reopened for a demonstration (``--open-until``).
    """

    def __init__(self, message: str, *, not_yet: bool = False) -> None:
        super().__init__(message)
        self.not_yet = not_yet


class AnswersRejected(SubmissionError):
    """Answers failed validation, so nothing was stored; ``problems`` lists every reason."""

    def __init__(self, problems: list[AnswerProblem] | tuple[AnswerProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"the answers were not stored: {count} problem{'s' if count != 1 else ''}"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class DetailsError(SurveykitError):
    """A new respondent's details are incomplete or wrong, so no link was created."""


@frozen
class RosterProblem:
    """One bad row (or header) of a roster file, with its line number."""

    code: str
    message: str
    file: str = "<roster>"
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class RosterError(SurveykitError):
    """A roster has bad rows, so nothing was imported; ``problems`` lists every one."""

    def __init__(self, problems: list[RosterProblem] | tuple[RosterProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''}; nothing was imported")
        return "\n".join(lines)
