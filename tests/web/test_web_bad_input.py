"""Issue 14, items 12 and 14 on the web form: a control character in an answer or in a
self-service request is an ordinary answer error (400 and a message naming the question), never
a 500, and nothing is stored; Hypothesis posts arbitrary text and bytes to the forms, on the
memory store and on the real PostgreSQL server, and no post ever gets a server error."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote_from_bytes, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient
from webtools import csrf_of

from surveykit.storage import open_store
from surveykit_html import create_app

CONTROL_MESSAGE = (
    "Question 3: the answer contains a control character (U+0000), which cannot be accepted; "
    "remove it"
)


@pytest.fixture(params=["memory", "postgresql"])
def any_store(request):
    url = "memory://" if request.param == "memory" else request.getfixturevalue("postgres_url")
    with open_store(url) as store:
        yield store


@pytest.fixture
def web(consultation, any_store, secret, clock, limits) -> Iterator[tuple[TestClient, object]]:
    """A client that reports a server error as a 500 response, as a browser would see it."""
    app = create_app(consultation, any_store, secret=secret, clock=clock, limits=limits)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        yield client, app.state.web.service


def _sign_in(client: TestClient, service) -> str:
    issued = service.request_link(authority="Kent County Council", authority_type="county")
    assert client.get(f"/r/{issued.token.value}").status_code == 303
    return issued.respondent.id


def _post(client: TestClient, path: str, **data: str):
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **data})


def test_a_control_character_in_an_answer_is_an_answer_error(web):
    """U+0000 in a text answer: the question page again, 400, the message in the error summary;
    the draft does not get it.  On PostgreSQL this was a 500 with a traceback in the log."""
    client, service = web
    who = _sign_in(client, service)
    response = _post(client, "/questions/q3", answer="first\x00second", action="continue")
    assert response.status_code == 400
    assert f'<li><a href="#answer">{CONTROL_MESSAGE}</a></li>' in response.text
    draft = service.store.load_draft(who)
    assert draft is None or "q3" not in draft.answers
    kept = _post(client, "/questions/q3", answer="line one\r\n\tline two", action="continue")
    assert kept.status_code == 303
    assert service.store.load_draft(who).answers["q3"] == "line one\r\n\tline two"


def test_a_control_character_in_a_link_request_is_refused(web):
    """Asking for a link with a NUL in the name: the form again with the reason, no respondent
    created (PostgreSQL failed on the NUL)."""
    client, service = web
    response = _post(
        client,
        "/get-a-link",
        authority="Kent County Council",
        authority_type="county",
        name="A\x00",
    )
    assert response.status_code == 400
    assert "the name contains a control character (U+0000); remove it" in response.text
    assert list(service.store.respondents("taking-stock")) == []


_some_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
#: Any text, half the time with a control character inside it.
_any_text = _some_text | st.builds(
    lambda before, control, after: before + control + after,
    _some_text,
    st.sampled_from("\x00\x1b\x7f\x85\x08"),
    _some_text,
)
_questions = st.sampled_from(["q3", "authority", "q7", "role", "q1", "consent"])


def test_no_answer_post_gets_a_server_error(web):
    """Hypothesis: any text (control characters and all) or any bytes as the answer to a
    question, saved or continued: an answer error or the next page, never a 500."""
    client, service = web
    _sign_in(client, service)
    token = csrf_of(client.get("/questions/role").text)

    @given(_questions, _any_text | st.binary(max_size=30), st.sampled_from(["continue", "save"]))
    def post(question, answer, action):
        raw = answer if isinstance(answer, bytes) else answer.encode("utf-8")
        body = f"{urlencode({'csrf_token': token, 'action': action})}&answer="
        response = client.post(
            f"/questions/{question}",
            content=body.encode("ascii") + quote_from_bytes(raw).encode("ascii"),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code in (303, 400), response.text[-500:]

    post()


def test_no_link_request_gets_a_server_error(web):
    """Hypothesis: any text in the self-service form's fields: the form with its errors, the
    new link, or the rate limit's page; never a 500."""
    client, _ = web

    @given(_any_text, st.sampled_from(["county", "district", "", "x\x00"]), _any_text, _any_text)
    def post(authority, authority_type, name, email):
        fields = {
            "csrf_token": csrf_of(client.get("/get-a-link").text),  # a new link starts a session
            "authority": authority,
            "authority_type": authority_type,
            "name": name,
            "email": email,
        }
        response = client.post("/get-a-link", data=fields)
        assert response.status_code in (200, 400, 429), response.text[-500:]

    post()
