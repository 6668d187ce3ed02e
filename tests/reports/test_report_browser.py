"""The HTML report in a real browser: Debian's Chromium driven by Playwright, checked by axe-core.

The report is opened from a file with every network request refused, so it must be complete on
its own.  axe-core (from npm, as the web form's tests use it) must find no violation.  Set
SURVEYKIT_DOCS_SCREENSHOTS=1 to refresh docs/images/reports/report.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from exporttools import ROOT, Deployment, public_and_internal, sqlite_deployment
from playwright.sync_api import Browser, Page, sync_playwright

from surveykit_reports.export import INTERNAL_MARK, write_report

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "plugins" / "surveykit_html" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots" / "reports"
DOCS_IMAGE = ROOT / "docs" / "images" / "reports" / "report.png"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Iterator[Deployment]:
    deployment = sqlite_deployment(tmp_path_factory.mktemp("browser"))
    yield deployment
    deployment.store.close()


@pytest.fixture(scope="module")
def files(made, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    public, internal = public_and_internal(made)
    return {
        "public": write_report(public, "html", out / "report.html"),
        "internal": write_report(internal, "html", out / "INTERNAL-report.html"),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    assert AXE.exists(), f"{AXE} is missing: run `make assets` (npm ci)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def _open(browser: Browser, path: Path, requests: list[str]) -> Page:
    """The report in a fresh tab that refuses, and records, every request but the file itself."""
    context = browser.new_context(viewport={"width": 1100, "height": 1300})
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url == path.as_uri() else route.abort(),
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("which", ["public", "internal"])
def test_report_needs_nothing_from_the_network(browser, files, which):
    """Opening the report asks for nothing but the file, and it draws its charts and tables."""
    requests: list[str] = []
    page = _open(browser, files[which], requests)
    assert requests == [files[which].as_uri()]
    assert page.locator("svg.sk-chart").count() >= 10
    assert page.locator("table.sk-table").count() >= page.locator("svg.sk-chart").count()
    page.context.close()


@pytest.mark.parametrize("which", ["public", "internal"])
def test_report_has_no_accessibility_violations(browser, files, which):
    """axe-core finds no violation in the report (contrast, landmarks, tables, headings...)."""
    page = _open(browser, files[which], [])
    page.evaluate(AXE.read_text())
    violations = page.evaluate(AXE_RUN)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{which}.png", full_page=True)
    assert violations == []
    if which == "internal":
        assert page.get_by_text(INTERNAL_MARK).first.is_visible()
    page.context.close()


def test_cross_tabs_open_without_javascript(browser, files):
    """The cross-tabs fold away and open with a click or a key, with JavaScript turned off."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(files["public"].as_uri())
    details = page.locator("details").first
    table = details.locator("table")
    assert not table.is_visible()
    details.locator("summary").click()
    assert table.is_visible()
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    assert not table.is_visible()
    context.close()


def test_axe_as_run_here_finds_a_planted_problem(browser, files):
    """The check can fail: a page stripped of its language is reported."""
    page = _open(browser, files["public"], [])
    page.evaluate("document.documentElement.removeAttribute('lang')")
    page.evaluate(AXE.read_text())
    assert "html-has-lang" in [v["id"] for v in page.evaluate(AXE_RUN)]
    page.context.close()


def test_docs_screenshot(browser, files):
    """Question 13 with its cross-tab by role open: the picture in docs/reports.md.

    The file is refreshed only when SURVEYKIT_DOCS_SCREENSHOTS is set.
    """
    page = _open(browser, files["public"], [])
    section = page.locator("section.sk-question").filter(has=page.locator("#q-q13"))
    section.locator("details summary").first.click()
    assert section.locator("details table").first.is_visible()
    assert section.locator(".sk-suppressed").count() > 0
    page.evaluate("document.activeElement.blur()")
    box = section.bounding_box()
    assert box is not None
    margin = 16
    clip = {
        "x": box["x"] - margin,
        "y": box["y"] + page.evaluate("window.scrollY") - margin,
        "width": box["width"] + 2 * margin,
        "height": box["height"] + 2 * margin,
    }
    shot = page.screenshot(clip=clip, full_page=True)
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("SURVEYKIT_DOCS_SCREENSHOTS"):
        DOCS_IMAGE.parent.mkdir(parents=True, exist_ok=True)
        DOCS_IMAGE.write_bytes(shot)
    page.context.close()
