"""The respondent's journey through the web form, in process: pages, branching, saving, sending."""

from __future__ import annotations

import datetime as dt
import re

import attrs
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient
from webtools import AFTER, DURING, Clock, csrf_of

from surveykit import Engine
from surveykit_html import create_app

REQUIRED = {
    "role": "leader",
    "authority_type": "county",
    "authority": "Kent",
    "consent": "no_quote",
}


def _post(client, path, **data):
    """Post a question or check page's form the way a browser would, CSRF token and all."""
    page = client.get(path.split("?")[0])
    return client.post(path, data={"csrf_token": csrf_of(page.text), **data})


def _answer(client, question_id, value, change=False):
    path = f"/questions/{question_id}" + ("?change=1" if change else "")
    return _post(client, path, answer=value, action="continue")


def _respondent(service):
    return next(iter(service.store.respondents("taking-stock")))


def _draft_answers(service):
    draft = service.store.load_draft(_respondent(service).id)
    return None if draft is None else draft.answers


def test_start_page_has_the_consultation_and_a_way_in(client):
    """Title, foreword, introduction, how responses are used, closing date, a way to get a link."""
    page = client.get("/").text
    assert (
        '<h1 class="govuk-heading-xl">Taking stock: Where next with sector-led improvement?</h1>'
        in page
    )
    assert "Three years ago the Local Government Association (LGA) published" in page
    assert "Sector-led improvement is the approach to improvement" in page
    assert "All responses will be treated confidentially by the LGA." in page
    assert "The consultation closes on Friday 13 March 2015, end of day." in page
    assert 'href="/get-a-link"' in page
    assert "Demonstration" not in page


def test_start_page_offers_to_continue_once_a_link_was_opened(respondent_client):
    """A browser that opened its link is offered its response, not a new link."""
    page = respondent_client.get("/").text
    assert 'href="/your-response"' in page
    assert "Continue your response" in page


def test_open_until_reopens_the_consultation_with_a_banner_on_every_page(
    consultation, store, secret
):
    """--open-until keeps the real date in the spec and says so on every page."""
    app = create_app(
        consultation,
        store,
        secret=secret,
        clock=Clock(dt.datetime(2030, 6, 1, tzinfo=dt.UTC)),
        open_until=dt.date(2030, 12, 31),
    )
    issued = app.state.web.service.request_link(authority="Kent", authority_type="county")
    banner = (
        "This consultation really closed on Friday 13 March 2015, end of day. This copy is open "
        "for a demonstration until the end of Tuesday 31 December 2030."
    )
    with TestClient(app) as client:
        pages = [client.get(path) for path in ("/", "/get-a-link", "/no-such-page")]
        pages.append(client.get(f"/r/{issued.token.value}"))
        pages.append(client.get("/questions/q1"))
        pages.append(client.get("/check-answers"))
    assert [p.status_code for p in pages] == [200, 200, 404, 200, 200, 200]
    assert all(banner in p.text for p in pages)


def test_after_the_closing_date_every_page_says_it_has_closed(client, respondent_client, clock):
    """The clock moves past closing: the start page and the form show the closed page."""
    clock.now = AFTER
    start = client.get("/")
    question = respondent_client.get("/questions/q1")
    get_link = client.get("/get-a-link")
    assert [start.status_code, question.status_code, get_link.status_code] == [200, 200, 200]
    for page in (start, question, get_link):
        assert '<h1 class="govuk-heading-xl">This consultation has closed</h1>' in page.text
        assert "It closed on Friday 13 March 2015, end of day." in page.text


def test_sending_after_closing_is_refused_and_stores_nothing(respondent_client, service, clock):
    """A respondent who leaves the check page open past closing cannot send."""
    for question_id, value in REQUIRED.items():
        _answer(respondent_client, question_id, value)
    token = csrf_of(respondent_client.get("/check-answers").text)
    clock.now = AFTER
    response = respondent_client.post("/check-answers", data={"csrf_token": token})
    assert response.status_code == 403
    assert "We are no longer accepting responses, so what you sent was not saved." in response.text
    assert service.store.response(_respondent(service).id) is None


def test_before_opening_the_form_says_when_it_opens(consultation, store, secret):
    """A consultation with an opening date shows when it opens until then."""
    later = attrs.evolve(
        consultation, metadata=attrs.evolve(consultation.metadata, opens=dt.date(2015, 2, 1))
    )
    app = create_app(
        later, store, secret=secret, clock=Clock(dt.datetime(2015, 1, 5, tzinfo=dt.UTC))
    )
    with TestClient(app) as client:
        page = client.get("/").text
    assert "This consultation is not open yet" in page
    assert "It opens on Sunday 1 February 2015 at 00:00." in page


