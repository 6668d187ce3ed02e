"""Built-in question kinds: ``single``, ``multi`` and ``text``.

This package is an ordinary surveykit plugin, registered through the ``surveykit`` entry-point
group and using only the public API, so it doubles as a template for kind plugins.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from surveykit import EMPTY, Question, Rejected, hookimpl

__all__ = ["MultiChoice", "SingleChoice", "Text"]


def _what(value: Any) -> str:
    """A value's type in plain words, for messages a respondent or officer may read."""
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "group of answers"
    if isinstance(value, str):
        return "piece of text"
    return "value of another type"


def _options_phrase(question: Question) -> str:
    return ", ".join(repr(o.value) for o in question.options)


@frozen
class SingleChoice:
    """Exactly one of the listed options, stored as its value."""

    name: str = "single"
    description: str = "one option from a fixed list"
    has_options: bool = True
    multiple: bool = False
    has_max_length: bool = False

    def checker(self, question: Question):
        allowed = frozenset(o.value for o in question.options)
        title = question.title
        listed = _options_phrase(question)

        def check(value: Any) -> Any:
            if value.__class__ is str:
                if value in allowed:
                    return value
                if not value or value.isspace():
                    return EMPTY
                return Rejected(
                    "unknown_option",
                    f"{title}: {value[:80]!r} is not one of the options ({listed})",
                )
            if value is None:
                return EMPTY
            return Rejected("wrong_type", f"{title}: choose one option, not a {_what(value)}")

        check.accepts = allowed  # returned unchanged: the engine may skip the call for these
        check.controls_checked = True  # only option values come back: see QuestionKind
        return check


@frozen
class MultiChoice:
    """Any number of the listed options, stored as a list in the spec's option order."""

    name: str = "multi"
    description: str = "any number of options from a fixed list"
    has_options: bool = True
    multiple: bool = True
    has_max_length: bool = False

    def checker(self, question: Question):
        order = tuple(o.value for o in question.options)
        allowed = frozenset(order)
        title = question.title
        listed = _options_phrase(question)

        def check(value: Any) -> Any:
            if value is None:
                return EMPTY
            if value.__class__ is not list and value.__class__ is not tuple:
                return Rejected(
                    "wrong_type",
                    f"{title}: give a list of options, not a {_what(value)}",
                )
            if not value:
                return EMPTY
            if any(item.__class__ is not str for item in value):
                return Rejected(
                    "wrong_type", f"{title}: each choice must be an option value, in quotes"
                )
            unknown = [item for item in value if item not in allowed]
            if unknown:
                return Rejected(
                    "unknown_option",
                    f"{title}: {', '.join(repr(u[:80]) for u in unknown)} "
                    f"{'is' if len(unknown) == 1 else 'are'} not among the options ({listed})",
                )
            chosen = set(value)
            return [v for v in order if v in chosen]

        check.controls_checked = True  # only option values come back: see QuestionKind
        return check


@frozen
class Text:
    """Free text.  Surrounding whitespace is trimmed; blank text counts as no answer."""

    name: str = "text"
    description: str = "free text, up to max_length characters"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = True
    default_max_length: int = 10_000

    def checker(self, question: Question):
        limit = question.max_length or self.default_max_length
        title = question.title

        def check(value: Any) -> Any:
            if value.__class__ is str:
                text = value.strip()
                if not text:
                    return EMPTY
                if len(text) > limit:
                    return Rejected(
                        "too_long",
                        f"{title}: the answer is {len(text):,} characters long; "
                        f"the limit is {limit:,}",
                    )
                return text
            if value is None:
                return EMPTY
            return Rejected("wrong_type", f"{title}: write text, not a {_what(value)}")

        return check


@hookimpl
def surveykit_register_question_kinds(register):
    register(SingleChoice())
    register(MultiChoice())
    register(Text())
