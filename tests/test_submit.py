"""The submit service: one path for every channel, the closing date, drafts and links."""

from __future__ import annotations

import datetime as dt
import logging
import types
from zoneinfo import ZoneInfo

import pytest

from surveykit import hookimpl, loads_spec
from surveykit.errors import (
    AnswersRejected,
    ClosedError,
    DetailsError,
    LinkError,
    SecretError,
    SubmissionError,
)
from surveykit.identity import Secret, Token
from surveykit.storage import Grant, open_store
from surveykit.submit import KnownRespondent, SubmitService
from surveykit.testing import respondent

LONDON = ZoneInfo("Europe/London")
SPEC = """
[consultation]
id = "stock"
title = "Taking stock"
publisher = "LGA"
opens = 2015-01-19
closes = 2015-03-13
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
id = "q13"
number = "13"
text = "Do you agree?"
kind = "single"
required = true
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[sections.questions]]
id = "q14"
number = "14"
text = "Why?"
kind = "text"
shown_if = 'q13 == "yes"'
"""
OPEN = dt.datetime(2015, 3, 1, 10, 0, tzinfo=LONDON)
LAST_MOMENT = dt.datetime(2015, 3, 13, 23, 59, 59, 999999, tzinfo=LONDON)
CLOSED = dt.datetime(2015, 3, 14, 0, 0, tzinfo=LONDON)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def consultation():
    return loads_spec(SPEC, source="stock.toml")


@pytest.fixture
def clock():
    return Clock(OPEN)


@pytest.fixture
def store():
    with open_store("memory://") as store:
        yield store


@pytest.fixture
def secret():
    return Secret.generate()


@pytest.fixture
def service(consultation, store, secret, clock):
    return SubmitService(consultation, store, secret, clock=clock)


@pytest.fixture
def token(store, secret):
    """A live link for Kent's leader."""
    token = Token.new()
    store.grant([Grant(respondent("kent", consultation="stock"), secret.hash(token), OPEN)])
    return token


def test_a_submission_stores_the_cleaned_answers_as_version_one(service, store, token):
    """The hidden answer to q14 is dropped and the rest stored with channel and both times."""
    receipt = service.submit(token, {"q13": "no", "q14": "hidden now"})
    stored = store.response("kent")
    assert stored == receipt.submission
    assert (stored.version, stored.answers, stored.channel) == (1, {"q13": "no"}, "web")
    assert stored.submitted_at == stored.received_at == OPEN.astimezone(dt.UTC)
    assert receipt.replaced is False
    assert receipt.respondent.id == "kent"


def test_a_second_submission_replaces_the_first_and_keeps_it_in_history(service, store, token):
    """Version 2 is the response; version 1 stays in the history; the receipt says so."""
    service.submit(token, {"q13": "no"})
    receipt = service.submit(token, {"q13": "yes", "q14": "  Because.  "})
    assert (receipt.version, receipt.replaced) == (2, True)
    assert store.response("kent").answers == {"q13": "yes", "q14": "Because."}
    assert [s.answers for s in store.history("kent")] == [
        {"q13": "no"},
        {"q13": "yes", "q14": "Because."},
    ]


def test_a_whole_link_works_as_well_as_the_bare_token(service, token):
    """Pasting the full link finds the same respondent."""
    link = f"https://consult.example.org/r/{token.value}?utm=mail"
    assert service.authenticate(link).id == "kent"


def test_the_last_moment_counts_and_midnight_does_not(service, store, token, clock):
    """A bare closing date accepts answers until the end of that day in London, not after."""
    clock.now = LAST_MOMENT
    assert service.submit(token, {"q13": "no"}).version == 1
    clock.now = CLOSED
    with pytest.raises(ClosedError) as info:
        service.submit(token, {"q13": "yes"})
    assert str(info.value) == (
        "Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
        "the response was not stored"
    )
    assert len(store.history("kent")) == 1


def test_nothing_is_accepted_before_opening(service, store, token, clock):
    """Before the opening date a submission is refused with the opening time."""
    clock.now = dt.datetime(2015, 1, 18, 23, 0, tzinfo=LONDON)
    with pytest.raises(ClosedError) as info:
        service.submit(token, {"q13": "yes"})
    assert str(info.value) == (
        "Taking stock is not open yet: it opens 2015-01-19 00:00 (Europe/London); "
        "the response was not stored"
    )
    assert store.history("kent") == []


