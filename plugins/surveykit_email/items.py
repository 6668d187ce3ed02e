"""What the email form asks, item by item: each question, and each statement of a grid.

The form (:mod:`.form`) writes these items and the reader (:mod:`.scan`, :mod:`.parse`) finds
them again, so both take them from here.  An item is read one of five ways, chosen from the
public kind API (the kind's ``answer_type``, ``multiple`` and its question's options and parts)
and never from the kind's name, so a third-party kind works too:

- ``choice``: one ``[ ]`` box to tick (``single``, and each statement of a grid);
- ``choices``: boxes, any number ticked (``multi``);
- ``ranking``: boxes to write 1, 2, 3 ... in (answer type ``"ranking"``);
- ``grid``: a question whose parts are its rows (``settings["row_of"]``): the rows follow as
  items of their own, numbered ``8a``, ``8b``, ...; the grid's own block may hold typed lines
  such as "Parks: agree";
- ``text``: a "Your answer:" area whose text goes to the kind's checker as typed (text, and
  numbers, dates, contact details and any kind without options).

A choice whose option has ``other = true`` also carries that option and the key of its text part
(``settings["other_of"]``), so the words written beside it are read into ``q14.other``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from surveykit import Consultation, Option, Question
from surveykit.kinds import answer_type, parts_of

from .wording import key

__all__ = ["Item", "form_items", "ranked_bounds"]


@frozen
class Item:
    """One thing the form asks, under its own number.

    ``id`` is the item's answer key (a question id, or a grid row's ``q8.parks``), except for a
    grid, whose own id holds no answer.  ``question`` is the spec question or the row's part.
    """

    id: str
    key: str
    question: Question
    reading: str
    rows: tuple[str, ...] = ()
    other: Option | None = None
    other_part: Question | None = None
    grid: str | None = None

    @property
    def other_key(self) -> str | None:
        """The answer key of the "Other" option's words (``q14.other``), if it has one."""
        return self.other_part.id if self.other_part is not None else None

    @property
    def options(self) -> tuple[Option, ...]:
        return self.question.options


def _row_keys(number: str, count: int, taken: set[str]) -> list[str]:
    """``8a``, ``8b``, ... (``8aa`` after ``8z``); ``8-a`` if a question is numbered ``8a``."""
    letters = string.ascii_lowercase
    suffixes = [
        letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(count)
    ]
    plain = [f"{number}{s}" for s in suffixes]
    if any(k.casefold() in taken for k in plain):
        return [f"{number}-{s}" for s in suffixes]
    return plain


def _reading(question: Question, kinds: Mapping[str, Any]) -> str:
    if not question.options:
        return "text"
    kind = kinds.get(question.kind)
    said = answer_type(question, kinds)
    if said == "ranking":
        return "ranking"
    if said == "options" or getattr(kind, "multiple", False):
        return "choices"
    return "choice"


def form_items(consultation: Consultation, kinds: Mapping[str, Any]) -> tuple[Item, ...]:
    """The form's items in order: each question, a grid followed by its rows."""
    taken = {key(q).casefold() for q in consultation.questions}
    items: list[Item] = []
    for question in consultation.questions:
        parts = parts_of(question, kinds)
        rows = [p for p in parts if p.settings.get("row_of") == question.id]
        if rows:
            keys = _row_keys(key(question), len(rows), taken)
            items.append(
                Item(question.id, key(question), question, "grid", tuple(p.id for p in rows))
            )
            items += [
                Item(part.id, row_key, part, "choice", grid=question.id)
                for part, row_key in zip(rows, keys, strict=True)
            ]
            continue
        other = next((p for p in parts if p.settings.get("other_of") == question.id), None)
        option = question.option(other.settings.get("option", "")) if other else None
        items.append(
            Item(
                question.id,
                key(question),
                question,
                _reading(question, kinds),
                other=option,
                other_part=other if option is not None else None,
            )
        )
    return tuple(items)


def ranked_bounds(question: Question) -> tuple[int, int]:
    """How many options a ranking takes, at least and at most, from its public settings
    ``min_ranked`` and ``max_ranked`` (by default all of them; with only ``max_ranked``, that
    many)."""
    count = len(question.options)
    high = question.settings.get("max_ranked", count)
    high = high if high.__class__ is int and 1 <= high <= count else count
    low = question.settings.get("min_ranked", high)
    low = low if low.__class__ is int and 1 <= low <= high else high
    return low, high
