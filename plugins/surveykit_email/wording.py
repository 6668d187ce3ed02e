"""Plain words for the email form: when a question applies, and Markdown as plain text."""

from __future__ import annotations

import re

from surveykit import Consultation
from surveykit.conditions import All, Answered, Any_, Condition, Contains, Equals, Not, OneOf

__all__ = ["applies_when", "key", "plain_text"]

_LINK = re.compile(r"\[([^\]]+)\]\((?:mailto:)?([^)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def key(question) -> str:
    """What a question is called in the form and in replies: its number, else its id."""
    return question.number or question.id


def _name(c: Consultation, qid: str) -> str:
    question = c.by_id.get(qid)
    return f"question {key(question)}" if question else f"question {qid}"


def _label(c: Consultation, qid: str, value: str) -> str:
    question = c.by_id.get(qid)
    option = question.option(value) if question else None
    return f'"{option.label if option else value}"'


def _either(c: Consultation, qid: str, values: tuple[str, ...]) -> str:
    labels = [_label(c, qid, v) for v in values]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def applies_when(condition: Condition, c: Consultation) -> str:
    """A condition as the rest of "Answer only if ...": "you answered "Yes" to question 13"."""
    match condition:
        case Equals(question=q, value=v):
            return f"you answered {_label(c, q, v)} to {_name(c, q)}"
        case OneOf(question=q, values=values):
            return f"you answered {_either(c, q, values)} to {_name(c, q)}"
        case Contains(question=q, value=v):
            return f"you ticked {_label(c, q, v)} in {_name(c, q)}"
        case Answered(question=q):
            return f"you answered {_name(c, q)}"
        case Not(operand=Equals(question=q, value=v)):
            return f"you did not answer {_label(c, q, v)} to {_name(c, q)}"
        case Not(operand=OneOf(question=q, values=values)):
            return f"you did not answer {_either(c, q, values)} to {_name(c, q)}"
        case Not(operand=Contains(question=q, value=v)):
            return f"you did not tick {_label(c, q, v)} in {_name(c, q)}"
        case Not(operand=Answered(question=q)):
            return f"you left {_name(c, q)} unanswered"
        case Not(operand=operand):
            return f"it is not the case that {_group(operand, c)}"
        case All(operands=operands):
            return " and ".join(_group(o, c) for o in operands)
        case Any_(operands=operands):
            return " or ".join(_group(o, c) for o in operands)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _group(condition: Condition, c: Consultation) -> str:
    text = applies_when(condition, c)
    return f"({text})" if isinstance(condition, All | Any_) else text


def plain_text(markdown: str) -> str:
    """A spec's Markdown as plain text: links spelled out, no bold markers or heading hashes."""
    lines = []
    for line in (markdown or "").strip().splitlines():
        line = _BOLD.sub(r"\1", _LINK.sub(r"\1 (\2)", line))
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines)
