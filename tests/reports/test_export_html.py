"""The HTML report: one self-contained, accessible page, parsed and checked element by element."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from exporttools import (
    INJECTION,
    SUPERSEDED_WORD,
    Deployment,
    any_reports,
    parse_html,
    public_and_internal,
    sqlite_deployment,
)
from hypothesis import given

from surveykit_reports.export import INTERNAL_MARK, SUPPRESSED_MARKER, write_report
from surveykit_reports.export.as_html import render_html

#: Elements that fetch something or run code: none may appear in a self-contained report.
FETCHING = {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Iterator[Deployment]:
    deployment = sqlite_deployment(tmp_path_factory.mktemp("html"))
    yield deployment
    deployment.store.close()


@pytest.fixture(scope="module")
def reports(made):
    return public_and_internal(made)


@pytest.fixture(scope="module")
def pages(reports, tmp_path_factory):
    """(report, text, tree) for the public and the internal report, written as files."""
    out = tmp_path_factory.mktemp("out")
    found = []
    for report, name in zip(reports, ("report.html", "INTERNAL-report.html"), strict=True):
        text = write_report(report, "html", out / name).read_text(encoding="utf-8")
        found.append((report, text, parse_html(text)))
    return found


def test_page_is_self_contained(pages):
    """No script, stylesheet, image or frame; links stay within the page; CSS fetches nothing."""
    for _report, text, tree in pages:
        tags = {node.tag for node in tree.iter()}
        assert not tags & FETCHING
        for node in tree.iter():
            assert "src" not in node.attrs
            assert not any(name.startswith("on") for name in node.attrs)
            if "href" in node.attrs:
                assert node.attrs["href"].startswith("#"), node.attrs["href"]
                assert tree.find(None, id=node.attrs["href"][1:]) is not None
        style = " ".join(node.text() for node in tree.iter("style"))
        assert "url(" not in style
        assert "@import" not in style
        assert "<script" not in text.lower()


def test_answers_cannot_inject_markup(pages, made):
    """A respondent's markup is shown as text, never as elements."""
    for _report, text, _tree in pages[1:]:  # the internal report quotes every answer
        assert "&lt;script&gt;" in text
        assert INJECTION not in text


def test_page_has_landmarks_and_an_outline(pages):
    """A language, one h1, banner, navigation, main and footer; headings never skip a level."""
    for _report, _text, tree in pages:
        html = tree.find("html")
        assert html is not None
        assert html.attrs["lang"] == "en"
        assert len(list(tree.iter("h1"))) == 1
        for tag in ("header", "nav", "main", "footer"):
            assert tree.find(tag) is not None, tag
        assert tree.find("nav").attrs.get("aria-label")
        levels = [int(n.tag[1]) for n in tree.iter() if re.fullmatch(r"h[1-6]", n.tag)]
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_every_question_has_a_hidden_chart_and_its_table(pages):
    """Each one-column count table is drawn as an aria-hidden chart beside its data table."""
    report, _text, tree = pages[0]
    counts = [t for t in report.tables if t.aggregator == "counts" and len(t.columns) == 1]
    assert counts
    for table in counts:
        section = tree.find("h3", id=f"q-{table.question}").parent
        svg = section.find("svg")
        assert svg is not None, table.question
        assert svg.attrs["aria-hidden"] == "true"
        html_table = section.find("table")
        rows = [r for r in html_table.iter("tr") if r.find("td") is not None]
        assert [r.find("th").text() for r in rows] == [*(h.label for h in table.rows), "Total"]


def test_suppressed_cells_show_the_marker_never_the_number(pages):
    """Where the public report suppressed a cell, the page shows [c] and no digit at all."""
    report, _text, tree = pages[0]
    checked = 0
    for table in report.tables:
        if table.aggregator != "counts" or len(table.columns) != 1:
            continue
        section = tree.find("h3", id=f"q-{table.question}").parent
        body_rows = [r for r in section.find("table").iter("tr") if r.find("td") is not None]
        for heading, cells, row in zip(table.rows, table.cells, body_rows, strict=False):
            shown = row.find("td").text()
            if cells[0].shown:
                assert shown == f"{cells[0].count:,}", heading
            else:
                checked += 1
                assert shown.startswith(SUPPRESSED_MARKER)
                assert not re.search(r"\d", shown)
                assert not re.search(r"\d", row.text().replace(heading.label, ""))
    assert checked > 0
    assert SUPPRESSED_MARKER in tree.find("p", id="suppression-note").text()


def test_public_page_holds_no_identity(pages, made):
    """No name, email address, token, hash, unconsenting authority or superseded answer."""
    _report, text, _tree = pages[0]
    leaked = [s for s in [*made.secrets(), *made.unnamed_authorities] if s in text]
    assert leaked == []
    assert SUPERSEDED_WORD not in text
    assert INTERNAL_MARK not in text


def test_internal_page_is_marked_everywhere(pages, made):
    """The internal page says INTERNAL in its title, at the top and at the bottom."""
    _report, text, tree = pages[1]
    assert tree.find("title").text().startswith(INTERNAL_MARK)
    assert text.count(INTERNAL_MARK) >= 3
    footer = tree.find("footer")
    assert INTERNAL_MARK in footer.text()
    assert set(made.names) <= {n.text() for n in tree.iter("td")}


ALLOWED = {
    "html", "head", "meta", "title", "style", "body", "a", "header", "div", "p", "h1", "h2",
    "h3", "h4", "nav", "ol", "li", "main", "section", "ul", "strong", "span", "table", "caption",
    "thead", "tr", "th", "tbody", "td", "details", "summary", "svg", "text", "rect",
    "blockquote", "footer",
}  # fmt: skip


@given(any_reports())
def test_any_text_is_shown_as_text(report):
    """Whatever the labels and quotes say, the page has only the report's own elements."""
    tree = parse_html(render_html(report))
    assert {node.tag for node in tree.iter()} <= ALLOWED
    shown = tree.text()
    for table in report.tables:
        for heading in (*table.rows, *table.columns):
            assert " ".join(heading.label.split()) in shown
    for digest in report.digests:
        for quote in digest.quotes:
            assert " ".join(quote.text.split()) in shown
    for node in tree.iter("td"):
        if SUPPRESSED_MARKER in node.text():
            assert not re.search(r"\d", node.text())
