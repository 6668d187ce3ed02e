"""The portable count equals a plain one, and consents read off the counts equal the store's.

:func:`surveykit.tally.tally_rows` is written for speed (a Counter per group, lookups cached,
one C-level count per response); here it is checked on generated responses against a count
written for clarity, one question at a time.  The responses mix options, several answers,
rankings, numbers, free text, blanks, lists where one answer was expected, conditions of every
form, answers that override the respondent's role, blank and differently written authorities,
and a time zone whose weeks start a quarter of an hour into a UTC hour.  (No booleans: both
count an answer of ``true`` together with an answer of ``1`` to the same question, since they
are equal in Python; cleaned answers never give an option question either.)

The public report names an authority only if every response from it consents; it now reads
those consents off the counts of the consent question rather than reading the responses again
(:meth:`surveykit_reports.context.Context.naming_units`), and must decide exactly as the
store's own :meth:`~surveykit.storage.Store.authority_consents` does.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from surveykit.conditions import (
    All,
    Answered,
    Any_,
    Compare,
    Contains,
    Count,
    Equals,
    Not,
    OneOf,
    TextEquals,
    compile_condition,
    references,
    walk,
)
from surveykit.storage import open_store
from surveykit.tally import (
    ALL,
    ANSWERED,
    RESPONDENTS,
    SHOWN,
    WEEK,
    ReportRow,
    TallyPlan,
    rank_key,
    tally_rows,
    week_of,
)
from surveykit_reports.build import DEFAULT_THRESHOLD
from surveykit_reports.context import Context

sys.path.insert(0, str(Path(__file__).parent))
from reportdata import SPEC, populate

OPTIONS = ("yes", "no", "maybe")
ROLES = ("leader", "chief_executive", "other")
PLAN = TallyPlan(
    consultation="c1",
    counted=("role", "single", "multi", "rank", "number", "text", "later", "consent"),
    options=frozenset({"role", "single", "multi", "consent"}),
    multiple=frozenset({"multi"}),
    conditions=(
        ("later", All((Equals("single", "yes"), Not(Answered("text"))))),
        ("multi", OneOf("role", ("leader", "other"))),
        ("number", Any_((Contains("multi", "no"), Answered("later")))),
        ("rank", Count("multi", ">=", 2)),
        ("text", Compare("number", ">", 3)),
        ("consent", TextEquals("text", "Yes please")),
    ),
    timezone="Asia/Kathmandu",
    role_answer=("role", frozenset(ROLES)),
    rankings=frozenset({"rank"}),
    positions=(("rank", 2),),
    values=frozenset({"number"}),
)
START = dt.datetime(2015, 1, 18, 17, 0, tzinfo=dt.UTC)

answer = st.one_of(
    st.sampled_from(OPTIONS),
    st.sampled_from(ROLES),
    st.lists(st.sampled_from(OPTIONS), max_size=3),
    st.integers(0, 6),
    st.sampled_from(["", "   ", "Yes please", "yes please", "A long answer", None]),
)


@st.composite
def responses(draw: Any) -> list[ReportRow]:
    rows = []
    for n in range(draw(st.integers(0, 40))):
        minutes = draw(st.integers(0, 60 * 24 * 20))
        rows.append(
            ReportRow(
                respondent_id=f"r{n:03d}",
                answers=draw(
                    st.dictionaries(st.sampled_from([*PLAN.counted, "unknown"]), answer, max_size=9)
                ),
                role=draw(st.sampled_from(ROLES)),
                authority_type=draw(st.sampled_from(["county", "district"])),
                authority=draw(st.sampled_from(["Kent", " kent ", "KENT", "Essex", "", "  "])),
                origin="roster",
                channel="web",
                received_at=START + dt.timedelta(minutes=minutes, seconds=draw(st.integers(0, 59))),
                name=f"Person {n}",
            )
        )
    return rows


def plainly_counted(plan: TallyPlan, rows: list[ReportRow]) -> Counter:
    """Every count, one response and one question at a time."""
    counts: Counter = Counter()
    zone = ZoneInfo(plan.timezone)
    positions = dict(plan.positions)
    by_value = {
        leaf.question
        for _, c in plan.conditions
        for leaf in walk(c)
        if hasattr(leaf, "question") and not isinstance(leaf, Answered)
    }
    read = {ref for _, c in plan.conditions for ref in references(c)}
    for row in rows:
        group = (*plan.group_of(row), row.unit)
        answers = row.answers
        counts[(ALL, ALL, *group)] += 1
        counts[(WEEK, week_of(row.received_at, zone), *group)] += 1
        for qid in plan.counted:
            value = answers.get(qid)
            if qid in plan.rankings:
                if isinstance(value, list) and value:
                    counts[(qid, str(value[0]), *group)] += 1
                    for n, item in enumerate(value[: positions[qid]], start=1):
                        counts[(rank_key(qid, n), str(item), *group)] += 1
            elif qid in plan.multiple:
                if isinstance(value, list):
                    counts[(qid, RESPONDENTS, *group)] += 1
                    for item in value:
                        counts[(qid, str(item), *group)] += 1
                elif value is not None:
                    counts[(qid, str(value), *group)] += 1
            elif qid in plan.options or qid in plan.values:
                if value is not None:
                    counts[(qid, value if isinstance(value, str) else str(value), *group)] += 1
            elif qid in answers:
                counts[(qid, ANSWERED, *group)] += 1
        # What conditions see: the answers they read (an answer of false to a question read
        # by its value counts as unanswered, as it always has).
        seen = {
            q: v for q, v in answers.items() if q in read and not (q in by_value and v is False)
        }
        for qid, condition in plan.conditions:
            if compile_condition(condition)(seen):
                counts[(qid, SHOWN, *group)] += 1
    return counts


@settings(max_examples=100, deadline=None)
@given(responses())
def test_the_portable_count_equals_a_plain_count(rows):
    got = Counter()
    for row in tally_rows(PLAN, rows):
        key = tuple(row[:5])
        assert key not in got, f"{key} counted twice"
        got[key] = row.n
    assert got == plainly_counted(PLAN, rows)


def test_a_report_row_never_shows_the_respondents_name():
    row = ReportRow("r1", {}, "leader", "county", "Kent", "roster", "web", START, "Ada Okafor")
    assert "Ada" not in repr(row)
    assert row.name == "Ada Okafor"
    assert row.unit == "kent"
    assert ReportRow("r2", {}, "leader", "county", " ", "roster", "web", START).unit == "id:r2"


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 60), st.integers(0, 10))
def test_consents_read_off_the_counts_equal_the_stores(seed, count, silent):
    """Which authorities may be named is decided the same from the counts as from the
    store's own list of (authority, consent) pairs over current responses."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/store.db?synchronous=normal")
        populate(store, seed=seed, count=count, silent=silent)
        context = Context(SPEC, store, DEFAULT_THRESHOLD)
        question = SPEC.publication.consent_question
        stored = set(store.authority_consents(SPEC.metadata.id, question))
        assert set(context._consents(question)) == stored
        permits = set(SPEC.publication.name_authority)
        refused = {unit for unit, value in stored if value not in permits}
        assert context.naming_units == {unit for unit, _ in stored} - refused
        store.close()
