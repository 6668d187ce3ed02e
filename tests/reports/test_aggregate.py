"""Aggregators over real stores (memory, SQLite file, PostgreSQL server) against a recount.

The stores are filled with Taking Stock responses made by the real engine, some respondents
answering two or three times; :func:`reportdata.truth` recounts each respondent's latest version
by brute force.  An internal report must equal that recount exactly; a public one must agree
wherever it publishes a figure.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import attrs
import pytest

from surveykit import hookimpl
from surveykit.storage import open_store
from surveykit_reports.build import DEFAULT_THRESHOLD, ReportError, build_report
from surveykit_reports.disclosure import Count, RawTable
from surveykit_reports.model import COMBINED, NOT_ANSWERED, NOT_SHOWN, OUTSIDE_WINDOW, Heading

sys.path.insert(0, str(Path(__file__).parent))
import itertools

from auditor import disclosed
from reportdata import SPEC, populate, truth


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


@pytest.fixture
def filled(store):
    populate(store, seed=7, count=120, silent=15)
    return store


def _by(table):
    """A table's inner cells keyed by (row value, column value)."""
    return {
        (row.value, col.value): cell.count
        for row, line in zip(table.rows, table.cells, strict=True)
        for col, cell in zip(table.columns, line, strict=True)
    }


def test_internal_counts_equal_a_recount_of_the_latest_versions(filled):
    """Every count, cross-tab and blank is what a brute-force recount of responses gives."""
    report = build_report(SPEC, filled, internal=True)
    expected = truth(filled)
    assert report.responses.count == 120
    checked = 0
    for table in (t for t in report.tables if t.aggregator in ("counts", "crosstab")):
        counter = expected[table.question]
        for (row, column), count in _by(table).items():
            if table.aggregator == "counts":
                key = (row, None, None)
            elif table.id.endswith("-by-role"):
                key = (row, column, None)
            else:
                key = (row, None, column)
            assert count == counter[key], (table.id, row, column)
            checked += 1
        assert table.grand_total.count == 120
    assert checked > 500


def test_not_answered_and_not_shown_are_kept_apart(filled):
    """Question 2 is shown only after some answers to question 1; its blanks say which."""
    report = build_report(SPEC, filled, internal=True)
    q1 = next(t for t in report.tables if t.id == "q1")
    q2 = next(t for t in report.tables if t.id == "q2")
    shown = q1.cell("some_changes", "_all").count + q1.cell("none_relevant", "_all").count
    assert q2.cell(NOT_SHOWN, "_all").count == 120 - shown
    assert q2.cell("_answered", "_all").count + q2.cell(NOT_ANSWERED, "_all").count == shown
    assert NOT_SHOWN not in {h.value for h in q1.rows}


def test_public_tables_agree_with_internal_ones_and_pass_the_auditor(filled):
    """Where a public report shows a figure it is the true one, and nothing hidden leaks."""
    public = build_report(SPEC, filled)
    internal = build_report(SPEC, filled, internal=True)
    assert public.threshold == 5
    assert not public.internal
    hidden = 0
    truth = {t.id: _by(t) for t in internal.all_tables()}
    for shown in public.all_tables():
        for (row, column), count in _by(shown).items():
            if column != COMBINED:
                assert count in (None, truth[shown.id][(row, column)]), (shown.id, row, column)
            hidden += count is None
        assert disclosed(shown) == [], shown.id
    assert hidden > 0  # nine places share the authorities: plenty of small cells


def test_coverage_counts_authorities_and_roster_people(filled):
    """Coverage is against the roster: self-service respondents are not in it."""
    report = build_report(SPEC, filled, internal=True)
    roster = [r for r in filled.respondents(SPEC.metadata.id) if r.origin == "roster"]
    people = next(t for t in report.coverage if t.id == "coverage-roles")
    assert people.grand_total.count == len(roster)
    responded = sum(1 for r in roster if filled.response(r.id) is not None)
    assert people.column_totals[0].count == responded
    authorities = next(t for t in report.coverage if t.id == "coverage-authorities")
    assert authorities.grand_total.count == len({r.authority.lower() for r in roster})
    assert authorities.unit == "authorities"


def test_the_timeline_counts_whole_weeks(filled):
    """Responses over time are counted by the Monday of their week, never finer."""
    report = build_report(SPEC, filled, internal=True)
    timeline = report.timeline
    *weeks, outside = timeline.rows
    assert (outside.value, timeline.cells[-1][0].count) == (OUTSIDE_WINDOW, 0)  # all in time
    mondays = [dt.date.fromisoformat(h.value) for h in weeks]
    assert all(day.weekday() == 0 for day in mondays)
    assert all(b - a == dt.timedelta(days=7) for a, b in itertools.pairwise(mondays))
    assert timeline.grand_total.count == 120


