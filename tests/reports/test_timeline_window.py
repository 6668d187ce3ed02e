"""The timeline lists the weeks of the consultation's window, and puts every response received
outside it in one row of its own, protected like any other figure.

A paper response keyed in from 2015 and a demonstration's web responses from 2026 once made the
HTML report list every week in between: hundreds of rows of zeros.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from auditor import disclosed
from reportdata import SPEC, answers_for

from surveykit.identity import Respondent
from surveykit.storage import Grant, NewSubmission, open_store
from surveykit_reports.build import build_report
from surveykit_reports.export.as_html import render_html
from surveykit_reports.model import OUTSIDE_WINDOW

#: Taking Stock has no opening date and closes at the end of Friday 13 March 2015 (London).
IN_WINDOW = [
    dt.datetime(2015, 2, 2, 10, tzinfo=dt.UTC),
    dt.datetime(2015, 2, 9, 10, tzinfo=dt.UTC),
    dt.datetime(2015, 3, 13, 23, 30, tzinfo=dt.UTC),  # the last half hour, in the closing week
]
#: A demonstration's responses, eleven years after the closing date.
LATE = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request):
    if request.param == "memory":
        opened = open_store("memory://")
    elif request.param == "sqlite":
        opened = request.getfixturevalue("sqlite_factory")()
    else:
        opened = request.getfixturevalue("postgres_factory")()
    with opened:
        yield opened


def _respond(store, times: list[dt.datetime]) -> None:
    """One respondent of a different authority for each time, answering then."""
    rng = random.Random(3)
    people = [
        Respondent(
            consultation=SPEC.metadata.id,
            authority=f"Place {n} Council",
            authority_type="district",
            role="leader",
        )
        for n in range(len(times))
    ]
    store.grant([Grant(p, f"hash-{n}", IN_WINDOW[0]) for n, p in enumerate(people)])
    for who, when in zip(people, times, strict=True):
        answers = answers_for(rng, SPEC, who, ["Fine."])
        store.append_submission(NewSubmission(SPEC.metadata.id, who.id, answers, "web", when, when))


def _rows(table) -> dict[str, int | None]:
    return {row.value: cells[0].count for row, cells in zip(table.rows, table.cells, strict=True)}


def test_weeks_outside_the_window_are_one_row(store):
    """Five weeks of 2015 and one row for 2026, however far apart; every response counted."""
    _respond(store, [t for t in IN_WINDOW for _ in range(6)] + [LATE] * 2)
    timeline = build_report(SPEC, store, internal=True).timeline
    assert _rows(timeline) == {
        "2015-02-02": 6,
        "2015-02-09": 6,
        "2015-02-16": 0,
        "2015-02-23": 0,
        "2015-03-02": 0,
        "2015-03-09": 6,
        OUTSIDE_WINDOW: 2,
    }
    assert timeline.rows[-1].label == "Outside the consultation's window"
    assert timeline.grand_total.count == 20


def test_a_few_late_responses_are_suppressed_and_said_so(store):
    """Two responses outside the window are a small figure: the public report hides it, the
    timeline still cannot be solved, and the HTML page says so in one line of its own."""
    _respond(store, [t for t in IN_WINDOW for _ in range(6)] + [LATE] * 2)
    report = build_report(SPEC, store)
    timeline = report.timeline
    outside = timeline.cells[-1][0]
    assert (outside.count, outside.suppressed is not None) == (None, True)
    assert disclosed(timeline) == []
    page = render_html(report)
    assert '<p id="outside-window">[c] responses arrived outside the consultation' in page
    assert "Week starting 16 March 2015" not in page
    assert "Week starting 1 June 2026" not in page


def test_many_late_responses_are_published_in_their_line(store):
    """Enough responses outside the window, from enough authorities, are published."""
    _respond(store, [t for t in IN_WINDOW for _ in range(6)] + [LATE] * 7)
    report = build_report(SPEC, store)
    assert _rows(report.timeline)[OUTSIDE_WINDOW] == 7
    assert (
        '<p id="outside-window">7 responses arrived outside the consultation&#39;s window.</p>'
        in render_html(report)
    )


def test_a_reopened_consultation_counts_its_demonstration_weeks(store):
    """A demonstration's reopening is the window: its weeks are listed, nothing is outside."""
    _respond(store, [LATE] * 6)
    reopened = SPEC.reopened_until(dt.date(2026, 12, 31))
    assert _rows(build_report(reopened, store, internal=True).timeline) == {
        "2026-06-01": 6,
        OUTSIDE_WINDOW: 0,
    }
    assert _rows(build_report(SPEC, store, internal=True).timeline) == {OUTSIDE_WINDOW: 6}
