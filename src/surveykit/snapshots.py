"""Report counts kept between reports, so each report reads only what changed since the last.

A report's counts (:class:`~surveykit.tally.TallyRow`) are sums over current responses, one
contribution per response.  So counts made once can be brought up to date from the responses
that changed since: take away what each changed respondent contributed then, add what they
contribute now.  A store that supports this keeps, by database triggers on every write whatever
code makes it, a log of *changes*: for each new submission (or changed respondent), which
version was current before and the role, type and authority the respondent had.  The first
change of a respondent after a snapshot is therefore exactly what the snapshot counted for them.

A snapshot holds, for one tally plan and quote request (its *key*):

- every tally row's count;
- for each quoted question, how many answers there are and the lowest-ranked ``2 * limit`` of
  them (rank and respondent id only, never the words): a *pool* that is always the lowest
  ``len(pool)`` answers of the current ones.  Taking an answer away keeps that true; a new
  answer joins when it ranks below the pool's highest, or when the pool holds every answer.
  While the pool holds at least ``limit`` answers (or all of them), the quotes are its first
  ``limit``; otherwise everything is counted again.

Everything is read inside one consistent read of the store (:meth:`Store.report_snapshot`), so
the counts, the changes and the marker saved with the new snapshot agree.  Anything a snapshot
cannot follow (an erasure, a purge, anonymising: any deletion) drops the consultation's
snapshots, by trigger too, and the next report counts everything again, as it does when the
plan changes (a new spec), a count would go below zero, or more than a quarter of the
responses changed.  Nothing here does I/O: stores implement :class:`SnapshotRead`.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import zlib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
import orjson

from .errors import StorageError
from .tally import ALL, ReportRow, TallyPlan, TallyRow, TextRequest, TextRow, tally_rows, text_rank

if TYPE_CHECKING:
    from .storage import Store

__all__ = [
    "Change",
    "Snapshot",
    "SnapshotRead",
    "first_changes",
    "kept_tally_and_texts",
    "snapshot_key",
]

#: Bumped whenever what a snapshot holds, or how it is encoded, changes.
FORMAT = 1
#: How many answers per quoted question a snapshot keeps, as a multiple of the quotes shown.
POOL_DEPTH = 2
#: Beyond this share of the counted responses changed, counting everything is cheaper.
MOST_CHANGED = 0.25
#: Changed respondents read per step of a catch-up, so memory stays flat.
CHUNK = 2_000


class Change(NamedTuple):
    """What a snapshot counted for one respondent who changed since it was taken: the version
    current then (0: none) and the respondent's role, type of authority and authority then."""

    respondent_id: str
    version: int
    role: str
    authority_type: str
    authority: str


class SnapshotRead(ABC):
    """One consistent read of a store for a report (see :meth:`Store.report_snapshot`).

    ``saved`` is the body kept under the key asked for (``None``: none), ``marker`` what the
    store needs to find the changes after this read; both are opaque here.
    """

    saved: bytes | None
    marker: str

    @abstractmethod
    def changes(self) -> list[Change]:
        """The first change of each respondent after ``saved`` was taken (empty without one)."""

    @abstractmethod
    def current(self, respondent_ids: Sequence[str]) -> Iterator[ReportRow]:
        """The current responses of these respondents (those who have one), with who they are."""

    @abstractmethod
    def counted(self, changes: Sequence[Change]) -> Iterator[ReportRow]:
        """The responses as ``changes`` say the snapshot counted them (version 0 gives none)."""

    @abstractmethod
    def everything(
        self, plan: TallyPlan, request: TextRequest | None
    ) -> tuple[list[TallyRow], list[TextRow]]:
        """:meth:`Store.tally` and :meth:`Store.texts` for the whole consultation."""


def first_changes(rows: Iterable[Sequence[Any]]) -> list[Change]:
    """Each respondent's first change, from rows of (respondent id, version, role, type,
    authority) in the order the changes were made: what a snapshot counted for them."""
    first: dict[str, Change] = {}
    for row in rows:
        if row[0] not in first:
            first[row[0]] = Change(*row)
    return list(first.values())


def snapshot_key(plan: TallyPlan, request: TextRequest | None) -> str:
    """A digest of what is counted and quoted, the same in every process: a snapshot made for
    another plan (a changed spec) or request is never used."""
    canonical = orjson.dumps([FORMAT, _canonical(plan), _canonical(request)])
    return hashlib.sha256(canonical).hexdigest()[:32]


