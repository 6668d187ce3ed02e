"""Helpers for people testing surveykit consultations and plugins, and the storage conformance
suite.  (The fixtures pytest loads in every session are in :mod:`surveykit.pytest_plugin`.)

A storage plugin proves it keeps every promise of
:mod:`surveykit.storage` by subclassing :class:`StoreConformance` (or, for a store that outlives
its object, :class:`PersistentStoreConformance`) in a test module and giving it a
``store_factory`` fixture: a callable returning a new, empty store each time it is called::

    from surveykit.testing import PersistentStoreConformance

    class TestMyStore(PersistentStoreConformance):
        @pytest.fixture
        def store_factory(self, tmp_path):
            return lambda: open_store(f"mine://{tmp_path}/{uuid.uuid4().hex}")

The suite closes every store it opens.  Its stateful test needs Hypothesis.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from .model import Consultation
    from .storage import Store

__all__ = [
    "PersistentStoreConformance",
    "StoreConformance",
    "audit_entry",
    "release_fields",
    "storage_state_machine",
]

StoreFactory = Callable[[], "Store"]
T = TypeVar("T")


def spec_path(name: str, root: str | Path = ".") -> Path:
    """The path of ``specs/<name>.toml`` under ``root``."""
    return Path(root) / "specs" / f"{name}.toml"


# Storage conformance ------------------------------------------------------------------------

#: An instant with microseconds, so a store that drops precision is caught.
T0 = dt.datetime(2030, 1, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)


def _at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def respondent(rid: str | None = None, consultation: str = "c1", **details: Any):
    """A respondent with full details (and, if given, a chosen id) for storage tests."""
    from .identity import Respondent

    fields: dict[str, Any] = {
        "consultation": consultation,
        "authority": "Kent County Council",
        "authority_type": "county",
        "role": "leader",
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "consent": "quote_anonymous",
        "origin": "roster",
        "created_at": T0,
        **details,
    }
    if rid is not None:
        fields["id"] = rid
    return Respondent(**fields)


def new_submission(who, answers: dict[str, Any] | None = None, minute: int = 0, **kw: Any):
    """A submission of ``answers`` (default ``{"q1": "yes"}``) for respondent ``who``."""
    from .storage import NewSubmission

    fields: dict[str, Any] = {
        "consultation": who.consultation,
        "respondent_id": who.id,
        "answers": {"q1": "yes"} if answers is None else answers,
        "channel": "web",
        "submitted_at": _at(minute),
        "received_at": _at(minute),
        **kw,
    }
    return NewSubmission(**fields)


def release_fields(n: int = 0, **kw: Any) -> dict[str, Any]:
    """The keywords of :meth:`~surveykit.storage.Store.record_release` for a small report,
    the ``n``-th: its texts say which it is, so every release of a test is told apart."""
    fields: dict[str, Any] = {
        "published_at": _at(n),
        "format": ("json", "csv", "html")[n % 3],
        "threshold": 5 + n % 3,
        "public": json.dumps({"report": n, "respondents": 10 + n}),
        "audit": json.dumps({"report": n, "cells": [[n, 10 + n]]}),
        **kw,
    }
    return fields


#: A keyed hash as an audit entry holds one (64 hex digits), for storage tests.
AUDIT_SUBJECT = "5e" * 32


def audit_entry(n: int = 0, consultation: str = "c1", **kw: Any):
    """The ``n``-th :class:`~surveykit.audit.AuditEntry` of a test, told apart by its detail;
    every other one names a person (by a hash), the rest a whole consultation."""
    from .audit import ACTIONS, AuditEntry

    actions = tuple(ACTIONS)
    fields: dict[str, Any] = {
        "consultation": consultation,
        "recorded_at": _at(n),
        "officer": f"officer{n % 3}",
        "action": actions[n % len(actions)],
        "subject": AUDIT_SUBJECT if n % 2 == 0 else None,
        "detail": f"entry {n}",
        **kw,
    }
    return AuditEntry(**fields)


def at_once(work: Callable[[int], T], count: int = 4) -> list[T]:
    """``work(0)`` to ``work(count - 1)``, run in threads released together; their results in
    that order.  The first exception any of them raised is raised here, once all have ended."""
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = work(n)
        except BaseException as exc:  # pragma: no cover - raised below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


class StoreConformance:
    """The promises every store keeps.  Subclass it and provide a ``store_factory`` fixture."""

    @pytest.fixture
    def store(self, store_factory: StoreFactory) -> Iterator[Store]:
        with store_factory() as store:
            yield store

    @staticmethod
    def enrol(store: Store, *people, minute: int = 0) -> list[str]:
        """Grant each respondent a link; returns the token hashes, one per respondent."""
        from .storage import Grant

        hashes = [f"hash-{p.id}-{minute}" for p in people]
        store.grant([Grant(p, h, _at(minute)) for p, h in zip(people, hashes, strict=True)])
        return hashes

    # Identity ---------------------------------------------------------------------------------

    def test_a_granted_token_leads_to_its_respondent(self, store):
        """We grant a link, then its hash finds the respondent with every detail intact."""
        ada = respondent("r1")
        [token_hash] = self.enrol(store, ada)
        record = store.lookup_token(token_hash)
        assert record.respondent == ada
        assert (record.respondent.name, record.respondent.email) == (
            "Ada Lovelace",
            "ada@example.org",
        )
        assert record.token_hash == token_hash
        assert record.issued_at == T0
        assert record.revoked_at is None
        assert store.respondent("r1") == ada

    def test_a_visit_reads_the_link_the_draft_and_the_response_together(self, store):
        """A visit by a token hash finds what the three separate reads find, in every state."""
        from .storage import Draft

        ada, bob = respondent("r1"), respondent("r2")
        first_ada, first_bob = self.enrol(store, ada, bob)

        def same_as_three_reads(token_hash: str) -> None:
            visit = store.visit(token_hash)
            record = store.lookup_token(token_hash)
            rid = record.respondent.id
            assert visit.token == record
            assert (visit.draft, visit.response) == (store.load_draft(rid), store.response(rid))

        same_as_three_reads(first_ada)
        store.save_draft(Draft("r1", {"q1": "yes"}, _at(1)))
        same_as_three_reads(first_ada)
        store.append_submission(new_submission(ada, {"q1": "no"}, minute=2))
        store.append_submission(new_submission(ada, {"q1": "yes"}, minute=3))
        store.save_draft(Draft("r1", {"q1": "no"}, _at(4)))
        same_as_three_reads(first_ada)
        assert store.visit(first_ada).response.version == 2
        [second_ada] = self.enrol(store, ada, minute=5)
        same_as_three_reads(first_ada)
        assert store.visit(first_ada).token.live is False
        same_as_three_reads(second_ada)
        bobs = store.visit(first_bob)
        assert (bobs.token.respondent, bobs.draft, bobs.response) == (bob, None, None)
        assert store.visit("hash-nobody") is None

    def test_an_unknown_token_hash_finds_nobody(self, store):
        """A hash never granted finds nothing, and an unknown id no respondent."""
        self.enrol(store, respondent("r1"))
        assert store.lookup_token("hash-nobody") is None
        assert store.respondent("nobody") is None

    def test_reissuing_revokes_the_old_link_and_keeps_the_respondent(self, store):
        """A second grant revokes the first link at the new issue time and keeps the details."""
        ada = respondent("r1")
        [first] = self.enrol(store, ada, minute=0)
        changed = respondent("r1", name="Someone Else")
        [second] = self.enrol(store, changed, minute=5)
        old, new = store.lookup_token(first), store.lookup_token(second)
        assert (old.revoked_at, old.live) == (_at(5), False)
        assert (new.revoked_at, new.live, new.issued_at) == (None, True, _at(5))
        assert new.respondent == ada

    def test_a_grant_is_all_or_nothing(self, store):
        """A batch with one already-stored hash fails whole: no respondent of it is stored."""
        from .errors import StorageError
        from .storage import Grant

        [taken] = self.enrol(store, respondent("r1"))
        batch = [
            Grant(respondent("r2"), "hash-fresh", T0),
            Grant(respondent("r3"), taken, T0),
        ]
        with pytest.raises(StorageError):
            store.grant(batch)
        assert store.respondent("r2") is None
        assert store.lookup_token("hash-fresh") is None
        assert [r.id for r in store.respondents("c1")] == ["r1"]
        assert store.lookup_token(taken).respondent.id == "r1"

    def test_a_grant_repeating_a_hash_within_itself_stores_nothing(self, store):
        """Two grants in one batch with the same hash fail the batch."""
        from .errors import StorageError
        from .storage import Grant

        with pytest.raises(StorageError):
            store.grant([Grant(respondent("r1"), "same", T0), Grant(respondent("r2"), "same", T0)])
        assert list(store.respondents("c1")) == []

    def test_a_failed_reissue_keeps_the_old_link_live(self, store):
        """When a reissuing batch fails, the link it would have revoked still works."""
        from .errors import StorageError
        from .storage import Grant

        [old] = self.enrol(store, respondent("r1"))
        [taken] = self.enrol(store, respondent("r2"))
        with pytest.raises(StorageError):
            store.grant(
                [
                    Grant(respondent("r1"), "hash-new", _at(1)),
                    Grant(respondent("r3"), taken, _at(1)),
                ]
            )
        assert store.lookup_token(old).live

    def test_respondents_are_listed_by_consultation(self, store):
        """respondents() lists the consultation's respondents and nobody else's."""
        self.enrol(store, respondent("r1"), respondent("r2"), respondent("r3", consultation="c2"))
        assert sorted(r.id for r in store.respondents("c1")) == ["r1", "r2"]
        assert [r.id for r in store.respondents("c2")] == ["r3"]
        assert list(store.respondents("c3")) == []

    def test_live_links_are_each_respondents_latest_link_in_one_consultation(self, store):
        """live_links() gives one (respondent, issued_at) per live link: a reissued link's
        replacement only, and nobody from another consultation."""
        self.enrol(store, respondent("r1"), respondent("r2"), minute=0)
        self.enrol(store, respondent("r3", consultation="c2"), minute=1)
        self.enrol(store, respondent("r1"), minute=5)
        assert sorted(store.live_links("c1")) == [("r1", _at(5)), ("r2", T0)]
        assert list(store.live_links("c2")) == [("r3", _at(1))]
        assert list(store.live_links("c3")) == []

    def test_the_secret_fingerprint_is_the_first_one_proposed(self, store):
        """The first fingerprint proposed is recorded and returned ever after."""
        assert store.secret_fingerprint("first") == "first"
        assert store.secret_fingerprint("second") == "first"

    # Drafts -----------------------------------------------------------------------------------

    def test_a_draft_is_saved_replaced_and_discarded(self, store):
        """The latest saved draft is the one loaded; discarding it says whether there was one."""
        from .storage import Draft

        self.enrol(store, respondent("r1"))
        assert store.load_draft("r1") is None
        store.save_draft(Draft("r1", {"q1": "yes"}, _at(1)))
        store.save_draft(Draft("r1", {"q1": "no", "q3": ["a", "b"]}, _at(2)))
        assert store.load_draft("r1") == Draft("r1", {"q1": "no", "q3": ["a", "b"]}, _at(2))
        assert store.discard_draft("r1") is True
        assert store.discard_draft("r1") is False
        assert store.load_draft("r1") is None

    def test_drafts_saved_together_are_each_kept_and_the_last_wins(self, store):
        """A group of drafts keeps each respondent's last one; an empty group changes nothing."""
        from .storage import Draft

        self.enrol(store, respondent("r1"), respondent("r2"))
        store.save_drafts([])
        store.save_drafts(
            [
                Draft("r1", {"q1": "yes"}, _at(1)),
                Draft("r2", {"q1": "no"}, _at(1)),
                Draft("r1", {"q1": "no", "q3": ["a"]}, _at(2)),
            ]
        )
        assert store.load_draft("r1") == Draft("r1", {"q1": "no", "q3": ["a"]}, _at(2))
        assert store.load_draft("r2") == Draft("r2", {"q1": "no"}, _at(1))

    def test_trying_to_save_drafts_saves_them_all_or_says_no(self, store):
        """try_save_drafts either saves the whole group and says True, or saves none."""
        from .storage import Draft

        self.enrol(store, respondent("r1"), respondent("r2"))
        group = [Draft("r1", {"q1": "yes"}, _at(1)), Draft("r2", {"q1": "no"}, _at(1))]
        saved = store.try_save_drafts(group)
        assert [store.load_draft(d.respondent_id) for d in group] == (
            group if saved else [None, None]
        )

    def test_a_group_of_drafts_with_an_unknown_respondent_is_refused(self, store):
        """A group naming nobody raises StorageError and keeps no draft for nobody."""
        from .errors import StorageError
        from .storage import Draft

        self.enrol(store, respondent("r1"))
        with pytest.raises(StorageError):
            store.save_drafts([Draft("r1", {"q1": "yes"}, T0), Draft("ghost", {}, T0)])
        assert store.load_draft("ghost") is None

    def test_a_draft_is_never_a_response(self, store):
        """A saved draft adds no response and no history."""
        from .storage import Draft

        self.enrol(store, respondent("r1"))
        store.save_draft(Draft("r1", {"q1": "yes"}, T0))
        assert store.response("r1") is None
        assert store.history("r1") == []
        assert list(store.iter_responses("c1")) == []
        assert store.count_responses("c1") == 0

    def test_a_draft_for_an_unknown_respondent_is_refused(self, store):
        """Saving a draft for nobody raises StorageError and stores nothing."""
        from .errors import StorageError
        from .storage import Draft

        with pytest.raises(StorageError, match="no respondent with id 'ghost'"):
            store.save_draft(Draft("ghost", {"q1": "yes"}, T0))
        assert store.load_draft("ghost") is None

    def test_submitting_discards_the_draft(self, store):
        """A submission removes the respondent's draft, and only theirs."""
        from .storage import Draft

        ada, bob = respondent("r1"), respondent("r2")
        self.enrol(store, ada, bob)
        store.save_draft(Draft("r1", {"q1": "no"}, T0))
        store.save_draft(Draft("r2", {"q1": "no"}, T0))
        store.append_submission(new_submission(ada))
        assert store.load_draft("r1") is None
        assert store.load_draft("r2") == Draft("r2", {"q1": "no"}, T0)

    # Submissions ------------------------------------------------------------------------------

    def test_writes_in_a_batch_are_each_whole_and_all_kept(self, store):
        """Inside ``batch()`` a refused write changes nothing, and the others are all kept."""
        from .errors import StorageError

        ada, bob = respondent("r1"), respondent("r2")
        self.enrol(store, ada, bob)
        stranger = respondent("r3")
        with store.batch():
            store.append_submission(new_submission(ada, {"q1": "a"}))
            with pytest.raises(StorageError):
                store.append_submission(new_submission(stranger, {"q1": "x"}))
            store.append_submission(new_submission(bob, {"q1": "b"}))
            store.append_submission(new_submission(ada, {"q1": "c"}, minute=1))
            assert store.response("r1").answers == {"q1": "c"}
        assert [s.answers["q1"] for s in store.history("r1")] == ["a", "c"]
        assert store.response("r2").answers == {"q1": "b"}
        assert store.history("r3") == []

    def test_versions_count_up_and_the_latest_is_the_response(self, store):
        """Three submissions get versions 1, 2, 3; the third is the response, all are history."""
        ada = respondent("r1")
        self.enrol(store, ada)
        stored = [
            store.append_submission(new_submission(ada, {"q1": str(n)}, minute=n)) for n in range(3)
        ]
        assert [s.version for s in stored] == [1, 2, 3]
        assert store.response("r1") == stored[2]
        assert store.history("r1") == stored
        assert store.count_responses("c1") == 1

    def test_a_stored_submission_keeps_every_field(self, store):
        """What comes back equals what went in: answers, channel, both times, in UTC."""
        from .storage import Submission

        ada = respondent("r1")
        self.enrol(store, ada)
        london = dt.timezone(dt.timedelta(hours=1))
        answers = {"q1": "yes", "q2": "“Quotes”, ünïcode ✓ and \u2013 dashes", "q3": ["a", "c"]}
        got = store.append_submission(
            new_submission(
                ada,
                answers,
                channel="paper",
                submitted_at=dt.datetime(2030, 1, 5, 9, 30, 0, 1, tzinfo=london),
                received_at=_at(-60 * 24),
            )
        )
        expected = Submission(
            consultation="c1",
            respondent_id="r1",
            version=1,
            answers=answers,
            channel="paper",
            submitted_at=dt.datetime(2030, 1, 5, 8, 30, 0, 1, tzinfo=dt.UTC),
            received_at=_at(-60 * 24),
        )
        assert got == expected
        assert store.response("r1") == expected
        assert store.response("r1").submitted_at.utcoffset() == dt.timedelta(0)

    def test_versions_are_per_respondent(self, store):
        """Each respondent's versions start at 1, whatever others have submitted."""
        ada, bob = respondent("r1"), respondent("r2")
        self.enrol(store, ada, bob)
        store.append_submission(new_submission(ada))
        store.append_submission(new_submission(ada))
        assert store.append_submission(new_submission(bob)).version == 1

    def test_a_submission_for_an_unknown_respondent_is_refused(self, store):
        """Submitting for nobody raises StorageError and stores nothing."""
        from .errors import StorageError

        ghost = respondent("ghost")
        with pytest.raises(StorageError, match="no respondent with id 'ghost'"):
            store.append_submission(new_submission(ghost))
        assert store.history("ghost") == []
        assert store.count_responses("c1") == 0

    def test_answers_a_database_cannot_hold_are_refused(self, store):
        """Answers that are not JSON data raise StorageError and store nothing."""
        from .errors import StorageError

        ada = respondent("r1")
        self.enrol(store, ada)
        with pytest.raises(StorageError):
            store.append_submission(new_submission(ada, {"q1": object()}))
        assert store.history("r1") == []

    def test_what_is_returned_is_a_copy(self, store):
        """Changing returned answers does not change what is stored."""
        ada = respondent("r1")
        self.enrol(store, ada)
        answers = {"q3": ["a"]}
        store.append_submission(new_submission(ada, answers)).answers["q3"].append("b")
        answers["q3"].append("c")
        store.response("r1").answers["q3"].append("d")
        assert store.response("r1").answers == {"q3": ["a"]}

    def test_concurrent_submissions_get_gapless_versions(self, store):
        """Threads submitting under one respondent each get their own version, none lost."""
        ada = respondent("r1")
        self.enrol(store, ada)

        def submit(n: int) -> list[int]:
            answers = ({"q1": f"{n}-{i}"} for i in range(5))
            return [store.append_submission(new_submission(ada, a)).version for a in answers]

        versions = [v for got in at_once(submit) for v in got]
        assert sorted(versions) == list(range(1, 21))
        history = store.history("r1")
        assert [s.version for s in history] == list(range(1, 21))
        assert sorted(s.answers["q1"] for s in history) == sorted(
            f"{n}-{i}" for n in range(4) for i in range(5)
        )
        assert store.response("r1") == history[-1]

    # Releases ---------------------------------------------------------------------------------

    def test_releases_are_numbered_from_one_without_gaps_in_recording_order(self, store):
        """Three reports recorded get numbers 1, 2, 3 and are listed in that order; a
        consultation with none has an empty list."""
        assert store.releases("c1") == []
        recorded = [store.record_release("c1", **release_fields(n)) for n in range(3)]
        assert [r.number for r in recorded] == [1, 2, 3]
        assert store.releases("c1") == recorded
        assert [r.public for r in store.releases("c1")] == [
            release_fields(n)["public"] for n in range(3)
        ]

    def test_releases_are_kept_per_consultation(self, store):
        """Each consultation numbers its releases from 1 and lists only its own."""
        first = store.record_release("c1", **release_fields(0))
        other = store.record_release("c2", **release_fields(1))
        second = store.record_release("c1", **release_fields(2))
        assert [first.number, other.number, second.number] == [1, 1, 2]
        assert store.releases("c1") == [first, second]
        assert store.releases("c2") == [other]
        assert store.releases("c3") == []

    def test_a_recorded_release_keeps_every_field(self, store):
        """Texts of megabytes, non-ASCII and not in any normal form of JSON, come back as given;
        the instant comes back in UTC to the microsecond."""
        from .storage import Release

        line = "Kent: “quoted”, ünïcode ✓, 日本語, 🙂, O'Brien \\ \u2028 \u2013\t"
        public = json.dumps(
            {"title": "Interim report", "rows": [f"{n} {line}" for n in range(40_000)]},
            ensure_ascii=False,
            indent=1,
        )
        audit = ' {"z": 1,  "a": [3, 1]}\n' + json.dumps({"cells": list(range(200_000))})
        assert len(public.encode()) > 2_000_000
        paris = dt.timezone(dt.timedelta(hours=1))
        got = store.record_release(
            "c1",
            published_at=dt.datetime(2030, 1, 5, 9, 30, 0, 1, tzinfo=paris),
            format="html",
            threshold=10,
            public=public,
            audit=audit,
        )
        expected = Release(
            consultation="c1",
            number=1,
            published_at=dt.datetime(2030, 1, 5, 8, 30, 0, 1, tzinfo=dt.UTC),
            format="html",
            threshold=10,
            public=public,
            audit=audit,
        )
        assert got == expected
        [stored] = store.releases("c1")
        assert stored == expected
        assert (stored.public, stored.audit) == (public, audit)
        assert stored.published_at.utcoffset() == dt.timedelta(0)

    def test_a_release_without_a_time_zone_is_refused(self, store):
        """A naive publication time raises ValueError and records nothing, so the next release
        is still number 1."""
        from .storage import Release

        with pytest.raises(ValueError, match="naive"):
            store.record_release("c1", **release_fields(published_at=dt.datetime(2030, 1, 1)))
        assert store.releases("c1") == []
        assert store.record_release("c1", **release_fields()).number == 1
        with pytest.raises(ValueError, match="timezone-aware"):
            Release("c1", 1, dt.datetime(2030, 1, 1), "json", 5, "{}", "{}")

    def test_concurrent_releases_get_gapless_numbers(self, store):
        """Threads recording reports of one consultation at once each get their own number,
        none lost and none skipped."""

        def record(writer: int) -> list[int]:
            fields = (release_fields(writer * 5 + i) for i in range(5))
            return [store.record_release("c1", **f).number for f in fields]

        recorded = at_once(record)
        assert all(numbers == sorted(numbers) for numbers in recorded)
        assert sorted(n for numbers in recorded for n in numbers) == list(range(1, 21))
        stored = store.releases("c1")
        assert [r.number for r in stored] == list(range(1, 21))
        for writer, numbers in enumerate(recorded):
            for i, number in enumerate(numbers):
                assert stored[number - 1].public == release_fields(writer * 5 + i)["public"]

    # Audit trail --------------------------------------------------------------------------------

    def test_audit_entries_come_back_in_recording_order_per_consultation(self, store):
        """Entries recorded out of time order come back in the order they were recorded, each
        consultation's alone; a consultation with none has an empty log."""
        assert list(store.audit_log("c1")) == []
        entries = [audit_entry(n, c) for n, c in ((0, "c1"), (1, "c2"), (2, "c1"))]
        late = audit_entry(3, recorded_at=_at(-60))
        for entry in [*entries, late]:
            assert store.record_audit(entry) is None
        assert list(store.audit_log("c1")) == [entries[0], entries[2], late]
        assert list(store.audit_log("c2")) == [entries[1]]
        assert list(store.audit_log("c3")) == []

    def test_an_audit_entry_keeps_every_field(self, store):
        """Every action code, a subject hash or none, a non-ASCII officer and detail, and an
        instant given in another zone that comes back in UTC to the microsecond."""
        from .audit import ACTIONS

        paris = dt.timezone(dt.timedelta(hours=1))
        entries = [
            audit_entry(
                n,
                action=action,
                officer="Siân O'Brien ✓",
                detail=f"item {n}: “{n}” ünïcode",
                recorded_at=dt.datetime(2030, 1, 5, 9, 30, 0, n + 1, tzinfo=paris),
            )
            for n, action in enumerate(ACTIONS)
        ]
        for entry in entries:
            store.record_audit(entry)
        got = list(store.audit_log("c1"))
        assert got == entries
        assert all(e.recorded_at.utcoffset() == dt.timedelta(0) for e in got)
        assert got[0].recorded_at == dt.datetime(2030, 1, 5, 8, 30, 0, 1, tzinfo=dt.UTC)
        assert {e.subject for e in got} == {AUDIT_SUBJECT, None}

    def test_the_audit_log_since_an_instant_starts_there(self, store):
        """``since`` keeps the entries recorded at or after it, still in recording order."""
        for n in (0, 5, 1, 9, 5):
            store.record_audit(audit_entry(n, detail=f"minute {n}"))
        since = list(store.audit_log("c1", since=_at(5)))
        assert [e.detail for e in since] == ["minute 5", "minute 9", "minute 5"]
        paris = _at(5).astimezone(dt.timezone(dt.timedelta(hours=1)))
        assert list(store.audit_log("c1", since=paris)) == since
        assert len(list(store.audit_log("c1", since=_at(-1)))) == 5
        assert list(store.audit_log("c1", since=_at(10))) == []

    def test_the_store_offers_no_way_to_change_the_audit_log(self, store):
        """Nothing in the storage API updates or removes an audit entry: only recording and
        reading are named after it."""
        names = {name for name in dir(store) if "audit" in name and not name.startswith("_")}
        assert names == {"record_audit", "audit_log"}

    def test_concurrent_audit_records_are_all_kept_each_in_its_writers_order(self, store):
        """Threads recording at once lose nothing, and each thread's entries keep its order."""

        def record(writer: int) -> None:
            for i in range(5):
                store.record_audit(audit_entry(writer * 5 + i, detail=f"{writer}/{i}"))

        at_once(record)
        details = [e.detail for e in store.audit_log("c1")]
        assert sorted(details) == sorted(f"{w}/{i}" for w in range(4) for i in range(5))
        for writer in range(4):
            mine = [d for d in details if d.startswith(f"{writer}/")]
            assert mine == [f"{writer}/{i}" for i in range(5)]

    def test_the_audit_log_only_grows_and_keeps_its_order(self, store):
        """Under any interleaving of actions recorded on several consultations, each read of a
        consultation's log is the previous read with exactly the new entries after it."""
        import itertools

        from hypothesis import given, settings
        from hypothesis import strategies as st

        from .audit import ACTIONS

        runs = itertools.count()
        steps = st.lists(
            st.tuples(st.integers(0, 2), st.sampled_from(tuple(ACTIONS)), st.booleans()),
            max_size=12,
        )

        @settings(max_examples=30, deadline=None)
        @given(steps)
        def grows(plan):
            run = next(runs)
            names = [f"audit-run{run}-c{k}" for k in range(3)]
            seen: dict[str, list[Any]] = {name: [] for name in names}
            for n, (k, action, named) in enumerate(plan):
                subject = AUDIT_SUBJECT if named else None
                entry = audit_entry(n, names[k], action=action, subject=subject)
                store.record_audit(entry)
                seen[names[k]].append(entry)
                for name in names:
                    assert list(store.audit_log(name)) == seen[name]

        grows()

    # Erasure ----------------------------------------------------------------------------------

    @staticmethod
    def mail_from(store: Store, who, n: int, *, consultation: str = "c1"):
        """Store the ``n``-th raw message of a test as if ``who`` (a respondent or an address)
        sent it."""
        from .mailbox import new_message

        sender = who if isinstance(who, str) else who.email
        raw = f"From: {sender}\r\nMessage-ID: <m{n}@test>\r\n\r\nreply {n}\r\n".encode()
        return store.add_message(new_message(consultation, raw, received_at=_at(n), source="test"))

    def test_link_times_are_every_link_of_a_respondent_oldest_first(self, store):
        """Issued and revoked instants of each link, live last; nobody else's."""
        ada, bob = respondent("r1"), respondent("r2")
        self.enrol(store, ada, minute=0)
        self.enrol(store, bob, minute=1)
        self.enrol(store, ada, minute=2)
        assert store.link_times("r1") == [(_at(0), _at(2)), (_at(2), None)]
        assert store.link_times("r2") == [(_at(1), None)]
        assert store.link_times("nobody") == []

    def test_erasing_a_person_removes_identity_links_draft_and_answers(self, store):
        """Without kept answers nothing of the person is left: row, links, draft, every
        version; everyone else is untouched and reports stop counting them."""
        from .storage import Draft

        ada, bob = respondent("r1"), respondent("r2", name="Bob", email="bob@example.org")
        [first] = self.enrol(store, ada, minute=0)
        [second] = self.enrol(store, ada, minute=1)
        [bobs] = self.enrol(store, bob)
        for n in range(2):
            store.append_submission(new_submission(ada, {"q1": str(n)}, minute=n))
        store.save_draft(Draft("r1", {"q1": "draft"}, T0))
        store.append_submission(new_submission(bob))
        store.save_draft(Draft("r2", {"q1": "bob's draft"}, T0))
        counts = store.erase_person("r1", keep_answers=False)
        assert (counts.respondents, counts.links, counts.drafts) == (1, 2, 1)
        assert (counts.answers_removed, counts.answers_kept) == (2, 0)
        assert store.respondent("r1") is None
        assert store.lookup_token(first) is None
        assert store.lookup_token(second) is None
        assert store.load_draft("r1") is None
        assert store.response("r1") is None
        assert store.history("r1") == []
        assert [r.id for r in store.respondents("c1")] == ["r2"]
        assert store.count_responses("c1") == 1
        assert [row.respondent_id for row in store.iter_report_rows("c1")] == ["r2"]
        assert store.lookup_token(bobs).respondent == bob
        assert store.load_draft("r2") == Draft("r2", {"q1": "bob's draft"}, T0)

    def test_kept_answers_stay_counted_under_a_new_id_with_no_identity(self, store):
        """With kept answers every version stays, under a new random id whose respondent has
        what reports group by and no name, email or language; the old id leads nowhere."""
        import attrs

        ada = respondent("r1", language="cy")
        [link] = self.enrol(store, ada)
        versions = [
            store.append_submission(new_submission(ada, {"q1": str(n)}, minute=n, channel=c))
            for n, c in enumerate(("web", "paper"))
        ]
        rows_before = [
            (r.role, r.authority_type, r.authority) for r in store.iter_report_rows("c1")
        ]
        counts = store.erase_person("r1", keep_answers=True)
        assert (counts.answers_removed, counts.answers_kept, counts.links) == (0, 2, 1)
        assert store.respondent("r1") is None
        assert store.lookup_token(link) is None
        assert store.history("r1") == []
        [kept] = list(store.respondents("c1"))
        assert kept.id != "r1"
        assert (kept.name, kept.email, kept.language) == ("", "", None)
        assert (kept.role, kept.authority_type, kept.authority) == (
            ada.role,
            ada.authority_type,
            ada.authority,
        )
        moved = store.history(kept.id)
        assert [attrs.evolve(v, respondent_id="r1") for v in moved] == versions
        assert store.count_responses("c1") == 1
        rows_after = [(r.role, r.authority_type, r.authority) for r in store.iter_report_rows("c1")]
        assert rows_after == rows_before
        assert ("person", ada.name) not in set(store.names("c1"))

    def test_erasing_a_person_removes_the_mail_they_sent_and_its_reviews(self, store):
        """Messages linked to them, messages listed by the caller and every duplicate of those
        go, with the review items about them and the sendings to them; another person's mail,
        review item and sendings stay."""
        from .mailbox import NewReview, NewSending

        ada, bob = respondent("r1"), respondent("r2", name="Bob", email="bob@example.org")
        self.enrol(store, ada, bob)
        submitted = self.mail_from(store, ada, 1)
        store.append_submission(new_submission(ada, channel="email", message=submitted.id))
        queued = self.mail_from(store, ada, 2)
        store.add_review(NewReview("c1", queued.id, "unclear_text", "q2", _at(2), "r1"))
        unmatched = self.mail_from(store, ada, 3)
        store.add_review(NewReview("c1", unmatched.id, "no_reference", "", _at(3)))
        again = self.mail_from(store, ada, 3)
        assert again.duplicate_of == unmatched.id
        bobs = self.mail_from(store, bob, 4)
        store.add_review(NewReview("c1", bobs.id, "no_reference", "", _at(4), "r2"))
        for who in ("r1", "r2"):
            store.record_sending(NewSending("c1", who, "invitation", 0, T0), None, lambda: None)
        counts = store.erase_person("r1", keep_answers=False, messages=[unmatched.id])
        assert (counts.messages, counts.reviews, counts.sendings) == (4, 2, 1)
        gone = (submitted.id, queued.id, unmatched.id, again.id)
        assert all(store.message(m) is None for m in gone)
        assert [m.id for m in store.messages("c1")] == [bobs.id]
        assert [r.message for r in store.review_items("c1", status=None)] == [bobs.id]
        assert [s.respondent_id for s in store.sendings("c1")] == ["r2"]

    def test_erasing_mail_of_a_sender_who_is_no_respondent(self, store):
        """Messages listed by id go with their duplicates and review items; ids of another
        consultation or unknown ones are ignored."""
        from .mailbox import NewReview

        first = self.mail_from(store, "stranger@example.org", 1)
        copy = self.mail_from(store, "stranger@example.org", 1)
        store.add_review(NewReview("c1", first.id, "unknown_sender", "", _at(1)))
        other = self.mail_from(store, "stranger@example.org", 2, consultation="c2")
        kept = self.mail_from(store, "someone@example.org", 3)
        counts = store.erase_messages("c1", [first.id, other.id, 9999])
        assert (counts.messages, counts.reviews, counts.respondents) == (2, 1, 0)
        assert store.message(copy.id) is None
        assert [m.id for m in store.messages("c1")] == [kept.id]
        assert [m.id for m in store.messages("c2")] == [other.id]
        assert store.review_items("c1", status=None) == []

    def test_messages_lists_every_stored_message_of_a_consultation(self, store):
        """Pending, submitted, queued and duplicate messages alike, lowest id first, bytes
        intact."""
        ada = respondent("r1")
        self.enrol(store, ada)
        stored = [self.mail_from(store, ada, n) for n in (1, 2, 2)]
        store.append_submission(new_submission(ada, channel="email", message=stored[0].id))
        self.mail_from(store, ada, 5, consultation="c2")
        listed = list(store.messages("c1"))
        assert [(m.id, m.raw, m.duplicate_of) for m in listed] == [
            (m.id, m.raw, m.duplicate_of) for m in stored
        ]
        assert listed[0].status == "submitted"

    def test_erasing_an_unknown_respondent_changes_nothing(self, store):
        """An unknown id raises StorageError; nothing is removed."""
        from .errors import StorageError

        ada = respondent("r1")
        self.enrol(store, ada)
        store.append_submission(new_submission(ada))
        with pytest.raises(StorageError):
            store.erase_person("nobody", keep_answers=False)
        assert store.count_responses("c1") == 1
        assert store.respondent("r1") == ada

    def test_erasure_never_touches_releases_or_the_audit_log(self, store):
        """Published releases are not rewritten and the audit log keeps every entry."""
        ada = respondent("r1")
        self.enrol(store, ada)
        store.append_submission(new_submission(ada))
        release = store.record_release("c1", **release_fields(0))
        entry = audit_entry(0)
        store.record_audit(entry)
        store.erase_person("r1", keep_answers=False)
        assert store.releases("c1") == [release]
        assert list(store.audit_log("c1")) == [entry]

    # Retention: purge and anonymise ----------------------------------------------------------

    def test_purging_removes_each_class_planned_and_only_those(self, store):
        """Drafts, links, earlier versions, listed mail and decided reviews, listed answer keys
        from every version, and names/emails/languages: each only when the plan says so, only
        in its consultation; a second purge of the same plan removes nothing."""
        from .mailbox import NewReview
        from .storage import Draft, PurgePlan

        ada, bob = respondent("r1", language="cy"), respondent("r2", name="Bob", email="b@x.org")
        other = respondent("x1", consultation="c2")
        self.enrol(store, ada, bob, other)
        for n in range(2):
            answers = {"q1": str(n), "words": f"said {n}", "phone": "0123"}
            store.append_submission(new_submission(ada, answers, minute=n))
        store.append_submission(new_submission(bob, {"q1": "b"}))
        store.append_submission(new_submission(other, {"q1": "x", "words": "kept"}))
        store.save_draft(Draft("r2", {"q1": "draft"}, T0))
        store.save_draft(Draft("x1", {"q1": "draft"}, T0))
        decided = self.mail_from(store, ada, 1)
        undecided = self.mail_from(store, bob, 2)
        item = store.add_review(NewReview("c1", decided.id, "no_reference", "", _at(1)))
        store.resolve_review(item.id, status="rejected", note="", resolved_at=_at(2))
        open_item = store.add_review(NewReview("c1", undecided.id, "no_reference", "", _at(2)))
        plan = PurgePlan(
            "c1",
            contact_details=True,
            link_hashes=True,
            drafts=True,
            history=True,
            messages=frozenset({decided.id}),
            reviews=frozenset({item.id, open_item.id}),
            answer_keys={
                "free_text": frozenset({"words"}),
                "contact_details": frozenset({"phone"}),
            },
        )
        counts = store.purge(plan)
        assert (counts.drafts, counts.link_hashes, counts.history) == (1, 2, 1)
        assert (counts.raw_emails, counts.review_items) == (1, 1)
        assert counts.free_text == 1
        assert counts.contact_details == 2 + 1
        assert counts.anonymised == 0
        assert [s.answers for s in store.history("r1")] == [{"q1": "1"}]
        assert store.history("r1")[0].version == 2
        assert store.load_draft("r2") is None
        assert store.load_draft("x1") is not None
        assert store.link_times("r1") == []
        assert store.link_times("x1") != []
        assert [(w.name, w.email, w.language) for w in store.respondents("c1")] == [
            ("", "", None)
        ] * 2
        assert store.respondent("x1") == other
        assert store.response("x1").answers == {"q1": "x", "words": "kept"}
        assert [i.id for i in store.review_items("c1", status=None)] == [open_item.id]
        assert [m.id for m in store.messages("c1")] == [undecided.id]
        again = store.purge(plan)
        assert again.total() == 0

    def test_a_purge_before_anything_is_due_changes_nothing(self, store):
        """An empty plan removes nothing and reports zero everywhere."""
        from .storage import PurgePlan

        ada = respondent("r1")
        self.enrol(store, ada)
        store.append_submission(new_submission(ada))
        store.append_submission(new_submission(ada, minute=1))
        counts = store.purge(PurgePlan("c1"))
        assert counts.total() == 0
        assert len(store.history("r1")) == 2
        assert store.respondent("r1") == ada

    def test_a_dry_run_counts_and_changes_nothing(self, store):
        from .storage import PurgePlan

        ada = respondent("r1")
        self.enrol(store, ada)
        store.append_submission(new_submission(ada))
        store.append_submission(new_submission(ada, minute=1))
        plan = PurgePlan("c1", contact_details=True, history=True, link_hashes=True)
        dry = store.purge(plan, dry_run=True)
        assert (dry.contact_details, dry.history, dry.link_hashes) == (1, 1, 1)
        assert store.respondent("r1") == ada
        assert len(store.history("r1")) == 2
        assert store.purge(plan).by_class() == dry.by_class()

    def test_anonymising_cuts_every_respondent_from_their_answers(self, store):
        """New ids, no identity, one version cut to the day, texts scrubbed, links and mail
        gone; reports group and count exactly as before; done once."""
        from .mailbox import NewSending
        from .storage import Anonymisation

        ada = respondent("r1", language="cy")
        quiet = respondent("r3", name="Quiet", email="q@x.org")
        self.enrol(store, ada, quiet)
        first = {"q1": "a", "words": "I am Ada Lovelace"}
        store.append_submission(new_submission(ada, first, minute=0))
        late = new_submission(ada, {"q1": "b", "words": "Ada Lovelace again"}, minute=90)
        store.append_submission(late)
        store.record_sending(NewSending("c1", "r1", "invitation", 0, T0), None, lambda: None)
        self.mail_from(store, ada, 3)
        groups = sorted(
            (r.role, r.authority_type, r.authority) for r in store.iter_report_rows("c1")
        )
        how = Anonymisation(
            "Europe/London",
            frozenset({"words"}),
            lambda text, own: text.replace(own, "[name removed]") if own else text,
        )
        counts = store.anonymise("c1", how)
        assert counts.anonymised == 2
        assert (counts.history, counts.link_hashes, counts.sendings, counts.raw_emails) == (
            1,
            2,
            1,
            1,
        )
        people = list(store.respondents("c1"))
        assert {w.id for w in people}.isdisjoint({"r1", "r3"})
        assert {(w.name, w.email, w.language) for w in people} == {("", "", None)}
        assert store.response("r1") is None
        [response] = list(store.iter_responses("c1"))
        assert response.version == 1
        assert response.answers == {"q1": "b", "words": "[name removed] again"}
        assert response.received_at == how.cut(late.received_at)
        assert response.received_at == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        assert (
            sorted((r.role, r.authority_type, r.authority) for r in store.iter_report_rows("c1"))
            == groups
        )
        assert store.count_responses("c1") == 1
        assert list(store.messages("c1")) == []
        assert store.anonymised("c1")
        ids = sorted(w.id for w in people)
        assert store.anonymise("c1", how).total() == 0
        assert sorted(w.id for w in store.respondents("c1")) == ids

    def test_purge_never_touches_releases_or_the_audit_log(self, store):
        from .storage import Anonymisation, PurgePlan

        ada = respondent("r1")
        self.enrol(store, ada)
        store.append_submission(new_submission(ada))
        release = store.record_release("c1", **release_fields(0))
        entry = audit_entry(0)
        store.record_audit(entry)
        store.purge(PurgePlan("c1", contact_details=True, anonymise=Anonymisation("UTC")))
        assert store.releases("c1") == [release]
        assert list(store.audit_log("c1")) == [entry]

    # Streaming --------------------------------------------------------------------------------

    def test_responses_stream_latest_versions_in_respondent_order(self, store):
        """iter_responses yields each respondent's latest version once, ordered by id."""
        people = [respondent(f"r{n}") for n in (3, 1, 2)]
        self.enrol(store, *people, respondent("r4"), respondent("x1", consultation="c2"))
        for who in people:
            store.append_submission(new_submission(who, {"q1": "old"}))
            store.append_submission(new_submission(who, {"q1": f"new {who.id}"}))
        store.append_submission(new_submission(respondent("x1", consultation="c2")))
        for size in (1, 2, 1000):
            got = [
                (s.respondent_id, s.version, s.answers)
                for s in store.iter_responses("c1", batch_size=size)
            ]
            assert got == [(f"r{n}", 2, {"q1": f"new r{n}"}) for n in (1, 2, 3)]
        assert store.count_responses("c1") == 3
        assert store.count_responses("c2") == 1

    def test_responses_stream_in_batches_not_all_at_once(self, store):
        """A response added after the first batch was read still appears later in the stream."""
        people = [respondent(f"r{n}") for n in range(1, 6)]
        late = respondent("r9")
        self.enrol(store, *people, late)
        for who in people:
            store.append_submission(new_submission(who))
        stream = store.iter_responses("c1", batch_size=2)
        assert next(stream).respondent_id == "r1"
        store.append_submission(new_submission(late))
        assert [s.respondent_id for s in stream] == ["r2", "r3", "r4", "r5", "r9"]

    # Reports -------------------------------------------------------------------------------

    def test_report_rows_join_current_responses_with_who_sent_them(self, store):
        """iter_report_rows gives each latest version once, with role, authority and origin."""
        ada = respondent("r1", role="leader", authority="Kent County Council")
        bob = respondent("r2", role="other", origin="self_service", name="Bob Quinn")
        self.enrol(store, ada, bob, respondent("r3"), respondent("x1", consultation="c2"))
        store.append_submission(new_submission(ada, {"q1": "old"}))
        store.append_submission(new_submission(ada, {"q1": "yes"}, minute=5, channel="paper"))
        store.append_submission(new_submission(bob, {"q1": "no"}, minute=7))
        store.append_submission(new_submission(respondent("x1", consultation="c2")))
        for size in (1, 1000):
            rows = list(store.iter_report_rows("c1", batch_size=size))
            assert [(r.respondent_id, r.answers) for r in rows] == [
                ("r1", {"q1": "yes"}),
                ("r2", {"q1": "no"}),
            ]
        first, second = rows
        assert (first.role, first.authority, first.origin, first.channel) == (
            "leader",
            "Kent County Council",
            "roster",
            "paper",
        )
        assert first.received_at == _at(5)
        assert first.received_at.tzinfo is not None
        assert (second.role, second.origin, second.name) == ("other", "self_service", "Bob Quinn")
        kept = store.iter_report_rows("c1", answer_in=("q1", ["no", "maybe"]))
        assert [r.respondent_id for r in kept] == ["r2"]

    def test_tally_counts_current_responses_as_the_portable_count_does(self, store):
        """tally() equals tally_rows() over the same responses: options, multi, blanks, weeks."""
        from .storage import TallyPlan
        from .tally import ReportRow, tally_rows

        consultation = report_consultation()
        plan = TallyPlan.of(consultation)
        expected = []
        for n, who in enumerate(_report_people()):
            self.enrol(store, who)
            answers = None
            for version in range(1 + n % 3):
                answers = _report_answers(consultation, n * 7 + version)
                store.append_submission(new_submission(who, answers, minute=n * 997 + version * 13))
            expected.append(
                ReportRow(
                    who.id,
                    answers,
                    who.role,
                    who.authority_type,
                    who.authority,
                    who.origin,
                    "web",
                    _at(n * 997 + (n % 3) * 13),
                )
            )
        got = sorted(store.tally(plan))
        assert got == sorted(tally_rows(plan, expected))
        # Where the answer to the role question differs from the record, the answer wins.
        assert any(plan.group_of(row)[0] != row.role for row in expected)
        units = {row.unit for row in got}
        assert "kent county council" in units
        assert {row.value for row in got if row.question == "q3"} >= {"a", "b", "_respondents"}
        assert {row.value for row in got if row.question == "q2"} == {"_answered", "_shown"}

    def test_texts_choose_the_same_answers_as_the_portable_choice(self, store):
        """texts() keeps consenting, non-blank answers, the lowest-ranked few, with the count."""
        from .tally import choose_texts, text_rank

        people = [respondent(f"t{n:02d}", name=f"Person {n}") for n in range(12)]
        self.enrol(store, *people)
        for n, who in enumerate(people):
            store.append_submission(new_submission(who, {"q2": "draft", "consent": "yes"}))
            answers = {"q2": f"Answer {n % 7}", "consent": ["yes", "no", "yes"][n % 3]}
            if n % 4 == 0:
                answers["q5"] = "   "
            store.append_submission(new_submission(who, answers, minute=n))
        got = list(store.texts("c1", ["q2", "q5"], consent="consent", permitted=["yes"], limit=3))
        rows = [r for r in store.iter_report_rows("c1") if r.answers["consent"] == "yes"]
        expected = list(choose_texts(rows, ["q2", "q5"], "consent", 3))
        assert len(got) == 3
        assert [(r.text, r.respondent_id, r.consent) for r in got] == [
            (r.text, r.respondent_id, r.consent) for r in expected
        ]
        assert {r.answered for r in got} == {8}
        assert [text_rank("q2", r.text) for r in got] == sorted(
            text_rank("q2", r.text) for r in got
        )
        assert got[0].name.startswith("Person")
        everyone = list(store.texts("c1", ["q2"], limit=100))
        assert len(everyone) == 12

    def test_counts_and_texts_together_equal_each_asked_alone(self, store):
        """tally_and_texts() gives exactly what tally() and texts() give, whichever way the
        store answers it (one pass, or each asked)."""
        from .storage import TallyPlan, TextRequest

        consultation = report_consultation()
        plan = TallyPlan.of(consultation)
        for n, who in enumerate(_report_people()):
            self.enrol(store, who)
            for version in range(1 + n % 3):
                answers = _report_answers(consultation, n * 7 + version)
                store.append_submission(new_submission(who, answers, minute=n * 997 + version))
        request = TextRequest(("q2",), "consent", ("yes",), limit=3)
        counts, texts = store.tally_and_texts(plan, request)
        alone = store.texts(
            plan.consultation, ["q2"], consent="consent", permitted=["yes"], limit=3
        )
        assert sorted(counts) == sorted(store.tally(plan))
        assert texts == list(alone)
        assert counts  # something was counted...
        assert texts  # ...and chosen
        everyone = TextRequest(("q2",), limit=100)
        all_texts = list(store.texts(plan.consultation, ["q2"], limit=100))
        assert store.tally_and_texts(plan, everyone)[1] == all_texts
        counts_only, no_texts = store.tally_and_texts(plan, None)
        assert sorted(counts_only) == sorted(counts)
        assert no_texts == []

    def test_roster_rows_count_roster_people_by_whether_they_responded(self, store):
        """Self-service respondents are left out; authorities are matched ignoring case."""
        people = [
            respondent("r1", authority="Kent County Council"),
            respondent("r2", authority="KENT COUNTY COUNCIL ", role="chief_executive"),
            respondent("r3", authority="Essex County Council"),
            respondent("r4", authority="Kent County Council", origin="self_service"),
        ]
        self.enrol(store, *people)
        store.append_submission(new_submission(people[0]))
        store.append_submission(new_submission(people[3]))
        assert sorted(store.roster_rows("c1")) == [
            ("chief_executive", "county", "kent county council", False, 1),
            ("leader", "county", "essex county council", False, 1),
            ("leader", "county", "kent county council", True, 1),
        ]

    def test_names_lists_every_authority_and_every_name(self, store):
        """names() gives what redaction needs: authorities, and everyone's names."""
        self.enrol(
            store,
            respondent("r1", authority="Kent County Council", name="Ada Lovelace"),
            respondent("r2", authority="Kent County Council", name="Bo Li", origin="self_service"),
            respondent("r3", authority="Essex County Council", name=""),
            respondent("x1", consultation="c2", authority="Leeds City Council"),
        )
        assert sorted(store.names("c1")) == [
            ("authority", "Essex County Council"),
            ("authority", "Kent County Council"),
            ("person", "Ada Lovelace"),
            ("person", "Bo Li"),
        ]

    def test_authority_consents_are_distinct_pairs_from_current_responses(self, store):
        """Each authority unit with each consent its current responses give, once."""
        people = [
            respondent("r1", authority="Kent County Council"),
            respondent("r2", authority="kent county council"),
            respondent("r3", authority="Essex County Council"),
        ]
        self.enrol(store, *people)
        store.append_submission(new_submission(people[0], {"consent": "no_quote"}))
        store.append_submission(new_submission(people[0], {"consent": "quote_named"}))
        store.append_submission(new_submission(people[1], {"consent": "quote_named"}))
        store.append_submission(new_submission(people[2], {"q1": "yes"}))
        assert sorted(store.authority_consents("c1", "consent"), key=repr) == sorted(
            [("kent county council", "quote_named"), ("essex county council", None)], key=repr
        )

    # Roster people and self-service records ----------------------------------------------------

    def test_a_self_service_request_never_pre_empts_a_roster_person(self, store):
        """Someone asks for a self-service link in a leader's name and email and plants a draft
        before the roster is imported: the leader still gets a roster record and link of their
        own, reissuing gives them their own again, and the planted record stays apart, counted
        and listed for an officer (issue 14)."""
        from .duplicates import possible_duplicates

        service, entry = _roster_service(store)
        planted = service.request_link(
            authority="Kent County Council",
            authority_type="county",
            name="Roger Gough",
            email="LEADER@Kent.Example",
        )
        service.save_draft(planted.token, {"q1": "no"})
        first = _plan(service, entry)
        assert (first.new, first.kept, first.shared) == (1, 0, 1)
        first.commit(store)
        leader = _check_roster_link(service, first, planted)
        again = _plan(service, entry, reissue=True)
        assert (again.new, again.reissued, again.shared) == (0, 1, 1)
        again.commit(store)
        assert _check_roster_link(service, again, planted) == leader
        assert service.load_draft(planted.token).answers == {"q1": "no"}
        pairs = possible_duplicates(store.respondents(service.consultation_id))
        assert [(p.roster.id, p.self_service.id, p.matched) for p in pairs] == [
            (leader, planted.respondent.id, ("email", "name"))
        ]

    def test_a_self_service_request_after_the_roster_import_stays_apart(self, store):
        """A leader with a roster link asks for a self-service link too, typing their address
        in other case: a new record; importing the roster again keeps the leader's link, and
        reissuing, even to a row that matches by email alone, gives it to the roster record,
        never the self-service one (issue 14)."""
        import attrs

        from .duplicates import possible_duplicates

        service, entry = _roster_service(store)
        first = _plan(service, entry)
        first.commit(store)
        leader = first.links[0].respondent.id
        planted = service.request_link(
            authority="Kent CC", authority_type="county", email="Leader@KENT.example"
        )
        assert planted.respondent.id != leader
        assert planted.respondent.email == "Leader@kent.example"
        again = _plan(service, entry)
        assert (again.new, again.kept, again.shared, again.links) == (0, 1, 1, ())
        renamed = attrs.evolve(entry, name="Cllr Roger Gough")
        reissued = _plan(service, renamed, reissue=True)
        assert (reissued.new, reissued.reissued) == (0, 1)
        reissued.commit(store)
        assert _check_roster_link(service, reissued, planted) == leader
        pairs = possible_duplicates(store.respondents(service.consultation_id))
        assert [(p.roster.id, p.self_service.id, p.matched) for p in pairs] == [
            (leader, planted.respondent.id, ("email",))
        ]

    def test_closing_twice_is_harmless(self, store_factory):
        """close() may be called again."""
        store = store_factory()
        store.close()
        store.close()

    # The whole service, driven by Hypothesis ----------------------------------------------------

    def test_stateful_submit_service(self, store):
        """Random drafts, submissions, overwrites, reissues, clock moves and published reports
        match a simple model."""
        from hypothesis.stateful import run_state_machine_as_test

        run_state_machine_as_test(storage_state_machine(store))


