"""How the built-in kinds are read from LimeSurvey (see :mod:`.kindmaps`); LimeSurvey is read
only, so no mapping writes.

The importer (:mod:`.limesurvey_read`) has read what every question shares (code, text, help,
mandatory, relevance, the answer options and sub-questions, languages); a mapping turns the
question's type letter and its attributes into a kind and settings.  ``Foreign.fields`` holds
the question's columns and attributes as LimeSurvey writes them (``min_num_value_n``,
``maximum_chars``), plus ``subquestions`` (code and :class:`Localised` text of each, for an
array) and ``options_count``.  An attribute a mapping reads is listed in
:data:`ATTRIBUTES_READ` so that the importer does not also refuse it as unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from surveykit.interchange import Foreign, KindRead, Refusal

from .kindmaps import FormatMapping

__all__ = ["ATTRIBUTES_READ", "MAPPINGS"]

#: The attributes each type's mapping reads, by type letter.
ATTRIBUTES_READ: dict[str, frozenset[str]] = {
    "N": frozenset(
        {
            "min_num_value_n",
            "max_num_value_n",
            "num_value_int_only",
            "em_validation_q",
            "em_validation_q_tip",
            "prefix",
            "suffix",
        }
    ),
    "S": frozenset({"maximum_chars"}),
    "T": frozenset({"maximum_chars"}),
    "U": frozenset({"maximum_chars"}),
    "D": frozenset({"date_min", "date_max"}),
    "R": frozenset({"min_answers", "max_answers"}),
}

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# One bound of an em_validation_q: ``self >= 18`` or ``18 <= self`` (also ``this``, ``.NAOK``).
_SELF = r"(?:self|this)(?:\.NAOK)?"
_BOUND = re.compile(
    rf"^\(?\s*(?:(?P<s1>{_SELF})\s*(?P<op1><=|>=|<|>)\s*(?P<n1>-?\d+(?:\.\d+)?)"
    rf"|(?P<n2>-?\d+(?:\.\d+)?)\s*(?P<op2><=|>=|<|>)\s*(?P<s2>{_SELF}))\s*\)?$"
)
#: What a grid row's id may be (surveykit's identifiers).
_ROW_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_AND = re.compile(r"\s+(?:and|AND)\s+|\s*&&\s*")
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
#: The most decimals surveykit's number kind takes (LimeSurvey stores up to 10).
_DECIMALS = 6


def _set(fields: Mapping[str, Any], name: str) -> str:
    return str(fields.get(name) or "").strip()


def _number_of(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _bounds(expression: str, whole: bool) -> tuple[dict[str, int | float], str | None]:
    """``min``/``max`` from an em_validation_q such as ``self >= 18 and self <= 120``, or why
    not: only a conjunction of exact bounds on ``self`` is read (``>`` only on whole numbers,
    where ``self > 0`` is ``min = 1``)."""
    bounds: dict[str, int | float] = {}
    for part in _AND.split(expression.strip()):
        match = _BOUND.match(part)
        if not match:
            return {}, f"{part.strip()!r} is not a bound surveykit can read"
        if match["s1"]:
            op, value = match["op1"], _number_of(match["n1"])
        else:
            op, value = _FLIP[match["op2"]], _number_of(match["n2"])
        if op in (">", "<"):
            if not whole or isinstance(value, float):
                return {}, f"{part.strip()!r} excludes its bound, which surveykit cannot say"
            value = value + 1 if op == ">" else value - 1
        key = "min" if op.startswith(">") else "max"
        if key in bounds:
            return {}, f"{key} is given twice"
        bounds[key] = value
    return bounds, None


def _read_number(foreign: Foreign) -> KindRead:
    fields = foreign.fields
    refused: list[Refusal] = []
    adapted: list[str] = []
    whole = _set(fields, "num_value_int_only") == "1"
    settings: dict[str, Any] = {"decimals": 0 if whole else _DECIMALS}
    if not whole:
        adapted.append(
            f"LimeSurvey accepts up to 10 decimal places here; surveykit takes {_DECIMALS}"
        )
    for attribute, key in (("min_num_value_n", "min"), ("max_num_value_n", "max")):
        value = _set(fields, attribute)
        if not value:
            continue
        if not _NUMBER.fullmatch(value):
            refused.append(
                Refusal(
                    f"attribute {attribute}",
                    f"{attribute} is {value!r}, an expression; surveykit takes a number only",
                )
            )
            continue
        settings[key] = _number_of(value)
    validation = _set(fields, "em_validation_q")
    if validation:
        bounds, why = _bounds(validation, whole)
        if why:
            refused.append(
                Refusal("attribute em_validation_q", f"em_validation_q {validation!r}: {why}")
            )
        for key, value in bounds.items():
            if key in settings and settings[key] != value:
                refused.append(
                    Refusal(
                        "attribute em_validation_q",
                        f"em_validation_q {validation!r} gives {key} {value}, the attributes "
                        f"{settings[key]}",
                    )
                )
            settings[key] = value
        if bounds:
            adapted.append(f"em_validation_q {validation!r} read as min/max")
    for attribute, prefix in (("prefix", True), ("suffix", False)):
        unit = foreign.localise(attribute)
        if unit is not None:
            if "unit" in settings:
                refused.append(
                    Refusal(
                        "attribute prefix", "both a prefix and a suffix: surveykit has one unit"
                    )
                )
                continue
            settings["unit"] = unit
            if prefix:
                settings["unit_prefix"] = True
    return KindRead("number", settings, adapted=tuple(adapted), refused=tuple(refused))


def _read_text(foreign: Foreign) -> KindRead:
    value = _set(foreign.fields, "maximum_chars")
    if not value:
        return KindRead("text")
    if not value.isdigit() or int(value) < 1:
        refusal = Refusal(
            "attribute maximum_chars", f"maximum_chars is {value!r}, not a whole number"
        )
        return KindRead("text", refused=(refusal,))
    return KindRead("text", max_length=int(value))


def _read_date(foreign: Foreign) -> KindRead:
    settings: dict[str, Any] = {}
    refused: list[Refusal] = []
    for attribute, key in (("date_min", "earliest"), ("date_max", "latest")):
        value = _set(foreign.fields, attribute)
        if not value:
            continue
        try:
            settings[key] = dt.date.fromisoformat(value)
        except ValueError:
            refused.append(
                Refusal(
                    f"attribute {attribute}",
                    f"{attribute} is {value!r}; surveykit takes a date written YYYY-MM-DD",
                )
            )
    return KindRead("date", settings, refused=tuple(refused))


def _read_single(foreign: Foreign) -> KindRead:
    return KindRead("single")


def _read_multi(foreign: Foreign) -> KindRead:
    return KindRead("multi")


def _read_ranking(foreign: Foreign) -> KindRead:
    """LimeSurvey lets a respondent rank some of the options (``min_answers`` at least); a
    mandatory ranking needs every option ranked, or ``max_answers`` of them."""
    fields = foreign.fields
    count = int(fields.get("options_count") or 0)
    refused: list[Refusal] = []
    found: dict[str, int] = {}
    for attribute in ("min_answers", "max_answers"):
        value = _set(fields, attribute)
        if value and not value.isdigit():
            refused.append(
                Refusal(
                    f"attribute {attribute}",
                    f"{attribute} is {value!r}, an expression; surveykit takes a number only",
                )
            )
        elif value:
            found[attribute] = min(int(value), count) if count else int(value)
    high = found.get("max_answers", count)
    low = high if fields.get("mandatory") == "Y" else found.get("min_answers", 1)
    settings = {"min_ranked": max(1, min(low, high)), "max_ranked": high} if high else {}
    return KindRead("ranking", settings, refused=tuple(refused))


def _read_grid(foreign: Foreign) -> KindRead:
    rows = [{"id": code, "text": text} for code, text in foreign.fields.get("subquestions", ())]
    if not rows:
        refusal = Refusal("array without rows", "the array has no sub-questions (rows)")
        return KindRead("grid", refused=(refusal,))
    bad = [row["id"] for row in rows if not _ROW_ID.fullmatch(row["id"])]
    if bad:
        refusal = Refusal(
            "row code", f"sub-question codes {bad} are not surveykit row ids (a letter first)"
        )
        return KindRead("grid", refused=(refusal,))
    return KindRead("grid", {"rows": rows})


def _reader(read: Callable[[Foreign], KindRead], *types: str) -> FormatMapping:
    return FormatMapping(reads=types, read=read, write=None)


#: Kind name to its limesurvey mapping.
MAPPINGS: dict[str, FormatMapping] = {
    "single": _reader(_read_single, "L", "!", "5", "Y", "G"),
    "multi": _reader(_read_multi, "M"),
    "number": _reader(_read_number, "N"),
    "date": _reader(_read_date, "D"),
    "text": _reader(_read_text, "S", "T", "U"),
    "ranking": _reader(_read_ranking, "R"),
    "grid": _reader(_read_grid, "F"),
}
