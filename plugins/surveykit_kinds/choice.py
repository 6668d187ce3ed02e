"""``single`` and ``multi``: options from a fixed list, and the "Other (please specify)" text.

An option with ``other = true`` expands its question into two parts: the choice itself and a
text part ``QID.other`` holding the respondent's own words.  The text part is shown only while
the option is chosen, so the engine's clearing removes it the moment the option is unchosen, on
every channel, with no code of its own.  It is required when its question is: an optional
question (equality monitoring, say) may be answered "Other" without saying more, as the GOV.UK
pattern marks such a box "(optional)".
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, ClassVar

from attrs import frozen

from surveykit import EMPTY, Question, Rejected
from surveykit.conditions import All, Condition, Contains, Equals, render
from surveykit.i18n import title_of

from ._common import options_phrase, phrase, phrase_n, what

__all__ = ["OTHER_MAX_LENGTH", "MultiChoice", "SingleChoice", "other_part"]

#: How long the words of an "Other" answer may be when the option does not say.
OTHER_MAX_LENGTH = 500


def other_part(question: Question, chosen: Condition) -> Question | None:
    """The text part for ``question``'s "other" option, shown while ``chosen`` holds.

    Only the first option marked ``other`` counts (a spec with two is refused when it loads,
    as ``bad_other``); ``None`` when the question has none.
    """
    option = next((o for o in question.options if o.other), None)
    if option is None:
        return None
    condition = chosen if question.condition is None else All((question.condition, chosen))
    return Question(
        id=f"{question.id}.other",
        text="Please specify",
        kind="text",
        number=question.number,
        required=question.required,
        shown_if=render(condition),
        max_length=option.max_length or OTHER_MAX_LENGTH,
        section=question.section,
        sensitive=question.sensitive,
        settings={"other_of": question.id, "option": option.value},
        condition=condition,
        label=option.label,
    )


@frozen
class SingleChoice:
    """Exactly one of the listed options, stored as its value."""

    name: str = "single"
    description: str = "one option from a fixed list"
    has_options: bool = True
    multiple: bool = False
    has_max_length: bool = False
    answer_type: str = "option"
    settings: ClassVar = MappingProxyType({})

    def expand(self, question: Question) -> tuple[Question, ...]:
        """The question, and its "other" text part if an option asks for one."""
        option = next((o for o in question.options if o.other), None)
        if option is None:
            return (question,)
        part = other_part(question, Equals(question.id, option.value))
        return (question,) if part is None else (question, part)

    def checker(self, question: Question):
        allowed = frozenset(o.value for o in question.options)
        title = title_of(question)
        listed = options_phrase(question)

        def check(value: Any) -> Any:
            if value.__class__ is str:
                if value in allowed:
                    return value
                if not value or value.isspace():
                    return EMPTY
                return Rejected(
                    "unknown_option",
                    phrase(
                        "{title}: {answer} is not one of the options ({options})",
                        title=title,
                        answer=repr(value[:80]),
                        options=listed,
                    ),
                )
            if value is None:
                return EMPTY
            return Rejected(
                "wrong_type",
                phrase("{title}: choose one option, not a {what}", title=title, what=what(value)),
            )

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
    answer_type: str = "options"
    settings: ClassVar = MappingProxyType({})

    def expand(self, question: Question) -> tuple[Question, ...]:
        """The question, and its "other" text part if an option asks for one."""
        option = next((o for o in question.options if o.other), None)
        if option is None:
            return (question,)
        part = other_part(question, Contains(question.id, option.value))
        return (question,) if part is None else (question, part)

    def checker(self, question: Question):
        order = tuple(o.value for o in question.options)
        allowed = frozenset(order)
        title = title_of(question)
        listed = options_phrase(question)

        def check(value: Any) -> Any:
            if value is None:
                return EMPTY
            if value.__class__ is not list and value.__class__ is not tuple:
                return Rejected(
                    "wrong_type",
                    phrase(
                        "{title}: give a list of options, not a {what}",
                        title=title,
                        what=what(value),
                    ),
                )
            if not value:
                return EMPTY
            if any(item.__class__ is not str for item in value):
                return Rejected(
                    "wrong_type",
                    phrase("{title}: each choice must be an option value, in quotes", title=title),
                )
            unknown = [item for item in value if item not in allowed]
            if unknown:
                return Rejected(
                    "unknown_option",
                    phrase_n(
                        "{title}: {answers} is not among the options ({options})",
                        "{title}: {answers} are not among the options ({options})",
                        len(unknown),
                        title=title,
                        answers=", ".join(repr(u[:80]) for u in unknown),
                        options=listed,
                    ),
                )
            chosen = set(value)
            return [v for v in order if v in chosen]

        check.controls_checked = True  # only option values come back: see QuestionKind
        return check
