"""The bilingual HTML report in a real browser (Chromium through Playwright), checked by axe.

Welsh first, then English, on one page: axe-core must find no violation (landmarks, ids,
``lang`` on each part), and the language links must take the reader to the other part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from test_report_browser import AXE, AXE_RUN, CHROMIUM, CHROMIUM_ARGS, _open
from test_report_lang import SPEC, TODAY, fill

from surveykit import load_spec
from surveykit.storage import open_store
from surveykit_reports.build import build_report
from surveykit_reports.export import write_report
from surveykit_reports.languages import together


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bilingual")
    spec = load_spec(SPEC)
    with open_store(f"sqlite:///{folder}/responses.db") as store:
        fill(store, spec, 90)
        report = together(
            [build_report(spec, store, generated_on=TODAY, language=lang) for lang in ("cy", "en")]
        )
    return write_report(report, "html", folder / "adroddiad-report.html")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def test_bilingual_report_has_no_accessibility_violations(browser, page_file):
    page = _open(browser, page_file, [])
    assert page.locator("html").get_attribute("lang") == "cy"
    assert (
        page.locator("div.sk-edition[lang=cy] h1").inner_text() == "Ein llyfrgelloedd: oriau agor"
    )
    assert page.locator("div.sk-edition[lang=en] h1").inner_text() == "Our libraries: opening hours"
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []
    page.context.close()


def test_the_language_link_goes_to_the_other_part(browser, page_file):
    page = _open(browser, page_file, [])
    page.get_by_role("link", name="English").first.click()
    assert page.url.endswith("#en")
    assert page.locator("#en").is_visible()
    welsh = page.locator("div.sk-edition[lang=cy] svg.sk-chart").count()
    assert welsh == page.locator("div.sk-edition[lang=en] svg.sk-chart").count() > 3
    page.context.close()
