"""Plain-language and JSON views of a spec, shared by the commands that show one.

``surveykit show`` prints :func:`spec_lines`; ``show --json`` prints :func:`spec_as_dict`.  Both
say what each kind's settings mean (a number's range and unit, a date's precision and bounds, a
ranking's limits), list the parts a question is stored as (a grid's rows, an "Other" option's
text), and flag sensitive questions, so an officer can check a spec without reading its TOML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
from attrs import frozen

from ..conditions import Condition, render
from ..kinds import parts_of
from ..model import Consultation, Option, Question
from ..plugins import get_plugins
from ..wording import Phrasebook, counted, describe

#: The officers' voice: question titles, option labels in curly quotes, raw values as reprs so
#: a value the spec does not offer stands out.
OFFICER = Phrasebook(
    name=lambda question, qid: question.title if question else qid,
    label=lambda option, value: f"“{option.label}”" if option else repr(value),
    join=" or ".join,
    equals="{name} is answered {label}",
    one_of="{name} is answered {labels}",
    contains="{name} includes {label}",
    answered="{name} is answered",
    not_equals="{name} is not answered {label}",
    negation="not ({operand})",
)

#: What ``sensitive = true`` means, in the words ``show`` uses.
SENSITIVE = (
    "sensitive (special-category data): published only for larger groups, never by authority "
    "or role, never quoted"
)


def _kinds(kinds: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return get_plugins().kinds if kinds is None else kinds


def describe_condition(
    condition: Condition, c: Consultation, kinds: Mapping[str, Any] | None = None
) -> str:
    """A condition in words for officers, e.g. 'Question 13 is answered “Yes”'; a grid row or
    an "Other" text is named as its part: 'Question 8 (Parks are well looked after)'."""
    kinds = _kinds(kinds)
    parts = {p.id: p for q in c.questions for p in parts_of(q, kinds)}
    return describe(condition, c, OFFICER, parts=parts)


# Settings in words ----------------------------------------------------------------------------


def _figure(value: Any) -> str:
    """A number as people write it: 1,250 or 12.5 (a whole float loses its ``.0``)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def _amount(value: Any, settings: Mapping[str, Any]) -> str:
    unit = settings.get("unit")
    if not unit:
        return _figure(value)
    if settings.get("unit_prefix"):
        sign = "-" if value < 0 else ""
        return f"{sign}{unit}{_figure(abs(value))}"
    return f"{_figure(value)} {unit}"


def _between(low: str | None, high: str | None, below: str = "less", above: str = "more") -> str:
    """A range in words: "from 1 to 20", "no less than 0", or "" when it is open both ways."""
    if low is not None and high is not None:
        return f"from {low} to {high}"
    if low is not None:
        return f"no {below} than {low}"
    if high is not None:
        return f"no {above} than {high}"
    return ""


def _number(q: Question) -> str:
    s = q.settings
    decimals = s.get("decimals", 0)
    what = (
        "a whole number"
        if not decimals
        else f"a number with up to {counted(decimals, 'decimal place')}"
    )
    low, high = s.get("min"), s.get("max")
    # A unit written after the figure is said once, after the upper bound: "from 1 to 20 people".
    said_once = high is not None and not s.get("unit_prefix")
    bounds = _between(
        None if low is None else (_figure(low) if said_once else _amount(low, s)),
        None if high is None else _amount(high, s),
    )
    if bounds:
        return f"{what}, {bounds}"
    unit = s.get("unit")
    return f"{what}, in {unit}" if unit else what


def _day(value: Any, month_only: bool) -> str:
    if isinstance(value, dt.date):
        return f"{value:%B %Y}" if month_only else f"{value.day} {value:%B %Y}"
    return str(value)  # "today"


