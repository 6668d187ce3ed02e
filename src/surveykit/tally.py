"""Counting current responses for reports: what to count, and a portable way to count it.

A report needs, for every question, how many responses gave each option (or wrote something),
left it unanswered, or were never shown it, split by role and authority type (the response's
own answers where the spec asks for them, else its respondent's: :meth:`TallyPlan.group_of`),
and for every cell *which authorities* it holds (a council's leader and chief executive are one
authority).  Stores count at one fine grain, :class:`TallyRow`: a count per question, value,
role, authority type and authority *unit*; the report rolls those up.  The number of rows grows
with the number of authorities and options, never with the number of responses, so a store can
count in SQL and hand back a small result, and the portable :func:`tally_rows` streams.

The values a row can carry besides an option value:

- ``ANSWERED``: a question without options (free text) was answered;
- ``RESPONDENTS``: for a question with several answers (``multi``), one per responding answer
  set, since option counts then add up to more than the respondents;
- ``SHOWN``: for a question with a ``shown_if``, one per response that was shown it;
- ``ALL`` under question ``ALL``: one per response; ``WEEK`` rows count responses by the
  Monday (in the consultation's time zone) of the week they were received.

Counting is over answer *parts* (:func:`surveykit.kinds.parts_of`): a grid's rows are counted as
the single-choice questions they are.  A ranking is counted by its first choice, and under the
pseudo-question ``QID#N`` (:func:`rank_key`) by the option ranked N-th; a number or a date by
its value (so the report can bin it and find its quartiles).  Never counted: the parts the spec
marks identifying, answers of identifying kinds (email, phone, postcode), and a sensitive
question's "other" words, which are never quoted.

Stored answers are always cleaned, so a question's condition evaluated on them says whether it
was shown, and an absent answer to a shown question is "not answered".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from collections import Counter, _count_elements  # type: ignore[attr-defined]
from collections.abc import Iterable, Iterator
from itertools import chain, repeat
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from attrs import frozen

from .conditions import Answered, Condition, compile_condition, references, walk
from .kinds import answer_type, parts_of
from .model import Consultation, Question
from .plugins import Registry, get_plugins

__all__ = [
    "ALL",
    "ANSWERED",
    "IDENTIFYING_KINDS",
    "RESPONDENTS",
    "SHOWN",
    "WEEK",
    "ReportRow",
    "TallyPlan",
    "TallyRow",
    "TextChooser",
    "TextRequest",
    "TextRow",
    "choose_texts",
    "counted_parts",
    "identifying",
    "rank_key",
    "tally_rows",
    "text_rank",
    "unit_of",
    "week_of",
]

ANSWERED = "_answered"
RESPONDENTS = "_respondents"
SHOWN = "_shown"
ALL = "_all"
WEEK = "_week"
#: Kinds whose answers identify a person: never counted or published in any form, whatever
#: the spec says.  A kind of a plugin's may say so itself with ``identifying = True``.
IDENTIFYING_KINDS = frozenset({"email", "phone", "uk_postcode"})


def rank_key(question: str, position: int) -> str:
    """The pseudo-question under which a ranking's ``position``-th choices are counted (from
    1): ``#`` can never appear in an answer key, so it clashes with nothing."""
    return f"{question}#{position}"


def unit_of(authority: str, respondent_id: str) -> str:
    """The authority a response counts towards: its name, trimmed and lower-cased.

    A respondent with no authority is a unit of their own.  The SQL backends compute the same
    thing as ``lower(trim(authority))``.
    """
    name = authority.strip(" ").lower()
    return name if name else f"id:{respondent_id}"


def week_of(when: dt.datetime, zone: Any) -> str:
    """The ISO date of the Monday starting the week ``when`` falls in, in time zone ``zone``."""
    day = when.astimezone(zone).date()
    return (day - dt.timedelta(days=day.weekday())).isoformat()


