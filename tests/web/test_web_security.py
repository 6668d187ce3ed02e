"""Security properties of the web form, checked in process with Starlette's TestClient."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient
from webtools import csrf_of

from surveykit.identity import Token
from surveykit.storage import Grant
from surveykit_html import Limits
from surveykit_html.logs import RedactLinks, redact
from surveykit_html.security import CONTENT_SECURITY_POLICY

EXPECTED_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def _draft(service, _client) -> dict | None:
    """The one respondent's draft answers, or None when nothing was saved."""
    drafts = [service.store.load_draft(r.id) for r in service.store.respondents("taking-stock")]
    found = [d.answers for d in drafts if d is not None]
    return found[0] if found else None


def test_the_policy_allows_only_our_own_scripts_styles_and_forms():
    """The Content-Security-Policy names no inline code and no other origin."""
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    )


@pytest.mark.parametrize("path", ["/", "/get-a-link", "/no-such-page", "/static/surveykit.css"])
def test_security_headers_on_every_response(client, path):
    """Pages, errors and assets all carry the security headers."""
    response = client.get(path)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value
    assert "strict-transport-security" not in response.headers


def test_pages_are_not_cached_and_versioned_assets_are(client):
    """A page holding answers is never stored by a cache; hashed asset URLs are kept a year."""
    page = client.get("/")
    assert page.headers["cache-control"] == "no-store"
    css = client.get("/static/surveykit.css?v=1")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_hsts_is_sent_over_https(app):
    """Behind TLS the browser is told to stay on HTTPS."""
    with TestClient(app, base_url="https://consult.example") as client:
        response = client.get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_a_link_is_swapped_for_a_session_cookie_and_a_redirect(client, link):
    """Opening a link sets a signed HttpOnly SameSite cookie without the token, then redirects."""
    response = client.get(link)
    token = link.removeprefix("/r/")
    assert response.status_code == 303
    assert response.headers["location"] == "/your-response"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("surveykit_session=")
    assert cookie.endswith("; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax")
    assert token not in cookie
    assert client.get("/your-response").status_code == 200


def test_the_session_cookie_is_secure_when_asked(consultation, store, secret, clock):
    """`https_only` marks the cookie Secure."""
    from surveykit_html import create_app

    app = create_app(consultation, store, secret=secret, clock=clock, https_only=True)
    issued = app.state.web.service.request_link(authority="Kent", authority_type="county")
    with TestClient(app, base_url="https://consult.example", follow_redirects=False) as client:
        cookie = client.get(f"/r/{issued.token.value}").headers["set-cookie"]
    assert cookie.endswith("; HttpOnly; SameSite=Lax; Secure")


def test_a_forged_cookie_is_ignored(client):
    """A session cookie not signed with the deployment's key gives no access."""
    client.cookies.set("surveykit_session", "eyJyaWQiOiAiYSIsICJ0aCI6ICJiIn0=.x.y")
    response = client.get("/your-response")
    assert response.status_code == 403
    assert "Open your unique link to carry on" in response.text


def test_wrong_links_look_like_unknown_links(client):
    """A malformed link and a well-formed unknown one get the same page."""
    malformed = client.get("/r/not-a-token")
    unknown = client.get(f"/r/{Token.new().value}")
    assert malformed.status_code == unknown.status_code == 404
    assert malformed.text == unknown.text
    assert "This link is not recognised" in unknown.text
    assert "set-cookie" not in unknown.headers


def test_wrong_links_are_rate_limited_like_unknown_links(consultation, store, secret, clock):
    """After too many wrong links even a right one gets the unknown-link page, byte for byte."""
    from surveykit_html import create_app

    app = create_app(
        consultation, store, secret=secret, clock=clock, limits=Limits(token_failures=3)
    )
    issued = app.state.web.service.request_link(authority="Kent", authority_type="county")
    with TestClient(app, follow_redirects=False) as client:
        wrong = [client.get(f"/r/{Token.new().value}") for _ in range(3)]
        limited = client.get(f"/r/{issued.token.value}")
    assert [r.status_code for r in wrong] == [404, 404, 404]
    assert limited.status_code == 404
    assert limited.text == wrong[0].text
    assert "set-cookie" not in limited.headers


def test_a_revoked_link_ends_its_sessions(respondent_client, service, secret, clock):
    """Reissuing a link (which revokes the old one) signs out every session made from it."""
    respondent = next(iter(service.store.respondents("taking-stock")))
    service.store.grant([Grant(respondent, secret.hash(Token.new()), clock())])
    response = respondent_client.get("/your-response")
    assert response.status_code == 403
    assert "Open your unique link to carry on" in response.text


