"""``text``: free text, trimmed, up to ``max_length`` characters."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, ClassVar

from attrs import frozen

from surveykit import EMPTY, Question, Rejected
from surveykit.i18n import title_of

from ._common import phrase, what

__all__ = ["Text"]


@frozen
class Text:
    """Free text.  Surrounding whitespace is trimmed; blank text counts as no answer."""

    name: str = "text"
    description: str = "free text, up to max_length characters"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = True
    default_max_length: int = 10_000
    answer_type: str = "text"
    settings: ClassVar = MappingProxyType({})

    def checker(self, question: Question):
        limit = question.max_length or self.default_max_length
        title = title_of(question)

        def check(value: Any) -> Any:
            if value.__class__ is str:
                text = value.strip()
                if not text:
                    return EMPTY
                if len(text) > limit:
                    return Rejected(
                        "too_long",
                        phrase(
                            "{title}: the answer is {length} characters long; the limit is {limit}",
                            title=title,
                            length=format(len(text), ","),
                            limit=format(limit, ","),
                        ),
                    )
                return text
            if value is None:
                return EMPTY
            return Rejected(
                "wrong_type",
                phrase("{title}: write text, not a {what}", title=title, what=what(value)),
            )

        check.keeps_text_up_to = limit  # trimmed text this long is returned as it is
        return check
