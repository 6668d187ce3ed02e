"""``number``: a whole number, or one with up to ``decimals`` decimal places, between bounds.

Answers arrive as JSON numbers (from scripts and the JSON API) or as text typed into a form or
an email: ``"1,250"``, ``" 12.5 "``, ``"-3"``, and with the question's own unit, ``"£12.50"`` or
``"12.5 kg"``.  They are stored as an ``int`` (``decimals = 0``) or a ``float`` with at most
``decimals`` places, so a stored answer checks to itself.  Text is read as a decimal, never
through binary floating point, so ``"0.1"`` meets ``min = 0.1``.

At most 15 significant digits are kept (``MAGNITUDE``): every accepted answer is exactly a
``float``, and fits every store's JSON.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar

from attrs import frozen

from surveykit import EMPTY, Question, Rejected
from surveykit.i18n import Phrase, title_of

from ._common import is_number, phrase, phrase_n, shown, what

__all__ = ["MAGNITUDE", "MAX_DECIMALS", "Number"]

#: No answer is 10**15 or more in size, less 10**decimals: 15 significant digits, all exact.
MAGNITUDE = 15
MAX_DECIMALS = 6
_ASCII_DIGITS = frozenset("0123456789")
_MINUS = "-\u2212"  # a hyphen-minus, or the minus sign a word processor writes
_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"


def _total_problems(question: Question, low: Decimal | None) -> list[tuple[str, str]]:
    """``total = true`` publishes a sum of answers (a magnitude table): only of amounts that
    cannot be negative, which the dominance rule protecting it assumes, and never of a
    sensitive question, whose answers are published only as counts (docs/disclosure.md)."""
    total = question.settings.get("total", False)
    if total.__class__ is not bool:
        return [("total", f"total must be true or false, not {shown(total)}")]
    if not total:
        return []
    if question.sensitive:
        return [
            (
                "total",
                "total = true publishes the sum of the answers, but this question is "
                "sensitive = true, whose answers are only ever published as counts; "
                "remove total = true",
            )
        ]
    if low is None or low < 0:
        return [
            (
                "total",
                "total = true needs min = 0 or more: the rule that protects a published total "
                "assumes no answer is negative",
            )
        ]
    return []


def _format(value: Decimal | int | float, decimals: int) -> str:
    return f"{Decimal(repr(value)) if value.__class__ is float else value:,.{decimals}f}"


def _reader(unit: str, prefix: bool) -> re.Pattern[str]:
    """The text forms of a number: a sign, the digits (thousands may be grouped with commas),
    and the question's unit where it belongs, in any case, with or without a space."""
    sign = rf"(?P<sign>[{_MINUS}+]?)\s*"
    if not unit:
        return re.compile(rf"{sign}(?P<digits>{_DIGITS})")
    unit_re = re.escape(unit)
    if prefix:  # "£12.50", "-£3", "£-3"
        return re.compile(
            rf"{sign}(?:{unit_re}\s*)?(?P<sign2>[{_MINUS}+]?)\s*(?P<digits>{_DIGITS})",
            re.IGNORECASE,
        )
    return re.compile(rf"{sign}(?P<digits>{_DIGITS})(?:\s*{unit_re})?", re.IGNORECASE)


