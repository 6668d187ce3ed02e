"""Words for people: conditions told in any audience's voice, and counts with their nouns.

Officers (``surveykit show``) and respondents (the email form) both need a ``shown_if`` condition
in words.  Which cases exist and where parentheses go is the same for both; only the phrasing
differs.  So the walk lives here once, and each audience supplies a :class:`Phrasebook`.

Every command ends by counting something ("25 questions in 8 sections"); :func:`counted` gives
each count the noun that agrees with it, in one place, so no message says "1 questions".
"""

from __future__ import annotations

import decimal
import string
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from attrs import evolve, field, frozen

from ._nouns import counted, plural
from .conditions import (
    OPERATORS,
    All,
    Answered,
    Any_,
    Compare,
    Condition,
    Contains,
    Count,
    DateLiteral,
    Equals,
    Not,
    OneOf,
    TextEquals,
    TextOneOf,
)
from .model import Consultation, Option, Question

__all__ = ["Phrasebook", "counted", "describe", "plural"]

#: How a question is named, given the question (``None`` if the spec lacks it) and its id.
NameQuestion = Callable[[Question | None, str], str]
#: How an answer is quoted, given its option (``None`` if the question lacks it) and its value.
QuoteAnswer = Callable[[Option | None, str], str]
#: How the quoted labels of a list (``q in [...]``) are joined.
JoinLabels = Callable[[Sequence[str]], str]
#: How a number in a condition is said, given the part it is compared with (for its unit).
SayNumber = Callable[[Question | None, int | float], str]
#: How a date literal in a condition is said.
SayDate = Callable[[DateLiteral], str]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def say_number(question: Question | None, value: int | float) -> str:
    """A number as people write it, with the part's unit: "1,250", "£12.5", "250 people"."""
    text = _grouped(value)
    settings = question.settings if question is not None else {}
    unit = settings.get("unit")
    if not isinstance(unit, str) or not unit:
        return text
    if settings.get("unit_prefix") is True:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text} {unit}"


def say_date(literal: DateLiteral) -> str:
    """A date as people write it: "1 January 2024", or "January 2024" for a month."""
    year, month, *day = (int(part) for part in literal.text.split("-"))
    return " ".join([*(str(d) for d in day), _MONTHS[month - 1], str(year)])


def _relations(
    *allowed: str, also: tuple[str, ...] = ()
) -> Callable[[Any, Any, Mapping[str, str]], None]:
    """A validator on a table of relation phrases: one for each operator (and each of
    ``also``), using only the fields ``allowed``."""
    check = _uses(*allowed)

    def check_all(instance: Any, attribute: Any, table: Mapping[str, str]) -> None:
        missing = [op for op in (*OPERATORS, *also) if op not in table]
        if missing:
            raise ValueError(f"{attribute.name} has no phrase for {', '.join(missing)}")
        for phrase in table.values():
            check(instance, attribute, phrase)

    return check_all


def _table(phrases: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(phrases))


#: Relations of a number part to a number: "Question 3 is {relation}".
NUMBER_RELATIONS = _table(
    {
        "==": "{value}",
        "!=": "not {value}",
        "<": "less than {value}",
        "<=": "{value} or less",
        ">": "more than {value}",
        ">=": "{value} or more",
    }
)
#: Relations of a date part to a day.
DATE_RELATIONS = _table(
    {
        "==": "{value}",
        "!=": "not {value}",
        "<": "before {value}",
        "<=": "on or before {value}",
        ">": "after {value}",
        ">=": "on or after {value}",
    }
)
#: Relations of a month-and-year part to a month.
MONTH_RELATIONS = _table(
    {
        "==": "in {value}",
        "!=": "not in {value}",
        "<": "before {value}",
        "<=": "in or before {value}",
        ">": "after {value}",
        ">=": "in or after {value}",
    }
)
#: How many options: ``{n}`` and ``{options}`` ("option" or "options", agreeing with n);
#: ``"none"`` says ``count(q) == 0``.
COUNT_RELATIONS = _table(
    {
        "none": "no options",
        "==": "exactly {n} {options}",
        "!=": "other than {n} {options}",
        "<": "fewer than {n} {options}",
        "<=": "at most {n} {options}",
        ">": "more than {n} {options}",
        ">=": "at least {n} {options}",
    }
)