def test_a_letter_received_in_time_counts_when_keyed_in_late(service, store, token, clock):
    """Paper is judged by when it was received; both times are recorded."""
    clock.now = dt.datetime(2015, 3, 20, 9, 0, tzinfo=LONDON)
    received = dt.datetime(2015, 3, 13, 16, 30, tzinfo=LONDON)
    receipt = service.submit(token, {"q13": "yes"}, channel="paper", received_at=received)
    stored = store.response("kent")
    assert (stored.channel, stored.received_at, stored.submitted_at) == (
        "paper",
        dt.datetime(2015, 3, 13, 16, 30, tzinfo=dt.UTC),
        dt.datetime(2015, 3, 20, 9, 0, tzinfo=dt.UTC),
    )
    assert receipt.version == 1


def test_a_letter_received_too_late_is_refused(service, store, token, clock):
    """Paper received after the closing date is refused, and the message gives its date."""
    clock.now = dt.datetime(2015, 3, 20, 9, 0, tzinfo=LONDON)
    with pytest.raises(ClosedError) as info:
        service.submit(
            token,
            {"q13": "yes"},
            channel="email",
            received_at=dt.datetime(2015, 3, 14, 8, 0, tzinfo=LONDON),
        )
    assert str(info.value) == (
        "Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
        "it was received 2015-03-14 08:00 (Europe/London); the response was not stored"
    )
    assert store.history("kent") == []


@pytest.mark.parametrize(
    ("channel", "received_at", "message"),
    [
        (
            "web",
            dt.datetime(2015, 2, 1, tzinfo=LONDON),
            "a received time is only for paper and email responses; "
            "web responses are received when they are submitted",
        ),
        (
            "paper",
            dt.datetime(2015, 3, 2, tzinfo=LONDON),
            "the received time 2015-03-02 00:00 (Europe/London) is in the future",
        ),
        (
            "paper",
            dt.datetime(2015, 2, 1),
            "the received time must include a time zone",
        ),
        ("fax", None, "unknown channel 'fax'; use one of web, email, cli, paper"),
    ],
)
def test_received_times_are_checked(service, store, token, channel, received_at, message):
    """A received time only for paper and email, never in the future, never naive."""
    with pytest.raises(SubmissionError) as info:
        service.submit(token, {"q13": "yes"}, channel=channel, received_at=received_at)
    assert str(info.value) == message
    assert store.history("kent") == []


def test_answers_with_problems_store_nothing(service, store, token):
    """Every problem is reported and nothing is stored."""
    with pytest.raises(AnswersRejected) as info:
        service.submit(token, {"q13": "perhaps", "q99": "x"})
    assert [p.code for p in info.value.problems] == ["unknown_option", "unknown_question"]
    assert str(info.value).splitlines()[0] == "the answers were not stored: 2 problems"
    assert store.history("kent") == []


def test_unknown_malformed_and_foreign_links_are_refused(service, store, secret, token):
    """A link never issued, a mangled one, or one for another consultation is not recognised."""
    foreign = Token.new()
    store.grant([Grant(respondent("elsewhere", consultation="other"), secret.hash(foreign), OPEN)])
    for bad in (Token.new(), foreign):
        with pytest.raises(LinkError) as info:
            service.submit(bad, {"q13": "yes"})
        assert str(info.value) == (
            "this link is not recognised: check it was copied in full, or ask for a new one"
        )
    with pytest.raises(LinkError) as info:
        service.submit("not a token!", {"q13": "yes"})
    assert str(info.value) == "that is not a valid link: check it was copied in full"
    assert store.history("elsewhere") == []


def test_a_replaced_link_is_refused_and_the_new_one_continues_the_history(
    service, store, secret, token
):
    """After a reissue the old link is refused; the new one gets the next version."""
    service.submit(token, {"q13": "no"})
    fresh = Token.new()
    store.grant([Grant(store.respondent("kent"), secret.hash(fresh), OPEN)])
    with pytest.raises(LinkError) as info:
        service.submit(token, {"q13": "yes"})
    assert str(info.value) == (
        "this link has been replaced by a newer one: use the most recent link you were sent"
    )
    assert service.submit(fresh, {"q13": "yes"}).version == 2


def test_drafts_are_cleaned_kept_apart_and_cleared_by_submitting(service, store, token):
    """A draft keeps visible answers only, is not a response, and goes once submitted."""
    draft = service.save_draft(token, {"q13": "no", "q14": "hidden"})
    assert draft.answers == {"q13": "no"}
    assert service.load_draft(token) == draft
    assert service.response(token) is None
    service.submit(token, {"q13": "no"})
    assert service.load_draft(token) is None
    assert service.response(token).version == 1


def test_drafts_are_refused_once_closed(service, store, token, clock):
    """After closing, drafts can be neither saved nor opened, and the saved one is untouched."""
    service.save_draft(token, {"q13": "yes"})
    clock.now = CLOSED
    with pytest.raises(ClosedError) as info:
        service.save_draft(token, {"q13": "no"})
    assert str(info.value).endswith("; the draft was not saved")
    with pytest.raises(ClosedError) as info:
        service.load_draft(token)
    assert str(info.value).endswith("; drafts can no longer be opened")
    assert store.load_draft("kent").answers == {"q13": "yes"}