def test_a_post_without_csrf_token_is_refused_and_stores_nothing(respondent_client, service):
    """A form with no CSRF token is refused with a clear page; no draft is written."""
    response = respondent_client.post("/questions/role", data={"answer": "leader"})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert _draft(service, respondent_client) is None


def test_a_post_with_a_wrong_csrf_token_is_refused(respondent_client, service):
    """A CSRF token from elsewhere is refused."""
    response = respondent_client.post(
        "/questions/role", data={"answer": "leader", "csrf_token": "0" * 64}
    )
    assert response.status_code == 403
    assert _draft(service, respondent_client) is None


def test_a_csrf_token_from_an_earlier_session_is_refused(client, service, link):
    """Opening a link starts a new CSRF secret, so forms from before it cannot be replayed."""
    before = csrf_of(client.get("/get-a-link").text)
    client.get(link)
    response = client.post("/questions/role", data={"answer": "leader", "csrf_token": before})
    assert response.status_code == 403
    assert _draft(service, client) is None


def _post(client, path, **data):
    page = client.get(path.split("?")[0])
    return client.post(path, data={"csrf_token": csrf_of(page.text), **data})


def test_an_unknown_option_gets_an_error_and_stores_nothing(respondent_client, service):
    """A value that is not among the options is explained, not stored."""
    response = _post(respondent_client, "/questions/role", answer="mayor", action="continue")
    assert response.status_code == 400
    assert "Select one of the answers listed for question A1" in response.text
    assert _draft(service, respondent_client) is None


def test_an_answer_to_a_hidden_question_is_refused(respondent_client, service):
    """q2 is asked only after some answers to q1; posting to it otherwise stores nothing."""
    _post(respondent_client, "/questions/q1", answer="all_relevant", action="continue")
    token = csrf_of(respondent_client.get("/questions/q1").text)
    response = respondent_client.post(
        "/questions/q2", data={"csrf_token": token, "answer": "sneaky", "action": "continue"}
    )
    assert response.status_code == 400
    assert "This question is not asked now" in response.text
    assert _draft(service, respondent_client) == {"q1": "all_relevant"}


def test_text_over_the_limit_gets_an_error_and_stores_nothing(respondent_client, service):
    """5,001 characters for a 5,000-character question is explained, not stored."""
    response = _post(respondent_client, "/questions/q3", answer="x" * 5001, action="continue")
    assert response.status_code == 400
    assert "Your answer to question 3 must be 5,000 characters or fewer" in response.text
    assert _draft(service, respondent_client) is None


def test_a_body_over_the_size_limit_is_refused(respondent_client, service):
    """A post bigger than the limit gets 413 and a clear page."""
    response = _post(respondent_client, "/questions/q3", answer="x" * 70_000, action="continue")
    assert response.status_code == 413
    assert "What you sent is too long" in response.text
    assert _draft(service, respondent_client) is None