class PersistentStoreConformance(StoreConformance):
    """The promises of a store that outlives its object (SQLite, PostgreSQL).

    :meth:`reopen` opens the same store again; the default opens ``store.url``.
    """

    def reopen(self, store: Store) -> Store:
        from .storage import open_store

        return open_store(store.url)

    def test_everything_stored_survives_reopening(self, store):
        """Respondents, links, drafts, submissions and the fingerprint are there after reopening."""
        from .storage import Draft

        ada, bob = respondent("r1"), respondent("r2")
        [first] = self.enrol(store, ada, minute=0)
        [second] = self.enrol(store, ada, minute=1)
        self.enrol(store, bob)
        store.secret_fingerprint("fp")
        submitted = [store.append_submission(new_submission(ada, {"q1": str(n)})) for n in range(2)]
        store.save_draft(Draft("r2", {"q1": "draft"}, T0))
        store.close()
        with self.reopen(store) as again:
            assert again.lookup_token(first).revoked_at == _at(1)
            assert again.lookup_token(second).respondent == ada
            assert again.history("r1") == submitted
            assert again.load_draft("r2") == Draft("r2", {"q1": "draft"}, T0)
            assert again.secret_fingerprint("other") == "fp"
            assert [s.respondent_id for s in again.iter_responses("c1")] == ["r1"]

    def test_releases_survive_reopening(self, store):
        """Recorded releases are there after reopening, and numbering carries on from them."""
        recorded = [store.record_release("c1", **release_fields(n)) for n in range(2)]
        store.close()
        with self.reopen(store) as again:
            assert again.releases("c1") == recorded
            assert again.record_release("c1", **release_fields(2)).number == 3

    def test_the_audit_log_survives_reopening(self, store):
        """Recorded audit entries are there after reopening, and new ones follow them."""
        recorded = [audit_entry(n) for n in range(3)]
        for entry in recorded:
            store.record_audit(entry)
        store.close()
        with self.reopen(store) as again:
            assert list(again.audit_log("c1")) == recorded
            later = audit_entry(3, recorded_at=_at(-5))
            again.record_audit(later)
            assert list(again.audit_log("c1")) == [*recorded, later]