def test_a_public_report_holds_no_identity(filled):
    """No email, respondent name, token hash or respondent id appears anywhere in it."""
    report = build_report(SPEC, filled)
    text = repr(attrs.asdict(report)).lower()
    for who in filled.respondents(SPEC.metadata.id):
        assert who.email.lower() not in text
        assert who.name.lower() not in text
        assert who.id not in text
        assert f"hash-{who.id}" not in text
    assert report.identities == ()


def test_quotes_come_only_from_consenting_respondents(store):
    """Words written by someone who said "do not quote" never appear in the public report."""
    everyone = populate(store, seed=3, count=40, texts=["We back peer review."])
    refusing = [p for p in everyone[:40] if store.response(p.id).answers["consent"] == "no_quote"]
    assert refusing
    import random

    from reportdata import answers_for

    rng = random.Random(1)
    for who in refusing:
        answers = answers_for(rng, SPEC, who, ["purple elephants dance"])
        answers["consent"] = "no_quote"
        answers["q3"] = "purple elephants dance"
        from surveykit.storage import NewSubmission

        when = dt.datetime(2015, 3, 2, 10, tzinfo=dt.UTC)
        store.append_submission(NewSubmission(SPEC.metadata.id, who.id, answers, "web", when, when))
    report = build_report(SPEC, store)
    quotes = [q.text for d in report.digests for q in d.quotes]
    assert quotes
    assert not any("purple" in q for q in quotes)
    q3 = next(d for d in report.digests if d.question == "q3")
    assert q3.withheld_count is None or q3.withheld_count >= report.threshold
    assert "authority" not in {d.question for d in report.digests}  # A3 is identity


def test_authorities_are_named_only_with_consent(filled):
    """An attribution names an authority every one of whose responses consented to naming."""
    report = build_report(SPEC, filled)
    consents: dict[str, set[str]] = {}
    for who in filled.respondents(SPEC.metadata.id):
        latest = filled.response(who.id)
        if latest is not None:
            consents.setdefault(who.authority, set()).add(latest.answers["consent"])
    named = {q.attribution for d in report.digests for q in d.quotes if q.attribution}
    for authority in named:
        assert consents[authority] == {"quote_named"}


def test_internal_reports_are_marked_and_name_people(filled):
    """internal=True reports say so first, and carry identities."""
    report = build_report(SPEC, filled, internal=True)
    assert report.internal
    assert report.notes[0].startswith("INTERNAL")
    assert len(report.identities) == 120


def test_a_threshold_below_one_is_refused(store):
    """k must be at least 1: one clear error, no report."""
    with pytest.raises(ReportError, match="at least 1"):
        build_report(SPEC, store, threshold=0)


def test_the_spec_sets_the_default_threshold(store):
    """Without a threshold argument the spec's [publication] threshold is used."""
    assert build_report(SPEC, store).threshold == SPEC.publication.threshold == 5
    assert DEFAULT_THRESHOLD == 5


class Small:
    """A third-party aggregator that tries to publish a tiny figure."""

    name = "small"
    description = "one tiny table"

    def aggregate(self, context):
        counts = ((Count(1, 1), Count(9, 9)), (Count(8, 8), Count(7, 7)))
        yield RawTable(
            id="small",
            title="Small",
            aggregator=self.name,
            row_label="Row",
            column_label="Column",
            rows=(Heading("a", "A"), Heading("b", "B")),
            columns=(Heading("x", "X"), Heading("y", "Y")),
            cells=counts,
            row_totals=(Count(10, 10), Count(15, 15)),
            column_totals=(Count(9, 9), Count(16, 16)),
            grand_total=Count(25, 25),
        )


def test_hook_register_aggregators(surveykit_plugins, store):
    """A plugin's aggregator joins the built-ins, and its tables pass disclosure control too."""

    @hookimpl
    def surveykit_register_aggregators(register):
        register(Small())

    import types

    module = types.ModuleType("small_plugin")
    module.surveykit_register_aggregators = surveykit_register_aggregators
    surveykit_plugins.register(module)
    registry = surveykit_plugins.aggregators
    assert {"counts", "crosstab", "coverage", "free_text", "timeline", "small"} <= set(registry)
    assert registry.owners["counts"] == "reports"
    report = build_report(SPEC, store, plugins=surveykit_plugins)
    small = next(t for t in report.tables if t.id == "small")
    assert small.cells[0][0].count is None
    assert small.cells[0][0].suppressed == "primary"
    assert disclosed(small) == []