def _date(q: Question) -> str:
    s = q.settings
    month_only = s.get("precision", "day") == "month"
    what = "a month and year" if month_only else "a whole date (day, month and year)"
    low, high = s.get("earliest"), s.get("latest")
    bounds = _between(
        None if low is None else _day(low, month_only),
        None if high is None else _day(high, month_only),
        below="earlier",
        above="later",
    )
    return f"{what}, {bounds}" if bounds else what


def _ranking(q: Question) -> str:
    total = len(q.options)
    most = q.settings.get("max_ranked", total)
    least = min(q.settings.get("min_ranked", total), most)
    if least == most == total:
        how_many = f"all {total} options"
    elif least == most:
        how_many = f"exactly {least} of the {total} options"
    else:
        how_many = f"{least} to {most} of the {total} options"
    return f"rank {how_many} in order, most preferred first"


def _phone(q: Question) -> str:
    if q.settings.get("international"):
        return "a phone number, UK or international, stored in international form"
    return "a UK phone number, stored in international form"


def _generic(q: Question) -> str:
    return ", ".join(f"{key} = {_json_ready(value)!r}" for key, value in q.settings.items())


def _grid(q: Question) -> str:
    rows = len(q.settings.get("rows", ()))
    return f"one option for each of {counted(rows, 'statement')}, each stored separately"


#: Words for the kinds surveykit ships; another kind's settings are listed as written.
_DESCRIBERS = {
    "grid": _grid,
    "number": _number,
    "date": _date,
    "ranking": _ranking,
    "phone": _phone,
    "email": lambda q: "an email address",
    "uk_postcode": lambda q: "a UK postcode",
}


def kind_in_words(q: Question) -> str:
    """What an answer to ``q`` must be, from its kind's settings: '' when the kind says it all."""
    describer = _DESCRIBERS.get(q.kind)
    if describer is not None:
        return describer(q)
    return _generic(q) if q.settings else ""


# The text view ---------------------------------------------------------------------------------


@frozen
class Line:
    """One line of ``surveykit show``: its text and how click styles it (``bold``, ``fg``...)."""

    text: str
    style: Mapping[str, Any] = attrs.field(factory=dict)


def _dim(text: str) -> Line:
    return Line(text, {"dim": True})


def _option_lines(option: Option, part: Question | None) -> Iterator[Line]:
    yield Line(f"    ( ) {option.label}")
    yield _dim(f"        value: {option.value}")
    if option.other:
        limit = part.max_length if part is not None else option.max_length
        words = f", up to {counted(limit, 'character', grouped=True)}" if limit else ""
        key = f" as {part.id}" if part is not None else ""
        yield _dim(f"        asks for the respondent's own words{key}{words}")


def _row_lines(q: Question, rows: list[Question]) -> Iterator[Line]:
    yield Line("    statements:")
    for row in rows:
        required = " (required)" if row.required and not q.required else ""
        yield Line(f"      - {row.text}{required}")
        yield _dim(f"        answer key: {row.id}")


def question_lines(q: Question, c: Consultation, kinds: Mapping[str, Any]) -> Iterator[Line]:
    """How ``show`` presents one question: its number and text, kind, condition, options and
    the parts it is stored as."""
    label = f"{q.number}." if q.number else f"[{q.id}]"
    required = " (required)" if q.required else ""
    yield Line("")
    yield Line(f"{label} {q.text}{required}")
    details = kind_in_words(q)
    length = f", up to {counted(q.max_length, 'character', grouped=True)}" if q.max_length else ""
    yield _dim(f"    id {q.id}, {q.kind}" + (f": {details}" if details else "") + length)
    if q.sensitive:
        yield Line(f"    {SENSITIVE}", {"fg": "magenta"})
    if q.condition is not None:
        yield Line(
            f"    shown only if {describe_condition(q.condition, c, kinds)}", {"fg": "yellow"}
        )
        yield _dim(f"    ({render(q.condition)})")
    parts = [p for p in parts_of(q, kinds) if p.id != q.id]
    rows = [p for p in parts if p.settings.get("row_of") == q.id]
    if rows:
        yield from _row_lines(q, rows)
    others = {p.settings.get("option"): p for p in parts if p.settings.get("other_of") == q.id}
    for option in q.options:
        yield from _option_lines(option, others.get(option.value))