def _roster_service(store: Store):
    """A submit service on ``store`` during the stateful consultation, and a roster row for a
    leader."""
    from .identity import Secret
    from .roster import RosterEntry
    from .submit import SubmitService

    now = dt.datetime(2030, 1, 15, 12, 0, tzinfo=dt.UTC)
    service = SubmitService(stateful_consultation(), store, Secret.generate(), clock=lambda: now)
    entry = RosterEntry(
        2, "Kent County Council", "county", "leader", "Roger Gough", "leader@kent.example"
    )
    return service, entry


def _plan(service, entry, *, reissue: bool = False):
    from .roster import plan_links

    return plan_links(
        service.store,
        service.secret,
        service.consultation,
        [entry],
        reissue=reissue,
        now=service.now(),
    )


def _check_roster_link(service, plan, planted) -> str:
    """The plan's one link opens a roster record of its own, with nothing planted in it, while
    the self-service link still opens the self-service record; the roster record's id."""
    [link] = plan.links
    who = service.authenticate(link.token)
    assert (who.origin, who.role, who.email) == ("roster", "leader", "leader@kent.example")
    assert who.id != planted.respondent.id
    assert service.load_draft(link.token) is None
    assert service.authenticate(planted.token) == planted.respondent
    return who.id


# The state machine ----------------------------------------------------------------------------