class ReportRow(NamedTuple):
    """One current response with what reports need to know about who sent it.

    Only ever read inside report building: ``name`` is used to redact the respondent's own name
    from their words, never published (nor shown by ``repr``).  A named tuple, not a frozen
    attrs class: a report makes one per response, and those took five times as long to make.
    """

    respondent_id: str
    answers: dict[str, Any]
    role: str
    authority_type: str
    authority: str
    origin: str
    channel: str
    received_at: dt.datetime
    name: str = ""

    @property
    def unit(self) -> str:
        return unit_of(self.authority, self.respondent_id)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields if f != "name")
        return f"ReportRow({shown})"


class TextRow(NamedTuple):
    """A free-text answer chosen for a digest, with who wrote it and how many could have been.

    ``answered`` is how many responses passing the filter answered ``question`` at all.
    """

    question: str
    text: str
    respondent_id: str
    name: str
    authority: str
    consent: Any
    answered: int


def text_rank(question: str, text: str) -> str:
    """The order in which free-text answers are chosen: a hash of the text, never time or
    author, so a selection says nothing about who answered or when.  SQL backends compute the
    same ``md5`` hex."""
    return hashlib.md5(f"{question}:{text}".encode()).hexdigest()


@frozen
class TextRequest:
    """Which free-text answers a digest asks for (see :meth:`surveykit.storage.Store.texts`)."""

    questions: tuple[str, ...]
    consent: str | None = None
    permitted: tuple[str, ...] = ()
    limit: int = 200

    def admits(self, row: ReportRow) -> bool:
        """Whether ``row``'s answers may be quoted: its consent answer is a permitted one."""
        return self.consent is None or row.answers.get(self.consent) in self.permitted


class TextChooser:
    """Keeps the ``limit`` lowest-ranked non-blank answers to each question of the rows it is
    given, one row at a time, so choosing can ride along any pass over the responses."""

    def __init__(self, questions: Iterable[str], consent: str | None, limit: int) -> None:
        self._consent = consent
        self._limit = limit
        self._chosen: dict[str, list[_Largest]] = {q: [] for q in questions}
        self._answered = dict.fromkeys(self._chosen, 0)
        self._prefixes = {qid: f"{qid}:".encode() for qid in self._chosen}
        self._questions = frozenset(self._chosen)

    def add(self, row: ReportRow) -> None:
        md5, limit, answered, prefixes = hashlib.md5, self._limit, self._answered, self._prefixes
        answers = row.answers
        # Only the questions this response answered (most answer few): each keeps its own heap.
        for qid in answers.keys() & self._questions:
            text = answers[qid]
            if text.__class__ is not str or not text.strip():
                continue
            heap = self._chosen[qid]
            answered[qid] += 1
            rank = md5(prefixes[qid] + text.encode()).hexdigest()  # text_rank, inlined
            item = (rank, row.respondent_id, row, text)
            if len(heap) < limit:
                heapq.heappush(heap, _Largest(item))
            elif item < heap[0].item:
                heapq.heapreplace(heap, _Largest(item))

    def chosen(self) -> Iterator[TextRow]:
        """Each question's kept answers in rank order (ties by respondent id)."""
        consent = self._consent
        for qid, heap in self._chosen.items():
            for entry in sorted(heap, key=lambda e: e.item[:2]):
                _, rid, row, text = entry.item
                value = row.answers.get(consent) if consent else None
                yield TextRow(qid, text, rid, row.name, row.authority, value, self._answered[qid])


def choose_texts(
    rows: Iterable[ReportRow], questions: Iterable[str], consent: str | None, limit: int
) -> Iterator[TextRow]:
    """The ``limit`` lowest-ranked non-blank answers to each question: the portable way."""
    chooser = TextChooser(questions, consent, limit)
    for row in rows:
        chooser.add(row)
    return chooser.chosen()


