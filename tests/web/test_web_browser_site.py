"""Two consultations from one deployment file, in a real browser: the finder, a link in each, an
answer in each, and neither seeing the other's (Debian's Chromium, Playwright, real SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from webserver import Server
from webtools import spec_copy

from browsertools import AXE_RUN, AXE_SOURCE, chromium
from surveykit.storage import open_store

DEPLOYMENT = """\
[deployment]
open_until = 2099-12-31

[branding]
organisation = "Local Government Association"

[[consultations]]
spec = "taking-stock"

[[consultations]]
spec = "fire-review.toml"
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Server]:
    folder: Path = tmp_path_factory.mktemp("two")
    spec_copy(folder, "fire-review", "Fire review")
    (folder / "surveykit.toml").write_text(DEPLOYMENT, encoding="utf-8")
    with Server(None, folder / "two.db") as server:
        yield server


@pytest.fixture(scope="module")
def page(site) -> Iterator[Page]:
    assert AXE_SOURCE, "axe-core is missing: run `make assets` (npm ci)"
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        context.add_init_script(AXE_SOURCE)
        yield context.new_page()


def _axe(page: Page) -> list:
    page.wait_for_load_state()
    return page.evaluate(AXE_RUN)


def _radios(page: Page) -> list[tuple[str, bool]]:
    """Each option of the question on screen: its value and whether it is chosen."""
    radios = page.locator("input[type=radio]")
    return [
        (radios.nth(i).get_attribute("value") or "", radios.nth(i).is_checked())
        for i in range(radios.count())
    ]


def _get_link_and_answer(page: Page, site: Server, title: str, path: str, choice: int) -> str:
    """From the finder: open ``title``, get a link, open it and answer its first question with
    its ``choice``-th option, which nothing had chosen before; returns the question's URL."""
    page.goto(site.base + "/")
    page.get_by_role("link", name=title).click()
    assert page.url == f"{site.base}/{path}/"
    page.get_by_role("button", name="Get your own link").click()
    page.fill("#authority", f"{title} Council")
    page.check("#authority_type")
    page.get_by_role("button", name="Create my link").click()
    link = page.inner_text("#unique-link")
    assert link.startswith(f"{site.base}/{path}/r/")
    page.goto(link)
    assert page.url == f"{site.base}/{path}/your-response"
    page.get_by_role("button", name="Start now").click()
    question = page.url
    assert question.startswith(f"{site.base}/{path}/questions/")
    assert not any(chosen for _value, chosen in _radios(page))
    page.locator("input[type=radio]").nth(choice).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    return question


def _chosen(page: Page, url: str) -> list[str]:
    page.goto(url)
    return [value for value, chosen in _radios(page) if chosen]


def test_two_consultations_from_one_deployment_keep_their_answers_apart(page, site):
    """Answers in one consultation never show in the other, in the same browser."""
    page.goto(site.base + "/")
    assert page.get_by_role("heading", name="Find a consultation").is_visible()
    assert page.get_by_role("heading", name="Open", exact=True).is_visible()
    assert _axe(page) == []
    stock = _get_link_and_answer(page, site, "Taking stock", "taking-stock", 0)
    fire = _get_link_and_answer(page, site, "Fire review", "fire-review", 1)
    first, second = _chosen(page, stock), _chosen(page, fire)
    assert len(first) == len(second) == 1
    assert first != second
    assert stock.rsplit("/", 1)[1] == fire.rsplit("/", 1)[1]
    with open_store(site.db_url) as store:
        (stock_respondent,) = store.respondents("taking-stock")
        (fire_respondent,) = store.respondents("fire-review")
        stock_draft = store.load_draft(stock_respondent.id)
        fire_draft = store.load_draft(fire_respondent.id)
    question_id = stock.rsplit("/", 1)[1]
    assert stock_draft.answers[question_id] == first[0]
    assert fire_draft.answers[question_id] == second[0]
