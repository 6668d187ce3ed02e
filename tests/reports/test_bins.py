"""Bins for numbers and dates: fixed by the spec, merged until no published bin is small."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from surveykit.model import Question
from surveykit_reports.bins import base_bins, label_of, merge

TODAY = dt.date(2027, 3, 1)


def _number(**settings) -> Question:
    return Question(id="n", text="How many?", kind="number", settings=settings)


@given(
    counts=st.lists(st.integers(0, 12), min_size=1, max_size=15),
    k=st.integers(1, 10),
)
def test_merged_bins_partition_the_base_bins_and_none_is_small(counts, k):
    bins = base_bins(_number(min=0, max=10 * len(counts)), "number", [], TODAY)[: len(counts)]
    sizes = dict(zip((b.id for b in bins), counts, strict=False))

    def size_of(group):
        n = sum(sizes[b.id] for b in group)
        return n, n

    groups = merge(bins, size_of, k)
    assert [b for g in groups for b in g] == list(bins)  # in order, each base bin once
    if len(groups) > 1:
        assert all(size_of(g)[0] == 0 or size_of(g)[0] >= k for g in groups)
    # Two neighbouring bins of nobody are shown as one.
    assert not any(size_of(a)[0] == 0 and size_of(b)[0] == 0 for a, b in itertools.pairwise(groups))


def test_authorities_count_too():
    """A bin of many responses from fewer than k authorities is small."""
    bins = base_bins(_number(min=0, max=100), "number", [], TODAY)
    sizes = {b.id: (12, 2 if i == 3 else 12) for i, b in enumerate(bins)}

    def size_of(group):
        return sum(sizes[b.id][0] for b in group), sum(sizes[b.id][1] for b in group)

    groups = merge(bins, size_of, 5)
    assert any(len(g) > 1 and bins[3] in g for g in groups)


@given(st.integers(0, 500_00).map(lambda pence: pence / 100))
def test_every_value_in_range_falls_in_exactly_one_bin(value):
    question = _number(min=0, max=500, decimals=2, unit="£", unit_prefix=True)
    bins = base_bins(question, "number", [], TODAY)
    assert sum(b.holds(value) for b in bins) == 1


def test_unbounded_numbers_use_fixed_edges_not_the_answers():
    """Without min and max the edges are 1, 2, 5, 10...: the same whichever answers came."""
    a = {b.id for b in base_bins(_number(), "number", ["3", "40"], TODAY)}
    b = {b.id for b in base_bins(_number(), "number", ["4", "47"], TODAY)}
    assert a == b
    assert "2..5" in a


def test_labels_read_as_people_say_ranges():
    household = _number(min=1, max=20, unit="people")
    bins = base_bins(household, "number", [], TODAY)
    assert label_of(bins[:2], household, "number") == "1 to 4 people"
    money = _number(min=0, max=500, decimals=2, unit="£", unit_prefix=True)
    bins = base_bins(money, "number", [], TODAY)
    assert label_of(bins[:1], money, "number") == "£0.00 to under £50.00"
    assert label_of(bins[-1:], money, "number") == "£450.00 to £500.00"


def test_dates_by_year_over_long_spans_and_by_month_over_short_ones():
    moved = Question(
        id="d",
        text="When?",
        kind="date",
        settings={"precision": "month", "earliest": dt.date(1920, 1, 1), "latest": "today"},
    )
    years = base_bins(moved, "month", ["2019-03"], TODAY)
    assert years[0].id == "1920"
    assert years[-1].id == "2027"
    assert label_of(years[:3], moved, "month") == "1920 to 1922"
    event = Question(id="e", text="When?", kind="date", settings={"earliest": dt.date(2027, 1, 11)})
    months = base_bins(event, "date", ["2027-02-03"], TODAY)
    assert [b.id for b in months] == ["2027-01", "2027-02"]
    assert months[1].holds("2027-02-03")
    assert label_of(months, event, "date") == "January 2027 to February 2027"