class _Largest:
    """Inverts the order so ``heapq`` (a min-heap) keeps the largest kept item on top."""

    __slots__ = ("item",)

    def __init__(self, item: tuple) -> None:
        self.item = item

    def __lt__(self, other: _Largest) -> bool:
        return self.item[:2] > other.item[:2]


class TallyRow(NamedTuple):
    """``n`` responses counted under ``question`` and ``value`` for one role, type and unit."""

    question: str
    value: str
    role: str
    authority_type: str
    unit: str
    n: int


@frozen
class TallyPlan:
    """What to count for a consultation: derived from its spec, shared by every backend.

    ``counted`` are answer keys (parts) in spec order (identifying ones left out);
    ``options`` those whose answers are option values; ``multiple`` those whose answers are
    lists of them; ``conditions`` the ``shown_if`` of each conditional counted part.
    ``rankings`` are counted by their first choice and by the option at each position
    (:func:`rank_key`, up to ``positions``); ``values`` (numbers and dates) by their value;
    ``others`` ("other" text parts) only as answered, for their quotes, never as a table.

    ``role_answer`` and ``type_answer`` are the questions the spec's ``[roster]`` table says
    ask a respondent's role and type of authority, with the values that name one.  A response
    is counted in the group its own answer names, wherever it gives one, and in its
    respondent's record's group otherwise: the roster fills those answers in, but the
    respondent's own correction wins, in reports as on every channel (see
    :mod:`surveykit.known`).
    """

    consultation: str
    counted: tuple[str, ...]
    options: frozenset[str]
    multiple: frozenset[str]
    conditions: tuple[tuple[str, Condition], ...]
    timezone: str
    role_answer: tuple[str, frozenset[str]] | None = None
    type_answer: tuple[str, frozenset[str]] | None = None
    rankings: frozenset[str] = frozenset()
    positions: tuple[tuple[str, int], ...] = ()
    values: frozenset[str] = frozenset()
    others: frozenset[str] = frozenset()

    def group_of(self, row: ReportRow) -> tuple[str, str]:
        """The role and type of authority a response is counted under: its answers, where
        they name one, else its respondent's."""
        return (
            _answered(row.answers, self.role_answer, row.role),
            _answered(row.answers, self.type_answer, row.authority_type),
        )

    @classmethod
    def of(cls, consultation: Consultation, kinds: Registry[Any] | None = None) -> TallyPlan:
        kinds = kinds if kinds is not None else get_plugins().kinds
        counted = counted_parts(consultation, kinds)
        types = {q.id: answer_type(q, kinds) for q in counted}
        multiple = frozenset(
            q.id for q in counted if q.options and getattr(kinds.get(q.kind), "multiple", False)
        )
        rankings = frozenset(q.id for q in counted if types[q.id] == "ranking")
        return cls(
            consultation=consultation.metadata.id,
            counted=tuple(q.id for q in counted),
            options=frozenset(q.id for q in counted if q.options and q.id not in rankings),
            multiple=multiple - rankings,
            conditions=tuple((q.id, q.condition) for q in counted if q.condition is not None),
            timezone=consultation.metadata.timezone,
            role_answer=_grouping(consultation, consultation.roster.role, consultation.roles),
            type_answer=_grouping(
                consultation, consultation.roster.authority_type, consultation.authority_types
            ),
            rankings=rankings,
            positions=tuple(
                (q.id, _positions(q)) for q in counted if q.id in rankings and q.options
            ),
            values=frozenset(q.id for q in counted if types[q.id] in ("number", "date", "month")),
            others=frozenset(q.id for q in counted if "other_of" in q.settings),
        )


def identifying(question: Question, consultation: Consultation, kinds: Any) -> bool:
    """Whether a part's answers identify someone: the spec lists it (or the question it is a
    part of) in ``[publication] identifying``, or its kind holds contact details.  A kind the
    registry does not know counts as identifying: what cannot be vouched for is not published."""
    listed = set(consultation.publication.identifying)
    owner = question.settings.get("row_of") or question.settings.get("other_of")
    kind = kinds.get(question.kind)
    return (
        question.id in listed
        or owner in listed
        or question.kind in IDENTIFYING_KINDS
        or kind is None
        or bool(getattr(kind, "identifying", False))
    )