def test_anyone_can_request_a_link_of_their_own(service, store):
    """Self-service makes a respondent of role other with the details given, and a live token."""
    link = service.request_link(
        authority=" Anytown Parish ",
        authority_type="county",
        name="Sam",
        email="sam@example.org",
        consent="quote_anonymous",
    )
    r = link.respondent
    assert (r.consultation, r.authority, r.role, r.name, r.email, r.consent, r.origin) == (
        "stock",
        "Anytown Parish",
        "other",
        "Sam",
        "sam@example.org",
        "quote_anonymous",
        "self_service",
    )
    assert r.created_at == OPEN.astimezone(dt.UTC)
    assert store.respondent(r.id) == r
    assert service.submit(link.token, {"q13": "yes"}).respondent == r
    assert link.token.value not in repr(link)


def test_a_link_request_with_bad_details_creates_nothing(service, store):
    """Every bad detail is named and no respondent is stored."""
    with pytest.raises(DetailsError) as info:
        service.request_link(authority="", authority_type="parish", email="not-an-email")
    assert str(info.value) == (
        "the authority is missing; unknown authority type 'parish' (known: county); "
        "the email address is not valid"
    )
    assert list(store.respondents("stock")) == []


def test_no_links_are_handed_out_after_closing(service, store, clock):
    """Self-service is refused once the consultation has closed."""
    clock.now = CLOSED
    with pytest.raises(ClosedError):
        service.request_link(authority="Anytown", authority_type="county")
    assert list(store.respondents("stock")) == []


def test_a_store_set_up_with_another_secret_is_refused(consultation, store, secret, clock):
    """The service refuses a secret the store was not set up with."""
    SubmitService(consultation, store, secret, clock=clock)
    with pytest.raises(SecretError) as info:
        SubmitService(consultation, store, Secret(b"x" * 40, "a test"), clock=clock)
    assert str(info.value) == (
        "this store was set up with a different deployment secret than a test; "
        "use the original secret (see docs/identity.md)"
    )


def test_hook_submitted(consultation, store, secret, clock, token, surveykit_plugins):
    """A plugin hears of each stored submission, with the consultation and the submission."""
    heard = []

    @hookimpl
    def surveykit_submitted(consultation, submission):
        heard.append((consultation.metadata.id, submission))

    surveykit_plugins.register(
        types.SimpleNamespace(surveykit_submitted=surveykit_submitted), name="listener"
    )
    service = SubmitService(consultation, store, secret, clock=clock, plugins=surveykit_plugins)
    receipt = service.submit(token, {"q13": "yes"})
    assert heard == [("stock", receipt.submission)]
    with pytest.raises(AnswersRejected):
        service.submit(token, {})
    assert len(heard) == 1


def test_a_failing_hook_does_not_undo_the_submission(
    consultation, store, secret, clock, token, surveykit_plugins, caplog
):
    """The submission stays stored and the hook's failure is logged without the token."""

    @hookimpl
    def surveykit_submitted(submission):
        raise RuntimeError("mail server down")

    surveykit_plugins.register(
        types.SimpleNamespace(surveykit_submitted=surveykit_submitted), name="mailer"
    )
    service = SubmitService(consultation, store, secret, clock=clock, plugins=surveykit_plugins)
    with caplog.at_level(logging.ERROR, logger="surveykit.submit"):
        receipt = service.submit(token, {"q13": "yes"})
    assert store.response("kent") == receipt.submission
    assert [r.getMessage() for r in caplog.records] == [
        "a surveykit_submitted hook failed after version 1 was stored; it stays stored"
    ]
    assert token.value not in caplog.text


def test_an_officer_submits_for_a_known_respondent_through_the_same_rules(
    service, store, secret, token, clock
):
    """A known respondent needs no link, but closing dates, cleaning and versions still apply."""
    known = KnownRespondent("kent")
    assert repr(known) == "KnownRespondent(<hidden>)"
    receipt = service.submit(
        known, {"q13": "no", "q14": "hidden"}, channel="paper", received_at=OPEN
    )
    assert (receipt.version, receipt.submission.answers) == (1, {"q13": "no"})
    store.grant(
        [Grant(respondent("elsewhere", consultation="other"), secret.hash(Token.new()), OPEN)]
    )
    for stranger in ("nobody", "elsewhere"):
        with pytest.raises(LinkError) as info:
            service.submit(KnownRespondent(stranger), {"q13": "yes"}, channel="paper")
        assert str(info.value) == "that respondent is not one of this consultation's respondents"
    assert store.history("elsewhere") == []
