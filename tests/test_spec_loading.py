"""Loading valid specs: dates and time zones, questions in order, sections, conditions, warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from surveykit import Consultation, SpecError, load_spec, loads_spec
from surveykit.conditions import Equals, render

VALID = Path(__file__).resolve().parent / "specs" / "valid"
LONDON = ZoneInfo("Europe/London")

_QUESTION = """
[[sections]]
id = "s"
title = "S"
[[sections.questions]]
id = "q1"
text = "T"
kind = "text"
"""


def _spec(consultation: str) -> Consultation:
    """A one-question spec whose [consultation] table ends with ``consultation``."""
    head = '[consultation]\nid = "c"\ntitle = "C"\npublisher = "P"\n'
    return loads_spec(head + consultation + "\n" + _QUESTION, source="dates.toml")


@pytest.fixture(scope="module")
def branching() -> Consultation:
    return load_spec(VALID / "branching.toml")


# dates and time zones --------------------------------------------------------------------------


def test_a_bare_closing_date_closes_at_the_end_of_that_day(branching):
    """closes = 2015-03-13 means answers are taken until midnight at the start of 14 March."""
    meta = branching.metadata
    assert meta.closes == dt.date(2015, 3, 13)
    assert meta.closes_at == dt.datetime(2015, 3, 14, tzinfo=LONDON)
    assert meta.is_open(dt.datetime(2015, 3, 13, 23, 59, 59, tzinfo=LONDON))
    assert not meta.is_open(dt.datetime(2015, 3, 14, tzinfo=LONDON))


def test_a_bare_opening_date_opens_at_the_start_of_that_day(branching):
    """opens = 2015-01-19 means answers are taken from midnight starting 19 January."""
    meta = branching.metadata
    assert meta.opens_at == dt.datetime(2015, 1, 19, tzinfo=LONDON)
    assert not meta.is_open(dt.datetime(2015, 1, 18, 23, 59, tzinfo=LONDON))
    assert meta.is_open(dt.datetime(2015, 1, 19, tzinfo=LONDON))


def test_times_are_aware_and_in_the_spec_time_zone(branching):
    """opens_at and closes_at are aware datetimes in the consultation's time zone."""
    meta = branching.metadata
    assert meta.timezone == "Europe/London"
    for when in (meta.opens_at, meta.closes_at):
        assert when is not None
        assert when.tzinfo == LONDON
        assert when.utcoffset() == dt.timedelta(0)  # GMT in winter


def test_summer_time_is_the_local_end_of_day():
    """In British Summer Time, the end of the closing day is 23:00 UTC."""
    meta = _spec('closes = 2015-06-30\ntimezone = "Europe/London"').metadata
    assert meta.closes_at.utcoffset() == dt.timedelta(hours=1)
    assert meta.closes_at.astimezone(dt.UTC) == dt.datetime(2015, 6, 30, 23, tzinfo=dt.UTC)


def test_without_a_time_zone_times_are_utc():
    """A spec without timezone is read in UTC, and without opens is open from the start."""
    meta = _spec("closes = 2015-03-13").metadata
    assert meta.timezone == "UTC"
    assert meta.opens_at is None
    assert meta.closes_at == dt.datetime(2015, 3, 14, tzinfo=ZoneInfo("UTC"))
    assert meta.is_open(dt.datetime(1990, 1, 1, tzinfo=dt.UTC))


def test_a_closing_time_closes_at_that_time():
    """A date and time closes at exactly that time, in the spec's time zone."""
    meta = load_spec(VALID / "closes_at_a_time.toml").metadata
    assert meta.closes_at == dt.datetime(2015, 3, 13, 17, tzinfo=LONDON)
    assert meta.opens_at == dt.datetime(2015, 1, 19, 9, tzinfo=LONDON)
    assert meta.is_open(dt.datetime(2015, 3, 13, 16, 59, 59, tzinfo=LONDON))
    assert not meta.is_open(dt.datetime(2015, 3, 13, 17, tzinfo=LONDON))


def test_a_closing_time_with_an_offset_keeps_its_offset():
    """A date-time with its own UTC offset means that instant, whatever the time zone."""
    meta = _spec('closes = 2015-03-13T17:00:00+01:00\ntimezone = "Europe/London"').metadata
    assert meta.closes_at == dt.datetime(2015, 3, 13, 16, tzinfo=dt.UTC)


def test_a_date_in_quotes_is_read_as_a_date():
    """closes = "2015-03-13" (a common slip) means the same as closes = 2015-03-13."""
    assert _spec('closes = "2015-03-13"').metadata.closes == dt.date(2015, 3, 13)


def test_opening_and_closing_on_the_same_day_is_allowed():
    """A one-day consultation opens at the start of the day and closes at its end."""
    meta = _spec("opens = 2015-03-13\ncloses = 2015-03-13").metadata
    assert meta.closes_at - meta.opens_at == dt.timedelta(days=1)


