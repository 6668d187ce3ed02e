"""Plain words for the email form: when a question applies, and Markdown as plain text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from attrs import evolve

from surveykit import Consultation, Question
from surveykit.conditions import Condition
from surveykit.wording import Phrasebook, describe

__all__ = ["RESPONDENT", "applies_when", "key", "plain_text"]

_LINK = re.compile(r"\[([^\]]+)\]\((?:mailto:)?([^)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def key(question) -> str:
    """What a question is called in the form and in replies: its number, else its id."""
    return question.number or question.id


def _either(labels: Sequence[str]) -> str:
    """'"a", "b" or "c"': a list as a respondent would say it."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


#: The respondents' voice: "you answered ..." about questions by number, in straight quotes
#: (plain-text email), with a phrase of its own for every negated comparison.  Numbers, dates
#: and counts use the shared phrases ("question 3 is more than 4 people", "fewer than 3 options
#: are chosen at question 10"); text comparisons ignore case, so their words are quoted as the
#: condition holds them (in lower case).
RESPONDENT = Phrasebook(
    name=lambda question, qid: f"question {key(question) if question else qid}",
    label=lambda option, value: f'"{option.label if option else value}"',
    join=_either,
    equals="you answered {label} to {name}",
    one_of="you answered {labels} to {name}",
    contains="you ticked {label} in {name}",
    answered="you answered {name}",
    not_equals="you did not answer {label} to {name}",
    not_one_of="you did not answer {labels} to {name}",
    not_contains="you did not tick {label} in {name}",
    not_answered="you left {name} unanswered",
    negation="it is not the case that {grouped}",
)


def applies_when(
    condition: Condition,
    c: Consultation,
    parts: Mapping[str, Question] | None = None,
    keys: Mapping[str, str] | None = None,
) -> str:
    """A condition as the rest of "Answer only if ...": "you answered "Yes" to question 13".

    ``parts`` maps answer keys to the parts conditions may read (a grid's rows, an "Other"
    option's words) and ``keys`` gives each part the number the form shows it under ("8a"), so
    that ``q8.parks == "disagree"`` reads 'you answered "Disagree" to question 8a'.
    """
    if not parts:
        return describe(condition, c, RESPONDENT)
    named = keys or {}

    def name(question: Question | None, qid: str) -> str:
        if question is None:
            return f"question {qid}"
        if qid in named:
            return f"question {named[qid]}"
        if question.settings.get("other_of"):
            return f'question {key(question)} ("{question.label}")'
        return f"question {key(question)}"

    return describe(condition, c, evolve(RESPONDENT, name=name), parts=parts)


def plain_text(markdown: str) -> str:
    """A spec's Markdown as plain text: links spelled out, no bold markers or heading hashes."""
    lines = []
    for line in (markdown or "").strip().splitlines():
        line = _BOLD.sub(r"\1", _LINK.sub(r"\1 (\2)", line))
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines)
