"""The personal email form says what the roster knows, and a reply that leaves it be is read
with the roster's answers (issue 13, item 9)."""

from __future__ import annotations

import datetime as dt

from mailtools import SPEC, T0

from surveykit import Secret, load_spec
from surveykit.identity import Respondent
from surveykit.known import roster_answers
from surveykit.storage import Grant, open_store
from surveykit_email.form import write_form
from surveykit_email.intake import Intake
from surveykit_email.reference import reference_for

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def _quoted_reply(form: str, ticks: dict[str, str]) -> bytes:
    """A Thunderbird-style inline reply: the whole form quoted, boxes ticked inside it."""
    lines = []
    for line in form.splitlines():
        for label, mark in ticks.items():
            if line.strip() == f"[ ] {label}":
                line = line.replace("[ ]", mark, 1)
        lines.append(f"> {line}" if line else ">")
    body = "\r\n".join(["My answers are in the form below.", "", "On 1 June, LGA wrote:", *lines])
    headers = (
        "From: Ada Lovelace <ada@kent.example>\r\nTo: consult@lga.example\r\n"
        "Subject: Re: Taking stock\r\nMessage-ID: <k1@kent.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    return (headers + body + "\r\n").encode("utf-8")


def test_the_personal_form_says_what_the_roster_knows():
    consultation = load_spec(SPEC)
    ada = Respondent("taking-stock", "Kent County Council", "county", "leader")
    form = write_form(consultation, reference="SK-X", known=roster_answers(consultation, ada))
    assert "    (We have you as: Leader.)\n    (Tick a box only if that is wrong.)" in form
    assert "(We have you as: County council.)" in form
    assert "(We have you as: Kent County Council.)\n    (Write an answer only if that is" in form
    assert '(If you leave this blank, we read it as "Do not quote my response;' in form
    stranger = Respondent("taking-stock", "X", "county", "other", origin="self_service")
    assert "We have you as" not in write_form(
        consultation, known=roster_answers(consultation, stranger)
    )


def test_a_reply_in_the_personal_form_keeps_the_roster_answers():
    """Ada ticks 13 and 14 and nothing else: About you comes from the roster, consent is no."""
    consultation = load_spec(SPEC).reopened_until(dt.date(2099, 12, 31))
    secret = Secret.generate()
    with open_store("memory://") as store:
        ada = Respondent(
            "taking-stock", "Kent County Council", "county", "leader", email="ada@kent.example"
        )
        store.grant([Grant(ada, "h", T0)])
        form = write_form(
            consultation,
            reference=reference_for(secret, ada.id),
            known=roster_answers(consultation, ada),
        )
        raw = _quoted_reply(form, {"Yes": "[x]"})
        outcome = Intake(consultation, store, secret, clock=lambda: NOW).receive(
            raw, source="test", received_at=NOW
        )
        assert outcome.status == "submitted", store.review_items("taking-stock")
        answers = store.response(ada.id).answers
        assert answers["role"] == "leader"
        assert answers["authority"] == "Kent County Council"
        assert answers["consent"] == "no_quote"
