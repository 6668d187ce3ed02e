"""The ``[retention]`` table: durations as officers write them, due dates by the calendar in the
consultation's time zone, the checks at load (problems at FILE:LINE), and ``show``."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from retentiongen import DURATIONS, retentions
from surveykit import SpecError, loads_spec
from surveykit.cli import main
from surveykit.model import Metadata
from surveykit.retention import (
    CLASSES,
    LINKING,
    Duration,
    DurationError,
    Retention,
    add_duration,
    anonymisation_due,
    due,
    format_duration,
    parse_duration,
    review_item_due,
    schedule,
)
from surveykit.spec import load_spec

LONDON = ZoneInfo("Europe/London")
HEAD = """[consultation]
id = "x"
title = "X"
publisher = "Kent County Council"
closes = 2027-01-31
timezone = "Europe/London"
"""
TAIL = """
[[sections]]
id = "s"
title = "S"
[[sections.questions]]
id = "q1"
text = "Q"
kind = "text"
"""


def spec(retention: str) -> str:
    return f"{HEAD}\n[retention]\n{retention}\n{TAIL}"


def problems(retention: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        loads_spec(spec(retention), source="c.toml")
    return [str(p) for p in info.value.problems]


def warnings(retention: str) -> list[str]:
    return [str(w) for w in loads_spec(spec(retention), source="c.toml").warnings]


# durations -----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(DURATIONS)
def test_a_duration_prints_back_as_it_reads(duration):
    assert parse_duration(format_duration(duration)) == duration


def test_never_is_kept():
    assert parse_duration("never") is None
    assert format_duration(None) == "never"


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("0 days", Duration(0, "day")),
        ("1 day", Duration(1, "day")),
        ("12 weeks", Duration(12, "week")),
        ("6 months", Duration(6, "month")),
        ("1 year", Duration(1, "year")),
        ("100 years", Duration(100, "year")),
    ],
)
def test_durations_as_officers_write_them(text, duration):
    assert parse_duration(text) == duration


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("6 Months", "write it '6 months'"),
        ("6months", "write it '6 months'"),
        ("six months", "write it '6 months'"),
        ("1 months", "write it '1 month'"),
        ("2 yrs", "write it '2 years'"),
        ("Never", "write it 'never'"),
        ("a while", "not a duration"),
        ("6", "not a duration"),
        ("1.5 years", "not a duration"),
        ("101 years", "more than the 100 years"),
        ("36526 days", "more than the 36,525 days"),
    ],
)
def test_durations_that_are_refused_say_what_to_write(text, says):
    with pytest.raises(DurationError, match=says):
        parse_duration(text)


# arithmetic ----------------------------------------------------------------------------------


def _at(*args: int, zone: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # The end of 31 January, and a month: the end of the last day of February.
        (_at(2027, 1, 31, 17), Duration(1, "month"), _at(2027, 2, 28, 17)),
        (_at(2028, 1, 31, 17), Duration(1, "month"), _at(2028, 2, 29, 17)),
        (_at(2028, 2, 29, 9), Duration(1, "year"), _at(2029, 2, 28, 9)),
        # Across the clocks going forward a day is a calendar day: midnight stays midnight.
        (_at(2027, 3, 27), Duration(1, "day"), _at(2027, 3, 28)),
        (_at(2027, 3, 1), Duration(2, "week"), _at(2027, 3, 15)),
        (_at(2027, 3, 13), Duration(0, "day"), _at(2027, 3, 13)),
    ],
)
def test_calendar_arithmetic(start, duration, expected):
    assert add_duration(start, duration, LONDON) == expected


def test_a_time_the_clocks_skip_is_the_moment_they_jumped():
    """01:30 on 28 March 2027 never happens in London: the clocks go from 01:00 to 02:00."""
    found = add_duration(_at(2027, 3, 27, 1, 30), Duration(1, "day"), LONDON)
    assert found == dt.datetime(2027, 3, 28, 1, 0, tzinfo=dt.UTC)
    assert found.astimezone(LONDON).hour == 2


ZONES = st.sampled_from(
    [
        "UTC",
        "Europe/London",
        "Pacific/Auckland",
        "America/Santiago",
        "Asia/Gaza",
        "Australia/Lord_Howe",
    ]
)


@st.composite
def metadata(draw: st.DrawFn) -> Metadata:
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2080, 12, 31)))
    closes = day
    if draw(st.booleans()):
        closes = dt.datetime.combine(day, draw(st.times()).replace(microsecond=0))
    return Metadata(id="x", title="X", publisher="P", closes=closes, timezone=draw(ZONES))


@settings(max_examples=100, deadline=None)
@given(metadata(), st.sampled_from(["day", "week", "month", "year"]), st.data())
def test_due_dates_are_monotone_and_never_before_the_close(meta, unit, data):
    shorter, longer = sorted(data.draw(st.lists(st.integers(0, 60), min_size=2, max_size=2)))
    first = add_duration(meta.closes_at, Duration(shorter, unit), meta.zone)
    second = add_duration(meta.closes_at, Duration(longer, unit), meta.zone)
    assert meta.closes_at <= first <= second
    if shorter == 0:
        assert first == meta.closes_at


@settings(max_examples=60, deadline=None)
@given(metadata(), st.data())
def test_every_class_is_due_no_sooner_than_the_close_and_linking_ones_by_anonymising(meta, data):
    table = data.draw(retentions(meta))
    consultation = evolve(load_spec_like(meta), retention=table)
    anonymised = anonymisation_due(consultation)
    for name in CLASSES:
        when = due(consultation, name)
        assert when is None or when >= meta.closes_at
        own = getattr(table, name)
        if own is not None and (anonymised is None or name not in LINKING):
            assert when == add_duration(meta.closes_at, own, meta.zone)
        if anonymised is not None and name in LINKING:
            assert when is not None
            assert when <= anonymised
    assert [e.data_class for e in schedule(consultation)] == list(CLASSES)


def load_spec_like(meta: Metadata):
    """A consultation with ``meta`` and the default retention."""
    return evolve(loads_spec(spec(""), source="c.toml"), metadata=meta)


def test_review_items_count_from_their_handling_if_that_is_later():
    consultation = loads_spec(spec('review_items = "1 month"'), source="c.toml")
    closes = consultation.metadata.closes_at  # the end of 31 January 2027
    assert due(consultation, "review_items") == _at(2027, 3, 1)
    assert review_item_due(consultation, closes - dt.timedelta(days=5)) == _at(2027, 3, 1)
    assert review_item_due(consultation, _at(2027, 4, 10, 15)) == _at(2027, 5, 10, 15)


def test_the_defaults_and_anonymising():
    consultation = loads_spec(
        spec('anonymise = true\nanonymise_after = "2 months"'), source="c.toml"
    )
    assert due(consultation, "contact_details") == _at(2027, 8, 1)
    assert due(consultation, "drafts") == _at(2027, 3, 3)
    assert anonymisation_due(consultation) == _at(2027, 4, 1)
    assert due(consultation, "raw_emails") == _at(2027, 4, 1)  # cut short by anonymising
    assert due(consultation, "free_text") is None
    assert not consultation.warnings  # defaults cut short say nothing
    with pytest.raises(ValueError, match="unknown class"):
        due(consultation, "emails")


# checks at load ------------------------------------------------------------------------------


def test_bad_durations_and_unknown_keys_are_problems_at_their_lines():
    found = problems(
        'drafts = "30 Days"\nhistroy = "1 month"\nraw_emails = 180\nanonymise_after = "never"'
    )
    assert found == [
        "c.toml:9: [retention]: 'drafts' is '30 Days'; write it '30 days'",
        "c.toml:10: [retention]: unknown key 'histroy'; did you mean 'history'?",
        "c.toml:11: [retention]: 'raw_emails' must be text such as '180 days' or '180 months', "
        "not the number 180: a number alone does not say whether it counts days or months",
        "c.toml:12: [retention]: 'anonymise_after' is 'never', which would never anonymise; "
        "write anonymise = false instead, or a duration such as '30 days'",
    ]


def test_raw_emails_may_not_outlive_the_contact_details():
    found = problems('contact_details = "3 months"\nraw_emails = "100 days"')
    assert len(found) == 2
    # review_items is not written: its default is too long, reported at contact_details
    assert found[0].startswith("c.toml:9: [retention]: review_items = '6 months' (the default)")
    assert found[1].startswith(
        "c.toml:10: [retention]: raw_emails = '100 days' keeps the raw emails longer than "
        "contact_details = '3 months', but a raw email holds its sender's address"
    )


def test_the_same_length_in_other_units_is_compared_by_date():
    """Three months from the end of 31 January is the end of 30 April: 89 days later."""
    assert loads_spec(
        spec('contact_details = "3 months"\nraw_emails = "89 days"\nreview_items = "0 days"'),
        source="c.toml",
    )
    assert problems('contact_details = "3 months"\nraw_emails = "90 days"\nreview_items = "0 days"')


def test_questionable_settings_are_warnings_at_their_lines():
    found = warnings('contact_details = "never"\nanonymise_after = "1 week"\nraw_emails = "1 year"')
    assert found[0].startswith("c.toml:9: [retention]: contact_details = 'never' keeps")
    assert found[1].startswith("c.toml:10: [retention]: anonymise_after has no effect")
    cut = warnings('anonymise = true\nanonymise_after = "1 month"\nhistory = "1 year"')
    assert cut == [
        "c.toml:11: [retention]: history = '1 year' is cut short: anonymising, 1 month "
        "after the close, removes the history too, which would otherwise link answers to people "
        "again; write history = '1 month' or less to say so"
    ]


def test_a_table_that_is_not_a_table():
    assert loads_spec(spec(""), source="c.toml").retention == Retention()
    with pytest.raises(SpecError) as info:
        loads_spec(f'retention = "6 months"\n{HEAD}{TAIL}', source="c.toml")
    assert [p.code for p in info.value.problems] == ["wrong_type"]
    assert str(info.value.problems[0]) == (
        "c.toml:1: [retention] must be a table, not the string '6 months'"
    )


# show ----------------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(list(args))
    return status, out.getvalue()


def test_show_prints_the_schedule(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text(spec('contact_details = "1 year"\nanonymise = true'), encoding="utf-8")
    status, out = run("show", str(path))
    assert status == 0
    schedule_text = out.split("== Retention after closing (Europe/London) ==")[1]
    assert "contact_details: removed 1 year after closing, after the end of 31 January 2028" in (
        schedule_text
    )
    assert "raw_emails: removed on anonymising, after the end of 2 March 2027" in schedule_text
    assert "free_text: kept with the response" in schedule_text
    assert "anonymise: 30 days after closing, after the end of 2 March 2027" in schedule_text


def test_show_json_gives_each_class_its_duration_and_due_instant(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text(spec('drafts = "0 days"\nfree_text = "1 year"'), encoding="utf-8")
    status, out = run("show", str(path), "--json")
    assert status == 0
    data = json.loads(out)["retention"]
    classes = {c["class"]: c for c in data["classes"]}
    assert list(classes) == list(CLASSES)
    assert classes["drafts"] == {
        "class": "drafts",
        "kept": "0 days",
        "due": "2027-02-01T00:00:00+00:00",
        "cut_short_by_anonymising": False,
        "description": "answers saved but not submitted (drafts)",
    }
    assert classes["free_text"]["due"] == "2028-02-01T00:00:00+00:00"
    assert classes["sensitive_answers"]["due"] is None
    assert (data["anonymise"], data["anonymise_at"]) == (False, None)


def test_taking_stock_has_its_retention_table():
    consultation = load_spec("taking-stock")
    assert consultation.retention.raw_emails == Duration(3, "month")
    assert due(consultation, "contact_details") == _at(2015, 9, 14)
    assert not consultation.warnings
    assert consultation.retention != Retention()