STATEFUL_SPEC = """
[consultation]
id = "stateful"
title = "Stateful"
publisher = "Tests"
opens = 2030-01-01
closes = 2030-01-31
timezone = "Europe/London"

[[roles]]
value = "leader"
label = "Leader"

[[roles]]
value = "other"
label = "Other"

[[authority_types]]
value = "county"
label = "County council"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "q1"
text = "Yes or no?"
kind = "single"
required = true
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[sections.questions]]
id = "q2"
text = "Why?"
kind = "text"
shown_if = 'q1 == "yes"'

[[sections.questions]]
id = "q3"
text = "Which?"
kind = "multi"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]
"""


REPORT_SPEC = """
[consultation]
id = "c1"
title = "Reports"
publisher = "Tests"
closes = 2030-03-31
timezone = "Europe/London"

[publication]
consent_question = "consent"
quote = ["yes"]
identifying = ["who"]

[roster]
role = "role"

[[roles]]
value = "leader"
label = "Leader"

[[roles]]
value = "chief_executive"
label = "Chief executive"

[[roles]]
value = "other"
label = "Other"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "who"
text = "Your authority?"
kind = "text"

[[sections.questions]]
id = "role"
text = "Your role?"
kind = "single"
options = [
    { value = "leader", label = "L" },
    { value = "chief_executive", label = "C" },
    { value = "other", label = "O" },
]

[[sections.questions]]
id = "q1"
text = "Yes or no?"
kind = "single"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[sections.questions]]
id = "q2"
text = "Why?"
kind = "text"
shown_if = 'q1 == "yes"'

[[sections.questions]]
id = "q3"
text = "Which?"
kind = "multi"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }, { value = "c", label = "C" }]

[[sections.questions]]
id = "q4"
text = "Which one?"
kind = "single"
shown_if = '("a" in q3 and not answered(q2)) or q1 in ["no"]'
options = [{ value = "x", label = "X" }, { value = "y", label = "Y" }]

[[sections.questions]]
id = "consent"
text = "Quote you?"
kind = "single"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]
"""