@frozen
class _Said:
    """What a number question tells a respondent, worded for how its answer is written: an
    amount (a unit before the number, "£250"), a number of a unit ("250 people") or a bare
    number.  Each is a whole sentence in the catalogue, since other languages do not build
    them from the same pieces ("the number of {unit}")."""

    title: Phrase
    unit: str
    prefix: bool
    #: The example answer with its unit, and the bare number.
    example: str
    number: str

    def enter(self, wrong: Phrase | None = None) -> Phrase:
        """Enter a number (that is not ``wrong``, a value of another type)."""
        title, example, unit = self.title, self.example, self.unit
        if wrong is not None:
            if self.prefix:
                return phrase(
                    "{title}: enter an amount, such as {example}, not a {what}",
                    title=title,
                    example=example,
                    what=wrong,
                )
            if unit:
                return phrase(
                    "{title}: enter a number of {unit}, such as {example}, not a {what}",
                    title=title,
                    unit=unit,
                    example=self.number,
                    what=wrong,
                )
            return phrase(
                "{title}: enter a number, such as {example}, not a {what}",
                title=title,
                example=example,
                what=wrong,
            )
        if self.prefix:
            return phrase(
                "{title}: enter an amount, such as {example}", title=title, example=example
            )
        if unit:
            return phrase(
                "{title}: enter a number of {unit}, such as {example}",
                title=title,
                unit=unit,
                example=self.number,
            )
        return phrase("{title}: enter a number, such as {example}", title=title, example=example)

    def too_small(self, bound: str) -> Phrase:
        if self.prefix:
            return phrase(
                "{title}: the amount must be {bound} or more", title=self.title, bound=bound
            )
        if self.unit:
            return phrase(
                "{title}: the number of {unit} must be {bound} or more",
                title=self.title,
                unit=self.unit,
                bound=bound,
            )
        return phrase("{title}: the number must be {bound} or more", title=self.title, bound=bound)

    def too_large(self, bound: str) -> Phrase:
        if self.prefix:
            return phrase(
                "{title}: the amount must be {bound} or less", title=self.title, bound=bound
            )
        if self.unit:
            return phrase(
                "{title}: the number of {unit} must be {bound} or less",
                title=self.title,
                unit=self.unit,
                bound=bound,
            )
        return phrase("{title}: the number must be {bound} or less", title=self.title, bound=bound)

    def whole(self, example: str) -> Phrase:
        """Enter a whole number (the question takes no decimals)."""
        if self.unit and not self.prefix:  # "of people, such as 1", not "1 people"
            return phrase(
                "{title}: enter a whole number of {unit}, such as {example}",
                title=self.title,
                unit=self.unit,
                example=example,
            )
        return phrase(
            "{title}: enter a whole number, such as {example}", title=self.title, example=example
        )

    def places(self, decimals: int) -> Phrase:
        """The answer has more decimal places than the question takes."""
        if self.prefix:
            return phrase_n(
                "{title}: the amount can have at most {count} decimal place, such as {example}",
                "{title}: the amount can have at most {count} decimal places, such as {example}",
                decimals,
                title=self.title,
                example=self.example,
            )
        if self.unit:
            return phrase_n(
                "{title}: the number of {unit} can have at most {count} decimal place, such as "
                "{example}",
                "{title}: the number of {unit} can have at most {count} decimal places, such as "
                "{example}",
                decimals,
                title=self.title,
                unit=self.unit,
                example=self.example,
            )
        return phrase_n(
            "{title}: the number can have at most {count} decimal place, such as {example}",
            "{title}: the number can have at most {count} decimal places, such as {example}",
            decimals,
            title=self.title,
            example=self.example,
        )


