"""Medians and quartiles of numbers and dates: the published range that holds each, and only
where that adds nothing to the published counts (docs/disclosure.md)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

import surveykit
from surveykit.storage import open_store
from surveykit_reports.build import build_report
from surveykit_reports.export.as_json import to_json
from surveykit_reports.model import Cell
from surveykit_reports.summaries import quartiles

sys.path.insert(0, str(Path(__file__).parent))
import population as pop
from attacker import ranges
from binrules import bins_of

SHARE = {"lower_quartile": 1, "median": 2, "upper_quartile": 3}
NUMBER = {"min": 0, "max": 20}
DATE = pop.DATE_SETTINGS[0]  # January 2013 to December 2015, by month
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")


def _spec(kind: str, settings: dict, k: int) -> surveykit.Consultation:
    questions = [
        {"id": "consent", "kind": "single", "options": list(pop.CONSENT)},
        {"id": "q1", "kind": kind, "options": [], "settings": settings},
    ]
    return surveykit.loads_spec(pop.spec_text(questions, 2, k))


def _people(spec: surveykit.Consultation, typed: list) -> list[pop.Person]:
    """One respondent per answer, each from an authority of their own, the answer as typed."""
    engine = surveykit.Engine(spec)
    return [
        pop.Person(
            f"p{i:04d}",
            "other",
            "type0" if i % 3 else "type1",
            f"Council {i}",
            answers=engine.clean({"q1": raw, "consent": "no_quote"}),
        )
        for i, raw in enumerate(typed)
    ]


def _report(spec, people, k: int, *, internal: bool = False) -> dict:
    with open_store("memory://") as store:
        pop.load(store, spec, people)
        return to_json(build_report(spec, store, threshold=k, internal=internal))


def _summary(report: dict) -> dict[str, str | None]:
    (summary,) = [s for s in report.get("summaries", ()) if s["aggregator"] == "quartiles"]
    return {v["row"]: v["value"] for v in summary["values"] if v["column"] == "row"}


def _counts(report: dict) -> dict[str, int | None]:
    (table,) = [t for t in report["tables"] if t["id"] == "q1"]
    return {c["row"]: c["count"] for c in table["cells"] if c["column"] == "_all"}


# People type numbers with spaces and thousands separators, and dates in many forms.
numbers = st.integers(0, 20).flatmap(
    lambda n: st.sampled_from((n, str(n), f" {n} ", f"{n}.0" if n < 10 else str(n)))
)
skewed = st.one_of(numbers, st.integers(0, 3))
months = st.tuples(st.integers(2013, 2015), st.integers(1, 8)).flatmap(
    lambda ym: st.sampled_from(
        (
            f"{ym[0]}-{ym[1]:02d}",
            f"{MONTHS[ym[1] - 1]} {ym[0]}",
            {"month": str(ym[1]), "year": str(ym[0])},
        )
    )
)


def _checked(kind: str, settings_: dict, typed: list, k: int) -> None:
    spec = _spec(kind, settings_, k)
    people = _people(spec, typed)
    answers = sorted(p.answers["q1"] for p in people if "q1" in p.answers)
    report = _report(spec, people, k)
    if not report.get("tables"):
        return  # too few responses to publish anything
    counts = _counts(report)
    published = _summary(report)
    bins = bins_of(spec.by_id["q1"], "number" if kind == "number" else "month")
    shown = [row for row in counts if not row.startswith("_")]
    every_range = all(counts[row] is not None for row in shown)
    large = len(answers) >= 2 * k
    if every_range and large:
        assert None not in published.values(), (counts, published)
    for row, value in published.items():
        if value is None:
            assert not every_range or not large
            continue
        assert every_range
        assert large
        # The range holds the ceil(j n / 4)-th smallest answer, as the docs define it.
        middle = answers[math.ceil(SHARE[row] * len(answers) / 4) - 1]
        first, _, last = value.partition("~")
        assert bins.of(middle) in bins.between(first, last or first), (row, value, middle)


@settings(max_examples=60, deadline=None)
@given(typed=st.lists(skewed, min_size=1, max_size=120), k=st.integers(3, 10))
def test_the_published_range_holds_the_true_quartile_of_a_number(typed, k):
    _checked("number", NUMBER, typed, k)


@settings(max_examples=40, deadline=None)
@given(typed=st.lists(months, min_size=1, max_size=120), k=st.integers(3, 10))
def test_the_published_range_holds_the_true_quartile_of_a_date(typed, k):
    _checked("date", DATE, typed, k)


def test_too_few_answers_give_no_quartiles_in_public_but_do_internally():
    spec = _spec("number", NUMBER, 5)
    people = _people(spec, [1, 2, 2, 3, 3, 3, 4, 5, 6])  # 9 answers: fewer than 2k = 10
    assert set(_summary(_report(spec, people, 5)).values()) == {None}
    internal = _summary(_report(spec, people, 5, internal=True))
    assert internal == {"lower_quartile": "2..4", "median": "2..4", "upper_quartile": "4..6"}


def test_a_hidden_range_hides_every_quartile():
    """Where any range's count is not published, which range holds a quartile could narrow
    it, so none is shown."""
    spec = _spec("number", NUMBER, 3)
    typed = [0] * 12 + [3] * 10 + [5] * 8 + [9] * 6
    with open_store("memory://") as store:
        pop.load(store, spec, _people(spec, typed))
        report = build_report(spec, store, threshold=3)
    (table,) = [t for t in report.tables if t.id == "q1"]
    (before,) = quartiles([table], 3, {"q1"}, internal=True)
    assert before.value("median", "row") == "2..4"
    hidden = evolve(table, cells=((Cell(None, "secondary"),), *table.cells[1:]))
    (after,) = quartiles([hidden], 3, {"q1"}, internal=True)
    assert {v for line in after.values for v in line} == {None}


ROUTED = surveykit.loads_spec(
    pop.spec_text(
        [
            {"id": "consent", "kind": "single", "options": list(pop.CONSENT)},
            {"id": "q1", "kind": "number", "options": [], "settings": NUMBER},
            {"id": "q2", "kind": "single", "options": ["yes", "no"], "shown_if": "q1 > 4"},
            {"id": "q3", "kind": "date", "options": [], "settings": DATE},
        ],
        3,
    )
)


@settings(max_examples=12, deadline=None)
@given(pop.release_sequences(spec=ROUTED, max_steps=2))
def test_public_quartiles_tell_the_attacker_nothing_the_counts_do_not(sequence):
    """Public releases publish the range holding each quartile where every range's count is
    published; the attacker, reading them on top of every count, narrows no suppressed figure
    further than without them (docs/disclosure.md)."""
    published, _, _ = pop.publish_releases(sequence)
    with_them = ranges(published, spec=sequence.spec)
    without = ranges(published, spec=sequence.spec, ignore=["summaries"])
    assert with_them == without


def test_public_reports_publish_quartiles_where_every_range_is_published():
    spec = _spec("number", NUMBER, 3)
    typed = [0] * 12 + [3] * 10 + [5] * 8 + [9] * 6
    public = _report(spec, _people(spec, typed), 3)
    assert _summary(public) == {
        "lower_quartile": "0..2",
        "median": "2..4",
        "upper_quartile": "4..6",
    }


def test_an_attacker_whose_guess_of_growth_is_contradicted_drops_it():
    """The release sequence that once made the attacker's program infeasible (read as a flaw of
    the quartiles, it was the attacker's guess that only responses were added, contradicted by
    respondents who changed their answers): the attacker now drops the guess and reads the
    quartiles as adding nothing."""
    published = json.loads(
        (Path(__file__).parent / "data" / "growth_contradicted.json").read_text()
    )
    with_them = ranges(published, spec=ROUTED)
    without = ranges(published, spec=ROUTED, ignore=["summaries"])
    assert with_them == without
