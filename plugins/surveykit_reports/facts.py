"""What the spec tells an attacker: routing links one question's figures to another's.

A question asked only after ``q13 == "yes"`` is shown to exactly the people who answered yes,
so in every group its "not shown" figure is the group's size less q13's "yes": a figure hidden
in one table would be given away by the other.  The spec is public, so disclosure control must
reason with these facts exactly as the attacker would.

A condition that tests one single-choice question, however it is built (``q1 == "a" or q1 ==
"b"``, ``not q1 in [...]``), holds for an exact set of that question's answers, so its count is
exact too.  For a condition on several questions, the published tables (which count one question
at a time) only bound how many people it holds: between the Fréchet bounds of its parts (``a and b``
holds at most as many as either and at least as many as both less everyone; ``a or b`` at least
as many as either and at most both together; ``not a`` the rest).  Those bounds are the most
any reader of the published tables can know, so they are what is given to the solver.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from typing import Any

from surveykit import Consultation
from surveykit.conditions import (
    All,
    Answered,
    Any_,
    Compare,
    Condition,
    Contains,
    DateLiteral,
    Equals,
    Not,
    OneOf,
    evaluate,
    references,
)
from surveykit.conditions import Count as CountOf
from surveykit.tally import ALL, TallyPlan, rank_key

from .model import NOT_ANSWERED, NOT_SHOWN
from .protection import Relation

#: A ranking's row of its positions table for those who did not rank that far.
NOT_RANKED = "_not_ranked"

__all__ = ["routing_relations"]

Key = tuple[str, str, str, str]
Form = dict[Key, int]  # a linear form: statistic -> coefficient
#: At most this many combinations of bounds per condition: more add little and cost time.
_MOST = 8


def routing_relations(
    consultation: Consultation, plan: TallyPlan, shown: Iterable[Key], bases: Iterable[Key] = ()
) -> Iterator[Relation]:
    """For each conditional question, and each group whose figures are shown, the relations
    between how many were shown it and the answers its condition reads.

    ``bases`` are the base bins of numbers and dates (never shown, but summed by the bins that
    are): a comparison on a number or a date holds for every answer of a base bin wholly on its
    side, for none wholly on the other, and for some of one that straddles it; so the published
    bins bound how many it holds, and the attacker knows those bounds."""
    present = set(shown)
    bins = _base_bins(consultation, plan, bases)
    groups = {(key[2], key[3]) for key in present if key[0] == ALL and key[1] == ALL}
    yield from _same_conditions(plan, present, groups)
    for qid, condition in plan.conditions:
        for dim, group in sorted(groups):
            hidden = (qid, NOT_SHOWN, dim, group)
            if hidden not in present:
                continue
            size: Key = (ALL, ALL, dim, group)
            bounds = _bounds(condition, plan, present, dim, group, size, bins)
            lows, highs = bounds
            # shown = size - hidden
            shown_form: Form = {size: 1, hidden: -1}
            if len(lows) == 1 and lows == highs:
                yield _relation(_minus(shown_form, lows[0]), "==")
                continue
            for low in lows:
                if low:
                    yield _relation(_minus(shown_form, low), ">=")
            for high in highs:
                if high != {size: 1}:
                    yield _relation(_minus(high, shown_form), ">=")


def _same_conditions(
    plan: TallyPlan, present: set[Key], groups: set[tuple[str, str]]
) -> Iterator[Relation]:
    """Questions asked on one condition are shown to the same people: in every group their
    "not shown" figures are equal, however little the tables say about the condition."""
    by_condition: dict[Condition, list[str]] = {}
    for qid, condition in plan.conditions:
        by_condition.setdefault(condition, []).append(qid)
    for qids in by_condition.values():
        for first, other in itertools.pairwise(qids):
            for dim, group in sorted(groups):
                a, b = (first, NOT_SHOWN, dim, group), (other, NOT_SHOWN, dim, group)
                if a in present and b in present:
                    yield Relation(((a, 1), (b, -1)), "==", 0)


def _ranking(
    condition: Condition, plan: TallyPlan, present: set[Key], dim: str, size: Key
) -> Form | None:
    """How many a test of a ranking holds for, from its table of positions (everyone only):
    ``"o" in q`` is how many ranked ``o`` at any position, ``count(q) >= n`` everyone less
    those who did not rank ``n`` options."""
    question = getattr(condition, "question", None)
    most = dict(plan.positions).get(question or "")
    if dim or question not in plan.rankings or not most:
        return None
    if isinstance(condition, Contains):
        keys = [
            (question, condition.value, "", ""),
            *((rank_key(question, n), condition.value) for n in range(2, most + 1)),
        ]
        return dict.fromkeys(keys, 1) if all(k in present for k in keys) else None  # type: ignore[misc]
    if not isinstance(condition, CountOf):
        return None

    def at_least(n: int) -> Form | None:
        if n <= 0:
            return {size: 1}
        if n > most:
            return {}
        fewer = (rank_key(question, n), NOT_RANKED)
        return {size: 1, fewer: -1} if fewer in present else None  # type: ignore[dict-item]

    v = condition.value
    if condition.op in (">=", ">"):
        return at_least(math.ceil(v) if condition.op == ">=" else math.floor(v) + 1)
    if condition.op in ("<", "<="):
        held = at_least(math.ceil(v) if condition.op == "<" else math.floor(v) + 1)
        return None if held is None else _minus({size: 1}, held)
    if condition.op == "==" and v == int(v):
        high, higher = at_least(int(v)), at_least(int(v) + 1)
        return None if high is None or higher is None else _minus(high, higher)
    return None


def _relation(form: Form, sense: str) -> Relation:
    return Relation(tuple((k, c) for k, c in sorted(form.items()) if c), sense, 0)  # type: ignore[arg-type]


def _plus(*forms: Form) -> Form:
    out: Form = {}
    for form in forms:
        for key, c in form.items():
            out[key] = out.get(key, 0) + c
    return {k: c for k, c in out.items() if c}


def _minus(a: Form, b: Form) -> Form:
    return _plus(a, {k: -c for k, c in b.items()})


def _scale(form: Form, by: int) -> Form:
    return {k: c * by for k, c in form.items()}


Bounds = tuple[list[Form], list[Form]]


def _one_question(
    condition: Condition, plan: TallyPlan, present: set[Key], dim: str, group: str
) -> Form | None:
    """A condition on one single-choice question holds for an exact set of its answers (they
    exclude each other: ``q1 == "a" or q1 == "b"`` is a plus b, not just between the two), so
    its count is exact: found by trying the condition on every answer, and on none."""
    asked = references(condition)
    if len(asked) != 1:
        return None
    question = asked[0]
    if question not in plan.options or question in plan.multiple:
        return None
    if (question, NOT_ANSWERED, dim, group) not in present:
        return None
    values = {k[1] for k in present if k[0] == question and k[2] == dim and k[3] == group}
    form: Form = {}
    for value in sorted(values):
        if value in (NOT_ANSWERED, NOT_SHOWN):
            holds = evaluate(condition, {})
        else:
            holds = evaluate(condition, {question: value})
        if holds:
            form[(question, value, dim, group)] = 1
    return form


Span = tuple[Any, Any]  # the least and the greatest answer a base bin can hold


def _base_bins(
    consultation: Consultation, plan: TallyPlan, bases: Iterable[Key]
) -> dict[tuple[str, str, str], dict[Key, Span]]:
    """Base-bin statistics by (question, dimension, group), with the answers each can hold."""
    places: dict[str, int] = {}
    tops: dict[str, Any] = {}
    for question in consultation.questions:
        decimals = question.settings.get("decimals", 0)
        places[question.id] = decimals if isinstance(decimals, int) else 0
        tops[question.id] = question.settings.get("max")
    out: dict[tuple[str, str, str], dict[Key, Span]] = {}
    for key in bases:
        question, value, dim, group = key
        span = _span(value, places.get(question, 0), tops.get(question))
        if span is not None:
            out.setdefault((question, dim, group), {})[key] = span
    return out


def _span(value: str, places: int, top: Any) -> Span | None:
    """The least and greatest answer in a base bin ``a..b`` (a number) or ``2024``/``2024-03``
    (a date, compared by its text); ``None`` for a merged range (``2..4~8..10``), whose base
    bins are statistics of their own."""
    if "~" in value:
        return None
    if ".." in value:
        low, _, high = value.partition("..")
        a, b = float(low), float(high)
        step = 10.0**-places
        return a, b if top is not None and float(top) == b else b - step
    if len(value) == 4 and value.isdigit():
        return f"{value}-01-01", f"{value}-12-31"
    if len(value) == 7 and value[:4].isdigit():
        return f"{value}-01", f"{value}-31"
    return None


def _holds(op: str, value: Any, literal: Any) -> bool:
    if isinstance(literal, DateLiteral):
        value, literal = value[: len(literal.text)], literal.text
    return {
        "==": value == literal,
        "<": value < literal,
        "<=": value <= literal,
        ">": value > literal,
        ">=": value >= literal,
    }[op]


def _compared(condition: Compare, spans: dict[Key, Span]) -> Bounds:
    """How many a comparison holds for, from the base bins: at least those wholly on its side,
    at most those partly on it too."""
    low: Form = {}
    high: Form = {}
    for key, (least, most) in spans.items():
        first = _holds(condition.op, least, condition.value)
        last = _holds(condition.op, most, condition.value)
        if condition.op == "==":
            some = _holds("<=", least, condition.value) and _holds(">=", most, condition.value)
            if first and last:
                low[key] = 1
            if some:
                high[key] = 1
            continue
        if first and last:
            low[key] = 1
        if first or last:
            high[key] = 1
    return [low], [high]


def _bounds(
    condition: Condition,
    plan: TallyPlan,
    present: set[Key],
    dim: str,
    group: str,
    size: Key,
    bins: dict[tuple[str, str, str], dict[Key, Span]] | None = None,
) -> Bounds:
    """Lower and upper linear bounds on how many in the group meet ``condition``."""
    bins = bins or {}
    everyone: Form = {size: 1}
    unknown: Bounds = ([{}], [everyone])

    def stat(question: str, value: str) -> Key | None:
        key = (question, value, dim, group)
        return key if key in present else None

    def exact(form: Form | None) -> Bounds:
        return unknown if form is None else ([form], [form])

    def options(question: str, values: Iterable[str]) -> Form | None:
        if question not in plan.options:
            return None
        if question in plan.multiple:
            return {}  # a list answer never equals an option value
        form: Form = {}
        for value in values:
            key = stat(question, value)
            if key is not None:
                form[key] = 1
        if stat(question, NOT_ANSWERED) is None:
            return None  # the question's figures for this group are not shown
        return form

    single = _one_question(condition, plan, present, dim, group)
    if single is not None:
        return exact(single)
    ranked = _ranking(condition, plan, present, dim, size)
    if ranked is not None:
        return exact(ranked)
    match condition:
        case Equals(question=q, value=v):
            return exact(options(q, [v]))
        case OneOf(question=q, values=values):
            return exact(options(q, values))
        case Contains(question=q, value=v):
            if q not in plan.multiple:
                return exact({} if q in plan.options else None)
            key = stat(q, v)
            return exact({key: 1} if key is not None else None)
        case Answered(question=q):
            blank = stat(q, NOT_ANSWERED)
            if blank is None:
                return unknown
            skipped = stat(q, NOT_SHOWN)
            return exact(_minus(everyone, {blank: 1, **({skipped: 1} if skipped else {})}))
        case Compare(question=q) if (q, dim, group) in bins:
            return _compared(condition, bins[(q, dim, group)])
        case Not(operand=operand):
            lows, highs = _bounds(operand, plan, present, dim, group, size, bins)
            return [_minus(everyone, h) for h in highs], [_minus(everyone, low) for low in lows]
        case All(operands=operands):
            parts = [_bounds(o, plan, present, dim, group, size, bins) for o in operands]
            highs = [h for _, hs in parts for h in hs]
            lows = [
                _minus(_plus(*combo), _scale(everyone, len(combo) - 1))
                for combo in itertools.islice(itertools.product(*(ls for ls, _ in parts)), _MOST)
            ]
            return lows, highs
        case Any_(operands=operands):
            parts = [_bounds(o, plan, present, dim, group, size, bins) for o in operands]
            lows = [low for ls, _ in parts for low in ls]
            highs = [
                _plus(*combo)
                for combo in itertools.islice(itertools.product(*(hs for _, hs in parts)), _MOST)
            ]
            return lows, highs
    return unknown
