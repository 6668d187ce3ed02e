"""How the built-in kinds are read from and written to SurveyJS (see :mod:`.kindmaps`).

Each kind reads the SurveyJS element types (``type``, with a text question's ``inputType``
after a colon) that ask what it asks, and writes the element back so that reading it gives the
same question: every setting either comes back or the export is refused.  What SurveyJS has no
property for is said with what SurveyJS does keep: a UK postcode is a text box with a regex
validator, a UK phone number a ``tel`` box with another (a property SurveyJS does not know,
such as ``"surveykitKind"``, is reported as an error and dropped by SurveyJS's own JSON
serialiser, so it cannot carry a kind).  The reader recognises only these exact patterns.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Mapping
from typing import Any

from surveykit import Question
from surveykit.interchange import Foreign, KindRead, Refusal
from surveykit_kinds._common import IDENTIFIER
from surveykit_kinds.contact import POSTCODE
from surveykit_kinds.number import MAX_DECIMALS

from .kindmaps import FormatMapping

__all__ = ["MAPPINGS", "UK_PHONE_REGEX", "UK_POSTCODE_REGEX", "ranking_settings"]

#: surveykit's postcode pattern as a JavaScript regex, in any case and spacing (with
#: ``caseInsensitive``): a text element with exactly this validator is a ``uk_postcode``.
UK_POSTCODE_REGEX = r"^\s*(?:" + POSTCODE.pattern.replace(" ", r"\s*") + r")\s*$"
#: A UK phone number, roughly (surveykit checks the number itself): a ``tel`` element with
#: exactly this validator is a ``phone``; a ``tel`` element without it an international one.
UK_PHONE_REGEX = r"^\s*(?:\+\s*44\s*(?:\(\s*0\s*\))?|0)(?:[\s().-]*[0-9]){9,10}\s*$"
_POSTCODE_TEXT = "Enter a full UK postcode, like SW1A 2AA"
_PHONE_TEXT = "Enter a UK phone number, like 01632 960 001"

Write = Callable[[Question, Callable[[str], Any]], "Mapping[str, Any] | Refusal"]


# reading helpers ---------------------------------------------------------------------------


def _validators(foreign: Foreign) -> list[dict[str, Any]]:
    found = foreign.fields.get("validators") or []
    return [v for v in found if isinstance(v, dict)] if isinstance(found, list) else []


def _refuse_validator(validator: Mapping[str, Any], why: str) -> Refusal:
    kind = str(validator.get("type", "?"))
    return Refusal(f"{kind} validator", f"a {kind} validator {why}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_of(value: Any) -> int | float | None:
    """A bound as SurveyJS writes it (a number, or a number in a string), or ``None``."""
    if _is_number(value):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", value.strip()):
        text = value.strip()
        return float(text) if "." in text else int(text)
    return None


def _regex_kind(validator: Mapping[str, Any]) -> str | None:
    """The kind an exact surveykit regex validator stands for."""
    regex = validator.get("regex")
    if regex == UK_POSTCODE_REGEX and validator.get(
        "caseInsensitive", validator.get("insensitive")
    ):
        return "uk_postcode"
    if regex == UK_PHONE_REGEX:
        return "phone"
    return None


def _max_length(foreign: Foreign) -> tuple[int | None, list[Refusal]]:
    """``maxLength`` and any text validator's limits: the tightest of them."""
    limits, refused = [], []
    own = foreign.fields.get("maxLength")
    if _is_number(own) and own > 0:
        limits.append(int(own))
    for validator in _validators(foreign):
        if validator.get("type") != "text":
            continue
        if (validator.get("minLength") or 0) > 0:
            refused.append(
                _refuse_validator(validator, "with minLength: surveykit has no least length")
            )
        if validator.get("allowDigits") is False:
            refused.append(
                _refuse_validator(validator, "with allowDigits false: surveykit has no such rule")
            )
        if _is_number(validator.get("maxLength")) and validator["maxLength"] > 0:
            limits.append(int(validator["maxLength"]))
    return (min(limits) if limits else None), refused


