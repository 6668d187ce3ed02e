"""The web form in a real browser: Debian's Chromium, driven by Playwright, on `surveykit serve`.

Each flow runs twice, with JavaScript on and off, against the real server on loopback with a real
SQLite file.  Every page is screenshotted into test-artifacts/screenshots/, and axe-core (from
npm, injected into the page) must find no accessibility violations on any of them.  Set
SURVEYKIT_DOCS_SCREENSHOTS=1 to also refresh the screenshots in docs/images/web/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from webserver import Server
from webtools import ROOT, SPEC

from browsertools import AXE, AXE_RUN, AXE_SOURCE, chromium
from surveykit import Engine, load_spec
from surveykit.storage import open_store

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS_IMAGES = ROOT / "docs" / "images" / "web"
DOCS_SHOTS = {
    "start",
    "get-a-link-errors",
    "your-link",
    "question-radios",
    "question-textarea",
    "check-answers",
    "confirmation",
    "closed",
}
MODES = ["js", "no-js"]
#: What the full run answers; every other question is answered with its first option or a line.
PLAN = {
    "role": "other",
    "authority_type": "district",
    "q1": "some_changes",
    "q13": "no",
    "q15": "yes",
    "consent": "quote_anonymous",
}


@pytest.fixture(scope="module")
def consultation():
    return load_spec(SPEC)


@pytest.fixture(scope="module")
def open_server(tmp_path_factory) -> Iterator[Server]:
    """Taking Stock reopened for a demonstration, as `make run` serves it."""
    folder = tmp_path_factory.mktemp("open")
    with Server(SPEC, folder / "taking-stock.db", "--open-until", "2099-12-31") as server:
        yield server


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory) -> Iterator[Server]:
    """Taking Stock as it really is: closed since 13 March 2015."""
    folder = tmp_path_factory.mktemp("closed")
    with Server(SPEC, folder / "taking-stock.db") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert AXE_SOURCE, f"{AXE} is missing: run `make assets` (npm ci)"
    with chromium() as launched:
        yield launched


class Visit:
    """One browser tab in one mode: screenshots every page, runs axe, records console errors."""

    def __init__(self, context: BrowserContext, mode: str, base: str, flow: str) -> None:
        self.context = context
        self.flow = flow
        self.mode = mode
        self.base = base
        self.page: Page = context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        self.shots = 0
        self._axe_page: Page | None = None

    def _console(self, message) -> None:
        if message.type == "error" and "status of 4" not in message.text:
            self.console.append(message.text)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base)

    def snap(self, name: str, axe: bool = True) -> None:
        """Screenshot the page as an artefact (and for the docs), and check it with axe."""
        self.page.wait_for_load_state()
        self.shots += 1
        folder = ARTIFACTS / self.mode / self.flow
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=folder / f"{self.shots:02d}-{name}.png", full_page=True)
        if (
            os.environ.get("SURVEYKIT_DOCS_SCREENSHOTS")
            and self.mode == "js"
            and name in DOCS_SHOTS
        ):
            DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=DOCS_IMAGES / f"{name}.png")
        if axe:
            violations = self._axe()
            assert violations == [], f"axe on {name} ({self.mode}): {violations}"

    def _axe(self) -> list:
        """axe-core's violations for the page as shown.

        axe needs JavaScript to run, so for a page shown without it the same HTML is loaded into
        a JavaScript-enabled tab whose own scripts are blocked: axe then sees exactly the page a
        browser without JavaScript shows.
        """
        page = self.page
        if self.mode != "js":
            html = page.content()
            page = self._axe_tab()
            page.set_content(html)
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        return page.evaluate(AXE_RUN)

    def _axe_tab(self) -> Page:
        if self._axe_page is None:
            assert self.context.browser is not None
            context = self.context.browser.new_context(viewport={"width": 1000, "height": 800})
            context.route(re.compile(r".*\.m?js(\?.*)?$"), lambda route: route.abort())
            self._axe_page = context.new_page()
            # Any page of the site gives the HTML its origin, so its stylesheet loads.
            self._axe_page.goto(self.base + "/static/surveykit.css")
        return self._axe_page

    def focused_class(self) -> str:
        return self.page.evaluate("document.activeElement.className")

    def click(self, text: str) -> None:
        self.page.get_by_role("button", name=text).first.click()
        self.page.wait_for_load_state()


@pytest.fixture(params=MODES)
def mode(request) -> str:
    return request.param


def _visit(browser: Browser, server: Server, mode: str, flow: str) -> tuple[Visit, BrowserContext]:
    context = browser.new_context(
        java_script_enabled=mode == "js", viewport={"width": 1000, "height": 800}
    )
    if mode == "js":
        # Playwright's init scripts bypass the page's CSP, like an extension would.
        context.add_init_script(AXE_SOURCE)
    return Visit(context, mode, server.base, flow), context


@pytest.fixture
def visit(browser, open_server, mode, request) -> Iterator[Visit]:
    flow = request.node.originalname.removeprefix("test_")
    tab, context = _visit(browser, open_server, mode, flow)
    yield tab
    assert tab.console == []
    context.close()


def _get_link(visit: Visit, authority: str, snap: bool = False) -> str:
    """Get a self-service link through the start page; returns the link shown."""
    visit.go("/")
    if snap:
        visit.snap("start")
    visit.page.get_by_role("button", name="Get your own link").click()
    if snap:
        visit.snap("get-a-link")
        visit.click("Create my link")
        visit.snap("get-a-link-errors")
        assert visit.focused_class() == "govuk-error-summary"
    visit.page.fill("#authority", authority)
    visit.page.check("#authority_type")
    visit.page.fill("#email", "respondent@example.org")
    visit.click("Create my link")
    link = visit.page.inner_text("#unique-link")
    if snap:
        visit.snap("your-link")
    return link


def _answer_current(visit: Visit, question_id: str) -> None:
    """Answer the question on screen as the plan says, then Continue."""
    page = visit.page
    wanted = PLAN.get(question_id)
    if page.locator("input[type=radio]").count():
        selector = f"input[value='{wanted}']" if wanted else "input[type=radio]"
        page.locator(selector).first.check()
    elif page.locator("textarea").count():
        page.fill("textarea", f"Answer to {question_id}")
    else:
        page.fill("#answer", f"Answer to {question_id}")
    visit.click("Continue")


def _stored(server: Server, authority: str):
    with open_store(server.db_url) as store:
        (respondent,) = [r for r in store.respondents("taking-stock") if r.authority == authority]
        return store.history(respondent.id)


def test_full_run_through_taking_stock(visit, open_server, consultation):
    """Get a link, answer every visible question one per page, check, send, see confirmation."""
    authority = f"Full Run Council ({visit.mode})"
    link = _get_link(visit, authority, snap=True)
    assert re.fullmatch(re.escape(open_server.base) + r"/r/[A-Za-z0-9_-]{32}", link)
    visit.page.get_by_role("button", name="Start answering").click()
    assert visit.path == "/your-response"
    visit.snap("overview")
    visit.page.get_by_role("button", name="Start now").click()
    visit.snap("question-radios")
    visit.click("Continue")
    visit.snap("question-error")
    assert visit.focused_class() == "govuk-error-summary"
    visited = []
    controls_seen: set[str] = set()
    while visit.path.startswith("/questions/"):
        question_id = visit.path.removeprefix("/questions/")
        visited.append(question_id)
        kind = consultation.question(question_id).kind
        control = "textarea" if visit.page.locator("textarea").count() else kind
        if question_id == "authority":
            visit.snap("question-input")
        elif control not in controls_seen and control == "textarea":
            visit.snap("question-textarea")
        controls_seen.add(control)
        _answer_current(visit, question_id)
    assert visit.path == "/check-answers"
    answers = {q: PLAN.get(q, f"Answer to {q}") for q in visited}
    assert tuple(visited) == Engine(consultation).visible(answers)
    visit.snap("check-answers")
    visit.click("Send my response")
    assert visit.path == "/confirmation"
    visit.snap("confirmation")
    (submission,) = _stored(open_server, authority)
    assert submission.version == 1
    assert submission.answers["q1"] == "some_changes"
    assert "q14" not in submission.answers
    log = open_server.log()
    assert link.rsplit("/", 1)[1] not in log
    assert "respondent@example.org" not in log
    assert authority not in log


def test_answers_from_our_records_are_marked_and_can_be_corrected(visit, open_server):
    """A roster leader's About you comes from the roster: check your answers tags it "From our
    records" (and axe is content), and its Change link corrects it."""
    import datetime as dt

    from surveykit.identity import load_secret
    from surveykit.roster import RosterEntry, plan_links

    authority = f"Records Council ({visit.mode})"
    entry = RosterEntry(2, authority, "county", "leader", "Ada Records", "")
    with open_store(open_server.db_url) as store:
        secret = load_secret(store.secret_file)
        plan = plan_links(store, secret, load_spec(SPEC), [entry], now=dt.datetime.now(dt.UTC))
        plan.commit(store)
    visit.go(f"/r/{plan.links[0].token.value}")
    visit.go("/check-answers")
    assert "From our records" in visit.page.locator("#row-role").inner_text()
    assert "From our records" not in visit.page.locator("#row-consent").inner_text()
    visit.snap("check-answers-from-records")
    visit.page.click("#row-role a")
    assert visit.path == "/questions/role?change=1"
    visit.page.check("input[value='chief_executive']")
    visit.click("Save and return to check your answers")
    assert visit.path == "/check-answers"
    assert "From our records" not in visit.page.locator("#row-role").inner_text()
    assert "From our records" in visit.page.locator("#row-authority_type").inner_text()