def _canonical(value: Any) -> Any:
    """``value`` as JSON-able data whose encoding does not depend on the hash seed."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return [
            type(value).__name__,
            [[f.name, _canonical(getattr(value, f.name))] for f in fields],
        ]
    if isinstance(value, frozenset | set):
        return ["set", sorted((_canonical(v) for v in value), key=repr)]
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return [[_canonical(k), _canonical(v)] for k, v in sorted(value.items(), key=repr)]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


@attrs.define
class Snapshot:
    """Counts of current responses and each quoted question's pool of lowest-ranked answers."""

    counts: Counter[tuple[str, str, str, str, str]]
    answered: dict[str, int]
    pools: dict[str, list[tuple[str, str]]]

    @classmethod
    def of(cls, tallied: Iterable[TallyRow], texts: Iterable[TextRow], questions: Sequence[str]):
        counts: Counter[tuple[str, str, str, str, str]] = Counter()
        for row in tallied:
            counts[row[:5]] += row.n
        answered = dict.fromkeys(questions, 0)
        pools: dict[str, list[tuple[str, str]]] = {q: [] for q in questions}
        for text in texts:
            answered[text.question] = text.answered
            pools[text.question].append((text_rank(text.question, text.text), text.respondent_id))
        for pool in pools.values():
            pool.sort()
        return cls(counts, answered, pools)

    def encode(self) -> bytes:
        body = {
            "counts": [[*key, n] for key, n in self.counts.items()],
            "answered": self.answered,
            "pools": self.pools,
        }
        return zlib.compress(orjson.dumps(body), 1)

    @classmethod
    def decode(cls, data: bytes) -> Snapshot | None:
        """The snapshot ``data`` holds; ``None`` for anything unreadable (it is recounted)."""
        try:
            body = orjson.loads(zlib.decompress(data))
            counts = Counter({tuple(row[:5]): row[5] for row in body["counts"]})
            pools = {q: [tuple(item) for item in pool] for q, pool in body["pools"].items()}
            return cls(counts, dict(body["answered"]), pools)  # type: ignore[arg-type]
        except (zlib.error, orjson.JSONDecodeError, KeyError, TypeError, IndexError):
            return None

    def tally(self) -> list[TallyRow]:
        return [TallyRow(*key, n) for key, n in self.counts.items()]

    def responses(self) -> int:
        return sum(n for key, n in self.counts.items() if key[0] == key[1] == ALL)

    # Bringing it up to date -----------------------------------------------------------------

    def apply(
        self,
        plan: TallyPlan,
        request: TextRequest | None,
        before: Sequence[ReportRow],
        after: Sequence[ReportRow],
    ) -> bool:
        """Take away ``before``'s contributions and add ``after``'s; ``False`` if a count
        would go below zero (the snapshot did not count what the changes say it did)."""
        self.counts.subtract({row[:5]: row.n for row in tally_rows(plan, before)})
        for row in tally_rows(plan, after):
            self.counts[row[:5]] += row.n
        if request is not None:
            for row in before:
                for question, rank in _ranked(request, row):
                    self._drop(question, (rank, row.respondent_id))
            for row in after:
                for question, rank in _ranked(request, row):
                    self._add(question, (rank, row.respondent_id), POOL_DEPTH * request.limit)
        return (
            min(self.counts.values(), default=0) >= 0
            and min(self.answered.values(), default=0) >= 0
        )

    def _drop(self, question: str, item: tuple[str, str]) -> None:
        pool = self.pools.setdefault(question, [])
        self.answered[question] = self.answered.get(question, 0) - 1
        at = bisect.bisect_left(pool, item)
        if at < len(pool) and pool[at] == item:
            del pool[at]

    def _add(self, question: str, item: tuple[str, str], depth: int) -> None:
        pool = self.pools.setdefault(question, [])
        answered = self.answered.get(question, 0)
        if len(pool) == answered or (pool and item < pool[-1]):
            bisect.insort(pool, item)
            if len(pool) > depth:
                pool.pop()
        self.answered[question] = answered + 1

    def settle(self) -> None:
        """Forget counts that reached zero: a group nobody is in is not a group."""
        for key in [key for key, n in self.counts.items() if n == 0]:
            del self.counts[key]

    def chosen(self, request: TextRequest) -> dict[str, list[str]] | None:
        """Each quoted question's chosen respondents, in rank order; ``None`` when a pool has
        run short and the texts must be chosen again from everything."""
        found = {}
        for question in request.questions:
            pool = self.pools.get(question, [])
            if len(pool) < min(request.limit, self.answered.get(question, 0)):
                return None
            found[question] = [rid for _, rid in pool[: request.limit]]
        return found


