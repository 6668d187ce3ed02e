"""Plain words for the email form: when a question applies, and Markdown as plain text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from attrs import evolve

from surveykit import Consultation, Question
from surveykit.conditions import Condition
from surveykit.i18n import Translator, mark
from surveykit.wording import (
    DATE_RELATIONS,
    MONTH_RELATIONS,
    NUMBER_RELATIONS,
    Phrasebook,
    describe,
)

from .language import MONTHS, mutated, words

__all__ = ["RESPONDENT", "applies_when", "key", "phrasebook", "plain_text"]

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


def _translated(table: Mapping[str, str], t: Translator) -> dict[str, str]:
    return {op: t.gettext(phrase) for op, phrase in table.items()}


@cache
def phrasebook(language: str) -> Phrasebook:
    """:data:`RESPONDENT` in ``language``: its phrases through the email catalogue.

    The core's relation phrases ("more than {value}") are written in :mod:`surveykit.wording`,
    outside this catalogue, so their English is repeated in :data:`CORE_PHRASES` for the email
    catalogue to translate; counts of options use :data:`COUNT_PHRASES`.
    """
    if language == "en":
        return RESPONDENT
    t = words(language)
    _ = t.gettext

    def name(question, qid):
        return _("question {key}").format(key=key(question) if question else qid)

    def join(labels: Sequence[str]) -> str:
        if len(labels) == 1:
            return labels[0]
        return _("{first} or {last}").format(first=", ".join(labels[:-1]), last=labels[-1])

    def say_date(literal) -> str:
        year, month, *day = (int(part) for part in literal.text.split("-"))
        return " ".join([*(str(d) for d in day), _(MONTHS[month - 1]), str(year)])

    return evolve(
        RESPONDENT,
        name=name,
        join=join,
        equals=_("you answered {label} to {name}"),
        one_of=_("you answered {labels} to {name}"),
        contains=_("you ticked {label} in {name}"),
        answered=_("you answered {name}"),
        not_equals=_("you did not answer {label} to {name}"),
        not_one_of=_("you did not answer {labels} to {name}"),
        not_contains=_("you did not tick {label} in {name}"),
        not_answered=_("you left {name} unanswered"),
        negation=_("it is not the case that {grouped}"),
        compare=_("{name} is {relation}"),
        numbers=_translated(NUMBER_RELATIONS, t),
        dates=_translated(DATE_RELATIONS, t),
        months=_translated(MONTH_RELATIONS, t),
        counts=_translated(COUNT_PHRASES, t),
        count=_("the number of options chosen at {name} is {count}"),
        say_date=say_date,
        conjunction=" " + _("and") + " ",
        disjunction=" " + _("or") + " ",
    )


#: The core's relation phrases (:mod:`surveykit.wording`), marked here for this catalogue.
CORE_PHRASES = (
    mark("{value}"), mark("not {value}"), mark("less than {value}"), mark("{value} or less"),
    mark("more than {value}"), mark("{value} or more"), mark("before {value}"),
    mark("on or before {value}"), mark("after {value}"), mark("on or after {value}"),
    mark("in {value}"), mark("not in {value}"), mark("in or before {value}"),
    mark("in or after {value}"),
)  # fmt: skip
#: How many options are chosen, for the languages other than English.  The core's phrases
#: carry English words ("{n} {options}", "{are}") that describe() fills in English, so these
#: say the number alone: Welsh, like several languages, counts with a singular noun.
COUNT_PHRASES = {
    "none": mark("no options"),
    "==": mark("exactly {n}"),
    "!=": mark("other than {n}"),
    "<": mark("fewer than {n}"),
    "<=": mark("at most {n}"),
    ">": mark("more than {n}"),
    ">=": mark("at least {n}"),
}


def applies_when(
    condition: Condition,
    c: Consultation,
    parts: Mapping[str, Question] | None = None,
    keys: Mapping[str, str] | None = None,
    t: Translator | None = None,
) -> str:
    """A condition as the rest of "Answer only if ...": "you answered "Yes" to question 13".

    ``parts`` maps answer keys to the parts conditions may read (a grid's rows, an "Other"
    option's words) and ``keys`` gives each part the number the form shows it under ("8a"), so
    that ``q8.parks == "disagree"`` reads 'you answered "Disagree" to question 8a'.
    """
    language = t.language if t is not None else "en"
    book = phrasebook(language)
    if not parts:
        return mutated(describe(condition, c, book), language)
    named = keys or {}
    asked = (t or words("en")).gettext("question {key}")

    def name(question: Question | None, qid: str) -> str:
        if question is None:
            return asked.format(key=qid)
        if qid in named:
            return asked.format(key=named[qid])
        if question.settings.get("other_of"):
            return asked.format(key=f'{key(question)} ("{question.label}")')
        return asked.format(key=key(question))

    return mutated(describe(condition, c, evolve(book, name=name), parts=parts), language)


def plain_text(markdown: str) -> str:
    """A spec's Markdown as plain text: links spelled out, no bold markers or heading hashes."""
    lines = []
    for line in (markdown or "").strip().splitlines():
        line = _BOLD.sub(r"\1", _LINK.sub(r"\1 (\2)", line))
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines)
