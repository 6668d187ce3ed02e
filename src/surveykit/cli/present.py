"""Plain-language and JSON views of a spec, shared by the commands that show one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..conditions import Condition, render
from ..model import Consultation
from ..wording import Phrasebook, describe

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


def describe_condition(condition: Condition, c: Consultation) -> str:
    """A condition in words for officers, e.g. 'Question 13 is answered “Yes”'."""
    return describe(condition, c, OFFICER)


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
