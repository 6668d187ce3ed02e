"""Errors that reach people, and the structured problems they carry.

Every class here is *shown to the user*: its ``str()`` is a complete, plain sentence (or list of
them) with no traceback needed.  Each problem carries a stable ``code`` slug, listed in
``docs/errors.md``, so tools can react to it without parsing the message.
"""

from __future__ import annotations

from attrs import frozen

__all__ = [
    "AnswerProblem",
    "ConditionSyntaxError",
    "PluginError",
    "SpecError",
    "SpecProblem",
    "SurveykitError",
]


class SurveykitError(Exception):
    """Base class for errors shown to the user: the message is the whole story."""


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


@frozen
class AnswerProblem:
    """One reason a set of answers cannot be accepted as it stands."""

    question: str | None
    code: str
    message: str

    def __str__(self) -> str:
        return self.message