def _ranked(request: TextRequest, row: ReportRow) -> Iterator[tuple[str, str]]:
    """The (question, rank) of each answer of ``row`` the request may quote."""
    if not request.admits(row):
        return
    for question in request.questions:
        text = row.answers.get(question)
        if text.__class__ is str and text.strip():
            yield question, text_rank(question, text)


# Using it ---------------------------------------------------------------------------------


def kept_tally_and_texts(
    store: Store, plan: TallyPlan, request: TextRequest | None
) -> tuple[list[TallyRow], list[TextRow]]:
    """What :meth:`Store.tally` and :meth:`Store.texts` give, from the store's kept snapshot
    brought up to date where it has one, and the snapshot kept again for the next report.

    A store without snapshots (:meth:`Store.report_snapshot` gives ``None``) counts everything.
    """
    key = snapshot_key(plan, request)
    try:
        reading = store.report_snapshot(plan.consultation, key)
    except StorageError:  # e.g. a read-only copy of the store: count everything instead
        reading = None
    if reading is None:
        return store.tally_and_texts(plan, request)
    with reading as read:
        snapshot = Snapshot.decode(read.saved) if read.saved is not None else None
        changed = False
        if snapshot is not None:
            caught_up = _catch_up(snapshot, read, plan, request)
            if caught_up is None or (request is not None and snapshot.chosen(request) is None):
                snapshot = None
            else:
                changed = caught_up
        if snapshot is None:
            deeper = None
            if request is not None:
                deeper = attrs.evolve(request, limit=POOL_DEPTH * request.limit)
            tallied, pooled = read.everything(plan, deeper)
            questions = request.questions if request is not None else ()
            snapshot = Snapshot.of(tallied, pooled, questions)
            texts = _first(pooled, request)
            changed = True
        else:
            texts = _texts(snapshot, read, request)
        marker = read.marker
    if changed:
        # A read-only store still reports; it counts everything next time too.
        with contextlib.suppress(StorageError):
            store.keep_report_snapshot(plan.consultation, key, marker, snapshot.encode())
    return snapshot.tally(), texts


def _catch_up(
    snapshot: Snapshot, read: SnapshotRead, plan: TallyPlan, request: TextRequest | None
) -> bool | None:
    """Bring ``snapshot`` up to date from the read's changes, in place: whether anything
    changed, or ``None`` when it cannot be (count everything instead)."""
    changes = read.changes()
    if not changes:
        return False
    if len(changes) > MOST_CHANGED * max(snapshot.responses(), 1):
        return None
    for start in range(0, len(changes), CHUNK):
        chunk = changes[start : start + CHUNK]
        before = list(read.counted(chunk))
        after = list(read.current([c.respondent_id for c in chunk]))
        if not snapshot.apply(plan, request, before, after):
            return None
    snapshot.settle()
    return True


def _texts(snapshot: Snapshot, read: SnapshotRead, request: TextRequest | None) -> list[TextRow]:
    """The chosen answers in full, read afresh: a snapshot keeps no words."""
    if request is None:
        return []
    chosen = snapshot.chosen(request) or {}
    wanted = sorted({rid for rids in chosen.values() for rid in rids})
    rows = {row.respondent_id: row for row in read.current(wanted)}
    texts = []
    for question, rids in chosen.items():
        for rid in rids:
            row = rows[rid]
            consent = row.answers.get(request.consent) if request.consent else None
            texts.append(
                TextRow(
                    question,
                    row.answers[question],
                    rid,
                    row.name,
                    row.authority,
                    consent,
                    snapshot.answered[question],
                )
            )
    return texts


def _first(pooled: Iterable[TextRow], request: TextRequest | None) -> list[TextRow]:
    """The first ``limit`` of each question's deeper choice: what the request itself gives."""
    if request is None:
        return []
    taken: Counter[str] = Counter()
    found = []
    for row in pooled:
        if taken[row.question] < request.limit:
            taken[row.question] += 1
            found.append(row)
    return found
