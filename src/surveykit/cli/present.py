"""Plain-language and JSON views of a spec, shared by the commands that show one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..conditions import All, Answered, Any_, Condition, Contains, Equals, Not, OneOf, render
from ..model import Consultation


def _label(c: Consultation, question: str, value: str) -> str:
    q = c.by_id.get(question)
    option = q.option(value) if q else None
    return f"“{option.label}”" if option else repr(value)


def _name(c: Consultation, question: str) -> str:
    q = c.by_id.get(question)
    return q.title if q else question


def describe_condition(condition: Condition, c: Consultation) -> str:
    """A condition in words, e.g. 'Question 13 is answered “Yes”'."""
    match condition:
        case Equals(question=q, value=v):
            return f"{_name(c, q)} is answered {_label(c, q, v)}"
        case OneOf(question=q, values=values):
            return f"{_name(c, q)} is answered " + " or ".join(_label(c, q, v) for v in values)
        case Contains(question=q, value=v):
            return f"{_name(c, q)} includes {_label(c, q, v)}"
        case Answered(question=q):
            return f"{_name(c, q)} is answered"
        case Not(operand=Equals(question=q, value=v)):
            return f"{_name(c, q)} is not answered {_label(c, q, v)}"
        case Not(operand=operand):
            return f"not ({describe_condition(operand, c)})"
        case All(operands=operands):
            return " and ".join(_wrap(o, c) for o in operands)
        case Any_(operands=operands):
            return " or ".join(_wrap(o, c) for o in operands)
    return render(condition)  # pragma: no cover


def _wrap(condition: Condition, c: Consultation) -> str:
    text = describe_condition(condition, c)
    return f"({text})" if isinstance(condition, All | Any_) else text


def _when(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def spec_as_dict(c: Consultation) -> dict[str, Any]:
    """The spec as JSON-ready data, with each condition's source and its question references."""
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
        },
        "roles": [{"value": r.value, "label": r.label} for r in c.roles],
        "authority_types": [{"value": t.value, "label": t.label} for t in c.authority_types],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "intro": s.intro,
                "questions": [
                    {
                        "id": q.id,
                        "number": q.number,
                        "text": q.text,
                        "hint": q.hint,
                        "kind": q.kind,
                        "required": q.required,
                        "max_length": q.max_length,
                        "options": [{"value": o.value, "label": o.label} for o in q.options],
                        "shown_if": render(q.condition) if q.condition is not None else None,
                    }
                    for q in s.questions
                ],
            }
            for s in c.sections
        ],
    }