def _uses(*allowed: str) -> Callable[[Any, Any, str | None], None]:
    """A validator on the phrase templates: a typo fails when the phrasebook is made, not later."""

    def check(_instance: Any, attribute: Any, template: str | None) -> None:
        if template is None:
            return
        for _literal, name, _spec, _conversion in string.Formatter().parse(template):
            if name is not None and name not in allowed:
                raise ValueError(
                    f"{attribute.name} phrase {template!r} uses {{{name}}}; it may use "
                    + ", ".join(f"{{{a}}}" for a in allowed)
                )

    return check


@frozen(kw_only=True)
class Phrasebook:
    """How one audience is told each kind of condition.

    Phrases are ``str.format`` templates.  Leaf phrases get ``{name}`` (the question, as
    ``name`` calls it) and ``{label}`` (one quoted answer) or ``{labels}`` (a list's answers,
    joined by ``join``).  A negated leaf without a phrase of its own falls back to
    ``negation``, which gets the operand's text as ``{operand}``, and as ``{grouped}`` with
    parentheses round it when it is compound (``and``/``or``).  Compound operands of
    ``and``/``or`` are always parenthesised.

    Comparisons in order (numbers, dates) use ``compare`` with ``{relation}``, taken from
    ``numbers``, ``dates`` or ``months`` by operator and filled with ``{value}`` (said by
    ``say_number`` or ``say_date``); ``q != v`` uses the ``"!="`` relation, any other negated
    one the generic negation.  ``count(q)`` uses ``count`` with ``{count}`` (a relation from
    ``counts``, filled with ``{n}`` and ``{options}``) and ``{are}`` ("is" or "are", agreeing
    with n).  Text comparisons use ``text_equals`` and the like, falling back to the option
    phrases.  All of these have defaults, so a phrasebook written before them still works.
    """

    name: NameQuestion
    label: QuoteAnswer
    join: JoinLabels
    equals: str = field(validator=_uses("name", "label"))
    one_of: str = field(validator=_uses("name", "labels"))
    contains: str = field(validator=_uses("name", "label"))
    answered: str = field(validator=_uses("name"))
    negation: str = field(validator=_uses("operand", "grouped"))
    not_equals: str | None = field(default=None, validator=_uses("name", "label"))
    not_one_of: str | None = field(default=None, validator=_uses("name", "labels"))
    not_contains: str | None = field(default=None, validator=_uses("name", "label"))
    not_answered: str | None = field(default=None, validator=_uses("name"))
    compare: str = field(default="{name} is {relation}", validator=_uses("name", "relation"))
    numbers: Mapping[str, str] = field(
        default=NUMBER_RELATIONS, validator=_relations("value"), hash=False
    )
    dates: Mapping[str, str] = field(
        default=DATE_RELATIONS, validator=_relations("value"), hash=False
    )
    months: Mapping[str, str] = field(
        default=MONTH_RELATIONS, validator=_relations("value"), hash=False
    )
    say_number: SayNumber = say_number
    say_date: SayDate = say_date
    count: str = field(
        default="{count} {are} chosen at {name}", validator=_uses("name", "count", "are")
    )
    counts: Mapping[str, str] = field(
        default=COUNT_RELATIONS, validator=_relations("n", "options", also=("none",)), hash=False
    )
    text_equals: str | None = field(default=None, validator=_uses("name", "label"))
    text_one_of: str | None = field(default=None, validator=_uses("name", "labels"))
    not_text_equals: str | None = field(default=None, validator=_uses("name", "label"))
    not_text_one_of: str | None = field(default=None, validator=_uses("name", "labels"))
    conjunction: str = " and "
    disjunction: str = " or "


Phrased = Equals | OneOf | Contains | Answered | TextEquals | TextOneOf


def _phrases(book: Phrasebook, leaf: Phrased) -> tuple[str, str | None]:
    """A leaf's phrase and its negated phrase (``None``: use the generic negation)."""
    match leaf:
        case Equals():
            return book.equals, book.not_equals
        case OneOf():
            return book.one_of, book.not_one_of
        case Contains():
            return book.contains, book.not_contains
        case Answered():
            return book.answered, book.not_answered
        case TextEquals():
            return book.text_equals or book.equals, book.not_text_equals or book.not_equals
        case TextOneOf():
            return book.text_one_of or book.one_of, book.not_text_one_of or book.not_one_of
    raise TypeError(f"not a condition: {leaf!r}")  # pragma: no cover