def test_changing_q1_hides_q2_and_clears_its_answer(visit):
    """Change q1 from check your answers so q2 is not asked: q2 and its answer are gone."""
    _get_link(visit, f"Branching Council ({visit.mode})")
    visit.go("/questions/q1")
    visit.page.check("input[value='some_changes']")
    visit.click("Continue")
    assert visit.path == "/questions/q2"
    visit.page.fill("textarea", "Add a principle on data")
    visit.click("Continue")
    visit.go("/check-answers")
    assert visit.page.locator("#row-q2").inner_text().count("Add a principle on data") == 1
    visit.page.click("#row-q1 a")
    assert visit.path == "/questions/q1?change=1"
    visit.page.check("input[value='all_relevant']")
    visit.click("Save and return to check your answers")
    assert visit.path == "/check-answers"
    visit.snap("check-answers-after-change")
    assert visit.page.locator("#row-q2").count() == 0
    assert "Add a principle on data" not in visit.page.content()


def test_save_and_come_back_later(visit, browser, open_server, mode):
    """Save part way; opening the link in a fresh browser carries on after the saved answers."""
    link = _get_link(visit, f"Saving Council ({visit.mode})")
    visit.go("/questions/role")
    visit.page.check("input[value='leader']")
    visit.click("Continue")
    visit.page.check("input[value='unitary']")
    visit.click("Save and come back later")
    assert visit.path == "/saved"
    visit.snap("saved")
    later, context = _visit(browser, open_server, mode, "save_and_come_back_later_again")
    later.page.goto(link)
    assert later.path == "/your-response"
    assert "You saved some answers on" in later.page.content()
    later.page.get_by_role("button", name="Continue").click()
    assert later.path == "/questions/authority"
    later.go("/questions/authority_type")
    assert later.page.is_checked("input[value='unitary']")
    assert later.console == []
    context.close()