def counted_parts(consultation: Consultation, kinds: Any) -> tuple[Question, ...]:
    """The parts a report counts, in spec order: every part of every question, less those
    that identify someone, and less a sensitive question's own words (never quoted)."""
    return tuple(
        part
        for question in consultation.questions
        for part in parts_of(question, kinds)
        if not identifying(part, consultation, kinds)
        and not (part.sensitive and "other_of" in part.settings)
    )


def _positions(question: Question) -> int:
    most = question.settings.get("max_ranked")
    n = len(question.options)
    return min(most, n) if isinstance(most, int) and not isinstance(most, bool) else n


def _grouping(
    consultation: Consultation, question_id: str | None, vocabulary: tuple[Any, ...]
) -> tuple[str, frozenset[str]] | None:
    """The question that asks for a roster column, and the answers that name one of its values
    (the question's options, among the spec's vocabulary for that column when it has one)."""
    question = consultation.by_id.get(question_id or "")
    if question is None or not question.options:
        return None
    values = frozenset(o.value for o in question.options)
    if vocabulary:
        values &= frozenset(choice.value for choice in vocabulary)
    return (question.id, values) if values else None


def _answered(
    answers: dict[str, Any], asked: tuple[str, frozenset[str]] | None, recorded: str
) -> str:
    if asked is None:
        return recorded
    value = answers.get(asked[0])
    return value if value.__class__ is str and value in asked[1] else recorded