def test_too_many_fields_are_refused(respondent_client, service, limits):
    """More fields than any of our pages has is refused."""
    token = csrf_of(respondent_client.get("/questions/role").text)
    fields = [("answer", "leader")] * (limits.max_fields + 1) + [("csrf_token", token)]
    response = respondent_client.post(
        "/questions/role",
        content="&".join(f"{k}={v}" for k, v in fields),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert _draft(service, respondent_client) is None


def test_fields_the_page_does_not_have_are_refused(respondent_client, service):
    """An extra field (say, an answer to another question) is refused."""
    response = _post(
        respondent_client, "/questions/role", answer="leader", action="continue", q13="yes"
    )
    assert response.status_code == 400
    assert "The form held fields that this page does not have." in response.text
    assert _draft(service, respondent_client) is None


def test_two_answers_to_a_one_answer_question_are_refused(respondent_client, service):
    """Radios send one value; two are refused."""
    token = csrf_of(respondent_client.get("/questions/role").text)
    response = respondent_client.post(
        "/questions/role",
        content=f"answer=leader&answer=other&action=continue&csrf_token={token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "Question A1 takes one answer, and the form sent 2." in response.text
    assert _draft(service, respondent_client) is None


def test_an_unknown_action_is_refused(respondent_client, service):
    """Only Continue and Save are buttons on a question page."""
    response = _post(respondent_client, "/questions/role", answer="leader", action="submit")
    assert response.status_code == 400
    assert _draft(service, respondent_client) is None


def test_what_respondents_type_is_escaped(client, service):
    """A name with markup in it is shown as text."""
    issued = service.request_link(authority="<script>alert(1)</script>", authority_type="county")
    client.get(f"/r/{issued.token.value}")
    page = client.get("/your-response").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_self_service_links_are_rate_limited(consultation, store, secret, clock):
    """A client asking for too many links is told to wait, and no link is made."""
    from surveykit_html import create_app

    app = create_app(
        consultation, store, secret=secret, clock=clock, limits=Limits(self_service_links=2)
    )
    details = {"authority": "Kent County Council", "authority_type": "county"}
    with TestClient(app, follow_redirects=False) as client:
        statuses = []
        for _ in range(3):
            token = csrf_of(client.get("/get-a-link").text)
            statuses.append(client.post("/get-a-link", data={"csrf_token": token, **details}))
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert "Too many links requested" in statuses[2].text
    assert len(list(store.respondents("taking-stock"))) == 2


def test_unique_links_are_redacted_from_logs():
    """The access-log filter rewrites /r/<token> wherever it appears in a record."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/consult/r/abcDEF_123-xyz?x=1", "1.1", 303),
        None,
    )
    assert RedactLinks().filter(record) is True
    assert record.getMessage() == '127.0.0.1:5000 - "GET /consult/r/<redacted>?x=1 HTTP/1.1" 303'
    assert redact("see /r/abc and /rest/x") == "see /r/<redacted> and /rest/x"


def _respondent(app, service, authority: str) -> TestClient:
    """A second, separate browser whose session belongs to a new respondent."""
    issued = service.request_link(authority=authority, authority_type="district")
    other = TestClient(app, follow_redirects=False)
    assert other.get(f"/r/{issued.token.value}").status_code == 303
    return other


def test_shared_question_pages_carry_each_sessions_own_csrf_token(app, respondent_client, service):
    """The same page, kept once, reaches two people with their own token, and each token works."""
    other = _respondent(app, service, "Dover District Council")
    mine = respondent_client.get("/questions/role").text
    theirs = other.get("/questions/role").text
    assert csrf_of(mine) != csrf_of(theirs)
    assert mine.replace(csrf_of(mine), "") == theirs.replace(csrf_of(theirs), "")
    assert "csrf-hole" not in mine
    assert _post(other, "/questions/role", answer="leader", action="continue").status_code == 303
    stale = other.post(
        "/questions/role",
        data={"answer": "leader", "action": "continue", "csrf_token": csrf_of(mine)},
    )
    assert stale.status_code == 403


@pytest.mark.parametrize(
    ("question", "answer", "shown"),
    [
        ("role", "chief_executive", 'value="chief_executive" checked'),
        ("q3", "Only I wrote this", "Only I wrote this"),
    ],
)
def test_one_persons_answer_never_shows_on_anothers_page(
    app, respondent_client, service, question, answer, shown
):
    """Pages are shared only between people whose answers to that page are the same."""
    reached = respondent_client.get(f"/questions/{question}")
    if reached.status_code == 303:  # q3 comes later: answer the required questions first
        for earlier, value in (("role", "leader"), ("authority_type", "county")):
            _post(respondent_client, f"/questions/{earlier}", answer=value, action="continue")
    assert (
        _post(respondent_client, f"/questions/{question}", answer=answer, action="save").status_code
        == 303
    )
    assert shown in respondent_client.get(f"/questions/{question}").text
    other = _respondent(app, service, "Dover District Council")
    for earlier, value in (("role", "leader"), ("authority_type", "county")):
        if earlier != question:
            _post(other, f"/questions/{earlier}", answer=value, action="continue")
    page = other.get(f"/questions/{question}")
    assert page.status_code == 200
    assert shown not in page.text


def test_a_form_that_is_not_utf8_is_refused(respondent_client, service):
    token = csrf_of(respondent_client.get("/questions/role").text)
    response = respondent_client.post(
        "/questions/role",
        content=f"answer=%FF%FE&action=continue&csrf_token={token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "The form was not sent as UTF-8 text." in response.text
    assert _draft(service, respondent_client) is None


def test_a_multipart_form_is_read_as_well(respondent_client, service):
    """Browsers send our forms urlencoded; a multipart post of the same fields works too."""
    token = csrf_of(respondent_client.get("/questions/role").text)
    response = respondent_client.post(
        "/questions/role",
        headers={"content-type": "multipart/form-data; boundary=sk"},
        content=(
            '--sk\r\nContent-Disposition: form-data; name="answer"\r\n\r\nleader\r\n'
            '--sk\r\nContent-Disposition: form-data; name="action"\r\n\r\ncontinue\r\n'
            f'--sk\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            "--sk--\r\n"
        ).encode(),
    )
    assert response.status_code == 303
    assert _draft(service, respondent_client) == {"role": "leader"}