def test_the_form_asks_exactly_the_visible_questions_in_order(respondent_client, consultation):
    """Following Continue from the first question visits engine.visible(answers), in order."""
    answers = {**REQUIRED, "q1": "some_changes", "q2": "More data", "q13": "no", "q15": "yes"}
    visited = []
    location = respondent_client.get("/your-response")
    path = re.search(r'href="(/questions/[^"]+)"', location.text).group(1)
    while path.startswith("/questions/"):
        question_id = path.removeprefix("/questions/")
        visited.append(question_id)
        response = _answer(respondent_client, question_id, answers.get(question_id, ""))
        assert response.status_code == 303, response.text
        path = response.headers["location"]
    assert path == "/check-answers"
    assert tuple(visited) == Engine(consultation).visible(answers)
    assert "q14" not in visited
    assert "q16" in visited


def test_back_links_follow_the_branching(respondent_client):
    """The back link on question 3 goes to question 2 only when question 2 was asked."""
    _answer(respondent_client, "q1", "some_changes")
    assert (
        '<a href="/questions/q2" class="govuk-back-link">'
        in respondent_client.get("/questions/q3").text
    )
    _answer(respondent_client, "q1", "all_relevant")
    assert (
        '<a href="/questions/q1" class="govuk-back-link">'
        in respondent_client.get("/questions/q3").text
    )


def test_a_hidden_question_sends_you_on(respondent_client):
    """Opening a question that is not asked for your answers moves you to one that is."""
    _answer(respondent_client, "q1", "all_relevant")
    response = respondent_client.get("/questions/q2")
    assert response.status_code == 303
    assert response.headers["location"] == "/questions/q3"


def test_changing_an_answer_clears_what_it_hides(respondent_client, service):
    """Changing q1 so q2 is not asked removes q2's answer from the draft and the check page."""
    _answer(respondent_client, "q1", "some_changes")
    _answer(respondent_client, "q2", "Add a principle about data")
    assert "Add a principle about data" in respondent_client.get("/check-answers").text
    response = _answer(respondent_client, "q1", "all_relevant", change=True)
    assert response.headers["location"] == "/check-answers"
    check = respondent_client.get("/check-answers").text
    assert "Add a principle about data" not in check
    assert 'id="row-q2"' not in check
    assert _draft_answers(service) == {"q1": "all_relevant"}


def test_a_change_that_reveals_a_question_asks_it_next(respondent_client):
    """Changing q13 to yes from check your answers asks q14 before going back."""
    _answer(respondent_client, "q13", "no")
    response = _answer(respondent_client, "q13", "yes", change=True)
    assert response.headers["location"] == "/questions/q14"
    response = _answer(respondent_client, "q14", "no", change=False)
    assert response.headers["location"] == "/questions/q15"


def test_a_required_question_left_blank_gets_an_error_summary(respondent_client, service):
    """Continue with nothing chosen: the error summary names the problem and links to the field."""
    response = _post(respondent_client, "/questions/role", action="continue")
    assert response.status_code == 400
    page = response.text
    assert page.count("Select an answer to question A1") == 2
    assert '<li><a href="#answer">Select an answer to question A1</a></li>' in page
    assert (
        'class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" autofocus'
        in page
    )
    assert "<title>Error: Question A1 \N{EN DASH} Taking stock</title>" in page
    assert _draft_answers(service) is None


def test_save_and_come_back_later(client, link, service):
    """Saving keeps the answers; opening the link again in a new browser picks up after them."""
    client.get(link)
    _answer(client, "role", "leader")
    response = _post(client, "/questions/authority_type", answer="district", action="save")
    assert response.headers["location"] == "/saved"
    assert "Your answers have been saved" in client.get("/saved").text
    assert _draft_answers(service) == {"role": "leader", "authority_type": "district"}
    with TestClient(client.app, follow_redirects=False) as later:
        later.get(link)
        overview = later.get("/your-response").text
        assert "You saved some answers on 2 March 2015 at 10:00." in overview
        assert 'href="/questions/authority"' in overview
        assert 'value="district" checked' in later.get("/questions/authority_type").text


