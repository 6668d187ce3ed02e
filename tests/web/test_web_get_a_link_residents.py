"""/get-a-link on a consultation of residents (one that lists no authority types): a resident
gets a link without naming any authority, in the real form and in a real browser, while Taking
Stock's form stays as it was."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page
from starlette.testclient import TestClient
from webserver import Server
from webtools import ROOT, Clock, csrf_of

from browsertools import AXE_RUN, AXE_SOURCE, chromium
from surveykit import load_spec
from surveykit.identity import Secret
from surveykit.people import MAX_FIELD
from surveykit.storage import open_store
from surveykit_html import Limits, create_app

RESIDENTS = ROOT / "specs" / "examples" / "residents_survey.toml"
CID = "residents-survey-2027"
#: Inside the copy's window: it has no opening date, and closes on 9 April 2027.
IN_WINDOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
ASKED = "If you are responding on behalf of an organisation, which one?"


def _copy(folder: Path) -> Path:
    """The residents' survey without its opening date, so it is open before 11 January 2027."""
    text = RESIDENTS.read_text(encoding="utf-8")
    stripped = re.sub(r"(?m)^opens = 2027-01-11\n", "", text)
    assert stripped != text
    path = folder / "residents_survey.toml"
    path.write_text(stripped, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    return _copy(tmp_path_factory.mktemp("residents"))


@pytest.fixture
def residents(spec) -> Iterator[tuple[TestClient, object]]:
    """A client on the residents' survey, and its store."""
    limits = Limits(self_service_links=10_000)
    with open_store("memory://") as store:
        app = create_app(
            load_spec(spec), store, secret=Secret.generate(), clock=Clock(IN_WINDOW), limits=limits
        )
        with TestClient(app, follow_redirects=False) as client:
            yield client, store


def _ask(client: TestClient, **fields: str):
    token = csrf_of(client.get("/get-a-link").text)
    return client.post("/get-a-link", data={"csrf_token": token, **fields})


def _errors(html: str) -> list[tuple[str, str]]:
    """The error summary's links: (href, text)."""
    summary = html.partition('class="govuk-error-summary"')[2].partition("</ul>")[0]
    return [
        (href, unescape(text))
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    ]


def _link_path(html: str) -> str:
    found = re.search(r'id="unique-link">https?://[^/]+(/r/[A-Za-z0-9_-]+)</p>', html)
    assert found, "no unique link on the page"
    return found.group(1)


def test_the_form_asks_no_authority_type_and_an_optional_organisation(residents):
    """No question a resident cannot answer: no type of authority, and the organisation asked
    as an optional question a resident leaves blank."""
    client, _store = residents
    page = client.get("/get-a-link")
    assert page.status_code == 200
    assert f'for="authority">{ASKED}</label>' in unescape(page.text)
    assert "Leave this blank if you are responding for yourself." in page.text
    assert "Everything on this page is optional." in page.text
    assert "authority_type" not in page.text
    assert "type of authority" not in page.text
    assert "Which authority or organisation do you represent?" not in page.text


def test_a_resident_gets_a_link_and_answers_the_first_page(residents):
    """The form sent with every box blank makes a link; the link opens the survey, and the
    first page's answer (a postcode, typed as people type them) is kept."""
    client, store = residents
    made = _ask(client, authority="", name="", email="")
    assert made.status_code == 200
    [resident] = store.respondents(CID)
    assert (resident.authority, resident.authority_type, resident.role, resident.origin) == (
        "",
        "",
        "other",
        "self_service",
    )
    client.cookies.clear()  # the link alone, as from another browser
    opened = client.get(_link_path(made.text))
    assert opened.status_code == 303
    assert client.get(opened.headers["location"]).status_code == 200
    question = client.get("/questions/postcode")
    assert "What is your postcode?" in question.text
    answered = client.post(
        "/questions/postcode",
        data={"csrf_token": csrf_of(question.text), "action": "continue", "answer": " ex1 1aa"},
    )
    assert answered.status_code == 303
    assert answered.headers["location"] != "/questions/postcode"
    assert store.load_draft(resident.id).answers["postcode"] == "EX1 1AA"


def test_someone_answering_for_an_organisation_says_which(residents):
    """The organisation, a name and an address are kept as typed (the address normalised)."""
    client, store = residents
    made = _ask(
        client,
        authority="  Anytown Residents' Association ",
        name="Zoë O'Brien-Smith",
        email="Zoe.OBrien@Anytown-RA.ORG.uk",
    )
    assert made.status_code == 200
    [who] = store.respondents(CID)
    assert (who.authority, who.name, who.email) == (
        "Anytown Residents' Association",
        "Zoë O'Brien-Smith",
        "Zoe.OBrien@anytown-ra.org.uk",
    )


LONG = "x" * (MAX_FIELD + 1)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"authority": "Anytown\x00Group"},
            [
                (
                    "#authority",
                    "the organisation contains a control character (U+0000); remove it",
                )
            ],
        ),
        (
            {"authority": LONG},
            [
                (
                    "#authority",
                    f"The name of the organisation must be {MAX_FIELD} characters or fewer",
                )
            ],
        ),
        (
            {"name": LONG},
            [("#name", f"Your name must be {MAX_FIELD} characters or fewer")],
        ),
        (
            {"name": "Jo\r\nBcc: victim@example.org"},
            [("#name", "the name contains a control character (U+000D); remove it")],
        ),
        (
            {"email": '"><svg/onload=alert(22)>@x.example'},
            [("#email", "Enter an email address in the correct format, like name@example.com")],
        ),
        (
            {"authority": "Anytown\x1b[31m", "name": "Jo\x00", "email": "jo@localhost"},
            [
                (
                    "#authority",
                    "the organisation contains a control character (U+001B); remove it",
                ),
                ("#name", "the name contains a control character (U+0000); remove it"),
                ("#email", "Enter an email address in the correct format, like name@example.com"),
            ],
        ),
    ],
)
def test_bad_details_are_refused_against_their_own_box(residents, fields, errors):
    """Each problem is named and linked to the box it is about; nothing is stored, and what was
    typed comes back escaped."""
    client, store = residents
    refused = _ask(client, **{"authority": "", "name": "", "email": "", **fields})
    assert refused.status_code == 400
    assert _errors(refused.text) == errors
    assert "<svg" not in refused.text
    assert list(store.respondents(CID)) == []