def _group(node: Condition, text: str) -> str:
    """Parentheses round a compound operand, so "a and (b or c)" reads unambiguously."""
    return f"({text})" if isinstance(node, All | Any_) else text


def _part(key: str, consultation: Consultation, parts: Mapping[str, Question]) -> Question | None:
    """The part a condition reads, from ``parts`` or the spec's questions.

    Without it, a part key (``q7.cost``) is named after its question with the part's name as
    label, "Question 7 (cost)", which is better than the bare key.
    """
    found = parts.get(key) or consultation.by_id.get(key)
    if found is None and "." in key:
        question_id, _, name = key.partition(".")
        whole = consultation.by_id.get(question_id)
        if whole is not None:
            found = evolve(whole, id=key, label=name)
    return found


def describe(
    condition: Condition,
    consultation: Consultation,
    phrasebook: Phrasebook,
    *,
    parts: Mapping[str, Question] | None = None,
) -> str:
    """``condition`` in words, in the voice of ``phrasebook``, naming ``consultation``'s questions.

    ``parts`` maps answer keys to parts (``Engine.parts``), so that a grid row is named with
    its own label.  Questions or values the spec does not know are still described (by id or
    raw value), so this also serves conditions that failed validation.
    """
    book = phrasebook
    known = parts or {}

    def name(node: Condition) -> tuple[Question | None, str]:
        assert isinstance(node, Phrased | Compare | Count)
        question = _part(node.question, consultation, known)
        return question, book.name(question, node.question)

    def leaf(node: Phrased, template: str) -> str:
        question, said = name(node)

        def quote(value: str) -> str:
            return book.label(question.option(value) if question else None, value)

        fields = {"name": said}
        if isinstance(node, Equals | Contains):
            fields["label"] = quote(node.value)
        elif isinstance(node, TextEquals):
            fields["label"] = quote(node.source)
        elif isinstance(node, OneOf):
            fields["labels"] = book.join([quote(v) for v in node.values])
        elif isinstance(node, TextOneOf):
            fields["labels"] = book.join([quote(v) for v in node.source])
        return template.format(**fields)

    def compare(node: Compare, op: str) -> str:
        question, said = name(node)
        value = node.value
        if isinstance(value, DateLiteral):
            table = book.dates if value.precision == "day" else book.months
            spoken = book.say_date(value)
        elif isinstance(value, str):  # not bound: quoted text in order
            table, spoken = book.numbers, book.label(None, value)
        else:
            table, spoken = book.numbers, book.say_number(question, value)
        return book.compare.format(name=said, relation=table[op].format(value=spoken))

    def count(node: Count) -> str:
        _question, said = name(node)
        op, n = _count_relation(node.op, node.value)
        one = n == 1
        relation = book.counts[op].format(n=_grouped(n), options="option" if one else "options")
        return book.count.format(name=said, count=relation, are="is" if one else "are")

    def words(node: Condition) -> str:
        match node:
            case Equals() | OneOf() | Contains() | Answered() | TextEquals() | TextOneOf():
                return leaf(node, _phrases(book, node)[0])
            case Compare():
                return compare(node, node.op)
            case Count():
                return count(node)
            case Not(operand=Compare(op="==") as operand):
                return compare(operand, "!=")
            case Not(
                operand=Equals()
                | OneOf()
                | Contains()
                | Answered()
                | TextEquals()
                | TextOneOf() as operand
            ) if (own := _phrases(book, operand)[1]) is not None:
                return leaf(operand, own)
            case Not(operand=operand):
                text = words(operand)
                return book.negation.format(operand=text, grouped=_group(operand, text))
            case All(operands=operands):
                return book.conjunction.join(_group(o, words(o)) for o in operands)
            case Any_(operands=operands):
                return book.disjunction.join(_group(o, words(o)) for o in operands)
        raise TypeError(f"not a condition: {node!r}")

    return words(condition)


def _grouped(n: int | float) -> str:
    """``n`` with thousands separated by commas, never in exponent form."""
    return f"{n:,}" if isinstance(n, int) else format(decimal.Decimal(repr(n)), ",f")


def _count_relation(op: str, n: int | float) -> tuple[str, int | float]:
    """The plainest way to say ``count(q) OP n``: "none" for nothing, at least 1 for some."""
    if (op, n) in (("==", 0), ("<=", 0), ("<", 1)):
        return "none", 0
    if (op, n) in (("!=", 0), (">", 0)):
        return ">=", 1
    return op, n
