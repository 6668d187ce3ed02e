"""A Hypothesis state machine over people submitting, saving drafts, emailing and being erased,
with reports along the way, on the memory store and on a real SQLite file.

Invariants, after every step: no erased person's name or address is anywhere the store can
return it (respondents, stored mail as its sender, review items, the subject access document of
anyone else), nobody can find them again, and reports count every kept answer and no removed
one.

Purge and anonymise-on-close are rules of the subclasses :class:`PurgeMachine` and
:class:`AnonymiseMachine`: a purge at an instant drawn from the retention schedule's dates tells
the model, through :meth:`PersonalDataMachine.forget`, that everyone whose contact details were
due is gone with their answers still counted; anonymising does the same for everyone.  The same
invariants then hold them to the same promises, and the rules check two more: a purge repeated
at once removes nothing, and the report's groups and answers are the same after anonymising as
before.  ``Model.counted`` is what reports must count.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from erasegen import CONSULTATION, ROOT, secret, store_mail
from surveykit import load_spec, purge, subject
from surveykit.cli.subject_commands import mail_reader
from surveykit.errors import SurveykitError
from surveykit.identity import Respondent, Token
from surveykit.mailbox import NewReview
from surveykit.plugins import get_plugins
from surveykit.retention import anonymisation_due, due
from surveykit.storage import Draft, Grant, NewSubmission, Store, open_store

T0 = dt.datetime(2015, 2, 2, 9, 0, tzinfo=dt.UTC)
ROLES = ("leader", "chief_executive")


@attrs.define
class Model:
    """What the store should hold: who is still there, who is gone, what reports count."""

    #: Living people by respondent id: (name, email, has a response).
    living: dict[str, tuple[str, str, bool]] = attrs.field(factory=dict)
    #: Names and addresses of everyone erased.
    erased: set[str] = attrs.field(factory=set)
    #: Responses of erased people that were kept (anonymised), so reports still count them.
    kept: int = 0

    def counted(self) -> int:
        return sum(responded for _, _, responded in self.living.values()) + self.kept


class PersonalDataMachine(RuleBasedStateMachine):
    """People, their answers and mail, and erasure, over one store (see the module)."""

    store_url = "memory://"
    people = Bundle("people")

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.store: Store = open_store(self.store_url.format(folder=self.folder.name))
        self.secret = secret()
        self.store.secret_fingerprint(self.secret.fingerprint)
        self.mail = mail_reader(self.secret, CONSULTATION)
        self.model = Model()
        self.minute = 0
        self.serial = 0

    def teardown(self) -> None:
        self.store.close()
        self.folder.cleanup()

    def tick(self) -> dt.datetime:
        self.minute += 1
        return T0 + dt.timedelta(minutes=self.minute)

    # Extension points for purge and anonymise ---------------------------------------------

    def forget(self, rid: str, *, answers_kept: bool) -> None:
        """Record in the model that ``rid`` is gone, with or without their answers counted."""
        name, email, responded = self.model.living.pop(rid)
        self.model.erased |= {name, email}
        if answers_kept and responded:
            self.model.kept += 1

    # Rules ----------------------------------------------------------------------------------

    @rule(target=people, role=st.sampled_from(ROLES))
    def add_person(self, role: str) -> str:
        self.serial += 1
        name, email = f"Nm{self.serial:03d}q", f"p{self.serial:03d}q@kent.example"
        who = Respondent(
            CONSULTATION, f"Council {self.serial % 3}", "county", role, name=name, email=email
        )
        self.store.grant([Grant(who, self.secret.hash(Token.new()), self.tick())])
        self.model.living[who.id] = (name, email, False)
        return who.id

    @rule(rid=people, answer=st.sampled_from(["yes", "no"]))
    def submit(self, rid: str, answer: str) -> None:
        if rid not in self.model.living:
            return
        when = self.tick()
        self.store.append_submission(
            NewSubmission(CONSULTATION, rid, {"q1": answer}, "web", when, when)
        )
        name, email, _ = self.model.living[rid]
        self.model.living[rid] = (name, email, True)

    @rule(rid=people)
    def draft(self, rid: str) -> None:
        if rid in self.model.living:
            self.store.save_draft(Draft(rid, {"q1": "maybe"}, self.tick()))

    @rule(rid=people, outcome=st.sampled_from(["submitted", "review", "stored"]))
    def email(self, rid: str, outcome: str) -> None:
        if rid not in self.model.living:
            return
        name, email, _ = self.model.living[rid]
        self.serial += 1
        raw = f"From: {name} <{email}>\r\nSubject: reply {self.serial}\r\n\r\nmy answer yes\r\n"
        stored = store_mail(self.store, self.secret, raw.encode(), self.minute)
        when = self.tick()
        if outcome == "submitted":
            self.store.append_submission(
                NewSubmission(
                    CONSULTATION, rid, {"q1": "yes"}, "email", when, when, message=stored.id
                )
            )
            self.model.living[rid] = (name, email, True)
        elif outcome == "review":
            self.store.add_review(NewReview(CONSULTATION, stored.id, "no_reference", "", when))

    @rule(rid=consumes(people), keep=st.booleans())
    def erase(self, rid: str, keep: bool) -> None:
        if rid not in self.model.living:
            return
        _, email, _ = self.model.living[rid]
        person = subject.find_person(
            self.store, CONSULTATION, self.secret, email=email, mail=self.mail
        )
        assert person.respondent is not None
        assert person.respondent.id == rid
        subject.erase(self.store, person, keep_answers=keep)
        self.forget(rid, answers_kept=keep)

    @rule()
    def report(self) -> None:
        """A report counts every current response: the living and the kept ones."""
        rows = list(self.store.iter_report_rows(CONSULTATION))
        assert len(rows) == self.model.counted()
        assert all(row.name not in self.model.erased for row in rows)

    # Invariants -----------------------------------------------------------------------------

    @invariant()
    def counts_match(self) -> None:
        assert self.store.count_responses(CONSULTATION) == self.model.counted()

    @invariant()
    def no_erased_identity_in_respondents(self) -> None:
        for who in self.store.respondents(CONSULTATION):
            assert who.name not in self.model.erased
            assert who.email not in self.model.erased

    @invariant()
    def no_mail_from_anyone_erased(self) -> None:
        for message in self.store.messages(CONSULTATION):
            sender = self.mail.read(self.mail.open(message)).sender
            assert sender not in self.model.erased
        for item in self.store.review_items(CONSULTATION, status=None):
            assert self.store.message(item.message) is not None

    @invariant()
    def nobody_finds_the_erased_again(self) -> None:
        for gone in sorted(self.model.erased):
            if "@" in gone:
                with pytest.raises(SurveykitError, match="nobody matches"):
                    subject.find_person(
                        self.store, CONSULTATION, self.secret, email=gone, mail=self.mail
                    )

    @invariant()
    def no_one_elses_document_names_the_erased(self) -> None:
        for rid in sorted(self.model.living)[:3]:
            who = self.store.respondent(rid)
            assert who is not None
            person = subject.find_person(
                self.store, CONSULTATION, self.secret, email=who.email, mail=self.mail
            )
            text = json.dumps(subject.gather(self.store, person, self.secret, mail=self.mail))
            assert not any(gone in text for gone in self.model.erased)


class SqliteMachine(PersonalDataMachine):
    store_url = "sqlite:///{folder}/state.db?synchronous=normal"


#: Taking Stock as the purge rules read its schedule (it closed on 13 March 2015).
TAKING_STOCK = load_spec(ROOT / "specs" / "taking_stock.toml")
#: Instants around the schedule's dates: before the close, after drafts, after history, raw
#: emails and review items, after contact details and links.
PURGE_INSTANTS = [
    dt.datetime(2015, 3, 1, tzinfo=dt.UTC),
    dt.datetime(2015, 4, 20, tzinfo=dt.UTC),
    dt.datetime(2015, 6, 20, tzinfo=dt.UTC),
    dt.datetime(2015, 9, 20, tzinfo=dt.UTC),
]


class PurgeMachine(PersonalDataMachine):
    """The erasure machine with purges at any of the schedule's dates."""

    consultation = TAKING_STOCK

    def decide_reviews(self) -> None:
        """An officer decides every open item (during the consultation), so none holds mail."""
        for item in self.store.review_items(CONSULTATION):
            self.store.resolve_review(item.id, status="rejected", note="", resolved_at=self.tick())

    def purge_at(self, now: dt.datetime) -> None:
        planned = purge.plan(
            self.consultation,
            now,
            messages=self.store.messages(CONSULTATION),
            reviews=self.store.review_items(CONSULTATION, status=None),
            kinds=get_plugins().kinds,
            anonymised=self.store.anonymised(CONSULTATION),
        )
        self.store.purge(planned.store_plan)

    def groups(self) -> list[tuple]:
        """What the report is made of: each response's group and answers, ids left out."""
        rows = self.store.iter_report_rows(CONSULTATION)
        return sorted(
            (row.role, row.authority_type, row.authority, json.dumps(row.answers)) for row in rows
        )

    @rule(now=st.sampled_from(PURGE_INSTANTS))
    def purge(self, now: dt.datetime) -> None:
        self.decide_reviews()
        already = self.store.anonymised(CONSULTATION)
        self.purge_at(now)
        contacts = due(self.consultation, "contact_details")
        anonymised = not already and self.store.anonymised(CONSULTATION)
        if anonymised or (contacts is not None and contacts <= now):
            for rid in list(self.model.living):
                self.forget(rid, answers_kept=True)
        before = self.snapshot()
        self.purge_at(now)  # idempotent: nothing more goes
        assert self.snapshot() == before

    def snapshot(self) -> tuple:
        people = sorted(self.store.respondents(CONSULTATION), key=lambda who: who.id)
        return (
            [attrs.astuple(who) for who in people],
            [len(self.store.history(who.id)) for who in people],
            [m.id for m in self.store.messages(CONSULTATION)],
            [i.id for i in self.store.review_items(CONSULTATION, status=None)],
        )


