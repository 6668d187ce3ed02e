"""The residents' survey, every kind of question, in a real browser (Debian's Chromium, driven by
Playwright, on `surveykit serve` with a real SQLite file): answered from the unique link to the
confirmation page with JavaScript on and off, axe-core finding no accessibility violations on any
page, the "Other" box revealed by JavaScript (and simply shown without it), and the response read
back from the database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from webserver import Server
from webtools import ROOT

from browsertools import AXE_RUN, AXE_SOURCE, chromium
from surveykit import SubmitService, load_spec
from surveykit.identity import load_secret
from surveykit.storage import open_store

RESIDENTS = ROOT / "specs" / "examples" / "residents_survey.toml"
MODES = ["js", "no-js"]


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    """The residents' survey open from today: it opens on 11 January 2027, so the copy drops
    its opening date, and the server reopens it past its closing date."""
    folder = tmp_path_factory.mktemp("residents")
    text = RESIDENTS.read_text(encoding="utf-8")
    path = folder / "residents_survey.toml"
    path.write_text(re.sub(r"(?m)^opens = 2027-01-11\n", "", text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(spec) -> Iterator[Server]:
    with Server(spec, spec.with_suffix(".db"), "--open-until", "2099-12-31") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert AXE_SOURCE, "axe-core is missing: run `make assets` (npm ci)"
    with chromium() as launched:
        yield launched


def _link(server: Server, spec: Path, authority: str) -> str:
    """A unique link for a new respondent, made as `surveykit invite` would, on the server's
    own database and secret."""
    consultation = load_spec(spec).reopened_until(dt.date(2099, 12, 31))
    with open_store(server.db_url) as store:
        service = SubmitService(consultation, store, load_secret(store.secret_file))
        issued = service.request_link(authority=authority, authority_type="resident")
    return f"{server.base}/r/{issued.token.value}"


def _known_reveal_finding(page: Page, violation: dict) -> bool:
    """GOV.UK Frontend's conditional reveal sets ``aria-expanded`` on the radio or checkbox that
    reveals a box: invalid for those roles in ARIA 1.2, so axe reports ``aria-allowed-attr``,
    but kept on purpose because screen readers announce it (alphagov/govuk-frontend#979, a
    documented known issue).  Only that finding, on exactly those inputs, is set aside."""
    if violation["id"] != "aria-allowed-attr":
        return False
    return all(
        page.evaluate(
            """(selector) => {
              const input = document.querySelector(selector);
              return input !== null && input.matches('input[type=radio], input[type=checkbox]')
                && input.hasAttribute('aria-expanded')
                && (input.getAttribute('aria-controls') || '').startsWith('conditional-');
            }""",
            node,
        )
        for node in violation["nodes"]
    )


class Tab:
    """One browser tab in one mode, checking every page it lands on with axe."""

    def __init__(self, browser: Browser, mode: str) -> None:
        self.mode = mode
        self.context = browser.new_context(
            java_script_enabled=mode == "js", viewport={"width": 1000, "height": 800}
        )
        if mode == "js":
            self.context.add_init_script(AXE_SOURCE)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self._axe_page: Page | None = None
        self.checked: list[str] = []

    def axe(self, base: str) -> None:
        """No accessibility violations on the page as shown (see test_web_browser.py for how a
        page without JavaScript is checked: its HTML in a tab whose scripts are blocked)."""
        page = self.page
        page.wait_for_load_state()
        if self.mode != "js":
            html = page.content()
            if self._axe_page is None:
                assert self.context.browser is not None
                context = self.context.browser.new_context(viewport={"width": 1000, "height": 800})
                context.route(re.compile(r".*\.m?js(\?.*)?$"), lambda route: route.abort())
                self._axe_page = context.new_page()
                self._axe_page.goto(base + "/static/surveykit.css")
            page = self._axe_page
            page.set_content(html)
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        violations = [v for v in page.evaluate(AXE_RUN) if not _known_reveal_finding(page, v)]
        assert violations == [], f"axe on {self.page.url} ({self.mode}): {violations}"
        self.checked.append(self.page.url)

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name).first.click()
        self.page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()
        if self._axe_page is not None:
            self._axe_page.context.close()


@pytest.fixture(params=MODES)
def tab(browser, request) -> Iterator[Tab]:
    opened = Tab(browser, request.param)
    yield opened
    assert opened.errors == []
    opened.close()


def _question(tab: Tab, server: Server) -> str:
    assert tab.page.url.startswith(f"{server.base}/questions/"), tab.page.url
    tab.axe(server.base)
    return tab.page.url.removeprefix(f"{server.base}/questions/")


def _answer(tab: Tab, server: Server, question: str) -> None:
    """Answer the question on screen the way a resident would, by its labels."""
    page = tab.page
    match question:
        case "postcode":
            page.fill("#answer", "ex1 1aa")
        case "town":
            page.fill("#answer", "northbridge ")
        case "household":
            page.fill("#answer", "6")
        case "bedrooms_enough":
            page.get_by_label("No", exact=True).check()
        case "moved_in":
            page.get_by_label("Month").fill("3")
            page.get_by_label("Year").fill("2025")
        case "new_resident_information":
            page.get_by_label("Fairly easy").check()
        case "services_used":
            page.get_by_label("Libraries").check()
            other = page.locator("#answer-other")
            if tab.mode == "js":
                assert not other.is_visible()
            else:
                assert other.is_visible()
            page.get_by_label("Another service").check()
            assert other.is_visible()
            other.fill("Allotments")
        case "satisfaction":
            for row, choice in (
                ("Parks and open spaces are well looked after", "Strongly disagree"),
                ("Streets are kept clean", "Agree"),
                ("Bins are collected when they should be", "Strongly agree"),
                ("It is easy to get in touch with the council", "Neither agree nor disagree"),
            ):
                group = page.get_by_role("group", name=row)
                group.get_by_label(choice, exact=True).check()
        case "parks_problem":
            page.fill("#answer", "Riverside Park: the play area is broken")
        case "priorities":
            page.get_by_label("Affordable housing").select_option("1")
            page.get_by_label("Tackling climate change").select_option("2")
        case "priorities_missing":
            page.fill("#answer", "Public toilets")
        case "library_contribution":
            page.fill("#answer", "12.5")
        case "northbridge_centre":
            page.fill("#answer", "More trees and benches")
        case "heard_about":
            page.get_by_label("Somewhere else").check()
            page.fill("#answer-other", "Parish newsletter")
        case "updates":
            page.get_by_label("Yes", exact=True).check()
        case "email":
            page.fill("#answer", "Resident@Example.ORG")
        case "phone":
            page.fill("#answer", "07700 900123")
        case "consent":
            page.get_by_label("No, do not quote me").check()
        case _:
            pass  # the equality questions are optional: left unanswered
    tab.click("Continue")


def test_the_residents_survey_from_link_to_confirmation(tab, server, spec):
    """Every kind answered in a browser, one error shown and corrected on the way, each page
    axe-clean; the response stored is the normalised answers."""
    authority = f"Resident ({tab.mode})"
    tab.page.goto(_link(server, spec, authority))
    tab.axe(server.base)
    tab.click("Start now")
    asked = []
    while tab.page.url.startswith(f"{server.base}/questions/"):
        question = _question(tab, server)
        asked.append(question)
        if question == "household":  # a wrong answer first: shown again, linked, then put right
            tab.page.fill("#answer", "lots")
            tab.click("Continue")
            assert _question(tab, server) == "household"
            assert tab.page.input_value("#answer") == "lots"
            if tab.mode == "js":
                assert tab.page.evaluate("document.activeElement.className") == (
                    "govuk-error-summary"
                )
            tab.page.get_by_role("link", name="Question 3: enter a number of people").click()
            assert tab.page.evaluate("document.activeElement.id") == "answer"
        _answer(tab, server, question)
    assert tab.page.url == f"{server.base}/check-answers"
    tab.axe(server.base)
    assert {"bedrooms_enough", "new_resident_information", "parks_problem"} <= set(asked)
    assert {"priorities_missing", "northbridge_centre", "email", "phone"} <= set(asked)
    assert "event_date" not in asked
    assert tab.page.locator("#row-household").inner_text().count("6 people") == 1
    assert "March 2025" in tab.page.locator("#row-moved_in").inner_text()
    assert "Another service: Allotments" in tab.page.locator("#row-services_used").inner_text()
    assert "Strongly disagree" in tab.page.locator("#row-satisfaction-parks").inner_text()
    assert tab.page.locator("#row-priorities li").all_inner_texts() == [
        "Affordable housing",
        "Tackling climate change",
    ]
    assert "£12.50" in tab.page.locator("#row-library_contribution").inner_text()
    assert "Somewhere else: Parish newsletter" in tab.page.locator("#row-heard_about").inner_text()
    tab.click("Send my response")
    assert tab.page.url == f"{server.base}/confirmation"
    tab.axe(server.base)
    with open_store(server.db_url) as store:
        (respondent,) = [
            r for r in store.respondents("residents-survey-2027") if r.authority == authority
        ]
        (response,) = store.history(respondent.id)
    answers = response.answers
    assert answers["postcode"] == "EX1 1AA"
    assert answers["household"] == 6
    assert answers["moved_in"] == "2025-03"
    assert answers["services_used"] == ["libraries", "other"]
    assert answers["services_used.other"] == "Allotments"
    assert answers["satisfaction.parks"] == "strongly_disagree"
    assert answers["satisfaction.contact"] == "neither"
    assert answers["priorities"] == ["housing", "climate"]
    assert answers["library_contribution"] == 12.5
    assert answers["heard_about.other"] == "Parish newsletter"
    assert answers["email"] == "Resident@example.org"
    assert answers["phone"] == "+447700900123"
    assert not any(key.startswith("eq_") for key in answers)


def test_changing_a_grid_statement_from_check_your_answers(tab, server, spec):
    """A statement's Change link opens the grid at that statement; changing it away from
    "disagree" hides the parks question and clears its answer."""
    tab.page.goto(_link(server, spec, f"Changer ({tab.mode})"))
    tab.page.goto(f"{server.base}/questions/satisfaction")
    for row in ("parks", "streets", "bins", "contact"):
        tab.page.check(f"#grid-{row}-4")  # Disagree
    tab.click("Continue")
    assert tab.page.url == f"{server.base}/questions/parks_problem"
    tab.page.fill("#answer", "The bandstand")
    tab.click("Save and come back later")
    tab.page.goto(f"{server.base}/check-answers")
    tab.axe(server.base)
    assert "The bandstand" in tab.page.locator("#row-parks_problem").inner_text()
    tab.page.locator("#row-satisfaction-parks a").click()
    assert tab.page.url == f"{server.base}/questions/satisfaction?change=1#grid-parks"
    tab.axe(server.base)
    tab.page.check("#grid-parks-2")  # Agree
    tab.click("Save and return to check your answers")
    assert tab.page.url == f"{server.base}/check-answers"
    assert tab.page.locator("#row-parks_problem").count() == 0
    assert "The bandstand" not in tab.page.content()


def test_the_other_box_is_revealed_by_choosing_other(browser, server, spec):
    """With JavaScript the box is hidden until "Somewhere else" is chosen, and hidden again
    when another answer is; its radio says which box it controls."""
    opened = Tab(browser, "js")
    try:
        opened.page.goto(_link(server, spec, "Revealer"))
        opened.page.goto(f"{server.base}/questions/heard_about")
        other = opened.page.locator("#answer-other")
        radio = opened.page.get_by_label("Somewhere else")
        assert not other.is_visible()
        assert radio.get_attribute("aria-expanded") == "false"
        radio.check()
        assert other.is_visible()
        assert radio.get_attribute("aria-expanded") == "true"
        opened.axe(server.base)
        opened.page.get_by_label("Social media").check()
        assert not other.is_visible()
        assert opened.errors == []
    finally:
        opened.close()