def test_markup_in_the_organisation_is_kept_as_text_and_shown_escaped(residents):
    """Text is text: stored as typed, never run as markup on the pages that show it."""
    client, store = residents
    made = _ask(client, authority="<script>alert(1)</script>", name="", email="")
    assert made.status_code == 200
    [who] = store.respondents(CID)
    assert who.authority == "<script>alert(1)</script>"
    overview = client.get("/your-response").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview
    assert "<script>alert(1)" not in overview


def test_a_type_of_authority_posted_anyway_is_refused(residents):
    """The form has no such field, so a post holding one did not come from it."""
    client, store = residents
    refused = _ask(client, authority="", authority_type="county", name="", email="")
    assert refused.status_code == 400
    assert "fields that this page does not have" in refused.text
    assert list(store.respondents(CID)) == []


_any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20) | st.sampled_from(
    ["", " ", "\x00", "\t", LONG, "<b>x</b>", "jo@example.org"]
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_any_text, _any_text, _any_text)
def test_no_details_get_a_server_error(residents, authority, name, email):
    """Hypothesis: any text in the three boxes gets the form with its errors or a new link,
    never a 500, and a link is made exactly when the details are acceptable."""
    client, store = residents
    before = len(list(store.respondents(CID)))
    response = _ask(client, authority=authority, name=name, email=email)
    assert response.status_code in (200, 400), response.text[-500:]
    made = len(list(store.respondents(CID))) - before
    assert made == (1 if response.status_code == 200 else 0)
    if response.status_code == 400:
        assert _errors(response.text)


# Taking Stock, unchanged ------------------------------------------------------------------------


def test_taking_stock_still_asks_for_its_authority_and_type(client, store, consultation):
    """A consultation of councils: the same question, the types as radios, and both needed."""
    page = client.get("/get-a-link").text
    assert "Which authority or organisation do you represent?" in page
    types = len(consultation.authority_types)
    assert types > 0
    assert page.count('name="authority_type" type="radio"') == types
    assert ASKED not in page
    refused = _ask(client, authority="", name="", email="")
    assert _errors(refused.text) == [
        ("#authority", "Enter the name of your authority or organisation"),
        ("#authority_type", "Select the type of authority or organisation"),
    ]
    assert list(store.respondents("taking-stock")) == []


# In a real browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(spec) -> Iterator[Server]:
    with Server(spec, spec.with_suffix(".db"), "--open-until", "2099-12-31") as running:
        yield running


@pytest.fixture(scope="module")
def page(server) -> Iterator[Page]:
    assert AXE_SOURCE, "axe-core is missing: run `make assets` (npm ci)"
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        context.add_init_script(AXE_SOURCE)
        yield context.new_page()


def test_a_resident_gets_a_link_in_a_browser_and_answers_the_first_page(page, server):
    """From the start page: Get your own link, leave the organisation blank, open the link,
    answer the postcode; the answer is in the SQLite file, and axe finds nothing wrong with
    the form."""
    page.goto(server.base + "/")
    page.get_by_role("button", name="Get your own link").click()
    page.wait_for_load_state()
    assert page.get_by_label(ASKED).input_value() == ""
    assert page.locator("input[type=radio]").count() == 0
    assert page.evaluate(AXE_RUN) == []
    page.fill("#name", "Jo Bloggs")
    page.get_by_role("button", name="Create my link").click()
    link = page.inner_text("#unique-link")
    assert link.startswith(f"{server.base}/r/")
    page.goto(link)
    assert page.url == f"{server.base}/your-response"
    page.get_by_role("button", name="Start now").click()
    assert page.url == f"{server.base}/questions/postcode"
    page.fill("#answer", "sw1a  1aa")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url != f"{server.base}/questions/postcode"
    with open_store(server.db_url) as store:
        [resident] = store.respondents(CID)
        draft = store.load_draft(resident.id)
    assert (resident.authority, resident.name, resident.origin) == ("", "Jo Bloggs", "self_service")
    assert draft.answers["postcode"] == "SW1A 1AA"
