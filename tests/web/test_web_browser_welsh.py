"""The bilingual example answered entirely in Welsh in a real browser (Debian's Chromium, driven
by Playwright, on `surveykit serve` with a real SQLite file): Cymraeg chosen on the start page,
every page filled in, an error shown in Welsh, the response sent; on every page no English but
what the spec leaves untranslated (marked ``lang="en"``), and axe-core finds no violations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from langtools import bilingual_copy, english_in, english_phrases, translated_sources
from playwright.sync_api import Browser
from test_web_browser_kinds import Tab
from webserver import Server

from browsertools import AXE_SOURCE, chromium
from surveykit import SubmitService, load_spec
from surveykit.identity import load_secret
from surveykit.storage import open_store

#: The visible text nodes of the page, each with the language in force where it is.
VISIBLE_TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || element.closest('script, style, noscript')) continue;
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (element.closest('[hidden]')) continue;
    const lang = element.closest('[lang]').getAttribute('lang');
    found.push([text, lang]);
  }
  found.push([document.title, document.documentElement.lang]);
  return found;
}"""


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    """The bilingual example open from today (the server reopens it past its closing date),
    with one text left untranslated, as a spec may."""
    return bilingual_copy(
        tmp_path_factory.mktemp("welsh"), drop=("why_not.options.online",), opens=False
    )


@pytest.fixture(scope="module")
def server(spec) -> Iterator[Server]:
    with Server(spec, spec.with_suffix(".db"), "--open-until", "2099-12-31") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert AXE_SOURCE, "axe-core is missing: run `make assets` (npm ci)"
    with chromium() as launched:
        yield launched


def _link(server: Server, spec: Path) -> tuple[str, str]:
    """A unique link for a new respondent, made on the server's own database and secret."""
    consultation = load_spec(spec).reopened_until(dt.date(2099, 12, 31))
    with open_store(server.db_url) as store:
        service = SubmitService(consultation, store, load_secret(store.secret_file))
        issued = service.request_link()
    return f"{server.base}/r/{issued.token.value}", issued.respondent.id


class Welsh:
    """Checks each page a Welsh tab lands on: in Welsh, no English, axe-clean."""

    def __init__(self, tab: Tab, server: Server, spec: Path, typed: set[str]) -> None:
        self.tab = tab
        self.server = server
        consultation = load_spec(spec)
        self.english = english_phrases() | translated_sources(consultation, "cy")
        self.typed = typed
        self.pages: list[str] = []

    def check(self) -> None:
        page = self.tab.page
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == "cy", page.url
        found = []
        for text, lang in page.evaluate(VISIBLE_TEXTS):
            if lang != "cy" or text in self.typed:
                continue  # another language on purpose: the switch, an untranslated text
            hits = english_in(text, self.english)
            if hits:
                found.append((text, hits))
        assert found == [], f"English on {page.url}: {found}"
        self.tab.axe(self.server.base)
        self.pages.append(page.url)


def test_the_bilingual_example_answered_in_welsh(browser, server, spec):
    tab = Tab(browser, "js")
    try:
        page = tab.page
        welsh = Welsh(tab, server, spec, typed={"Dim byd arall, diolch"})
        page.goto(f"{server.base}/")
        assert page.evaluate("document.documentElement.lang") == "en"
        tab.axe(server.base)
        page.get_by_role("link", name="Cymraeg").click()
        assert page.url == f"{server.base}/?lang=cy"
        welsh.check()
        switch = page.locator(".app-language-select a")
        assert switch.get_attribute("hreflang") == "en"
        assert switch.get_attribute("lang") == "en"
        assert page.locator(".app-language-select [aria-current]").inner_text() == "Cymraeg"

        link, respondent_id = _link(server, spec)
        page.goto(link)  # the session keeps the choice
        welsh.check()
        tab.click("Dechrau nawr")

        assert page.url.endswith("/questions/visits")
        welsh.check()
        tab.click("Parhau")  # nothing chosen: the error, in Welsh
        welsh.check()
        assert page.locator(".govuk-error-summary__title").inner_text() == "Mae problem wedi codi"
        assert page.evaluate("document.activeElement.className") == "govuk-error-summary"
        page.get_by_role("link", name="Dewiswch ateb i gwestiwn 1").click()
        page.get_by_label("Byth").check()
        tab.click("Parhau")

        assert page.url.endswith("/questions/why_not")
        welsh.check()
        untranslated = page.locator("label[lang=en]")
        assert untranslated.inner_text() == "I find what I need online"
        page.get_by_label("Mae'n rhy bell").check()
        tab.click("Parhau")

        assert page.url.endswith("/questions/when")
        welsh.check()
        page.get_by_label("Dydd Sadwrn").check()
        page.get_by_label("Dydd Sul").check()
        tab.click("Parhau")

        assert page.url.endswith("/questions/hours")
        welsh.check()
        page.fill("#answer", "40 awr")
        tab.click("Parhau")

        assert page.url.endswith("/questions/comments")
        welsh.check()
        page.fill("#answer", "Dim byd arall, diolch")
        count = page.locator(".govuk-character-count__status").inner_text()
        assert count.startswith("Mae gennych")
        assert "yn weddill" in count
        tab.click("Parhau")

        assert page.url == f"{server.base}/check-answers"
        welsh.check()
        assert "Byth" in page.locator("#row-visits").inner_text()
        assert "40 awr" in page.locator("#row-hours").inner_text()
        tab.click("Anfon fy ymateb")

        assert page.url == f"{server.base}/confirmation"
        welsh.check()
        assert page.locator("h1").inner_text() == "Ymateb wedi’i anfon"  # noqa: RUF001
        assert tab.errors == []
    finally:
        tab.close()
    assert len(welsh.pages) == 10
    with open_store(server.db_url) as store:
        (response,) = store.history(respondent_id)
    assert response.answers == {
        "visits": "never",
        "why_not": "distance",
        "when": ["saturday", "sunday"],
        "hours": 40,
        "comments": "Dim byd arall, diolch",
    }