def test_closing_the_moment_it_opens_is_refused():
    """A consultation that would never be open does not load."""
    with pytest.raises(SpecError) as info:
        _spec("opens = 2015-03-13T09:00:00\ncloses = 2015-03-13T09:00:00")
    assert [p.code for p in info.value.problems] == ["closes_before_opens"]


# questions, sections and conditions ------------------------------------------------------------


def test_questions_keep_spec_order_across_sections(branching):
    """Questions come in the order written, sections in turn."""
    assert [q.id for q in branching.questions] == ["q1", "q2", "q3", "q4", "q5"]
    assert [s.id for s in branching.sections] == ["principles", "support"]
    assert [[q.id for q in s.questions] for s in branching.sections] == [
        ["q1", "q2"],
        ["q3", "q4", "q5"],
    ]


def test_each_question_knows_its_section(branching):
    """A question carries the id of the section it was written in."""
    assert {q.id: q.section for q in branching.questions} == {
        "q1": "principles",
        "q2": "principles",
        "q3": "support",
        "q4": "support",
        "q5": "support",
    }


def test_question_fields_are_read(branching):
    """Numbers, hints, options, required and max_length are read as written."""
    q1, q2, q3 = branching.questions[:3]
    assert (q1.number, q1.kind, q1.required, q1.max_length) == ("1", "single", True, None)
    assert [o.value for o in q1.options] == ["all", "some", "none"]
    assert q2.hint == "Tell us which principles, and why."
    assert (q2.required, q2.max_length, q2.options) == (False, 2000, ())
    assert q3.options[1].hint == "the data service"
    assert q1.title == "Question 1"


def test_conditions_are_parsed_once_at_loading(branching):
    """A question with shown_if has its parsed condition; one without has none."""
    by_id = branching.by_id
    assert by_id["q1"].condition is None
    assert render(by_id["q2"].condition) == 'q1 in ["some", "none"]'
    assert render(by_id["q4"].condition) == '"peer" in q3 and "none" not in q3'
    assert by_id["q2"].shown_if == 'q1 in ["some", "none"]'


def test_roles_and_authority_types_are_read(branching):
    """The respondent vocabularies keep their order."""
    assert [r.value for r in branching.roles] == ["leader", "chief_executive"]
    assert [(a.value, a.label) for a in branching.authority_types] == [
        ("district", "District council")
    ]


def test_the_source_and_multi_line_text_are_kept(branching):
    """The consultation remembers its file, and multi-line text keeps its words."""
    assert branching.source == str(VALID / "branching.toml")
    assert branching.sections[0].intro == "The principles were agreed with councils in 2011.\n"


def test_a_byte_order_mark_is_ignored():
    """A file saved by a Windows editor with a UTF-8 byte order mark loads as usual."""
    text = (VALID / "minimal.toml").read_text(encoding="utf-8")
    assert loads_spec("\ufeff" + text) == loads_spec(text)


def test_loading_the_same_spec_twice_gives_equal_consultations():
    """Loading is deterministic."""
    assert load_spec(VALID / "branching.toml") == load_spec(VALID / "branching.toml")


# warnings --------------------------------------------------------------------------------------


def test_a_clean_spec_has_no_warnings(branching):
    """Conditions that can hold give no warnings."""
    assert branching.warnings == ()
    assert load_spec(VALID / "minimal.toml").warnings == ()


def test_never_shown_questions_are_warned_about_with_their_lines():
    """A contradiction and each question in the chain behind it give one warning each."""
    consultation = load_spec(VALID / "never_shown.toml")
    warnings = consultation.warnings
    assert [(w.code, w.question, w.line) for w in warnings] == [
        ("never_shown", "q2", 23),
        ("never_shown", "q3", 29),
        ("never_shown", "q4", 35),
        ("never_shown", "q7", 53),
    ]
    assert "because q2 is never shown" in warnings[1].message
    assert warnings[0].path == "sections[0].questions[1].shown_if"


def test_a_question_reachable_another_way_is_not_warned_about():
    """Conditions that still hold without the never-shown question give no warning."""
    consultation = load_spec(VALID / "never_shown.toml")
    warned = {w.question for w in consultation.warnings}
    assert {"q5", "q6"}.isdisjoint(warned)  # `not "peer" in q2`, `answered(q4) or q1 == "no"`


def test_warnings_do_not_change_what_loads():
    """A spec with warnings still loads in full, its conditions included."""
    consultation = load_spec(VALID / "never_shown.toml")
    assert len(consultation.questions) == 7
    condition = consultation.by_id["q2"].condition
    assert condition is not None
    assert Equals("q1", "yes") in condition.operands