def tally_rows(plan: TallyPlan, rows: Iterable[ReportRow]) -> Iterator[TallyRow]:
    """Count ``rows`` (current responses) in one streaming pass: the portable implementation.

    Per response the work is a handful of C-level calls: a :class:`~collections.Counter` per
    (role, type, authority) is updated with the response's (question, option) pairs and the
    free texts it answered; which conditional questions it was shown is looked up by the
    answers those conditions read, evaluated once per distinct combination.  Memory grows with
    the number of groups, options and combinations, never with the number of responses.
    """
    zone = ZoneInfo(plan.timezone)
    singles = tuple(
        q
        for q in plan.counted
        if (q in plan.options or q in plan.values) and q not in plan.multiple
    )
    multiple = tuple(q for q in plan.counted if q in plan.multiple)
    rankings = tuple(
        (q, tuple(rank_key(q, n + 1) for n in range(most))) for q, most in plan.positions
    )
    texts = frozenset(plan.counted) - plan.options - plan.values - plan.rankings
    compiled = [(q, compile_condition(c)) for q, c in plan.conditions]
    read = tuple(sorted({ref for _, c in plan.conditions for ref in references(c)}))
    # A question a condition only asks ``answered(q)`` of is looked up by presence alone (its
    # text need not be part of the cache key); any other is looked up by its value.
    by_value = {
        leaf.question
        for _, c in plan.conditions
        for leaf in walk(c)
        if hasattr(leaf, "question") and not isinstance(leaf, Answered)
    }
    value_reads = tuple(q for q in read if q in by_value)
    presence_reads = tuple(q for q in read if q not in by_value)
    shown_by: dict[tuple, tuple[tuple[str, str], ...]] = {}
    weeks: dict[int, str] = {}
    units: dict[str, str] = {}
    groups: dict[tuple[str, str, str], Counter] = {}
    role_q, roles = plan.role_answer or (None, frozenset())
    type_q, kinds = plan.type_answer or (None, frozenset())
    count = _count_elements  # Counter.update without its Python-level checks, once per row
    for row in rows:
        answers = row.answers
        role, kind = row.role, row.authority_type
        if role_q is not None:  # TallyPlan.group_of, inlined: the answer wins where it names one
            given = answers.get(role_q)
            if given.__class__ is str and given in roles:
                role = given
        if type_q is not None:
            given = answers.get(type_q)
            if given.__class__ is str and given in kinds:
                kind = given
        unit = units.get(row.authority)
        if unit is None:
            unit = unit_of(row.authority, row.respondent_id)
            if not unit.startswith("id:") and len(units) < _CACHE_LIMIT:
                units[row.authority] = unit
        group = (role, kind, unit)
        counter = groups.get(group)
        if counter is None:
            counter = groups[group] = Counter()
        minute = int(row.received_at.timestamp()) // 60
        week = weeks.get(minute)
        if week is None:
            if len(weeks) > _CACHE_LIMIT:
                weeks.clear()
            week = weeks[minute] = week_of(row.received_at, zone)
        counter[week] += 1
        values = tuple(map(answers.get, singles))
        try:
            hash(values)
        except TypeError:  # a list where one answer was expected: count it as its text
            values = tuple(map(_hashable, values))
        shown: tuple[tuple[str, str], ...] = ()
        if compiled:
            key = (
                tuple(map(answers.get, value_reads, repeat(_ABSENT))),
                tuple(map(answers.__contains__, presence_reads)),
            )
            try:
                found = shown_by.get(key)
            except TypeError:  # a list answer: looked up as a tuple
                key = (tuple(map(_hashable, key[0])), key[1])
                found = shown_by.get(key)
            if found is None:
                if len(shown_by) > _CACHE_LIMIT:
                    shown_by.clear()
                found = shown_by[key] = _shown(compiled, value_reads, presence_reads, key)
            shown = found
        count(counter, chain(zip(singles, values, strict=True), answers.keys() & texts, shown))
        for qid in multiple:
            value = answers.get(qid)
            if value.__class__ is list:
                counter[(qid, RESPONDENTS)] += 1
                count(counter, ((qid, str(item)) for item in value))
            elif value is not None:
                counter[(qid, str(value))] += 1
        for qid, keys in rankings:
            value = answers.get(qid)
            if value.__class__ is list and value:
                counter[(qid, str(value[0]))] += 1
                count(counter, zip(keys, map(str, value), strict=False))
    for (role, kind, unit), counter in groups.items():
        for item, n in counter.items():
            if item.__class__ is str:
                if item in texts:
                    yield TallyRow(item, ANSWERED, role, kind, unit, n)
                else:  # a week
                    yield TallyRow(WEEK, item, role, kind, unit, n)
                    continue
            else:
                qid, value = item
                if value is None:
                    continue
                if value.__class__ is not str:
                    value = str(_thaw(value))
                yield TallyRow(qid, value, role, kind, unit, n)
        total = sum(n for item, n in counter.items() if item.__class__ is str and item not in texts)
        yield TallyRow(ALL, ALL, role, kind, unit, total)


def _shown(
    compiled: list[tuple[str, Any]],
    value_reads: tuple[str, ...],
    presence_reads: tuple[str, ...],
    key: tuple[tuple[Any, ...], tuple[bool, ...]],
) -> tuple[tuple[str, str], ...]:
    """The (question, SHOWN) pairs of the conditional questions shown to a response whose
    conditions read ``key``: values (``_ABSENT`` where unanswered) and presences."""
    seen = {
        q: _thaw(v)
        for q, v in zip(value_reads, key[0], strict=True)
        if v is not _ABSENT and v is not False
    }
    seen.update((q, "") for q, present in zip(presence_reads, key[1], strict=True) if present)
    return tuple((qid, SHOWN) for qid, condition in compiled if condition(seen))


#: Lookups kept at most this long, so memory stays flat over any number of responses.
_CACHE_LIMIT = 100_000
#: Marks an unanswered question in a condition's lookup key (``None`` could be an answer).
_ABSENT = object()


def _hashable(value: Any) -> Any:
    return tuple(value) if value.__class__ is list else value


def _thaw(value: Any) -> Any:
    return list(value) if value.__class__ is tuple else value
