"""Check your answers, for someone the roster describes: what it filled in is marked "From our
records", with a Change link that says so, and a correction made there is what is stored."""

from __future__ import annotations

import re

from webtools import DURING, csrf_of

from surveykit.identity import Respondent, Token
from surveykit.storage import Grant

TAG = "From our records"


def _rows(page: str) -> dict[str, str]:
    """Each summary row's HTML by question id."""
    parts = re.split(r'<div class="govuk-summary-list__row" id="row-', page)[1:]
    return {part.split('"', 1)[0]: part for part in parts}


def _post(client, path: str, **data: str):
    page = client.get(path.split("?")[0])
    return client.post(path, data={"csrf_token": csrf_of(page.text), **data})


def _roster_leader(client, service) -> Respondent:
    """Ada, Kent's leader on the roster, with her link opened in ``client``."""
    ada = Respondent("taking-stock", "Kent County Council", "county", "leader", name="Ada")
    token = Token.new()
    service.store.grant([Grant(ada, service.secret.hash(token), DURING)])
    assert client.get(f"/r/{token.value}").status_code == 303
    return ada


def test_check_your_answers_marks_what_the_roster_said(client, service):
    """A1 to A3 come from the roster: each is tagged, and its Change link says so."""
    _roster_leader(client, service)
    _post(client, "/questions/consent", answer="no_quote", action="continue")
    response = client.get("/check-answers")
    assert response.status_code == 200
    page = response.text
    assert 'id="from-records-intro"' in page
    rows = _rows(page)
    assert [qid for qid, row in rows.items() if TAG in row] == [
        "role",
        "authority_type",
        "authority",
    ]
    role = rows["role"]
    assert '<p class="govuk-body">Leader</p>' in role
    assert 'href="/questions/role?change=1"' in role
    assert (
        'Change<span class="govuk-visually-hidden"> your answer to question a1, which is from '
        "our records</span>"
    ) in role
    assert ", which is from our records" not in rows["consent"]


def test_a_correction_on_check_your_answers_is_what_is_stored(client, service):
    """Changing A2 from the check page drops its tag there, and the corrected answer is sent."""
    ada = _roster_leader(client, service)
    _post(client, "/questions/consent", answer="no_quote", action="continue")
    changed = _post(client, "/questions/authority_type?change=1", answer="unitary")
    assert changed.headers["location"] == "/check-answers"
    rows = _rows(client.get("/check-answers").text)
    assert TAG not in rows["authority_type"]
    assert "Unitary council" in rows["authority_type"]
    assert TAG in rows["role"]
    sent = _post(client, "/check-answers")
    assert sent.headers["location"] == "/confirmation"
    answers = service.store.response(ada.id).answers
    assert (answers["role"], answers["authority_type"]) == ("leader", "unitary")


def test_nothing_is_from_our_records_for_a_self_service_respondent(respondent_client):
    """Someone no roster lists answered About you themselves: nothing is tagged."""
    for qid, value in [("role", "other"), ("authority_type", "county"), ("authority", "Kent")]:
        _post(respondent_client, f"/questions/{qid}", answer=value, action="continue")
    page = respondent_client.get("/check-answers").text
    assert TAG not in page
    assert "from our records" not in page
