"""The public API for question kinds: how an answer of each kind is normalised and checked.

A kind plugin registers :class:`QuestionKind` objects through the
``surveykit_register_question_kinds`` hook.  The engine asks each kind, once per question, for a
*checker*: a function from a raw answer to either the normalised answer, :data:`EMPTY` (no answer
given) or a :class:`Rejected` explaining what is wrong.  Checkers sit on the hot path, so they
should do their lookups when they are built, not when they are called.

Whatever a checker returns, the engine refuses text holding a control character (see
:mod:`surveykit.characters`).  A checker that only ever returns option values (which a spec
cannot hold control characters in) may say so with ``check.controls_checked = True``, and the
engine then spares that check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from attrs import frozen

if TYPE_CHECKING:
    from .model import Question

__all__ = ["EMPTY", "Checker", "QuestionKind", "Rejected"]


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
    """A checker's verdict that an answer is unacceptable, with a stable ``code``."""

    code: str
    message: str


Checker = Callable[[Any], Any]


class QuestionKind(Protocol):
    """What a kind plugin provides.

    ``has_options``: questions of this kind must list options (and conditions may compare them).
    ``multiple``: answers are lists of option values (conditions use ``"v" in q``).
    ``has_max_length``: questions of this kind accept a ``max_length``.
    """

    name: str
    description: str
    has_options: bool
    multiple: bool
    has_max_length: bool

    def checker(self, question: Question) -> Checker:
        """Build the checker for one question."""
        ...
