"""The web form's small parts on their own: spec prose, the rate limiter, the demonstration."""

from __future__ import annotations

import datetime as dt

from surveykit_html import reopen_until
from surveykit_html.prose import render_prose
from surveykit_html.ratelimit import SlidingWindow


def test_prose_keeps_markdown_and_drops_html_and_script_links():
    """Spec Markdown becomes HTML; raw HTML is shown as text and javascript: links are dropped."""
    html = render_prose("**Bold** <b>raw</b> [ok](https://lga.gov.uk) [bad](javascript:alert(1))")
    assert html == (
        "<p><strong>Bold</strong> &lt;b&gt;raw&lt;/b&gt; "
        '<a href="https://lga.gov.uk">ok</a> [bad](javascript:alert(1))</p>\n'
    )


def test_prose_headings_start_at_h3():
    """The spec's top heading level becomes h3, under the page's own h1 and h2."""
    assert render_prose("## Top\n\n### Below") == "<h3>Top</h3>\n<h4>Below</h4>\n"


def test_sliding_window_forgets_old_events():
    """A client is blocked at the limit and free again once its events leave the window."""
    now = [0.0]
    window = SlidingWindow(2, 10, monotonic=lambda: now[0])
    window.record("a")
    window.record("a")
    assert (window.blocked("a"), window.blocked("b")) == (True, False)
    now[0] = 10.5
    assert window.blocked("a") is False


def test_sliding_window_memory_is_bounded():
    """With many clients passing by, idle ones are forgotten."""
    now = [0.0]
    window = SlidingWindow(1, 10, monotonic=lambda: now[0], max_clients=3)
    for client in "abc":
        window.record(client)
    now[0] = 20.0
    window.record("d")
    assert sorted(window._events) == ["d"]


def test_reopen_until_moves_only_the_closing_date(consultation):
    """The demonstration copy closes at the end of the given day and keeps its id."""
    reopened, demo = reopen_until(consultation, dt.date(2030, 12, 31))
    assert reopened.metadata.id == "taking-stock"
    assert reopened.metadata.closes_at == dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    assert demo.real_closing_text == "Friday 13 March 2015, end of day"
    assert demo.open_until_text == "Tuesday 31 December 2030"
    assert reopened.questions == consultation.questions