def _other_validators(foreign: Foreign, allowed: Callable[[Mapping[str, Any]], bool]) -> list:
    return [
        _refuse_validator(v, "cannot be carried over (surveykit has no such check on this kind)")
        for v in _validators(foreign)
        if not allowed(v)
    ]


# the kinds ---------------------------------------------------------------------------------


def _read_single(foreign: Foreign) -> KindRead:
    return KindRead("single", refused=tuple(_other_validators(foreign, lambda v: False)))


def _write_single(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    return {"type": "radiogroup"}


def _read_multi(foreign: Foreign) -> KindRead:
    refused = _other_validators(foreign, lambda v: False)
    for key in ("minSelectedChoices", "maxSelectedChoices"):
        if (foreign.fields.get(key) or 0) > 0:
            refused.append(
                Refusal(key, f"{key}: surveykit does not limit how many options are chosen")
            )
    return KindRead("multi", refused=tuple(refused))


def _write_multi(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    return {"type": "checkbox"}


def _read_text(foreign: Foreign) -> KindRead:
    """A text box or comment: ``text``, or ``email``/``uk_postcode`` when its validator says so."""
    limit, refused = _max_length(foreign)
    kinds = set()
    for validator in _validators(foreign):
        kind = validator.get("type")
        if kind == "email":
            kinds.add("email")
        elif kind == "regex" and foreign.type == "text:text" and _regex_kind(validator):
            kinds.add(_regex_kind(validator))
        elif kind != "text":
            refused.append(
                _refuse_validator(validator, "cannot be carried over: surveykit has no such check")
            )
    if len(kinds) > 1:
        refused.append(Refusal("validators", "an email validator and a postcode validator"))
    if kinds and not refused:
        kind = kinds.pop()
        if limit is not None:
            refused.append(Refusal("maxLength", f"maxLength on a {kind} question"))
            return KindRead(kind, refused=tuple(refused))
        return KindRead(kind, adapted=(f"read as surveykit's {kind} kind from its validator",))
    return KindRead("text", max_length=limit, refused=tuple(refused))


def _write_text(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    return {"type": "comment", "maxLength": question.max_length}


def _read_email(foreign: Foreign) -> KindRead:
    refused = _other_validators(foreign, lambda v: v.get("type") == "email")
    if (foreign.fields.get("maxLength") or 0) > 0:
        refused.append(Refusal("maxLength", "maxLength on an email question"))
    return KindRead("email", refused=tuple(refused))


def _write_email(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    return {"type": "text", "inputType": "email"}


def _read_phone(foreign: Foreign) -> KindRead:
    uk = [v for v in _validators(foreign) if v.get("type") == "regex" and _regex_kind(v) == "phone"]
    refused = _other_validators(foreign, lambda v: v in uk)
    if (foreign.fields.get("maxLength") or 0) > 0:
        refused.append(Refusal("maxLength", "maxLength on a phone question"))
    if uk:
        return KindRead("phone", refused=tuple(refused))
    return KindRead(
        "phone",
        {"international": True},
        adapted=("a tel box, which SurveyJS does not check: read as any phone number",),
        refused=tuple(refused),
    )


def _write_phone(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    if question.settings.get("international") is True:
        return {"type": "text", "inputType": "tel"}
    regex = {"type": "regex", "regex": UK_PHONE_REGEX, "text": _PHONE_TEXT}
    return {"type": "text", "inputType": "tel", "validators": [regex]}


def _write_postcode(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    regex = {
        "type": "regex",
        "regex": UK_POSTCODE_REGEX,
        "caseInsensitive": True,
        "text": _POSTCODE_TEXT,
    }
    return {"type": "text", "validators": [regex]}


def _decimals_of(step: Any) -> int | None:
    """The decimal places a ``step`` of 1, 0.1, 0.01... allows; ``None`` for any other."""
    number = _number_of(step)
    if number is None or number <= 0:
        return None
    exact = decimal.Decimal(repr(number)).normalize()
    if exact.as_tuple().digits != (1,) or exact > 1:
        return None
    places = -exact.as_tuple().exponent
    return places if 0 <= places <= MAX_DECIMALS else None  # type: ignore[operator]


def _read_number(foreign: Foreign) -> KindRead:
    if foreign.type == "rating":
        return _read_rating(foreign)
    fields = foreign.fields
    refused: list[Refusal] = []
    adapted: list[str] = []
    settings: dict[str, Any] = {}
    lows, highs = [], []
    for key, into in (("min", lows), ("max", highs)):
        if fields.get(key) is not None:
            value = _number_of(fields[key])
            if value is None:
                refused.append(Refusal(key, f"{key} {fields[key]!r} is not a number"))
            else:
                into.append(value)
    for key in ("minValueExpression", "maxValueExpression"):
        if fields.get(key):
            refused.append(Refusal(key, f"{key}: a bound worked out by an expression"))
    for validator in _validators(foreign):
        if validator.get("type") == "numeric":
            if _is_number(validator.get("minValue")):
                lows.append(validator["minValue"])
            if _is_number(validator.get("maxValue")):
                highs.append(validator["maxValue"])
        else:
            refused.append(
                _refuse_validator(validator, "cannot be carried over: surveykit has no such check")
            )
    if lows:
        settings["min"] = max(lows)
    if highs:
        settings["max"] = min(highs)
    step = fields.get("step")
    if step is None or step == "any":
        settings["decimals"] = MAX_DECIMALS
        adapted.append(
            f"SurveyJS takes any decimals here; surveykit allows up to {MAX_DECIMALS} places"
        )
    else:
        decimals = _decimals_of(step)
        if decimals is None:
            refused.append(
                Refusal("step", f"step {step!r}: surveykit steps only by 1, 0.1, 0.01 and so on")
            )
        elif decimals:
            settings["decimals"] = decimals
    return KindRead("number", settings, adapted=tuple(adapted), refused=tuple(refused))


def _read_rating(foreign: Foreign) -> KindRead:
    """A rating scale is a whole number from ``rateMin`` to ``rateMax``: SurveyJS stores the
    number, so conditions such as ``{nps} < 7`` compare numbers in both."""
    fields = foreign.fields
    if fields.get("rateValues"):
        refusal = Refusal("rateValues", "rateValues: a rating scale with its own values")
        return KindRead("number", refused=(refusal,))
    low, step = fields.get("rateMin", 1), fields.get("rateStep", 1)
    count = fields.get("rateCount")
    high = fields.get("rateMax")
    if not _is_number(low) or low != int(low):
        refusal = Refusal("rateMin", f"rateMin {low!r} is not a whole number")
        return KindRead("number", refused=(refusal,))
    if not _is_number(step) or step != 1:
        refusal = Refusal("rateStep", f"rateStep {step!r}: surveykit's numbers go in steps of 1")
        return KindRead("number", refused=(refusal,))
    refused = []
    if high is None:
        high = low + (count - 1) if _is_number(count) else low + 4
    if not _is_number(high) or high != int(high) or high < low:
        refusal = Refusal("rateMax", f"rateMax {high!r} is not a whole number above rateMin")
        return KindRead("number", refused=(refusal,))
    if _is_number(count) and count != high - low + 1:
        refused.append(
            Refusal("rateCount", f"rateCount {count} disagrees with rateMin {low}, rateMax {high}")
        )
    settings = {"min": int(low), "max": int(high)}
    note = f"a rating scale from {int(low)} to {high} read as a whole number box"
    return KindRead("number", settings, adapted=(note,), refused=tuple(refused))


def _write_number(
    question: Question, localise: Callable[[str], Any]
) -> Mapping[str, Any] | Refusal:
    settings = question.settings
    for key in ("unit", "total"):
        if settings.get(key):
            return Refusal(key, f"SurveyJS has no {key} for a number box")
    decimals = settings.get("decimals", 0)
    step: int | float = 1 if decimals == 0 else float(f"1e-{decimals}")
    return {
        "type": "text",
        "inputType": "number",
        "min": settings.get("min"),
        "max": settings.get("max"),
        "step": step,
    }


def _bound(text: Any, month: bool) -> Any:
    """A SurveyJS date bound as surveykit writes it: a date, or ``YYYY-MM`` for a month."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if month and re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        try:
            dt.date.fromisoformat(f"{text}-01")
        except ValueError:
            return None
        return text
    if not month and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _read_date(foreign: Foreign) -> KindRead:
    fields = foreign.fields
    month = foreign.type == "text:month"
    settings: dict[str, Any] = {"precision": "month"} if month else {}
    refused = _other_validators(foreign, lambda v: False)
    for key, expression, into in (
        ("min", "minValueExpression", "earliest"),
        ("max", "maxValueExpression", "latest"),
    ):
        if fields.get(expression):
            if str(fields[expression]).replace(" ", "") == "today()":
                settings[into] = "today"
            else:
                refused.append(
                    Refusal(expression, f"{expression} {fields[expression]!r} is not today()")
                )
        elif fields.get(key):
            bound = _bound(fields[key], month)
            if bound is None:
                wanted = "YYYY-MM" if month else "YYYY-MM-DD"
                refused.append(Refusal(key, f"{key} {fields[key]!r} is not a {wanted} date"))
            else:
                settings[into] = bound
    return KindRead("date", settings, refused=tuple(refused))


def _date_bound(value: Any, month: bool) -> str:
    if value == "today":
        return "today"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text[:7] if month else text


def _write_date(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    settings = question.settings
    month = settings.get("precision") == "month"
    fields: dict[str, Any] = {"type": "text", "inputType": "month" if month else "date"}
    for key, expression, name in (
        ("min", "minValueExpression", "earliest"),
        ("max", "maxValueExpression", "latest"),
    ):
        if name in settings:
            bound = _date_bound(settings[name], month)
            if bound == "today":
                fields[expression] = "today()"
            else:
                fields[key] = bound
    return fields


def _row_id(value: Any, taken: set[str]) -> str:
    """A grid row id for a matrix row's value: the value itself when it is an id."""
    if IDENTIFIER.fullmatch(str(value)) and str(value) not in taken:
        taken.add(str(value))
        return str(value)
    base = re.sub(r"[^A-Za-z0-9_]+", "_", str(value)).strip("_") or "row"
    if not re.match(r"[A-Za-z_]", base):
        base = f"r_{base}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def _read_grid(foreign: Foreign) -> KindRead:
    """A matrix: its rows are the grid's rows (its columns the options, read by the importer).
    ``eachRowRequired`` (formerly ``isAllRowRequired``) is surveykit's required grid;
    ``isRequired`` alone means "at least one row", which surveykit cannot say."""
    fields = foreign.fields
    refused = _other_validators(foreign, lambda v: False)
    every_row = fields.get("eachRowRequired", fields.get("isAllRowRequired")) is True
    if fields.get("isRequired") is True and not every_row:
        refused.append(
            Refusal(
                "isRequired",
                "isRequired on a matrix asks for at least one row; surveykit requires every row "
                "(set eachRowRequired)",
            )
        )
    for key in ("rowsVisibleIf", "columnsVisibleIf", "cells", "eachRowUnique"):
        if fields.get(key):
            refused.append(Refusal(key, f"{key}: surveykit's grid has no such setting"))
    rows, taken = [], set()
    for row in fields.get("rows") if isinstance(fields.get("rows"), list) else []:
        value = row.get("value") if isinstance(row, dict) else row
        text = row.get("text") if isinstance(row, dict) else None
        label = foreign.localise(text) if text is not None else None
        if isinstance(row, dict) and (row.get("visibleIf") or row.get("enableIf")):
            refused.append(Refusal("row visibleIf", f"row {value!r} has its own condition"))
        label = label or foreign.localise(str(value))
        rows.append({"id": _row_id(value, taken), "text": label})
    if not rows:
        refused.append(Refusal("rows", "a matrix without rows"))
    return KindRead("grid", {"rows": rows}, refused=tuple(refused))


def _write_grid(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any] | Refusal:
    rows = list(question.settings.get("rows") or [])
    if any(row.get("hint") for row in rows):
        return Refusal("row hint", "SurveyJS matrix rows have no hint")
    required = {row.get("required", question.required) for row in rows}
    if len(required) > 1:
        return Refusal(
            "row required",
            "some rows are required and some are not; SurveyJS requires every row or none",
        )
    columns = [
        {"value": o.value, "text": localise(f"options.{_part(o.value)}")} for o in question.options
    ]
    return {
        "type": "matrix",
        "isRequired": None,
        "eachRowRequired": True if required == {True} else None,
        "columns": columns,
        "rows": [{"value": row["id"], "text": localise(f"rows.{row['id']}.text")} for row in rows],
    }


def _read_ranking(foreign: Foreign) -> KindRead:
    """Ranking every option, or (``selectToRankEnabled``) between ``minSelectedChoices``
    (default 1) and ``maxSelectedChoices`` (default all) of them."""
    fields = foreign.fields
    refused = _other_validators(foreign, lambda v: False)
    if not fields.get("selectToRankEnabled"):
        return KindRead("ranking", refused=tuple(refused))
    choices = fields.get("choices")
    count = len(choices) if isinstance(choices, list) else 0
    low = fields.get("minSelectedChoices") or 1
    high = fields.get("maxSelectedChoices") or count
    if not (_is_number(low) and _is_number(high)) or not 1 <= low <= high <= count:
        refused.append(Refusal("maxSelectedChoices", f"ranking {low} to {high} of {count} options"))
        return KindRead("ranking", refused=tuple(refused))
    return KindRead("ranking", ranking_settings(int(low), int(high), count), refused=tuple(refused))


def ranking_settings(low: int, high: int, count: int) -> dict[str, int]:
    """The fewest settings that rank from ``low`` to ``high`` of ``count`` options."""
    settings = {}
    if high != count:
        settings["max_ranked"] = high
    if low != min(high, count):
        settings["min_ranked"] = low
    return settings


def _write_ranking(question: Question, localise: Callable[[str], Any]) -> Mapping[str, Any]:
    from surveykit_kinds.ranking import ranked_bounds

    low, high = ranked_bounds(question)
    count = len(question.options)
    if (low, high) == (count, count):
        return {"type": "ranking"}
    return {
        "type": "ranking",
        "selectToRankEnabled": True,
        "minSelectedChoices": low if low > 1 else None,
        "maxSelectedChoices": high if high < count else None,
    }


def _part(value: str) -> str:
    from surveykit.translations import address_part

    return address_part(value)


#: Kind name to its surveyjs mapping.
MAPPINGS: dict[str, FormatMapping] = {
    "single": FormatMapping(("radiogroup", "dropdown"), _read_single, _write_single),
    "multi": FormatMapping(("checkbox", "tagbox"), _read_multi, _write_multi),
    "text": FormatMapping(("text:text", "comment"), _read_text, _write_text),
    "email": FormatMapping(("text:email",), _read_email, _write_email),
    "phone": FormatMapping(("text:tel",), _read_phone, _write_phone),
    "uk_postcode": FormatMapping((), _read_text, _write_postcode),
    "number": FormatMapping(("text:number", "rating"), _read_number, _write_number),
    "date": FormatMapping(("text:date", "text:month"), _read_date, _write_date),
    "grid": FormatMapping(("matrix",), _read_grid, _write_grid),
    "ranking": FormatMapping(("ranking",), _read_ranking, _write_ranking),
}
