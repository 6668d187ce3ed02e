"""How the built-in kinds are read from and written to XLSForm (see :mod:`.kindmaps`).

The reader hands each mapping one survey row (``Foreign.fields``, by normalised column name:
``constraint``, ``appearance``, ``parameters``, ``surveykit::kind``); the mapping reads what
is particular to its kind -- a constraint as a number's bounds or a text's length, a
``month-year`` appearance as a month -- and refuses what it cannot read exactly.  A constraint
is read only in the few shapes the exporter writes and people commonly write (see
docs/interchange_xlsform_files.md); any other constraint is refused, never dropped.

XLSForm has no type for an email address, a UK postcode or a phone number: they are written as
``text`` with a ``surveykit::kind`` column (which pyxform ignores, so ODK asks a plain text
box) and read back from it: the reader then hands the mapping the foreign type
``text:email``, ``text:uk_postcode`` or ``text:phone``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from surveykit import Option, Question
from surveykit.interchange import Foreign, KindRead, Refusal
from surveykit.kinds import parts_of
from surveykit.plugins import get_plugins

from ._shared import number_text
from .kindmaps import FormatMapping

__all__ = ["MAPPINGS", "TRUE_WORDS", "is_true"]

#: What XLSForm (pyxform's aliases) reads as yes in a yes/no column.
TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})
FALSE_WORDS = frozenset({"no", "false", "false()", "0", ""})

_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
_BOUND = re.compile(rf"^\.\s*(>=|<=|>|<)\s*({_NUMBER})$")
_BOUND_FLIPPED = re.compile(rf"^({_NUMBER})\s*(>=|<=|>|<)\s*\.$")
_DATE_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(?:date\(\s*'(\d{4}-\d{2}-\d{2})'\s*\)|(today)\(\))$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*(<=|<)\s*(\d+)$")
_PLACES = re.compile(r"^round\(\s*\.\s*,\s*(\d+)\s*\)\s*=\s*\.$")
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}
_AND = re.compile(r"\s+and\s+")


def is_true(value: Any) -> bool:
    return str(value).strip().lower() in TRUE_WORDS


def _cell(foreign: Foreign, column: str) -> str:
    value = foreign.fields.get(column)
    return "" if value is None else " ".join(str(value).split())


def _constraint_refusal(foreign: Foreign, what: str) -> Refusal:
    return Refusal(
        "constraint",
        f"constraint: `{_cell(foreign, 'constraint')}` is not {what} surveykit can read "
        "(docs/interchange.md lists the constraints it reads)",
    )


def _clauses(foreign: Foreign) -> list[str]:
    text = _cell(foreign, "constraint")
    if not text:
        return []
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    return [c.strip() for c in _AND.split(text)]


def _none(foreign: Foreign) -> tuple[Refusal, ...]:
    """No constraint is readable on a kind without bounds (a choice, an email address)."""
    if _cell(foreign, "constraint"):
        return (_constraint_refusal(foreign, "a rule"),)
    return ()


# choices ------------------------------------------------------------------------------------


def _read_single(foreign: Foreign) -> KindRead:
    return KindRead("single", refused=_none(foreign))


def _read_multi(foreign: Foreign) -> KindRead:
    return KindRead("multi", refused=_none(foreign))


def _write_single(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    return {"type": f"select_one {question.id}"}


def _write_multi(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    return {"type": f"select_multiple {question.id}"}


# text ---------------------------------------------------------------------------------------


def _read_text(foreign: Foreign) -> KindRead:
    limit = None
    for clause in _clauses(foreign):
        match = _LENGTH.match(clause)
        if match is None or limit is not None:
            return KindRead("text", refused=(_constraint_refusal(foreign, "a length limit"),))
        limit = int(match.group(2)) - (match.group(1) == "<")
    if limit is not None and limit < 1:
        return KindRead("text", refused=(_constraint_refusal(foreign, "a length limit"),))
    adapted = ("The constraint was read as max_length.",) if limit is not None else ()
    return KindRead("text", max_length=limit, adapted=adapted)


def _write_text(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    fields: dict[str, Any] = {"type": "text"}
    if question.max_length is not None:
        fields["constraint"] = f"string-length(.) <= {question.max_length}"
    return fields


# number -------------------------------------------------------------------------------------


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _read_number(foreign: Foreign) -> KindRead:
    whole = foreign.type == "integer"
    settings: dict[str, Any] = {}
    adapted: list[str] = []
    refused: list[Refusal] = []
    low: Decimal | None = None
    high: Decimal | None = None
    decimals: int | None = 0 if whole else None
    if foreign.type == "range":
        read = _range(foreign)
        if isinstance(read, Refusal):
            return KindRead("number", refused=(read,))
        low, high, decimals = read
        adapted.append("A range slider was read as a number box with its bounds.")
    for clause in _clauses(foreign):
        found = _bound(clause)
        places = _PLACES.match(clause)
        if places is not None and not whole and decimals is None:
            decimals = int(places.group(1))
            continue
        if found is None:
            refused.append(_constraint_refusal(foreign, "a minimum or maximum"))
            break
        op, value = found
        if op in (">", "<"):
            if decimals != 0 or value != value.to_integral_value():
                refused.append(
                    Refusal(
                        "constraint",
                        f"constraint: `{_cell(foreign, 'constraint')}`: a strict bound (< or >) "
                        "is read only on a whole number; write >= or <=",
                    )
                )
                break
            value = value + 1 if op == ">" else value - 1
        if op.startswith(">"):
            low = value if low is None else max(low, value)
        else:
            high = value if high is None else min(high, value)
    if refused:
        return KindRead("number", refused=tuple(refused))
    if decimals:
        settings["decimals"] = decimals
    elif decimals is None:
        settings["decimals"] = _places_of(low, high)
        adapted.append(
            f"A decimal takes any number of places in XLSForm; read as {settings['decimals']} "
            "decimal places (surveykit's number needs a count)."
        )
    if low is not None:
        settings["min"] = _plain(low)
    if high is not None:
        settings["max"] = _plain(high)
    if foreign.type != "range" and (low is not None or high is not None):
        adapted.append("The constraint was read as min and max.")
    unit = foreign.localise("surveykit::unit")
    if unit is not None:
        settings["unit"] = unit
    for key in ("unit_prefix", "total"):
        if is_true(foreign.fields.get(f"surveykit::{key}", "")):
            settings[key] = True
    return KindRead("number", settings=settings, adapted=tuple(adapted))


def _places_of(*bounds: Decimal | None) -> int:
    """The most decimal places a bound has, at least 2 (money, measures) and at most 6."""
    places = [max(0, -b.as_tuple().exponent) for b in bounds if b is not None]  # type: ignore[operator]
    return min(6, max([2, *places]))


def _bound(clause: str) -> tuple[str, Decimal] | None:
    match = _BOUND.match(clause)
    if match is not None:
        value = _decimal(match.group(2))
        return None if value is None else (match.group(1), value)
    match = _BOUND_FLIPPED.match(clause)
    if match is not None:
        value = _decimal(match.group(1))
        return None if value is None else (_FLIP[match.group(2)], value)
    return None


def _range(foreign: Foreign) -> tuple[Decimal, Decimal, int] | Refusal:
    """A range's start, end and decimals from its ``parameters`` (start=0 end=10 step=1 by
    default); a step that is not a power of ten (every value between is not allowed) is
    refused."""
    found = {"start": Decimal(0), "end": Decimal(10), "step": Decimal(1)}
    for part in _cell(foreign, "parameters").replace(";", " ").replace(",", " ").split():
        key, _, value = part.partition("=")
        number = _decimal(value.strip())
        if key.strip() not in found or number is None:
            return Refusal("parameters", f"parameters: `{part}` is not start, end or step")
        found[key.strip()] = number
    start, end, step = found["start"], found["end"], found["step"]
    places = max(0, -step.normalize().as_tuple().exponent)  # type: ignore[operator]
    if step <= 0 or step != Decimal(1).scaleb(-places) or start % step or end % step:
        return Refusal(
            "parameters",
            f"parameters: a range in steps of {step} from {start} allows only some numbers "
            "in between; surveykit's number takes every number with its decimal places",
        )
    return min(start, end), max(start, end), places


def _write_number(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    settings = question.settings
    decimals = settings.get("decimals", 0)
    clauses = []
    if "min" in settings:
        clauses.append(f". >= {number_text(settings['min'])}")
    if "max" in settings:
        clauses.append(f". <= {number_text(settings['max'])}")
    fields: dict[str, Any] = {"type": "integer" if decimals == 0 else "decimal"}
    if decimals:
        clauses.append(f"round(., {decimals}) = .")
    if clauses:
        fields["constraint"] = " and ".join(clauses)
    if settings.get("unit"):
        fields["surveykit::unit"] = localise("unit")
    for key in ("unit_prefix", "total"):
        if settings.get(key) is True:
            fields[f"surveykit::{key}"] = "yes"
    return fields


# date ---------------------------------------------------------------------------------------


def _read_date(foreign: Foreign) -> KindRead:
    settings: dict[str, Any] = {}
    adapted: list[str] = []
    appearance = _cell(foreign, "appearance").lower().split()
    month = "month-year" in appearance
    if "year" in appearance:
        return KindRead(
            "date",
            refused=(
                Refusal(
                    "appearance year",
                    "appearance: year asks for a year alone; surveykit's date asks a day "
                    "or a month",
                ),
            ),
        )
    if month:
        settings["precision"] = "month"
    for clause in _clauses(foreign):
        match = _DATE_BOUND.match(clause)
        if match is None:
            return KindRead("date", refused=(_constraint_refusal(foreign, "a date range"),))
        key = "earliest" if match.group(1) == ">=" else "latest"
        if key in settings:
            return KindRead("date", refused=(_constraint_refusal(foreign, "a date range"),))
        if match.group(3):
            settings[key] = "today"
        else:
            day = dt.date.fromisoformat(match.group(2))
            if month and day.day != 1:
                return KindRead("date", refused=(_constraint_refusal(foreign, "a month range"),))
            settings[key] = day.isoformat()[:7] if month else day
    if "earliest" in settings or "latest" in settings:
        adapted.append("The constraint was read as earliest and latest.")
    return KindRead("date", settings=settings, adapted=tuple(adapted))


def _write_date(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    settings = question.settings
    month = settings.get("precision") == "month"
    fields: dict[str, Any] = {"type": "date"}
    if month:
        fields["appearance"] = "month-year"
    clauses = []
    for key, op in (("earliest", ">="), ("latest", "<=")):
        if key not in settings:
            continue
        value = settings[key]
        if value == "today":
            clauses.append(f". {op} today()")
            continue
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        day = f"{text[:7]}-01" if month else text
        clauses.append(f". {op} date('{day}')")
    if clauses:
        fields["constraint"] = " and ".join(clauses)
    return fields


# ranking ------------------------------------------------------------------------------------


def _read_ranking(foreign: Foreign) -> KindRead:
    return KindRead("ranking", refused=_none(foreign))


def _write_ranking(
    question: Question, localise: Callable[[str], Any]
) -> Mapping[str, Any] | Refusal:
    count = len(question.options)
    for key in ("min_ranked", "max_ranked"):
        if question.settings.get(key, count) != count:
            return Refusal(
                key,
                f"{key}: an XLSForm rank orders every option; this ranking asks for "
                f"{question.settings[key]} of {count}",
            )
    return {"type": f"rank {question.id}"}


# kinds XLSForm has no type for --------------------------------------------------------------


def _marked(kind: str) -> FormatMapping:
    def read(foreign: Foreign) -> KindRead:
        settings = {}
        if kind == "phone" and is_true(foreign.fields.get("surveykit::international", "")):
            settings["international"] = True
        return KindRead(kind, settings=settings, refused=_none(foreign))

    def write(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
        fields = {"type": "text", "surveykit::kind": kind}
        if question.settings.get("international") is True:
            fields["surveykit::international"] = "yes"
        return fields

    return FormatMapping((f"text:{kind}",), read, write)


#: Kind name to its XLSForm mapping.
MAPPINGS: dict[str, FormatMapping] = {
    "single": FormatMapping(("select_one",), _read_single, _write_single),
    "multi": FormatMapping(("select_multiple",), _read_multi, _write_multi),
    "text": FormatMapping(("text",), _read_text, _write_text),
    "number": FormatMapping(("integer", "decimal", "range"), _read_number, _write_number),
    "date": FormatMapping(("date",), _read_date, _write_date),
    "ranking": FormatMapping(("rank",), _read_ranking, _write_ranking),
    "email": _marked("email"),
    "uk_postcode": _marked("uk_postcode"),
    "phone": _marked("phone"),
}


@functools.cache
def default_other_length() -> int | None:
    """How long an "other" option's words may be when the spec sets no ``max_length``: asked of
    the registered single-choice kind through the public API (its text part), so the exporter's
    text box says the same limit and the importer knows a limit that means "the default"."""
    kinds = get_plugins().kinds
    probe = Question("q", "Q", "single", options=(Option("x", "X", other=True),))
    texts = [part for part in parts_of(probe, kinds) if part.id != probe.id]
    return texts[0].max_length if texts else None
