"""/get-a-link: email addresses are validated and normalised, and a link asked for in a roster
person's name never becomes theirs (issue 14)."""

from __future__ import annotations

import pytest
from webtools import csrf_of

from surveykit.roster import RosterEntry, plan_links

BAD_EMAIL = "Enter an email address in the correct format, like name@example.com"
KENT = {"authority": "Kent County Council", "authority_type": "county"}


def _ask(client, **details: str):
    token = csrf_of(client.get("/get-a-link").text)
    return client.post("/get-a-link", data={"csrf_token": token, **KENT, **details})


@pytest.mark.parametrize(
    "email",
    [
        '"><svg/onload=alert(22)>@x.example',
        "ada@x.example<script>alert(1)</script>",
        "Ada <ada@x.example>",
        "ada@x.example, mallory@y.example",
        "ada@localhost",
        "ada@x.test",
    ],
)
def test_a_hostile_email_is_refused_shown_as_text_and_nothing_is_stored(client, store, email):
    """The form says what is wrong, shows what was typed escaped, and stores no respondent."""
    response = _ask(client, name="Ada", email=email)
    assert response.status_code == 400
    assert f'<a href="#email">{BAD_EMAIL}</a>' in response.text
    assert "<svg" not in response.text
    assert "<script>alert" not in response.text
    assert list(store.respondents("taking-stock")) == []


def test_an_email_is_stored_with_its_domain_lower_cased(client, store):
    """A valid address is kept in email-validator's normal form: the same person typing other
    case matches."""
    assert _ask(client, name="Ada", email=" Ada.Lovelace@Kent.GOV.UK ").status_code == 200
    [who] = store.respondents("taking-stock")
    assert who.email == "Ada.Lovelace@kent.gov.uk"


def test_a_link_asked_for_in_a_leaders_name_is_never_the_leaders(client, store, service):
    """An impostor asks for a link with the leader's name and email and saves a draft; the
    roster import then gives the leader a record and link of their own."""
    response = _ask(client, name="Roger Gough", email="LEADER@kent.example")
    assert response.status_code == 200
    [planted] = store.respondents("taking-stock")
    entry = RosterEntry(
        2, "Kent County Council", "county", "leader", "Roger Gough", "leader@kent.example"
    )
    plan = plan_links(store, service.secret, service.consultation, [entry], now=service.now())
    assert (plan.new, plan.kept, plan.shared) == (1, 0, 1)
    plan.commit(store)
    leader = service.authenticate(plan.links[0].token)
    assert (leader.origin, leader.role) == ("roster", "leader")
    assert leader.id != planted.id
    assert {r.origin for r in store.respondents("taking-stock")} == {"roster", "self_service"}
