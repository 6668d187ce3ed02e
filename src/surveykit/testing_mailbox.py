"""The mailbox conformance suite: the promises of :class:`surveykit.mailbox.MailStore`.

A storage plugin proves its mailbox keeps them by subclassing :class:`MailStoreConformance` (or
:class:`PersistentMailStoreConformance` for a store that outlives its object) with the same
``store_factory`` fixture as the storage suite in :mod:`surveykit.testing`::

    from surveykit.testing_mailbox import PersistentMailStoreConformance

    class TestMyMailbox(PersistentMailStoreConformance):
        @pytest.fixture
        def store_factory(self, tmp_path):
            return lambda: open_store(f"mine://{tmp_path}/{uuid.uuid4().hex}")

The property test needs Hypothesis.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from .testing import T0, _at, respondent

if TYPE_CHECKING:
    from .mailbox import NewMessage
    from .storage import Store

__all__ = ["MailStoreConformance", "PersistentMailStoreConformance", "raw_message"]

StoreFactory = Callable[[], "Store"]


def raw_message(body: str = "1. Yes", message_id: str | None = "<m1@example.org>") -> bytes:
    """The bytes of a small reply, with CRLF line ends and one byte that is not UTF-8."""
    header = f"Message-ID: {message_id}\r\n" if message_id else ""
    return (
        f"From: Ada <ada@example.org>\r\nTo: replies@example.gov\r\n{header}"
        f"Subject: Re: Taking stock\r\n\r\n{body}\r\n"
    ).encode() + b"\xff\r\n"


def _new(raw: bytes, consultation: str = "c1", minute: int = 0) -> NewMessage:
    from .mailbox import new_message

    return new_message(consultation, raw, received_at=_at(minute), source="file reply.eml")


def _review(store: Store, message: int, reason: str = "unknown_sender", **kw):
    from .mailbox import NewReview

    fields = {"consultation": "c1", "message": message, "reason": reason, "detail": "why"}
    return store.add_review(NewReview(created_at=_at(1), **{**fields, **kw}))


def _sending(who, kind: str = "invitation", round_: int = 0, minute: int = 0):
    from .mailbox import NewSending

    return NewSending(who.consultation, who.id, kind, round_, _at(minute), f"<s{minute}@x>")


class MailStoreConformance:
    """The mailbox promises.  Subclass it and provide a ``store_factory`` fixture."""

    @pytest.fixture
    def store(self, store_factory: StoreFactory) -> Iterator[Store]:
        with store_factory() as store:
            yield store

    @staticmethod
    def enrol(store: Store, *people) -> None:
        from .storage import Grant

        store.grant([Grant(p, f"hash-{p.id}-enrol", T0) for p in people])

    # Raw messages -----------------------------------------------------------------------------

    def test_a_message_is_stored_byte_for_byte(self, store):
        """We store a reply, then read back the same bytes, time, source, hash and Message-ID."""
        raw = raw_message()
        stored = store.add_message(_new(raw))
        again = store.message(stored.id)
        assert again == stored
        assert again.raw == raw
        assert (again.received_at, again.source) == (T0, "file reply.eml")
        assert again.message_id == "<m1@example.org>"
        assert again.status == "pending"
        assert not again.duplicate
        assert store.message(stored.id + 1000) is None

    def test_the_same_bytes_again_are_stored_as_a_duplicate(self, store):
        """A copy is never refused: it is stored too, pointing at the first copy."""
        first = store.add_message(_new(raw_message()))
        second = store.add_message(_new(raw_message(), minute=5))
        third = store.add_message(_new(raw_message(), minute=9))
        assert second.id != first.id
        assert second.duplicate_of == third.duplicate_of == first.id
        assert store.message(second.id).raw == raw_message()

    def test_the_same_message_id_with_other_bytes_is_a_duplicate(self, store):
        """A resent message with a new body but the same Message-ID repeats the first."""
        first = store.add_message(_new(raw_message("1. Yes")))
        resent = store.add_message(_new(raw_message("1. No")))
        assert resent.duplicate_of == first.id

    def test_messages_without_an_id_are_compared_by_their_bytes(self, store):
        """Two different messages without a Message-ID are not duplicates of each other."""
        a = store.add_message(_new(raw_message("1. Yes", None)))
        b = store.add_message(_new(raw_message("1. No", None)))
        c = store.add_message(_new(raw_message("1. No", None)))
        assert (a.message_id, a.duplicate_of, b.duplicate_of) == (None, None, None)
        assert c.duplicate_of == b.id

    def test_duplicates_are_found_within_a_consultation(self, store):
        """The same message sent to two consultations is new to each."""
        store.add_message(_new(raw_message(), "c1"))
        other = store.add_message(_new(raw_message(), "c2"))
        assert other.duplicate_of is None

    def test_concurrent_copies_agree_on_the_first(self, store):
        """Eight threads store one message at once: exactly one copy is the original."""
        results = []
        barrier = threading.Barrier(8)

        def deliver():
            barrier.wait()
            results.append(store.add_message(_new(raw_message())))

        threads = [threading.Thread(target=deliver) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        originals = [m for m in results if m.duplicate_of is None]
        assert len(results) == 8
        assert len(originals) == 1
        assert {m.duplicate_of for m in results if m.duplicate} == {originals[0].id}

    def test_pending_messages_are_those_not_yet_dealt_with(self, store):
        """A message is pending until it is submitted or queued for review."""
        ada = respondent("r1")
        self.enrol(store, ada)
        a, b, c = (store.add_message(_new(raw_message(str(n), None))) for n in range(3))
        assert [m.id for m in store.pending_messages("c1")] == [a.id, b.id, c.id]
        store.message_submitted(a.id, ada.id, 1)
        _review(store, b.id)
        assert [m.id for m in store.pending_messages("c1")] == [c.id]
        assert store.pending_messages("c2") == []
        submitted = store.message(a.id)
        assert (submitted.status, submitted.respondent_id, submitted.version) == (
            "submitted",
            "r1",
            1,
        )
        assert store.message(b.id).status == "review"

    def test_a_submission_from_a_message_settles_it_once(self, store):
        """The version a message produced is recorded with it; a second version is refused."""
        from .errors import StorageError
        from .storage import NewSubmission

        ada, bob = respondent("r1"), respondent("r2")
        self.enrol(store, ada, bob)
        message = store.add_message(_new(raw_message(message_id=None)))

        def submission(rid: str, answers: dict, msg: int | None = message.id) -> NewSubmission:
            return NewSubmission(
                consultation="c1",
                respondent_id=rid,
                answers=answers,
                channel="email",
                submitted_at=_at(2),
                received_at=_at(1),
                message=msg,
            )

        stored = store.append_submission(submission("r1", {"q1": "yes"}))
        settled = store.message(message.id)
        assert (settled.status, settled.respondent_id, settled.version) == (
            "submitted",
            "r1",
            stored.version,
        )
        assert store.pending_messages("c1") == []
        for rid in ("r1", "r2"):
            with pytest.raises(StorageError, match="already produced version 1"):
                store.append_submission(submission(rid, {"q1": "no"}))
        with pytest.raises(StorageError, match="no stored message"):
            store.append_submission(submission("r2", {"q1": "no"}, msg=message.id + 99))
        assert [s.answers for s in store.history("r1")] == [{"q1": "yes"}]
        assert store.history("r2") == []

    def test_a_message_queued_for_review_yields_one_version_when_accepted(self, store):
        """An officer's acceptance settles the message too, and only once."""
        from .errors import StorageError
        from .storage import NewSubmission

        ada = respondent("r1")
        self.enrol(store, ada)
        message = store.add_message(_new(raw_message(message_id=None)))
        _review(store, message.id, respondent_id="r1")
        new = NewSubmission(
            consultation="c1",
            respondent_id="r1",
            answers={"q1": "yes"},
            channel="email",
            submitted_at=_at(2),
            received_at=_at(1),
            message=message.id,
        )
        assert store.append_submission(new).version == 1
        assert store.message(message.id).version == 1
        with pytest.raises(StorageError):
            store.append_submission(new)
        assert len(store.history("r1")) == 1

    def test_concurrent_submissions_from_one_message_store_one_version(self, store):
        """Two processes reading one message at once: one version, the other refused."""
        from .errors import StorageError
        from .storage import NewSubmission

        ada = respondent("r1")
        self.enrol(store, ada)
        message = store.add_message(_new(raw_message(message_id=None)))
        outcomes: list[str] = []

        def submit(n: int) -> None:
            new = NewSubmission(
                consultation="c1",
                respondent_id="r1",
                answers={"q1": str(n)},
                channel="email",
                submitted_at=_at(2),
                received_at=_at(1),
                message=message.id,
            )
            try:
                store.append_submission(new)
                outcomes.append("stored")
            except StorageError:
                outcomes.append("refused")

        threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused"] * 5 + ["stored"]
        assert len(store.history("r1")) == 1

    # Review queue -----------------------------------------------------------------------------

    def test_a_review_item_is_listed_until_resolved(self, store):
        """We queue two messages, accept one and reject the other, each with its note."""
        from .errors import StorageError

        ada = respondent("r1")
        self.enrol(store, ada)
        m1 = store.add_message(_new(raw_message("a", None)))
        m2 = store.add_message(_new(raw_message("b", None)))
        one = _review(store, m1.id, "not_clean", detail="question 3: two options ticked")
        two = _review(store, m2.id, respondent_id="r1")
        assert (one.status, one.reason, one.detail, one.created_at) == (
            "open",
            "not_clean",
            "question 3: two options ticked",
            _at(1),
        )
        assert store.review_items("c1") == [one, two]
        assert store.review_item(one.id) == one
        accepted = store.resolve_review(
            one.id,
            status="accepted",
            note="set q3",
            resolved_at=_at(2),
            respondent_id="r1",
            version=1,
        )
        assert (accepted.status, accepted.note, accepted.version, accepted.respondent_id) == (
            "accepted",
            "set q3",
            1,
            "r1",
        )
        assert accepted.resolved_at == _at(2)
        rejected = store.resolve_review(two.id, status="rejected", note="spam", resolved_at=_at(3))
        assert (rejected.respondent_id, rejected.version) == ("r1", None)
        assert store.review_items("c1") == []
        assert store.review_items("c1", "accepted") == [accepted]
        assert store.review_items("c1", None) == [accepted, rejected]
        assert store.review_item(two.id) == rejected
        with pytest.raises(StorageError, match=f"review item {one.id} was already accepted"):
            store.resolve_review(one.id, status="rejected", note="", resolved_at=_at(4))
        assert store.review_item(one.id) == accepted

    def test_resolving_is_only_accept_or_reject_of_a_known_item(self, store):
        """An unknown item, or an unknown outcome, is refused."""
        from .errors import StorageError

        message = store.add_message(_new(raw_message()))
        item = _review(store, message.id)
        with pytest.raises(StorageError, match="there is no review item 9999"):
            store.resolve_review(9999, status="rejected", note="", resolved_at=_at(2))
        with pytest.raises(StorageError, match="accepted or rejected, not open"):
            store.resolve_review(item.id, status="open", note="", resolved_at=_at(2))
        assert store.review_item(item.id).open

    def test_a_review_item_needs_a_stored_message(self, store):
        """Queuing an unknown message stores nothing."""
        from .errors import StorageError

        with pytest.raises(StorageError):
            _review(store, 4242)
        assert store.review_items("c1", None) == []

    def test_concurrent_resolutions_let_one_officer_win(self, store):
        """Two officers resolve one item at once: one succeeds, the other is told."""
        from .errors import StorageError

        item = _review(store, store.add_message(_new(raw_message())).id)
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def resolve(status: str) -> None:
            barrier.wait()
            try:
                store.resolve_review(item.id, status=status, note=status, resolved_at=_at(2))
                outcomes.append(status)
            except StorageError:
                outcomes.append("refused")

        threads = [threading.Thread(target=resolve, args=(s,)) for s in ("accepted", "rejected")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes).count("refused") == 1
        winner = next(o for o in outcomes if o != "refused")
        assert store.review_item(item.id).status == winner

    # Sendings ---------------------------------------------------------------------------------

    def test_a_sending_is_recorded_granted_and_delivered_once(self, store):
        """The first sending delivers and makes its link live; the same one again does nothing."""
        from .storage import Grant

        ada = respondent("r1")
        self.enrol(store, ada)
        delivered: list[str] = []
        sent = store.record_sending(
            _sending(ada), Grant(ada, "hash-new", _at(3)), lambda: delivered.append("x")
        )
        assert delivered == ["x"]
        assert (sent.kind, sent.round, sent.sent_at, sent.message_id) == (
            "invitation",
            0,
            _at(0),
            "<s0@x>",
        )
        assert store.lookup_token("hash-new").live
        assert store.lookup_token("hash-r1-enrol").revoked_at == _at(3)
        again = store.record_sending(
            _sending(ada, minute=7), Grant(ada, "hash-newer", _at(7)), lambda: delivered.append("y")
        )
        assert again is None
        assert delivered == ["x"]
        assert store.lookup_token("hash-newer") is None
        assert store.sendings("c1") == [sent]

    def test_reminders_are_counted_apart_from_the_invitation(self, store):
        """Reminder rounds 1 and 2 are separate sendings; round 1 twice is one."""
        ada = respondent("r1")
        bob = respondent("r2", email="bob@example.org", name="Bob")
        self.enrol(store, ada, bob)
        invited = store.record_sending(_sending(ada), None, lambda: None)
        first = store.record_sending(_sending(ada, "reminder", 1, 5), None, lambda: None)
        assert store.record_sending(_sending(ada, "reminder", 1, 6), None, lambda: None) is None
        second = store.record_sending(_sending(ada, "reminder", 2, 8), None, lambda: None)
        bobs = store.record_sending(_sending(bob, minute=9), None, lambda: None)
        assert store.sendings("c1", "r1") == [invited, first, second]
        assert store.sendings("c1") == [invited, first, second, bobs]
        assert store.sendings("c2") == []
        assert store.lookup_token("hash-r1-enrol").live

    def test_a_failed_delivery_leaves_no_trace(self, store):
        """When delivery raises, nothing is recorded and the old link stays live."""
        from .storage import Grant

        ada = respondent("r1")
        self.enrol(store, ada)

        def refuse() -> None:
            raise ConnectionRefusedError("the mail server is down")

        with pytest.raises(ConnectionRefusedError):
            store.record_sending(_sending(ada), Grant(ada, "hash-new", _at(3)), refuse)
        assert store.sendings("c1") == []
        assert store.lookup_token("hash-new") is None
        assert store.lookup_token("hash-r1-enrol").live
        retried = store.record_sending(_sending(ada), Grant(ada, "hash-new", _at(4)), lambda: None)
        assert retried is not None
        assert store.lookup_token("hash-new").live

    def test_concurrent_runs_deliver_once(self, store):
        """Six runs send the same invitation at once: exactly one delivers."""
        from .storage import Grant

        ada = respondent("r1")
        self.enrol(store, ada)
        delivered: list[int] = []
        barrier = threading.Barrier(6)

        def run(n: int) -> None:
            barrier.wait()
            store.record_sending(
                _sending(ada, minute=n),
                Grant(ada, f"hash-{n}", _at(n)),
                lambda: delivered.append(n),
            )

        threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(delivered) == 1
        [sent] = store.sendings("c1")
        assert store.lookup_token(f"hash-{delivered[0]}").live
        assert sent.sent_at == _at(delivered[0])

    # Invariant --------------------------------------------------------------------------------

    def test_duplicates_point_at_the_first_copy(self, store):
        """For any sequence of stored messages, each names the first earlier copy, if any."""
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        pool = st.tuples(
            st.sampled_from(["1. Yes", "1. No", "2. Maybe"]),
            st.sampled_from([None, "<a@x>", "<b@x>"]),
        )

        @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(st.lists(pool, min_size=1, max_size=6))
        def check(sequence):
            consultation = f"c-{secrets.token_hex(6)}"
            seen: list[tuple[int, str, str | None]] = []
            for body, mid in sequence:
                stored = store.add_message(_new(raw_message(body, mid), consultation))
                expected = next(
                    (
                        sid
                        for sid, sha, smid in seen
                        if sha == stored.sha256 or (mid is not None and smid == mid)
                    ),
                    None,
                )
                assert stored.duplicate_of == expected
                seen.append((stored.id, stored.sha256, mid))
            assert [m.id for m in store.pending_messages(consultation)] == [s[0] for s in seen]

        check()


class PersistentMailStoreConformance(MailStoreConformance):
    """For stores that outlive their object: the mailbox survives closing and reopening.

    The ``store_factory`` must then open the *same* store each call (or the test below is given
    one that does, through ``reopen_factory``).
    """

    @pytest.fixture
    def reopen_factory(self, store_factory: StoreFactory) -> StoreFactory:
        """A factory whose every call opens the same store as the first: by its URL."""
        from .storage import open_store

        first: list[str] = []

        def factory() -> Store:
            if first:
                return open_store(first[0])
            store = store_factory()
            first.append(store.url)
            return store

        return factory

    def test_the_mailbox_survives_reopening(self, reopen_factory):
        """Messages, review items and sendings are all there after the store is reopened."""
        ada = respondent("r1")
        with reopen_factory() as store:
            self.enrol(store, ada)
            message = store.add_message(_new(raw_message()))
            item = _review(store, message.id, respondent_id="r1")
            sent = store.record_sending(_sending(ada), None, lambda: None)
            stored = store.message(message.id)
        with reopen_factory() as store:
            assert store.message(message.id) == stored
            assert store.review_items("c1") == [item]
            assert store.sendings("c1") == [sent]