def report_consultation() -> Consultation:
    """A consultation for the report conformance tests: conditions of every form, a multi."""
    from .spec import loads_spec

    return loads_spec(REPORT_SPEC, source="<reports>")


def _report_people() -> list[Any]:
    places = ["Kent County Council", " KENT county council", "Essex County Council", ""]
    return [
        respondent(
            f"p{n:02d}",
            authority=places[n % 4],
            authority_type=["county", "district"][n % 2],
            role=["leader", "chief_executive", "other"][n % 3],
            origin="self_service" if n % 5 == 0 else "roster",
        )
        for n in range(18)
    ]


def _report_answers(consultation: Consultation, seed: int) -> dict[str, Any]:
    """Cleaned random answers: deterministic, so every backend sees the same."""
    import random

    from .engine import Engine

    rng = random.Random(seed)
    raw: dict[str, Any] = {"who": "Kent"}
    raw["q1"] = rng.choice(["yes", "no", None])
    raw["q2"] = rng.choice(["Because.", "", None])
    raw["q3"] = rng.choice([["a"], ["a", "b"], ["c"], None])
    raw["q4"] = rng.choice(["x", "y", None])
    raw["consent"] = rng.choice(["yes", "no"])
    raw["role"] = rng.choice(["leader", "chief_executive", "other", None])  # the roster's, or not
    return Engine(consultation).clean({k: v for k, v in raw.items() if v is not None})