def spec_lines(c: Consultation, kinds: Mapping[str, Any] | None = None) -> Iterator[Line]:
    """``surveykit show``'s text: the consultation, then each section and its questions."""
    kinds = _kinds(kinds)
    meta = c.metadata
    yield Line(meta.title, {"bold": True})
    if meta.subtitle:
        yield Line(meta.subtitle)
    yield Line(f"Published by {meta.publisher}")
    yield Line(f"Closes: {meta.closing_text} ({meta.timezone})")
    banks = included_banks(c)
    if banks:
        yield Line("Includes: " + ", ".join(banks))
    for section in c.sections:
        yield Line("")
        yield Line(f"== {section.title} ==", {"bold": True})
        for q in section.questions:
            yield from question_lines(q, c, kinds)


def included_banks(c: Consultation) -> tuple[str, ...]:
    """The question banks the spec includes, as written in its ``include`` list (none when the
    loader does not record them on the metadata)."""
    return tuple(getattr(c.metadata, "include", ()))


# The JSON view ---------------------------------------------------------------------------------


def _when(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _json_ready(value: Any) -> Any:
    """A setting as JSON: dates as ISO text, tables as objects, arrays as lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if attrs.has(type(value)):
        return _json_ready(attrs.asdict(value, recurse=False))
    return value


def _option_dict(option: Option) -> dict[str, Any]:
    return {
        "value": option.value,
        "label": option.label,
        "hint": option.hint,
        "other": option.other,
        "max_length": option.max_length,
    }


def _part_dict(part: Question) -> dict[str, Any]:
    return {
        "id": part.id,
        "kind": part.kind,
        "text": part.text,
        "required": part.required,
        "max_length": part.max_length,
        "of": dict(part.settings),
        "shown_if": render(part.condition) if part.condition is not None else None,
    }


def _question_dict(q: Question, kinds: Mapping[str, Any]) -> dict[str, Any]:
    stored_as = parts_of(q, kinds)
    parts = [p for p in stored_as if p.id != q.id]
    return {
        "id": q.id,
        "number": q.number,
        "text": q.text,
        "hint": q.hint,
        "kind": q.kind,
        "required": q.required,
        "sensitive": q.sensitive,
        "max_length": q.max_length,
        "settings": _json_ready(q.settings),
        "in_words": kind_in_words(q) or None,
        "options": [_option_dict(o) for o in q.options],
        "shown_if": render(q.condition) if q.condition is not None else None,
        "parts": [_part_dict(p) for p in parts],
        # Where the answers are stored: the question's id, unless its kind keeps them only in
        # parts (a grid's rows), and any parts ("Other" text).
        "answer_keys": [p.id for p in stored_as],
    }


def spec_as_dict(c: Consultation, kinds: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The spec as JSON-ready data, with each condition's source, each kind's settings and the
    answer keys each question is stored under."""
    kinds = _kinds(kinds)
    meta = c.metadata
    return {
        "consultation": {
            "id": meta.id,
            "title": meta.title,
            "subtitle": meta.subtitle,
            "publisher": meta.publisher,
            "timezone": meta.timezone,
            "opens": _when(meta.opens),
            "closes": _when(meta.closes),
            "opens_at": _when(meta.opens_at),
            "closes_at": _when(meta.closes_at),
            "contact": meta.contact,
            "include": list(included_banks(c)),
        },
        "roles": [{"value": r.value, "label": r.label} for r in c.roles],
        "authority_types": [{"value": t.value, "label": t.label} for t in c.authority_types],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "intro": s.intro,
                "questions": [_question_dict(q, kinds) for q in s.questions],
            }
            for s in c.sections
        ],
    }