def test_a_week_with_few_responses_is_suppressed():
    """One response alone in its week is hidden, and the timeline still cannot be solved."""
    import random

    from reportdata import START, answers_for

    from surveykit.identity import Respondent
    from surveykit.storage import Grant, NewSubmission

    rng = random.Random(5)
    with open_store("memory://") as store:
        people = [
            Respondent(
                consultation=SPEC.metadata.id,
                authority=f"Place {n} Council",
                authority_type="district",
                role="leader",
            )
            for n in range(13)
        ]
        store.grant([Grant(p, f"hash-{n}", START) for n, p in enumerate(people)])
        for n, who in enumerate(people):
            when = START + dt.timedelta(days=0 if n < 6 else 7 if n < 12 else 21)
            answers = answers_for(rng, SPEC, who, ["Fine."])
            store.append_submission(
                NewSubmission(SPEC.metadata.id, who.id, answers, "web", when, when)
            )
        timeline = build_report(SPEC, store).timeline
    cells = [line[0] for line in timeline.cells]
    assert cells[3].suppressed == "primary"
    assert cells[0].count is None or cells[1].count is None
    assert timeline.grand_total.count == 13
    assert disclosed(timeline) == []


def test_a_digest_quotes_only_where_its_quoting_table_is_published(filled):
    """Listing quotes publishes how many may be quoted, so quotes appear only where that
    figure is published, and the withheld figure is the one the quoting table publishes."""
    report = build_report(SPEC, filled)
    tables = {t.id: t for t in report.tables}
    for digest in report.digests:
        quoting = tables[f"{digest.question}-quoting"]
        may, may_not = (line[0] for line in quoting.cells)
        if may.count is None:
            assert digest.quotes == ()
            assert digest.withheld_count is None
        else:
            assert len(digest.quotes) == min(may.count, 200)
            assert digest.withheld_count == may_not.count


def test_a_public_report_reads_the_responses_once_for_counts_and_quotes(sqlite_factory):
    """On a store that counts in Python (SQLite), counting and choosing quotes share one pass,
    and the quotes and counts are those tally() and texts() give when asked apart."""
    from surveykit_reports.context import Context

    with sqlite_factory() as store:
        populate(store, seed=7, count=120, silent=15)
        passes = []
        streamed = store.iter_report_rows

        def counted(consultation, **options):
            passes.append(options.get("answer_in"))
            return streamed(consultation, **options)

        store.iter_report_rows = counted
        build_report(SPEC, store)
        assert passes == [None]  # one pass over every current response, no second one
        together = Context(SPEC, store, DEFAULT_THRESHOLD, wants_quotes=True)
        apart = Context(SPEC, store, DEFAULT_THRESHOLD, wants_quotes=False)
        assert together.quotable_texts()
        assert together.quotable_texts() == apart.quotable_texts()
        assert together.counts.cells == apart.counts.cells


def test_the_attacker_finds_nothing_in_taking_stock_release_after_release(sqlite_factory):
    """The reference deployment at a realistic size, published twice around a one-response
    increment: the independent attacker, holding both releases, finds no disclosure."""
    import random

    import population as pop
    from attacker import audit
    from reportdata import START, answers_for

    from surveykit.storage import NewSubmission
    from surveykit_reports.export.as_json import to_json
    from surveykit_reports.releases import publish_report

    with sqlite_factory() as store:
        everyone = populate(store, seed=11, count=150, silent=10)
        published, truths = [], []
        for step in range(2):
            if step:  # one more respondent answers
                late = everyone[-1]
                answers = answers_for(random.Random(3), SPEC, late, ["Fine."])
                when = START + dt.timedelta(days=10)  # a week already counted
                store.append_submission(
                    NewSubmission(SPEC.metadata.id, late.id, answers, "web", when, when)
                )
            data = to_json(
                publish_report(SPEC, store, published_at=START + dt.timedelta(61 + step))
            )
            people = []
            for who in everyone:
                history = store.history(who.id)
                people.append(
                    pop.Person.of(
                        who,
                        answers=history[-1].answers if history else None,
                        received=history[-1].received_at if history else START,
                        version=len(history) - 1 if history else 0,
                    )
                )
            published.append(data)
            truths.append(pop.tabulate(SPEC, people, combined=pop.combinations_in(data)))
    assert [d["release"] for d in published] == [1, 2]
    assert audit(published, truths, 5, spec=SPEC) == []
