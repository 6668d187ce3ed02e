"""Words for people: conditions told in any audience's voice, and counts with their nouns.

Officers (``surveykit show``) and respondents (the email form) both need a ``shown_if`` condition
in words.  Which cases exist and where parentheses go is the same for both; only the phrasing
differs.  So the walk lives here once, and each audience supplies a :class:`Phrasebook`.

Every command ends by counting something ("25 questions in 8 sections"); :func:`counted` gives
each count the noun that agrees with it, in one place, so no message says "1 questions".
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from typing import Any

from attrs import field, frozen

from .conditions import All, Answered, Any_, Condition, Contains, Equals, Not, OneOf
from .model import Consultation, Option, Question

__all__ = ["Phrasebook", "counted", "describe", "plural"]

#: How a question is named, given the question (``None`` if the spec lacks it) and its id.
NameQuestion = Callable[[Question | None, str], str]
#: How an answer is quoted, given its option (``None`` if the question lacks it) and its value.
QuoteAnswer = Callable[[Option | None, str], str]
#: How the quoted labels of a list (``q in [...]``) are joined.
JoinLabels = Callable[[Sequence[str]], str]


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
    conjunction: str = " and "
    disjunction: str = " or "


Leaf = Equals | OneOf | Contains | Answered


def _phrases(book: Phrasebook, leaf: Leaf) -> tuple[str, str | None]:
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
    raise TypeError(f"not a condition: {leaf!r}")  # pragma: no cover


def _group(node: Condition, text: str) -> str:
    """Parentheses round a compound operand, so "a and (b or c)" reads unambiguously."""
    return f"({text})" if isinstance(node, All | Any_) else text


def describe(condition: Condition, consultation: Consultation, phrasebook: Phrasebook) -> str:
    """``condition`` in words, in the voice of ``phrasebook``, naming ``consultation``'s questions.

    Questions or values the spec does not know are still described (by id or raw value), so
    this also serves conditions that failed validation.
    """
    book = phrasebook

    def leaf(node: Leaf, template: str) -> str:
        question = consultation.by_id.get(node.question)

        def quote(value: str) -> str:
            return book.label(question.option(value) if question else None, value)

        fields = {"name": book.name(question, node.question)}
        if isinstance(node, Equals | Contains):
            fields["label"] = quote(node.value)
        elif isinstance(node, OneOf):
            fields["labels"] = book.join([quote(v) for v in node.values])
        return template.format(**fields)

    def words(node: Condition) -> str:
        match node:
            case Equals() | OneOf() | Contains() | Answered():
                return leaf(node, _phrases(book, node)[0])
            case Not(operand=Equals() | OneOf() | Contains() | Answered() as operand) if (
                own := _phrases(book, operand)[1]
            ) is not None:
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


def plural(n: int, singular: str, plural: str | None = None) -> str:
    """The noun that agrees with ``n``: ``singular`` for exactly one, else its plural.

    The plural is ``plural`` when given (for irregular nouns), else the English rule for regular
    ones: "address" -> "addresses", "reply" -> "replies", "message" -> "messages".
    """
    if n == 1:
        return singular
    if plural is not None:
        return plural
    if singular.endswith(("s", "x", "z", "ch", "sh")):
        return singular + "es"
    if len(singular) > 1 and singular[-1] == "y" and singular[-2] not in "aeiou":
        return singular[:-1] + "ies"
    return singular + "s"


def counted(n: int, singular: str, plural_form: str | None = None, *, grouped: bool = False) -> str:
    """``n`` with the noun that agrees with it: "1 question", "0 questions", "2 addresses".

    ``grouped`` writes thousands with commas ("1,204 responses"), for figures that can be large.
    """
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {plural(n, singular, plural_form)}"
