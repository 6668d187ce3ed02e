"""``ranking``: some or all of the options in order of preference, stored as a list of option
values, most preferred first, none repeated.

Accepted as that list; as ``{"a": 2, "b": 1}`` (a form with a rank box per option, blank boxes
ignored); or as text, by option value or label in any case: ``"b, a, c"``, ``"b > a > c"``, or
one per line, optionally numbered (``"1. b"``, ``"2) a"``), numbers putting them in order.  A
label holding a comma or a ``>`` is still found whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from attrs import frozen

from surveykit import EMPTY, Question, Rejected
from surveykit.i18n import title_of

from ._common import options_counted, options_phrase, phrase, shown, what

__all__ = ["Ranking", "ranked_bounds"]

_SEPARATOR = re.compile(r"[,;>\r\n]")
# "1. b", "2) a", "3 - c", "#4 d", "- e", "* f"
_NUMBERED = re.compile(
    r"\s*(?:#?([0-9]{1,3})\s*[.):-]?\s+|#?([0-9]{1,3})[.):-]\s*|[-*\u2022]\s*)(.*)", re.S
)


def _name(text: str) -> str:
    return " ".join(text.casefold().split())


def ranked_bounds(question: Question) -> tuple[int, int]:
    """How many options an answer ranks, at least and at most: by default all of them, and
    with only ``max_ranked`` set, exactly that many."""
    count = len(question.options)
    settings = question.settings
    high = settings.get("max_ranked", count)
    high = high if high.__class__ is int else count
    low = settings.get("min_ranked", min(high, count))
    return (low if low.__class__ is int else min(high, count)), high


@frozen
class Ranking:
    """Some or all of the options, in order of preference."""

    name: str = "ranking"
    description: str = "some or all of the options, in order of preference"
    has_options: bool = True
    multiple: bool = True
    has_max_length: bool = False
    answer_type: str = "ranking"
    settings: ClassVar = MappingProxyType(
        {
            "min_ranked": "how many options an answer must rank at least (default: all)",
            "max_ranked": "how many options an answer may rank at most (default: all)",
        }
    )

    def check_settings(self, question: Question) -> list[tuple[str, str]]:
        settings = question.settings
        count = len(question.options)
        problems: list[tuple[str, str]] = []
        for key in ("min_ranked", "max_ranked"):
            if key not in settings:
                continue
            value = settings[key]
            if value.__class__ is not int or value < 1:
                problems.append(
                    (key, f"{key} must be a whole number, 1 or more, not {shown(value)}")
                )
            elif count and value > count:
                problems.append(
                    (key, f"{key} ({value}) is more than the number of options ({count})")
                )
        low, high = settings.get("min_ranked"), settings.get("max_ranked")
        if low.__class__ is int and high.__class__ is int and 1 <= high < low:
            problems.append(("min_ranked", f"min_ranked ({low}) is more than max_ranked ({high})"))
        return problems

    def checker(self, question: Question):
        order = tuple(o.value for o in question.options)
        allowed = frozenset(order)
        label = {o.value: o.label for o in question.options}
        names: dict[str, str] = {_name(o.label): o.value for o in reversed(question.options)}
        names.update((_name(v), v) for v in reversed(order))  # a value wins over a label
        longest = max((len(n) for n in names), default=0) + 12
        most_text = max(1000, 4 * sum(len(n) + 2 for n in names))
        low, high = ranked_bounds(question)
        title = title_of(question)
        listed = options_phrase(question)
        count = len(order)
        if low == high:
            exactly = (
                phrase("{title}: rank all {options}", title=title, options=options_counted(low))
                if low == count
                else phrase(
                    "{title}: rank exactly {options}", title=title, options=options_counted(low)
                )
            )
            too_few = Rejected("too_few_ranked", exactly)
            too_many = Rejected("too_many_ranked", exactly)
        else:
            too_few = Rejected(
                "too_few_ranked",
                phrase(
                    "{title}: rank at least {options}", title=title, options=options_counted(low)
                ),
            )
            too_many = Rejected(
                "too_many_ranked",
                phrase(
                    "{title}: rank no more than {options}",
                    title=title,
                    options=options_counted(high),
                ),
            )
        bad_rank = Rejected(
            "not_a_number",
            phrase(
                "{title}: each rank must be a whole number from 1 to {count}",
                title=title,
                count=count,
            ),
        )

        def unknown(text: Any) -> Rejected:
            return Rejected(
                "unknown_option",
                phrase(
                    "{title}: {answer} is not one of the options ({options})",
                    title=title,
                    answer=repr(str(text).strip()[:80]),
                    options=listed,
                ),
            )

        def repeated(value: str) -> Rejected:
            return Rejected(
                "repeated_choice",
                phrase(
                    "{title}: {option} is ranked more than once; give each option one place",
                    title=title,
                    option=repr(label[value]),
                ),
            )

        def finish(ranked: list[str]) -> Any:
            if len(set(ranked)) != len(ranked):
                return repeated(next(v for i, v in enumerate(ranked) if v in ranked[:i]))
            if not ranked:
                return EMPTY
            if len(ranked) < low:
                return too_few
            if len(ranked) > high:
                return too_many
            return ranked

        def named(text: str) -> tuple[int | None, str] | None:
            """The option a piece of text names, with the place it is numbered, if any."""
            value = names.get(_name(text))
            if value is not None:
                return None, value
            found = _NUMBERED.fullmatch(text)
            if found is None or (value := names.get(_name(found[3]))) is None:
                return None
            place = found[1] or found[2]
            return (int(place) if place else None), value

        def from_text(text: str) -> Any:
            if not text.strip():
                return EMPTY
            if len(text) > most_text:
                return unknown(text)
            cuts = [m.start() for m in _SEPARATOR.finditer(text)]
            starts, ends = [0, *(c + 1 for c in cuts)], [*cuts, len(text)]
            found: list[tuple[int | None, str]] = []
            i = 0
            while i < len(starts):
                if not text[starts[i] : ends[i]].strip():
                    i += 1
                    continue
                best = None  # the longest run of pieces naming an option: labels may hold ","
                for j in range(i, len(starts)):
                    if ends[j] - starts[i] > longest:
                        break
                    if (match := named(text[starts[i] : ends[j]])) is not None:
                        best = j, match
                if best is None:
                    return unknown(text[starts[i] : ends[i]])
                i, match = best[0] + 1, best[1]
                found.append(match)
            places = [place for place, _ in found]
            if None not in places:
                if len(set(places)) != len(places):
                    return Rejected(
                        "repeated_choice",
                        phrase(
                            "{title}: two options are numbered the same; give each its own place",
                            title=title,
                        ),
                    )
                found.sort(key=lambda item: item[0])
            return finish([value for _, value in found])

        def from_ranks(ranks: Mapping[Any, Any]) -> Any:
            placed: list[tuple[int, str]] = []
            for key, rank in ranks.items():
                if key not in allowed:
                    return unknown(key)
                if rank.__class__ is str:
                    rank = rank.strip()
                    if not rank:
                        continue
                    if not (rank.isascii() and rank.isdigit() and len(rank) <= 3):
                        return bad_rank
                    rank = int(rank)
                elif rank is None:
                    continue
                elif rank.__class__ is not int:
                    return bad_rank
                if not 1 <= rank <= count:
                    return bad_rank
                placed.append((rank, key))
            if len({rank for rank, _ in placed}) != len(placed):
                return Rejected(
                    "repeated_choice",
                    phrase(
                        "{title}: two options have the same rank; give each option its own rank",
                        title=title,
                    ),
                )
            return finish([value for _, value in sorted(placed)])

        def check(value: Any) -> Any:
            if value.__class__ is list or value.__class__ is tuple:
                if all(item.__class__ is str and item in allowed for item in value):
                    return finish(list(value))
                ranked = []
                for item in value:
                    if item.__class__ is not str:
                        return Rejected(
                            "wrong_type",
                            phrase(
                                "{title}: each ranked choice must be an option value", title=title
                            ),
                        )
                    if (found := names.get(_name(item))) is None:
                        return unknown(item)
                    ranked.append(found)
                return finish(ranked)
            if value.__class__ is str:
                return from_text(value)
            if value.__class__ is dict:
                return from_ranks(value)
            if value is None:
                return EMPTY
            return Rejected(
                "wrong_type",
                phrase(
                    "{title}: give the options in order of preference, not a {what}",
                    title=title,
                    what=what(value),
                ),
            )

        check.controls_checked = True  # only option values come back: see QuestionKind
        return check