class AnonymiseMachine(PurgeMachine):
    """Taking Stock anonymised 30 days after its close: the report is the same after."""

    consultation = attrs.evolve(
        TAKING_STOCK, retention=attrs.evolve(TAKING_STOCK.retention, anonymise=True)
    )

    @rule()
    def anonymise(self) -> None:
        """Once: someone added after (a late roster import) keeps their identity until their
        contact details are due."""
        self.decide_reviews()
        already = self.store.anonymised(CONSULTATION)
        before = self.groups()
        self.purge_at(anonymisation_due(self.consultation))
        assert self.groups() == before
        assert self.store.anonymised(CONSULTATION)
        if not already:
            for rid in list(self.model.living):
                self.forget(rid, answers_kept=True)


class SqlitePurgeMachine(PurgeMachine):
    store_url = SqliteMachine.store_url


class SqliteAnonymiseMachine(AnonymiseMachine):
    store_url = SqliteMachine.store_url


RUNS = settings(max_examples=50, stateful_step_count=20, deadline=None)


def test_erasure_invariants_on_the_memory_store():
    run_state_machine_as_test(PersonalDataMachine, settings=RUNS)


def test_erasure_invariants_on_a_sqlite_file():
    run_state_machine_as_test(SqliteMachine, settings=RUNS)


def test_purge_invariants_on_the_memory_store():
    run_state_machine_as_test(PurgeMachine, settings=RUNS)


def test_anonymise_invariants_on_the_memory_store():
    run_state_machine_as_test(AnonymiseMachine, settings=RUNS)


SQLITE_RUNS = settings(max_examples=25, stateful_step_count=20, deadline=None)


def test_purge_invariants_on_a_sqlite_file():
    run_state_machine_as_test(SqlitePurgeMachine, settings=SQLITE_RUNS)


def test_anonymise_invariants_on_a_sqlite_file():
    run_state_machine_as_test(SqliteAnonymiseMachine, settings=SQLITE_RUNS)
