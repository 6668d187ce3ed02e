"""How each question is asked on its page: the fields the page posts, and how they become answers.

A question page posts a few named fields.  A question's :class:`Widget` knows which ones (any
other field is refused as tampering), turns them into raw answers by part key in the forms the
kinds document (text; a list of options; the date input's ``{"day", "month", "year"}``; a
ranking's ``{option: rank}``), puts stored answers back into the same fields, and says which
field an error about each part links to.

The widget is chosen from the public kind API: options and ``multiple``, ``answer_type`` and the
question's parts (a grid's rows are single-choice parts with ``row_of``; an "other" option's text
is a part with ``other_of``), so a third-party kind gets a working page.  Only the input's type
and autocomplete for ``email``, ``uk_postcode`` and ``phone`` come from a kind's name; a kind this
module does not know is asked in a text box whose text goes to its checker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen
from starlette.datastructures import FormData

from surveykit import Question
from surveykit.i18n import mark
from surveykit.kinds import answer_type, parts_of

from .forms import ANSWER, tampered
from .language import Words

__all__ = ["OTHER", "Widget", "row_id", "widget_for"]

#: The id of an "other" option's text box (its name is the part's key, ``q5.other``).
OTHER = "answer-other"
#: The boxes of the GOV.UK date input, in the order they are shown.
DAY_BOXES = ("day", "month", "year")
MONTH_BOXES = ("month", "year")
#: Month names and their short forms, which the date kind reads in the month box too.
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_WORDS = frozenset(word for name in _MONTH_NAMES for word in (name, name[:3])) | {"sept"}
#: Input widths GOV.UK Frontend offers, in characters.
_WIDTHS = (2, 3, 4, 5, 10, 20)
#: How a text box is set up for the built-in contact kinds: (type, autocomplete, width class).
_CONTACT = {
    "email": ("email", "email", ""),
    "uk_postcode": ("text", "postal-code", "govuk-input--width-10"),
    "phone": ("tel", "tel", "govuk-input--width-20"),
}
_CONTACT_CONTROLS = {"email": "email", "uk_postcode": "postcode", "phone": "phone"}


@frozen
class Widget:
    """A question as its page asks it.

    ``control`` is one of ``radios``, ``checkboxes``, ``textarea``, ``input`` (text and unknown
    kinds), ``number``, ``date``, ``email``, ``postcode``, ``phone``, ``grid`` and ``ranking``.
    """

    question: Question
    control: str
    #: The parts this page fills in, by answer key.
    keys: tuple[str, ...]
    #: The names of the fields the page posts, besides the CSRF token and the button.
    fields: frozenset[str]
    #: Fields holding the respondent's own words: a page showing them is never shared.
    typed: frozenset[str]
    #: Whether the heading says "(optional)": no part of the question must be answered.
    optional: bool
    #: The "other" option's text part, for radios and checkboxes.
    other: Question | None = None
    #: A grid's rows, each a single-choice part.
    rows: tuple[Question, ...] = ()
    #: A grid's radios sit side by side when its option labels are short.
    inline: bool = False
    #: A date's boxes: ``day``, ``month``, ``year``, or only the last two.
    boxes: tuple[str, ...] = ()
    #: The ranks a ranking offers for each option, 1 first.
    ranks: tuple[int, ...] = ()
    #: The text box's ``type``, ``autocomplete``, ``inputmode`` and width class, where set.
    input_type: str = "text"
    autocomplete: str = ""
    inputmode: str = ""
    width: str = ""
    #: A number's unit, shown before or after the box.
    prefix: str = ""
    suffix: str = ""
    #: What the page adds below the question's own hint, said by the template in the page's
    #: language: ``"date"`` or ``"month"`` (an example), ``"ranking"`` (how to rank), or none.
    hint: str = ""
    #: How many options a ranking's answer ranks, at least (at most is ``len(ranks)``).
    ranked_low: int = 0
    max_length: int | None = None

    @property
    def row_ids(self) -> tuple[tuple[Question, str], ...]:
        """A grid's rows, each with the id of its first radio (:func:`row_id`)."""
        return tuple((row, row_id(row)) for row in self.rows)

    @property
    def multiple(self) -> bool:
        return self.control == "checkboxes"

    def read(self, form: FormData) -> dict[str, Any]:
        """The raw answer of each part, as posted (``None``: the page sent nothing for it)."""
        control = self.control
        if control == "grid":
            return {row.id: self._one(form, row.id) for row in self.rows}
        qid = self.question.id
        if control == "date":
            boxes = {box: self._one(form, f"{ANSWER}-{box}") for box in self.boxes}
            if all(text is None for text in boxes.values()):
                return {qid: None}
            return {qid: {box: text or "" for box, text in boxes.items()}}
        if control == "ranking":
            ranks = {}
            for number, option in enumerate(self.question.options, start=1):
                rank = self._one(form, f"rank-{number}")
                if rank is not None:
                    ranks[option.value] = rank
            return {qid: ranks or None}
        if self.multiple:
            raw: Any = form.getlist(ANSWER)
        else:
            raw = self._one(form, ANSWER)
        answers = {qid: raw}
        if self.other is not None:
            answers[self.other.id] = self._one(form, self.other.id)
        return answers

    def _one(self, form: FormData, name: str) -> str | None:
        values = form.getlist(name)
        if len(values) > 1:
            raise tampered(
                Words(
                    mark("{title} takes one answer, and the form sent {count}."),
                    {"title": self.question.title, "count": len(values)},
                )
            )
        return values[0] if values else None

    def posted(self, form: FormData) -> dict[str, Any]:
        """The fields as the respondent filled them in, to show them again with an error."""
        if self.multiple:
            return {ANSWER: form.getlist(ANSWER)} | {
                name: form.get(name) for name in self.fields if name != ANSWER
            }
        return {name: form.get(name) for name in self.fields}

    def shown(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The fields filled in with the stored answers, as the page shows them."""
        control = self.control
        if control == "grid":
            return {row.id: answers.get(row.id) for row in self.rows}
        value = answers.get(self.question.id)
        if control == "date":
            names = (f"{ANSWER}-{box}" for box in self.boxes)
            return dict(zip(names, _boxes(value, self.boxes), strict=True))
        if control == "ranking":
            return _ranks(self.question, value)
        if control == "number":
            value = _number_text(value, self.question.settings.get("decimals", 0))
        fields = {ANSWER: value}
        if self.other is not None:
            fields[self.other.id] = answers.get(self.other.id)
        return fields

    def href(self, key: str, fields: Mapping[str, Any]) -> str:
        """Where an error about part ``key`` links to: the first field to correct."""
        control = self.control
        if control == "grid":
            row = next((row for row in self.rows if row.id == key), None)
            return f"#{row_id(row)}" if row is not None else f"#{row_id(self.rows[0])}"
        if self.other is not None and key == self.other.id:
            return f"#{OTHER}"
        if control == "date":
            return f"#{ANSWER}-{self.wrong_boxes(fields)[0]}"
        if control == "ranking":
            return "#rank-1"
        return f"#{ANSWER}"

    def wrong_boxes(self, fields: Mapping[str, Any]) -> tuple[str, ...]:
        """The date boxes to highlight: those that cannot be right, else all of them (the date
        as a whole is wrong: 31 February, or too early)."""
        wrong = []
        for box in self.boxes:
            text = fields.get(f"{ANSWER}-{box}")
            text = text.strip() if isinstance(text, str) else ""
            number = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None
            if box == "day":
                right = number is not None and len(text) <= 2 and 1 <= number <= 31
            elif box == "month":
                right = (number is not None and len(text) <= 2 and 1 <= number <= 12) or (
                    text.casefold().rstrip(".") in _MONTH_WORDS
                )
            else:
                right = number is not None and len(text) == 4
            if not right:
                wrong.append(box)
        return tuple(wrong) or self.boxes

    def shared_key(self, fields: Mapping[str, Any]) -> tuple[Hashable, ...] | None:
        """``fields`` as part of a shared page's key, or ``None`` if the page must be rendered
        for this respondent alone: only blank boxes and chosen options qualify."""
        if any(fields.get(name) for name in self.typed):
            return None
        key: list[Hashable] = []
        for name in sorted(self.fields):
            value = fields.get(name)
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, list):
                if not all(isinstance(v, str) for v in value):
                    return None
                value = tuple(value)
            elif not isinstance(value, str):
                return None
            key.append((name, value))
        return tuple(key)


def row_id(row: Question) -> str:
    """The id of a grid row's first radio: ``grid-`` and the row's own id."""
    name = row.settings.get("row")
    return f"grid-{name if isinstance(name, str) else row.id.partition('.')[2]}"


def widget_for(question: Question, kinds: Any) -> Widget:
    """How ``question`` is asked, from what its kind says of itself and of its parts."""
    kind = kinds[question.kind]
    parts = parts_of(question, kinds)
    keys = tuple(part.id for part in parts)
    rows = tuple(
        part
        for part in parts
        if part.settings.get("row_of") == question.id and part.options and part.id != question.id
    )
    if rows and len(rows) == len(parts):
        labels = [option.label for option in question.options]
        return Widget(
            question,
            "grid",
            keys,
            frozenset(keys),
            frozenset(),
            optional=not any(row.required for row in rows),
            rows=rows,
            inline=len(labels) <= 5 and sum(len(label) for label in labels) <= 30,
        )
    optional = not question.required
    if getattr(kind, "has_options", False):
        kind_type = answer_type(question, kinds)
        if kind_type == "ranking":
            low, high = _ranked_bounds(question)
            fields = frozenset(f"rank-{n}" for n in range(1, len(question.options) + 1))
            return Widget(
                question,
                "ranking",
                keys,
                fields,
                frozenset(),
                optional,
                ranks=tuple(range(1, high + 1)),
                hint="ranking",
                ranked_low=low,
            )
        other = next((part for part in parts if part.settings.get("other_of") == question.id), None)
        control = "checkboxes" if getattr(kind, "multiple", False) else "radios"
        fields = frozenset({ANSWER} | ({other.id} if other is not None else set()))
        typed = frozenset({other.id}) if other is not None else frozenset()
        return Widget(question, control, keys, fields, typed, optional, other=other)
    kind_type = answer_type(question, kinds)
    one_box = frozenset({ANSWER})
    if kind_type == "number":
        settings = question.settings
        unit = settings.get("unit", "") if isinstance(settings.get("unit", ""), str) else ""
        prefix = settings.get("unit_prefix") is True
        decimals = settings.get("decimals", 0)
        decimals = decimals if isinstance(decimals, int) else 0
        return Widget(
            question,
            "number",
            keys,
            one_box,
            one_box,
            optional,
            inputmode="decimal" if decimals else "numeric",
            width=_number_width(settings, decimals),
            prefix=unit if prefix else "",
            suffix="" if prefix else unit,
        )
    if kind_type in ("date", "month"):
        boxes = MONTH_BOXES if kind_type == "month" else DAY_BOXES
        fields = frozenset(f"{ANSWER}-{box}" for box in boxes)
        return Widget(
            question,
            "date",
            keys,
            fields,
            fields,
            optional,
            boxes=boxes,
            hint="" if question.hint else kind_type,
        )
    if kind_type == "text" and question.kind in _CONTACT:
        input_type, autocomplete, width = _CONTACT[question.kind]
        return Widget(
            question,
            _CONTACT_CONTROLS[question.kind],
            keys,
            one_box,
            one_box,
            optional,
            input_type=input_type,
            autocomplete=autocomplete,
            width=width,
        )
    limit = question.max_length or getattr(kind, "default_max_length", None)
    control = "textarea" if limit is None or limit > 200 else "input"
    return Widget(question, control, keys, one_box, one_box, optional, max_length=limit)


def _ranked_bounds(question: Question) -> tuple[int, int]:
    """How many options an answer ranks, at least and at most (the ranking kind's settings;
    by default all of them, and with only ``max_ranked``, exactly that many)."""
    count = len(question.options)
    high = question.settings.get("max_ranked", count)
    high = high if isinstance(high, int) and 1 <= high <= count else count
    low = question.settings.get("min_ranked", high)
    low = low if isinstance(low, int) and 1 <= low <= high else high
    return low, high


def _number_width(settings: Mapping[str, Any], decimals: int) -> str:
    """A box as wide as the longest answer allowed, written with commas and decimals."""
    longest = 0
    for key in ("min", "max"):
        bound = settings.get(key)
        if not isinstance(bound, int | float) or isinstance(bound, bool):
            return "govuk-input--width-10"
        longest = max(longest, len(f"{Decimal(repr(bound)):,.{decimals}f}"))
    width = next((w for w in _WIDTHS if w >= max(longest, 3)), _WIDTHS[-1])
    return f"govuk-input--width-{width}"


def _number_text(value: Any, decimals: Any) -> Any:
    """A stored number as the box shows it: ``12.50`` with two decimal places."""
    if isinstance(value, float) and isinstance(decimals, int):
        return f"{Decimal(repr(value)):.{decimals}f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _boxes(value: Any, boxes: tuple[str, ...]) -> tuple[str, ...]:
    """A stored ISO date (``2027-03-05``, or ``2027-03``) in the date input's boxes."""
    if not isinstance(value, str):
        return ("",) * len(boxes)
    try:
        day = dt.date.fromisoformat(value if len(value) == 10 else f"{value}-01")
    except ValueError:
        return ("",) * len(boxes)
    filled = {"day": str(day.day), "month": str(day.month), "year": f"{day.year:04d}"}
    return tuple(filled[box] for box in boxes)


def _ranks(question: Question, value: Any) -> dict[str, str]:
    """A stored ranking (most preferred first) as each option's rank box."""
    ranked = value if isinstance(value, list | tuple) else []
    place = {v: n for n, v in enumerate(ranked, start=1)}
    return {
        f"rank-{number}": str(place[option.value])
        for number, option in enumerate(question.options, start=1)
        if option.value in place
    }