def test_saving_a_required_question_blank_is_allowed(respondent_client, service):
    """Save and come back later does not insist on an answer."""
    response = _post(respondent_client, "/questions/role", action="save")
    assert response.headers["location"] == "/saved"
    assert _draft_answers(service) == {}


def _send(client):
    token = csrf_of(client.get("/check-answers").text)
    return client.post("/check-answers", data={"csrf_token": token})


def test_sending_stores_the_cleaned_answers_as_version_one(respondent_client, service):
    """Check your answers, send: the response is stored and the confirmation shown."""
    for question_id, value in {**REQUIRED, "q13": "yes", "q14": "no"}.items():
        _answer(respondent_client, question_id, value)
    response = _send(respondent_client)
    assert response.headers["location"] == "/confirmation"
    stored = service.store.response(_respondent(service).id)
    assert stored.version == 1
    assert stored.channel == "web"
    assert stored.answers == {**REQUIRED, "q13": "yes", "q14": "no"}
    confirmation = respondent_client.get("/confirmation").text
    assert '<h1 class="govuk-panel__title">Response sent</h1>' in confirmation
    assert "We received your response on 2 March 2015 at 10:00." in confirmation
    assert 'id="replaced"' not in confirmation


def test_a_second_response_is_announced_and_replaces_the_first(respondent_client, service, clock):
    """Before sending again the form says it will replace the first; both stay in the history."""
    for question_id, value in REQUIRED.items():
        _answer(respondent_client, question_id, value)
    _send(respondent_client)
    clock.now = DURING + dt.timedelta(days=1)
    overview = respondent_client.get("/your-response").text
    assert "You sent a response on 2 March 2015 at 10:00. If you send another" in overview
    _answer(respondent_client, "consent", "quote_anonymous")
    check = respondent_client.get("/check-answers").text
    assert "You already sent a response on 2 March 2015 at 10:00." in check
    assert "Replace my earlier response" in check
    _send(respondent_client)
    history = service.store.history(_respondent(service).id)
    assert [s.version for s in history] == [1, 2]
    assert [s.answers["consent"] for s in history] == ["no_quote", "quote_anonymous"]
    assert (
        "It replaces the response you sent before." in respondent_client.get("/confirmation").text
    )


def test_sending_with_required_answers_missing_links_to_each(respondent_client, service):
    """The check page's error summary links each missing answer to its question."""
    _answer(respondent_client, "role", "leader")
    response = _send(respondent_client)
    assert response.status_code == 400
    assert (
        '<li><a href="/questions/authority_type?change=1">Select an answer to question A2</a></li>'
        in response.text
    )
    assert (
        '<li><a href="/questions/authority?change=1">Enter an answer to question A3</a></li>'
        in response.text
    )
    assert (
        '<li><a href="/questions/consent?change=1">Select an answer to question B1</a></li>'
        in response.text
    )
    assert service.store.response(_respondent(service).id) is None


def test_get_your_own_link_explains_what_is_missing(client):
    """The self-service form names each missing or wrong detail."""
    token = csrf_of(client.get("/get-a-link").text)
    response = client.post("/get-a-link", data={"csrf_token": token, "email": "not-an-address"})
    assert response.status_code == 400
    assert (
        '<li><a href="#authority">Enter the name of your authority or organisation</a></li>'
        in response.text
    )
    assert (
        '<li><a href="#authority_type">Select the type of authority or organisation</a></li>'
        in response.text
    )
    assert (
        '<li><a href="#email">Enter an email address in the correct format, '
        "like name@example.com</a></li>" in response.text
    )


def test_get_your_own_link_shows_the_link_once_and_signs_you_in(client, store):
    """A new link is shown on the page, works elsewhere, and this browser can start at once."""
    token = csrf_of(client.get("/get-a-link").text)
    response = client.post(
        "/get-a-link",
        data={
            "csrf_token": token,
            "authority": "Barset District Council",
            "authority_type": "district",
        },
    )
    assert response.status_code == 200
    link = re.search(
        r'id="unique-link">(http://testserver/r/[A-Za-z0-9_-]+)</p>', response.text
    ).group(1)
    assert client.get("/your-response").status_code == 200
    (respondent,) = store.respondents("taking-stock")
    assert (respondent.authority, respondent.role, respondent.origin) == (
        "Barset District Council",
        "other",
        "self_service",
    )
    with TestClient(client.app, follow_redirects=False) as elsewhere:
        assert elsewhere.get(link.removeprefix("http://testserver")).status_code == 303