def stateful_consultation() -> Consultation:
    """The small consultation the state machine answers: a condition, a text and a multi."""
    from .spec import loads_spec

    return loads_spec(STATEFUL_SPEC, source="<stateful>")


def _model_clean(answers: dict[str, Any]) -> dict[str, Any]:
    """What ``clean`` must keep, worked out by hand for the stateful spec."""
    kept: dict[str, Any] = {"q1": answers["q1"]}
    if answers["q1"] == "yes" and answers.get("q2"):
        kept["q2"] = answers["q2"]
    if answers.get("q3"):
        kept["q3"] = [v for v in ("a", "b") if v in answers["q3"]]
    return kept


def storage_state_machine(store: Store) -> type:
    """A Hypothesis state machine checking a :class:`SubmitService` over ``store``.

    It drives self-service links, reissued links, drafts, submissions on every channel,
    overwrites, a clock that moves before, into and after the consultation's window, and reports
    published along the way, and compares every outcome with a plain model.  Each example
    answers a consultation with a new id in the same store, so examples are independent without
    a new store each time.
    """
    import attrs
    from hypothesis import strategies as st
    from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule

    from .errors import AnswersRejected, ClosedError, LinkError
    from .identity import Secret, Token, new_id
    from .storage import Grant
    from .submit import SubmitService

    template = stateful_consultation()
    zone = template.metadata.zone
    secret = Secret.generate()
    instants = {
        "before": dt.datetime(2029, 12, 31, 23, 59, tzinfo=zone),
        "open": dt.datetime(2030, 1, 15, 12, 0, tzinfo=zone),
        "last moment": dt.datetime(2030, 1, 31, 23, 59, 59, tzinfo=zone),
        "after": dt.datetime(2030, 2, 1, 0, 0, tzinfo=zone),
    }
    answers_strategy = st.fixed_dictionaries(
        {"q1": st.sampled_from(["yes", "no"])},
        optional={
            "q2": st.text(alphabet="abc xyz", min_size=1, max_size=8).map(str.strip),
            "q3": st.lists(st.sampled_from(["a", "b"]), unique=True),
        },
    )

    class StorageMachine(RuleBasedStateMachine):
        people = Bundle("people")

        @initialize()
        def start(self) -> None:
            meta = attrs.evolve(template.metadata, id=f"stateful-{new_id()}")
            self.consultation = attrs.evolve(template, metadata=meta)
            self.now = instants["open"]
            self.service = SubmitService(self.consultation, store, secret, clock=lambda: self.now)
            self.tokens: dict[str, Token] = {}
            self.revoked: list[Token] = []
            self.history: dict[str, list[dict[str, Any]]] = {}
            self.drafts: dict[str, dict[str, Any]] = {}
            self.releases: list[tuple[Any, ...]] = []

        def teardown(self) -> None:
            if hasattr(self, "service"):
                self.check_everything()

        @property
        def is_open(self) -> bool:
            return self.now not in (instants["before"], instants["after"])

        @rule(target=people, name=st.sampled_from(["Ada", "Bob", ""]))
        def request_link(self, name: str) -> str | None:
            ask = lambda: self.service.request_link(  # noqa: E731
                authority="Kent", authority_type="county", name=name
            )
            if not self.is_open:
                with pytest.raises(ClosedError):
                    ask()
                return None
            link = ask()
            rid = link.respondent.id
            assert (link.respondent.role, link.respondent.origin) == ("other", "self_service")
            self.tokens[rid] = link.token
            self.history[rid] = []
            return rid

        @rule(rid=people)
        def reissue(self, rid: str | None) -> None:
            if rid is None:
                return
            token = Token.new()
            record = store.respondent(rid)
            store.grant([Grant(record, secret.hash(token), self.now)])
            self.revoked.append(self.tokens[rid])
            self.tokens[rid] = token

        @rule(when=st.sampled_from(sorted(instants)))
        def move_clock(self, when: str) -> None:
            self.now = instants[when]

        @rule(rid=people, answers=answers_strategy, use_link=st.booleans())
        def submit(self, rid: str | None, answers: dict[str, Any], use_link: bool) -> None:
            if rid is None:
                return
            token = self.tokens[rid]
            given = f"https://consult.example.org/r/{token.value}" if use_link else token
            if not self.is_open:
                with pytest.raises(ClosedError):
                    self.service.submit(given, answers)
                self.check(rid)
                return
            receipt = self.service.submit(given, answers)
            self.history[rid].append(_model_clean(answers))
            self.drafts.pop(rid, None)
            assert receipt.version == len(self.history[rid])
            assert receipt.replaced == (receipt.version > 1)
            self.check(rid)

        @rule(rid=people, answers=answers_strategy, received=st.sampled_from(sorted(instants)))
        def key_in_paper(self, rid: str | None, answers: dict[str, Any], received: str) -> None:
            if rid is None or instants[received] > self.now:
                return
            key_in = lambda: self.service.submit(  # noqa: E731
                self.tokens[rid], answers, channel="paper", received_at=instants[received]
            )
            if received in ("before", "after"):
                with pytest.raises(ClosedError):
                    key_in()
                self.check(rid)
                return
            receipt = key_in()
            self.history[rid].append(_model_clean(answers))
            self.drafts.pop(rid, None)
            assert (receipt.version, receipt.submission.received_at) == (
                len(self.history[rid]),
                instants[received].astimezone(dt.UTC),
            )
            self.check(rid)

        @rule(rid=people)
        def submit_with_a_problem(self, rid: str | None) -> None:
            if rid is None or not self.is_open:
                return
            with pytest.raises(AnswersRejected):
                self.service.submit(self.tokens[rid], {"q1": "maybe"})
            self.check(rid)

        @rule(rid=people, answers=answers_strategy)
        def save_draft(self, rid: str | None, answers: dict[str, Any]) -> None:
            if rid is None:
                return
            if not self.is_open:
                with pytest.raises(ClosedError):
                    self.service.save_draft(self.tokens[rid], answers)
                self.check(rid)
                return
            self.service.save_draft(self.tokens[rid], answers)
            self.drafts[rid] = _model_clean(answers)
            self.check(rid)

        @rule(data=st.data())
        def use_a_revoked_link(self, data: st.DataObject) -> None:
            if not self.revoked:
                return
            token = data.draw(st.sampled_from(self.revoked))
            with pytest.raises(LinkError, match="replaced by a newer one"):
                self.service.submit(token, {"q1": "yes"})

        @rule(
            format=st.sampled_from(["json", "csv", "html", "odt"]),
            threshold=st.integers(min_value=1, max_value=20),
            public=st.dictionaries(st.text(max_size=6), st.integers(), max_size=3),
            audit=st.lists(st.text(max_size=6), max_size=3),
        )
        def publish(self, format: str, threshold: int, public: Any, audit: Any) -> None:
            cid = self.consultation.metadata.id
            texts = json.dumps(public, ensure_ascii=False), json.dumps(audit, ensure_ascii=False)
            got = store.record_release(
                cid,
                published_at=self.now,
                format=format,
                threshold=threshold,
                public=texts[0],
                audit=texts[1],
            )
            self.releases.append((self.now.astimezone(dt.UTC), format, threshold, *texts))
            assert got.number == len(self.releases)
            self.check_releases()

        def check_releases(self) -> None:
            """The consultation's releases are the model's, numbered from 1; other examples'
            consultations, in the same store, never appear."""
            stored = store.releases(self.consultation.metadata.id)
            assert [r.number for r in stored] == list(range(1, len(self.releases) + 1))
            assert {r.consultation for r in stored} <= {self.consultation.metadata.id}
            kept = [(r.published_at, r.format, r.threshold, r.public, r.audit) for r in stored]
            assert kept == self.releases

        def check(self, rid: str) -> None:
            """The respondent's draft and response are exactly what the model says, and a visit
            through their live link reads the same."""
            draft = store.load_draft(rid)
            assert (draft.answers if draft else None) == self.drafts.get(rid)
            response = store.response(rid)
            expected = self.history[rid][-1] if self.history[rid] else None
            assert (response.answers if response else None) == expected
            visit = store.visit(secret.hash(self.tokens[rid]))
            assert (visit.token.respondent.id, visit.token.live) == (rid, True)
            assert (visit.draft, visit.response) == (draft, response)

        def check_everything(self) -> None:
            cid = self.consultation.metadata.id
            for rid, expected in self.history.items():
                history = store.history(rid)
                assert [s.version for s in history] == list(range(1, len(expected) + 1))
                assert [s.answers for s in history] == expected
                self.check(rid)
            streamed = {s.respondent_id: s.answers for s in store.iter_responses(cid)}
            assert streamed == {rid: h[-1] for rid, h in self.history.items() if h}
            assert store.count_responses(cid) == len(streamed)
            self.check_releases()

    StorageMachine.__name__ = StorageMachine.__qualname__ = "StorageMachine"
    return StorageMachine