def test_a_second_submission_replaces_the_first(visit, open_server):
    """After sending, the form warns that sending again replaces it; the history keeps both."""
    authority = f"Twice Council ({visit.mode})"
    _get_link(visit, authority)
    for question_id in ("role", "authority_type", "authority", "consent"):
        visit.go(f"/questions/{question_id}")
        _answer_current(visit, question_id)
    visit.go("/check-answers")
    visit.click("Send my response")
    visit.go("/your-response")
    visit.snap("overview-after-sending")
    assert "If you send another, it will replace that one" in visit.page.content()
    visit.go("/questions/consent")
    visit.page.check("input[value='no_quote']")
    visit.click("Continue")
    visit.go("/check-answers")
    visit.snap("check-answers-replace")
    assert "If you send these answers, they will replace it" in visit.page.content()
    visit.click("Replace my earlier response")
    assert "It replaces the response you sent before." in visit.page.content()
    history = _stored(open_server, authority)
    assert [s.version for s in history] == [1, 2]
    assert [s.answers["consent"] for s in history] == ["quote_anonymous", "no_quote"]


def test_closed_page_and_unknown_link(browser, closed_server, mode):
    """Past the closing date the start page says so; a wrong link gets the unknown-link page."""
    tab, context = _visit(browser, closed_server, mode, "closed")
    tab.go("/")
    tab.snap("closed")
    assert tab.page.inner_text("h1") == "This consultation has closed"
    assert "Demonstration" not in tab.page.content()
    tab.go("/r/abcdefghijklmnopqrstuvwxyz012345")
    tab.snap("unknown-link")
    assert tab.page.inner_text("h1") == "This link is not recognised"
    assert tab.console == []
    context.close()


def test_the_accessibility_check_can_fail(browser, open_server, mode):
    """axe, as run here, sees the site's styles and reports a planted image without alt text."""
    tab, context = _visit(browser, open_server, mode, "planted")
    tab.go("/")
    assert tab._axe() == []
    checked = tab.page if mode == "js" else tab._axe_tab()
    assert checked.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").startswith(
        "system-ui"
    )
    tab.page.set_content(
        '<html lang="en"><title>t</title><main><h1>T</h1><img src="/x.png"></main></html>'
    )
    assert [v["id"] for v in tab._axe()] == ["image-alt"]
    context.close()