def test_unknown_question_and_page_are_not_found(respondent_client):
    """A question id not in the spec, and a page that does not exist, get the not-found page."""
    for path in ("/questions/q99", "/nothing-here"):
        response = respondent_client.get(path)
        assert response.status_code == 404
        assert "Page not found" in response.text


def test_pages_need_a_session(client):
    """Without having opened a link, the form explains how to get in."""
    response = client.get("/questions/q1")
    assert response.status_code == 403
    assert "Open your unique link to carry on" in response.text


def test_the_app_can_be_mounted_under_a_prefix(app, service):
    """Mounted at /consult, every link and redirect stays under /consult."""
    site = Starlette(routes=[Mount("/consult", app=app)])
    issued = service.request_link(authority="Kent", authority_type="county")
    with TestClient(site, follow_redirects=False) as client:
        start = client.get("/consult/").text
        assert 'href="/consult/get-a-link"' in start
        assert re.search(r'href="/consult/static/surveykit.css\?v=[0-9a-f]{12}"', start)
        entered = client.get(f"/consult/r/{issued.token.value}")
        assert entered.headers["location"] == "/consult/your-response"
        page = client.get("/consult/questions/role")
        token = csrf_of(page.text)
        posted = client.post(
            "/consult/questions/role", data={"csrf_token": token, "answer": "leader"}
        )
        assert posted.headers["location"] == "/consult/questions/authority_type"
        assert client.get("/consult/static/surveykit.css").status_code == 200


def test_the_roster_answers_about_you_for_the_people_it_lists(client, service):
    """A roster leader finds About you answered from the roster, told so, and sends without
    touching it; a self-service respondent's About you starts empty."""
    from surveykit.identity import Respondent, Token
    from surveykit.storage import Grant

    ada = Respondent("taking-stock", "Kent County Council", "county", "leader", name="Ada")
    token = Token.new()
    service.store.grant([Grant(ada, service.secret.hash(token), DURING)])
    assert client.get(f"/r/{token.value}").status_code == 303
    page = client.get("/questions/role").text
    assert 'value="leader" checked' in page
    assert "We have this answer from our records. Change it only if it is wrong." in page
    assert 'value="Kent County Council"' in client.get("/questions/authority").text
    _answer(client, "consent", "no_quote")
    assert _send(client).headers["location"] == "/confirmation"
    answers = service.store.response(ada.id).answers
    assert (answers["role"], answers["authority_type"], answers["authority"]) == (
        "leader",
        "county",
        "Kent County Council",
    )


def test_an_answer_that_corrects_the_roster_wins(client, service):
    from surveykit.identity import Respondent, Token
    from surveykit.storage import Grant

    bob = Respondent("taking-stock", "Kent County Council", "county", "leader", name="Bob")
    token = Token.new()
    service.store.grant([Grant(bob, service.secret.hash(token), DURING)])
    client.get(f"/r/{token.value}")
    _answer(client, "role", "chief_executive")
    page = client.get("/questions/role").text
    assert 'value="chief_executive" checked' in page
    assert "from our records" not in page
    _answer(client, "consent", "no_quote")
    _send(client)
    assert service.store.response(bob.id).answers["role"] == "chief_executive"


def test_a_self_service_respondent_answers_about_you_themselves(respondent_client):
    page = respondent_client.get("/questions/role").text
    assert " checked" not in page
    assert "from our records" not in page


def test_the_closed_page_tells_whoever_runs_the_site_how_to_reopen_it(
    client, clock, consultation, store, secret
):
    """After closing, a folded note for the officer names the one setting that reopens it; a
    consultation not open yet (which the setting cannot open) has no such note."""
    clock.now = AFTER
    page = client.get("/").text
    assert '<details class="govuk-details" id="reopen-note">' in page
    assert (
        "To reopen it for a demonstration, set <code>SURVEYKIT_OPEN_UNTIL</code> or pass "
        "<code>--open-until</code> to <code>surveykit serve</code>"
    ) in page
    later = attrs.evolve(
        consultation, metadata=attrs.evolve(consultation.metadata, opens=dt.date(2015, 2, 1))
    )
    app = create_app(
        later, store, secret=secret, clock=Clock(dt.datetime(2015, 1, 5, tzinfo=dt.UTC))
    )
    with TestClient(app) as early:
        assert "reopen-note" not in early.get("/").text