@frozen
class Number:
    """A number, whole or with decimals, between optional bounds, with an optional unit."""

    name: str = "number"
    description: str = "a number: whole, or with decimals; min, max and a unit if wanted"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False
    answer_type: str = "number"
    settings: ClassVar = MappingProxyType(
        {
            "min": "the smallest answer accepted (a number)",
            "max": "the largest answer accepted (a number)",
            "decimals": f"how many decimal places an answer may have, 0 to {MAX_DECIMALS} "
            "(default 0: whole numbers)",
            "unit": 'what the number counts, shown beside the box: "people", "£"',
            "unit_prefix": "true to show the unit before the number, as in £250",
            "total": "true to publish the total of the answers, by type of authority, once the "
            "consultation has closed (needs min = 0 or more; docs/disclosure.md)",
        }
    )
    #: The settings respondents read, translated per language (surveykit.translations).
    translatable: ClassVar = ("unit",)

    def check_settings(self, question: Question) -> list[tuple[str, str]]:
        """Bounds that are numbers, in order, within reach of the decimals; a short unit."""
        settings = question.settings
        problems: list[tuple[str, str]] = []
        decimals = settings.get("decimals", 0)
        if decimals.__class__ is not int or not 0 <= decimals <= MAX_DECIMALS:
            problems.append(
                (
                    "decimals",
                    f"decimals must be a whole number from 0 to {MAX_DECIMALS}, "
                    f"not {shown(decimals)}",
                )
            )
            decimals = 0
        limit = Decimal(10) ** (MAGNITUDE - decimals)
        bounds: dict[str, Decimal] = {}
        for key in ("min", "max"):
            if key not in settings:
                continue
            value = settings[key]
            if not is_number(value):
                problems.append((key, f"{key} must be a number, not {shown(value)}"))
            elif not -limit < Decimal(repr(value)) < limit:
                problems.append(
                    (key, f"{key} must be less than {limit:,} in size, not {shown(value)}")
                )
            else:
                bounds[key] = Decimal(repr(value))
        if "min" in bounds and "max" in bounds:
            low, high = bounds["min"], bounds["max"]
            step = Decimal(1).scaleb(-decimals)
            if low > high:
                problems.append(
                    ("min", f"min ({settings['min']}) is more than max ({settings['max']})")
                )
            elif (low / step).to_integral_value("ROUND_CEILING") > (high / step).to_integral_value(
                "ROUND_FLOOR"
            ):
                problems.append(
                    (
                        "min",
                        f"no number with {decimals} decimal places lies between min "
                        f"({settings['min']}) and max ({settings['max']})",
                    )
                )
        unit = settings.get("unit", "")
        if unit.__class__ is not str or len(unit) > 20 or (unit and not unit.strip()):
            problems.append(("unit", f"unit must be a short piece of text, not {shown(unit)}"))
        elif unit != unit.strip() or unit[:1] in _ASCII_DIGITS or unit[-1:] in _ASCII_DIGITS:
            problems.append(
                (
                    "unit",
                    f"unit {unit!r} must not start or end with a space or a digit: respondents "
                    "type it next to the number",
                )
            )
        elif any(c in ",.+-\u2212" for c in unit):
            problems.append(
                ("unit", f"unit {unit!r} must not hold a comma, full stop, plus or minus sign")
            )
        prefix = settings.get("unit_prefix", False)
        if prefix.__class__ is not bool:
            problems.append(
                ("unit_prefix", f"unit_prefix must be true or false, not {shown(prefix)}")
            )
        elif prefix and not unit:
            problems.append(("unit_prefix", "unit_prefix needs a unit to put before the number"))
        problems += _total_problems(question, bounds.get("min"))
        return problems

    def checker(self, question: Question):
        settings = question.settings
        decimals: int = settings.get("decimals", 0)
        unit: str = settings.get("unit", "")
        prefix: bool = settings.get("unit_prefix", False) is True
        step = Decimal(1).scaleb(-decimals)
        limit = 10 ** (MAGNITUDE - decimals)
        # The bounds as the nearest answers allowed: min = 0.5 with whole numbers means 1.
        low = Decimal(repr(settings["min"])) if "min" in settings else Decimal(1 - limit)
        high = Decimal(repr(settings["max"])) if "max" in settings else Decimal(limit - 1)
        low = (low / step).to_integral_value("ROUND_CEILING") * step
        high = (high / step).to_integral_value("ROUND_FLOOR") * step
        low_int, high_int = (int(low), int(high)) if decimals == 0 else (None, None)
        read = _reader(unit, prefix).fullmatch
        title = title_of(question)

        def written(number: Decimal) -> str:
            text = _format(number, decimals)
            if not unit:
                return text
            if prefix:
                return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
            return f"{text} {unit}"

        example = next(
            (v for v in (Decimal(250), low.max(Decimal(0)), high) if low <= v <= high), low
        )
        bound = written if prefix or not unit else lambda number: _format(number, decimals)
        said = _Said(title, unit, prefix, written(example), _format(example, decimals))
        not_a_number = Rejected("not_a_number", said.enter())
        too_small = Rejected("too_small", said.too_small(bound(low)))
        too_large = Rejected("too_large", said.too_large(bound(high)))
        too_precise = Rejected(
            "too_precise",
            said.whole(bound(example)) if decimals == 0 else said.places(decimals),
        )

        def finish(number: Decimal) -> Any:
            """The stored answer for an exact decimal, or why it cannot be one."""
            exponent = number.normalize().as_tuple().exponent
            if exponent.__class__ is not int:  # NaN or Infinity, which no reader lets through
                return not_a_number
            if exponent < -decimals:
                return too_precise
            if number < low:
                return too_small
            if number > high:
                return too_large
            return int(number) if decimals == 0 else float(number)

        low_float, high_float = float(low), float(high)

        def check(value: Any) -> Any:
            if (
                value.__class__ is float
                and low_float <= value <= high_float
                and round(value, decimals) == value
            ):
                return value if decimals else int(value)  # a stored answer, rechecked
            if value.__class__ is int and low_int is not None:
                if value < low_int:
                    return too_small
                if value > high_int:
                    return too_large
                return value
            if value.__class__ is str:
                text = value.strip()
                if not text:
                    return EMPTY
                if len(text) > 60 or (found := read(text)) is None:
                    return not_a_number
                sign = found["sign"]
                if prefix and found["sign2"]:
                    if sign:
                        return not_a_number  # "-£-3"
                    sign = found["sign2"]
                digits = Decimal(found["digits"].replace(",", ""))
                return finish(-digits if sign and sign in _MINUS else digits)
            if value.__class__ is int:
                if abs(value) >= limit:
                    return too_small if value < 0 else too_large
                return finish(Decimal(value))
            if value.__class__ is float:
                return finish(Decimal(repr(value))) if is_number(value) else not_a_number
            if value is None:
                return EMPTY
            return Rejected("wrong_type", said.enter(what(value)))

        check.controls_checked = True  # only numbers come back
        return check
